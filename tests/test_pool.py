"""Pooling: a NumPy loop reference, gradcheck over a grid, shapes, bad input, PyTorch, layers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F


def t64(a, grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def reference_pool2d(x, kind, kernel, stride, padding, dilation=(1, 1), count_include_pad=True):
    """One window at a time, floor mode: max over real elements; sum; mean over the padded window (or not)."""
    (kh, kw), (sh, sw), (ph, pw), (dh, dw) = kernel, stride, padding, dilation
    n, c, h, w = x.shape
    fill = -np.inf if kind == "max" else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=fill)
    real = np.pad(np.ones((h, w)), ((ph, ph), (pw, pw)))
    oh, ow = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1, (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    y = np.zeros((n, c, oh, ow))
    for r in range(oh):
        for q in range(ow):
            rows = slice(r * sh, r * sh + dh * (kh - 1) + 1, dh)
            cols = slice(q * sw, q * sw + dw * (kw - 1) + 1, dw)
            win = xp[:, :, rows, cols]
            if kind == "max":
                y[:, :, r, q] = win.max(axis=(2, 3))
            elif kind == "sum":
                y[:, :, r, q] = win.sum(axis=(2, 3))
            else:
                count = kh * kw if count_include_pad else real[rows, cols].sum()
                y[:, :, r, q] = win.sum(axis=(2, 3)) / count
    return y


# (shape, kernel, stride, padding, dilation): odd sizes, overlapping and non-overlapping windows
GRID = [
    ((2, 2, 4, 6), 2, None, 0, 1),
    ((1, 2, 5, 5), 3, 1, 1, 1),
    ((2, 1, 7, 6), (3, 2), (2, 1), (1, 1), 1),
    ((1, 2, 5, 7), 3, 2, 0, 1),
    ((1, 1, 7, 7), 2, 1, 1, (2, 1)),
    ((1, 1, 3, 3), 3, None, 1, 1),
]


def make(shape, seed=0):
    # a permutation: no ties, so max pooling is differentiable everywhere
    rng = np.random.default_rng(seed)
    return rng.permutation(math.prod(shape)).reshape(shape) / 7.0 - 1.0


@pytest.mark.parametrize("shape,kernel,stride,padding,dilation", GRID)
@pytest.mark.parametrize("kind", ["max", "avg", "sum"])
def test_pool2d_matches_loop_reference(kind, shape, kernel, stride, padding, dilation):
    if kind != "max" and dilation != 1:
        pytest.skip("only max pooling has dilation (as in PyTorch)")
    x = make(shape)
    if kind == "max":
        y = F.max_pool2d(t64(x), kernel, stride, padding, dilation)
    elif kind == "avg":
        y = F.avg_pool2d(t64(x), kernel, stride, padding)
    else:
        y = F.sum_pool2d(t64(x), kernel, stride, padding)
    ref = reference_pool2d(
        x, kind, pair(kernel), pair(kernel if stride is None else stride), pair(padding), pair(dilation)
    )
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-12)


@pytest.mark.parametrize("shape,kernel,stride,padding,dilation", GRID)
def test_pool2d_gradcheck(shape, kernel, stride, padding, dilation):
    x = make(shape, seed=1)
    assert ag.gradcheck(lambda x: F.max_pool2d(x, kernel, stride, padding, dilation), [t64(x)])
    if dilation == 1:
        assert ag.gradcheck(lambda x: F.avg_pool2d(x, kernel, stride, padding), [t64(x)])
        assert ag.gradcheck(lambda x: F.avg_pool2d(x, kernel, stride, padding, count_include_pad=False), [t64(x)])
        assert ag.gradcheck(lambda x: F.sum_pool2d(x, kernel, stride, padding), [t64(x)])


def test_avg_pool_count_include_pad_false_divides_by_real_elements():
    x = make((1, 1, 5, 4))
    y = F.avg_pool2d(t64(x), 3, 2, 1, count_include_pad=False)
    np.testing.assert_allclose(y.numpy(), reference_pool2d(x, "avg", (3, 3), (2, 2), (1, 1), count_include_pad=False))
    corner = x[0, 0, :2, :2].mean()  # the top-left window holds 4 real elements and 5 of padding
    assert y.numpy()[0, 0, 0, 0] == pytest.approx(corner)


@pytest.mark.parametrize("kind", ["max", "avg", "sum"])
def test_ceil_mode_keeps_the_last_partial_window(kind):
    x = make((1, 2, 5, 5), seed=2)
    pool = {"max": F.max_pool2d, "avg": F.avg_pool2d, "sum": F.sum_pool2d}[kind]
    y = pool(t64(x), 2, ceil_mode=True)
    assert y.shape == (1, 2, 3, 3) and pool(t64(x), 2).shape == (1, 2, 2, 2)
    last = {"max": np.max, "avg": np.mean, "sum": np.sum}[kind](x[0, 0, 4, 4:])
    assert y.numpy()[0, 0, 2, 2] == pytest.approx(last)  # a 1x1 window: avg divides by 1 like PyTorch
    assert ag.gradcheck(lambda x: pool(x, 2, ceil_mode=True), [t64(x)])


def test_divisor_override():
    x = make((1, 1, 4, 4))
    np.testing.assert_allclose(F.avg_pool2d(t64(x), 2, divisor_override=3).numpy(), F.sum_pool2d(t64(x), 2).numpy() / 3)
    with pytest.raises(ValueError, match="divisor_override must be positive"):
        F.avg_pool2d(t64(x), 2, divisor_override=0)


@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), (3, 1, 1), (4, 3, 2)])
def test_pool1d_is_pool2d_on_one_row_and_gradchecks(kernel, stride, padding):
    x = make((2, 3, 9))
    for p1, p2 in ((F.max_pool1d, F.max_pool2d), (F.avg_pool1d, F.avg_pool2d), (F.sum_pool1d, F.sum_pool2d)):
        y = p1(t64(x), kernel, stride, padding)
        y2 = p2(t64(x[:, :, None]), (1, kernel), (1, kernel if stride is None else stride), (0, padding))
        np.testing.assert_allclose(y.numpy(), y2.numpy()[:, :, 0])
        assert ag.gradcheck(lambda x, p1=p1: p1(x, kernel, stride, padding), [t64(x)])


def test_max_pool_pads_with_minus_infinity():
    x = -np.ones((1, 1, 2, 2)) * 5  # all negative: a zero pad would win
    np.testing.assert_array_equal(F.max_pool2d(t64(x), 2, 1, 1).numpy(), -5 * np.ones((1, 1, 3, 3)))


def test_max_pool_splits_the_gradient_of_ties():
    x = t64(np.ones((1, 1, 2, 2)))
    F.max_pool2d(x, 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full((1, 1, 2, 2), 0.25))


def test_unbatched_and_float32():
    x = ag.tensor(make((3, 6, 4)).astype(np.float32))
    for pool in (F.max_pool2d, F.avg_pool2d, F.sum_pool2d):
        y = pool(x, 2)
        assert y.shape == (3, 3, 2) and y.dtype == np.float32
    assert F.adaptive_avg_pool2d(x, 1).dtype == np.float32


# ---- adaptive average pooling -------------------------------------------------------------------


def reference_adaptive(x, out):
    """PyTorch's bins: output i averages input [floor(i*n/out), ceil((i+1)*n/out))."""
    (oh, ow), (h, w) = out, x.shape[-2:]
    y = np.zeros(x.shape[:-2] + out)
    for i in range(oh):
        for j in range(ow):
            r = slice(i * h // oh, -(-(i + 1) * h // oh))
            c = slice(j * w // ow, -(-(j + 1) * w // ow))
            y[..., i, j] = x[..., r, c].mean(axis=(-2, -1))
    return y


@pytest.mark.parametrize(
    "shape,out",
    [
        ((2, 3, 5, 7), 1),
        ((1, 2, 5, 7), (2, 3)),
        ((1, 1, 7, 5), (3, None)),
        ((1, 2, 4, 4), (4, 4)),
        ((1, 1, 3, 4), (5, 6)),
    ],
)
def test_adaptive_avg_pool2d(shape, out):
    x = make(shape)
    y = F.adaptive_avg_pool2d(t64(x), out)
    o = pair(out) if not isinstance(out, tuple) else tuple(n if v is None else v for n, v in zip(shape[-2:], out))
    np.testing.assert_allclose(y.numpy(), reference_adaptive(x, o), rtol=1e-12)
    assert ag.gradcheck(lambda x: F.adaptive_avg_pool2d(x, out), [t64(x)])


def test_global_average_pooling_is_the_mean():
    x = make((2, 3, 5, 4))
    np.testing.assert_allclose(F.adaptive_avg_pool2d(t64(x), 1).numpy(), x.mean(axis=(2, 3), keepdims=True))
    np.testing.assert_allclose(
        F.adaptive_avg_pool1d(t64(x[:, :, 0]), 1).numpy(), x[:, :, 0].mean(axis=2, keepdims=True)
    )


# ---- shapes -------------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    k=st.integers(1, 4),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    ceil=st.booleans(),
)
def test_pool_shape_is_conv_output_size(h, w, k, s, p, ceil):
    x = ag.zeros(1, 2, h, w)
    if 2 * p > k:
        with pytest.raises(ValueError, match="at most half"):
            F.max_pool2d(x, k, s, p)
        return
    try:
        expected = (F.conv_output_size(h, k, s, p), F.conv_output_size(w, k, s, p))
    except ValueError:
        with pytest.raises(ValueError, match="no output"):
            F.avg_pool2d(x, k, s, p)
        return
    if ceil:  # PyTorch's rule: one more window if a partial one starts inside the input or the left padding
        expected = tuple(o + 1 if (n + 2 * p - k) % s and o * s < n + p else o for n, o in zip((h, w), expected))
    for pool in (F.max_pool2d, F.avg_pool2d, F.sum_pool2d):
        assert pool(x, k, s, p, ceil_mode=ceil).shape == (1, 2) + expected


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call,match",
    [
        (lambda x: F.max_pool2d(x, 5), r"N=4, F=5, P=0, S=5"),
        (lambda x: F.avg_pool2d(x, 3, padding=2), r"at most half the kernel size"),
        (lambda x: F.max_pool2d(x, 0), r"kernel_size must be an int >= 1"),
        (lambda x: F.max_pool2d(x, 2, stride=0), r"stride must be an int >= 1"),
        (lambda x: F.sum_pool2d(x, (2, 2, 2)), r"kernel_size must be .* tuple of 2"),
        (lambda x: F.max_pool2d(x[0, 0], 2), r"\(N, C, H, W\) or \(C, H, W\), got shape \(4, 4\)"),
        (lambda x: F.max_pool1d(x, 2), r"\(N, C, L\) or \(C, L\), got shape \(1, 2, 4, 4\)"),
        (lambda x: F.adaptive_avg_pool2d(x, (2, 2, 2)), r"output_size must be an int or 2 ints"),
        (lambda x: F.adaptive_avg_pool2d(x, 0), r"output_size must be an int >= 1"),
    ],
)
def test_pool_bad_input_names_expected_and_given(call, match):
    with pytest.raises(ValueError, match=match):
        call(ag.zeros(1, 2, 4, 4))


