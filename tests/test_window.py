"""sliding_window: the view conv and pooling are built on. Shape rule, no copy, col2im backward, conv via windows."""

import itertools

import numpy as np
import pytest
from core_cases import check_op, values

import autograd_core as ag


def test_output_size_formula():
    for n, f, s, d in itertools.product(range(1, 9), range(1, 4), range(1, 4), range(1, 3)):
        o = ag.window_output_size(n, f, s, d)
        # count the window starts by brute force
        assert max(o, 0) == len([i for i in range(0, n, s) if i + d * (f - 1) < n])


@pytest.mark.parametrize(
    "shape,window,stride,dilation",
    [((2, 3, 9), 3, 2, 2), ((2, 7, 8), (3, 2), (1, 2), (2, 1)), ((5, 6, 7), (2, 2, 3), 1, 1)],
    ids=str,
)
def test_windows_are_views_with_documented_shape(shape, window, stride, dilation):
    x = ag.tensor(values(shape))
    w = ag.sliding_window(x, window, stride, dilation)
    k = 1 if isinstance(window, int) else len(window)
    ws = (window,) * k if isinstance(window, int) else window
    ss = (stride,) * k if isinstance(stride, int) else stride
    ds = (dilation,) * k if isinstance(dilation, int) else dilation
    outs = tuple(ag.window_output_size(n, f, s, d) for n, f, s, d in zip(shape[-k:], ws, ss, ds))
    assert w.shape == shape[:-k] + outs + ws
    assert np.shares_memory(w.numpy(), x.numpy())  # a strided view, no copy
    # every element is where the formula says: out[..., o, f] = x[..., o*S + f*D]
    for o in itertools.product(*(range(n) for n in outs)):
        for f in itertools.product(*(range(n) for n in ws)):
            src = tuple(oi * s + fi * d for oi, fi, s, d in zip(o, f, ss, ds))
            np.testing.assert_array_equal(w.numpy()[(Ellipsis,) + o + f], x.numpy()[(Ellipsis,) + src])


def test_window_3d_gradcheck():
    check_op(
        lambda t: ag.sliding_window(t, (2, 2, 2), (1, 2, 1), (1, 1, 2)),
        lambda a: np.lib.stride_tricks.sliding_window_view(a, (2, 2, 3))[:, ::2, :, :, :, ::2],
        values((3, 4, 4)),
    )


def test_backward_counts_how_often_each_element_is_covered():
    x = ag.tensor(np.zeros((7,)), requires_grad=True)
    ag.sliding_window(x, 3, stride=2).sum().backward()  # windows start at 0, 2, 4
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1, 2, 1, 2, 1, 1])
    x.grad = None
    ag.sliding_window(x, 2, stride=1, dilation=3).sum().backward()  # pairs (0,3) (1,4) (2,5) (3,6)
    np.testing.assert_array_equal(x.grad.numpy(), [1, 1, 1, 2, 1, 1, 1])


def test_conv2d_from_windows_matches_a_direct_loop():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))  # (B, C, H, W), (O, C, kh, kw)
    xt = ag.tensor(x, requires_grad=True)
    wt = ag.tensor(w, requires_grad=True)

    def conv(xt, wt):
        padded = ag.pad(xt, ((0, 0), (0, 0), (1, 1), (0, 0)))
        cols = ag.sliding_window(padded, (3, 2), stride=(2, 1))  # (B, C, OH, OW, kh, kw)
        cols = cols.transpose(0, 2, 3, 1, 4, 5).reshape(2, cols.shape[2], cols.shape[3], -1)
        return (cols @ wt.reshape(4, -1).T).transpose(0, 3, 1, 2)  # (B, O, OH, OW)

    out = conv(xt, wt).numpy()
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)))
    ref = np.zeros((2, 4, 3, 4))  # OH = (6 + 2 - 3) // 2 + 1, OW = 5 - 2 + 1
    for i in range(3):
        for j in range(4):
            patch = xp[:, :, 2 * i : 2 * i + 3, j : j + 2]
            ref[:, :, i, j] = np.einsum("bchw,ochw->bo", patch, w)
    np.testing.assert_allclose(out, ref, rtol=1e-10, atol=1e-12)
    small_x = ag.tensor(x[:1, :2, :5, :3], requires_grad=True)
    small_w = ag.tensor(w[:2, :2], requires_grad=True)

    def small_conv(a, b):
        cols = ag.sliding_window(a, (3, 2), stride=(2, 1))  # (1, 2, 2, 2, 3, 2)
        return (cols.unsqueeze(1) * b.reshape(1, 2, 2, 1, 1, 3, 2)).sum((2, 5, 6))

    assert ag.gradcheck(small_conv, [small_x, small_w])


def test_max_pool_from_windows_routes_the_gradient_to_the_max():
    x = ag.tensor(np.arange(16.0).reshape(4, 4), requires_grad=True)
    pooled = ag.sliding_window(x, (2, 2), stride=2).max(axis=(-2, -1))
    np.testing.assert_array_equal(pooled.numpy(), [[5, 7], [13, 15]])
    pooled.sum().backward()
    expected = np.zeros((4, 4))
    expected[[1, 1, 3, 3], [1, 3, 1, 3]] = 1
    np.testing.assert_array_equal(x.grad.numpy(), expected)


def test_windows_of_a_non_contiguous_input():
    a = values((5, 8))
    x = ag.tensor(a, requires_grad=True)
    check_op(
        lambda t: ag.sliding_window(t.T[::2], 2, 1),
        lambda v: np.lib.stride_tricks.sliding_window_view(v.T[::2], 2, axis=-1),
        a,
    )
    ag.sliding_window(x.T, 3, 2).sum().backward()
    assert x.grad.shape == (5, 8)


def test_window_sizes_must_be_positive_ints():
    for bad in (dict(window=0), dict(window=2, dilation=0), dict(window=(2, 1.5)), dict(window=(2, 2), stride=(1,))):
        with pytest.raises(ValueError):
            ag.sliding_window(ag.ones(5, 5), **bad)
