"""window_max, the fused max over sliding windows, equals the composition it replaces: sliding_window then a max
over the window axes (ties share the gradient), in values, gradients and gradients of gradients."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core.ops.pool import window_max


def composed(x, window, stride, dilation):
    win = ag.sliding_window(x, window, stride, dilation)
    k = len(window)
    return win.max(axis=tuple(range(win.ndim - k, win.ndim)))


def both(a, window, stride, dilation, g=None):
    """(output, gradient of x) of window_max and of the composition, for the upstream gradient g."""
    results = []
    for f in (window_max, composed):
        x = ag.tensor(a, requires_grad=True)
        y = f(x, window, stride, dilation)
        y.backward(np.ones(y.shape) if g is None else g)
        results.append((y.numpy(), x.grad.numpy()))
    return results


@st.composite
def geometries(draw):
    k = draw(st.integers(1, 3))
    window = tuple(draw(st.integers(1, 3)) for _ in range(k))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(k))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(k))
    sizes = tuple(d * (f - 1) + 1 + draw(st.integers(0, 4)) for f, d in zip(window, dilation))
    lead = tuple(draw(st.lists(st.integers(0, 3), max_size=2)))
    return lead + sizes, window, stride, dilation


@settings(max_examples=120, deadline=None)
@given(geometries(), st.integers(0, 2**31 - 1), st.booleans())
def test_equals_the_composition_on_random_geometries_ties_included(geometry, seed, ties):
    shape, window, stride, dilation = geometry
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape)
    if ties:
        a = np.round(a)  # many windows with several maxima: the gradient is shared among them
    out_shape = composed(ag.tensor(a), window, stride, dilation).shape
    g = rng.standard_normal(out_shape)
    (y1, g1), (y2, g2) = both(a, window, stride, dilation, g)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("geometry", [((2, 6, 7), (2, 2), (2, 2), (1, 1)), ((1, 2, 7, 6), (3, 2), (1, 2), (2, 1)),
                                      ((3, 9), (3,), (2,), (1,)), ((1, 5, 4, 6), (2, 2, 3), (1, 2, 1), (1, 1, 2))])  # fmt: skip
def test_gradcheck_and_gradgradcheck(geometry):
    shape, window, stride, dilation = geometry
    a = np.random.default_rng(0).permutation(np.prod(shape)).reshape(shape) / 7.0  # no ties: differentiable
    x = ag.tensor(a, requires_grad=True)
    f = lambda t: window_max(t, window, stride, dilation) ** 2  # noqa: E731 (squared: a non-zero second derivative)
    assert ag.gradcheck(f, [x])
    assert ag.gradgradcheck(f, [x])


def test_second_order_through_create_graph_equals_the_composition():
    a = np.round(np.random.default_rng(3).standard_normal((2, 3, 6, 6)))  # ties
    v = np.random.default_rng(4).standard_normal((2, 3, 6, 6))
    found = []
    for f in (window_max, composed):
        x = ag.tensor(a, requires_grad=True)
        (gx,) = ag.grad((f(x, (3, 3), (1, 1), (1, 1)) ** 3).sum(), x, create_graph=True)
        (ggx,) = ag.grad((gx * ag.tensor(v)).sum(), x)
        found.append((gx.numpy(), ggx.numpy()))
    np.testing.assert_allclose(found[0][0], found[1][0], rtol=1e-12)
    np.testing.assert_allclose(found[0][1], found[1][1], rtol=1e-12)


def test_the_gradient_of_a_nan_maximum_goes_to_the_nan():
    a = np.array([[1.0, np.nan, 3.0, 2.0]])
    x = ag.tensor(a, requires_grad=True)
    y = window_max(x, (2,), (2,))
    y.backward(np.ones(y.shape))
    assert np.isnan(y.numpy()[0, 0]) and y.numpy()[0, 1] == 3
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 1, 0]])


def test_empty_batch_and_dtypes():
    y = window_max(ag.zeros((0, 3, 4, 4)), (2, 2), (2, 2))
    assert y.shape == (0, 3, 2, 2)
    x = ag.tensor(np.arange(16, dtype=np.float32).reshape(4, 4), requires_grad=True)
    y = window_max(x, (2, 2), (2, 2))
    y.sum().backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32
    np.testing.assert_array_equal(y.numpy(), [[5, 7], [13, 15]])


def test_bad_windows_are_named():
    with pytest.raises(ValueError, match="window"):
        window_max(ag.zeros((4, 4)), (5, 5))
    with pytest.raises(ValueError, match="window"):
        window_max(ag.zeros((4, 4)), (1, 1, 1))
    with pytest.raises(ValueError, match="stride"):
        window_max(ag.zeros((4, 4)), (2, 2), 0)