# ---- layers -------------------------------------------------------------------------------------


def test_pool_layers_defaults_repr_and_forward():
    x = ag.tensor(make((2, 3, 6, 6)))
    m = nn.MaxPool2d(2)
    assert m.stride == 2 and repr(m) == "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)"
    np.testing.assert_array_equal(m(x).numpy(), F.max_pool2d(x, 2).numpy())
    assert repr(nn.AvgPool2d(3, 1, 1)) == "AvgPool2d(kernel_size=3, stride=1, padding=1)"
    np.testing.assert_allclose(
        nn.AvgPool2d(3, 1, 1, count_include_pad=False)(x).numpy(),
        F.avg_pool2d(x, 3, 1, 1, count_include_pad=False).numpy(),
    )
    np.testing.assert_allclose(nn.SumPool2d(2)(x).numpy(), F.sum_pool2d(x, 2).numpy())
    assert repr(nn.AdaptiveAvgPool2d((1, 1))) == "AdaptiveAvgPool2d(output_size=(1, 1))"
    assert nn.AdaptiveAvgPool2d(1)(x).shape == (2, 3, 1, 1)
    x1 = ag.tensor(make((2, 3, 7)))
    assert nn.MaxPool1d(3, 2)(x1).shape == nn.AvgPool1d(3, 2)(x1).shape == nn.SumPool1d(3, 2)(x1).shape == (2, 3, 3)
    assert nn.AdaptiveAvgPool1d(2)(x1).shape == (2, 3, 2)
    assert nn.MaxPool2d(2, ceil_mode=True)(ag.zeros(1, 1, 5, 5)).shape == (1, 1, 3, 3)
    assert not list(nn.MaxPool2d(2).parameters())


def test_pool_layers_gradcheck():
    x = t64(make((1, 2, 5, 4)))
    for m in (nn.MaxPool2d(2, 1), nn.AvgPool2d(3, 2, 1), nn.SumPool2d(2), nn.AdaptiveAvgPool2d((2, 3))):
        assert ag.gradcheck(m, [x])


def test_flatten():
    x = t64(make((2, 3, 4, 5)))
    assert nn.Flatten()(x).shape == (2, 60)
    assert nn.Flatten(0, 2)(x).shape == (24, 5)
    assert nn.Flatten(-2)(x).shape == (2, 3, 20)
    assert repr(nn.Flatten()) == "Flatten(start_dim=1, end_dim=-1)"
    assert ag.gradcheck(nn.Flatten(), [x])
    with pytest.raises(ValueError, match=r"Flatten\(start_dim=3, end_dim=1\) does not fit .* \(2, 3, 4, 5\)"):
        nn.Flatten(3, 1)(x)
    with pytest.raises(ValueError, match="start_dim=5"):
        nn.Flatten(5)(x)


# ---- PyTorch ------------------------------------------------------------------------------------

TORCH_CASES = [
    dict(kernel_size=2),
    dict(kernel_size=3, stride=2, padding=1),
    dict(kernel_size=(2, 3), stride=(1, 2)),
    dict(kernel_size=3, stride=2, padding=1, ceil_mode=True),
    dict(kernel_size=2, ceil_mode=True),
]


def run_both(ours, theirs, x, **kwargs):
    torch = pytest.importorskip("torch")
    xs = t64(x)
    y = ours(xs, **kwargs)
    gy = np.random.default_rng(3).standard_normal(y.shape)
    y.backward(ag.tensor(gy))
    X = torch.tensor(x, requires_grad=True)
    Y = theirs(X, **kwargs)
    Y.backward(torch.tensor(gy))
    assert y.shape == tuple(Y.shape)
    np.testing.assert_allclose(y.numpy(), Y.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xs.grad.numpy(), X.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kwargs", TORCH_CASES)
def test_pool2d_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    x = np.random.default_rng(4).standard_normal((2, 3, 7, 8))
    run_both(F.max_pool2d, tf.max_pool2d, x, **kwargs)
    run_both(F.max_pool2d, tf.max_pool2d, x, dilation=2, **kwargs)
    for cip in (True, False):
        run_both(F.avg_pool2d, tf.avg_pool2d, x, count_include_pad=cip, **kwargs)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)])
def test_pool1d_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(5).standard_normal((2, 3, 9))
    run_both(F.max_pool1d, torch.nn.functional.max_pool1d, x, **kwargs)
    run_both(F.avg_pool1d, torch.nn.functional.avg_pool1d, x, **kwargs)


@pytest.mark.parametrize("out", [1, (3, 2), (5, None), (4, 5)])
def test_adaptive_avg_pool2d_matches_pytorch(out):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(6).standard_normal((2, 3, 7, 8))
    run_both(F.adaptive_avg_pool2d, torch.nn.functional.adaptive_avg_pool2d, x, output_size=out)


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d, F.sum_pool2d])
def test_pool2d_second_derivatives(pool):
    def first_derivative(x):
        with ag.enable_grad():  # gradcheck evaluates under no_grad; the first derivative must be recorded
            y = pool(x, 3, 2, 1)
            return ag.grad((y * y).sum(), x, create_graph=True)

    assert ag.gradcheck(first_derivative, [t64(make((1, 2, 5, 4), seed=3))])
