"""ag.correlate, the fused windows-times-filters primitive conv is built on: the definition, gradcheck, and the same
numbers (outputs and gradients) as the composition sliding_window -> transpose -> reshape -> matmul, in both of its
layouts (stride 1: shifted rows; any stride: windows) and across chunk boundaries."""

import itertools
import math

import numpy as np
import pytest
from core_cases import check_op
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
from autograd_core.ops import correlate as C


def definition(x, w, stride, dilation):
    """y[b, g, o, m] = sum over c, f of w[g, o, c, f] * x[b, g, c, m*S + f*D], one output pixel at a time."""
    k = w.ndim - 3
    out = tuple((n - d * (f - 1) - 1) // s + 1 for n, f, s, d in zip(x.shape[3:], w.shape[3:], stride, dilation))
    y = np.zeros(x.shape[:2] + w.shape[1:2] + out)
    for m in itertools.product(*(range(n) for n in out)):
        win = x[
            (Ellipsis,)
            + tuple(slice(mi * s, mi * s + d * (f - 1) + 1, d) for mi, s, d, f in zip(m, stride, dilation, w.shape[3:]))
        ]
        prod = win[:, :, None] * w[None]  # (B, G, O, C, F..)
        y[(Ellipsis,) + m] = prod.sum(axis=tuple(range(3, prod.ndim)))
    assert y.ndim == k + 3
    return y


def composed(x, w, stride, dilation):
    """What conv was before the fused primitive, from recorded primitives only."""
    k = w.ndim - 3
    win = ag.sliding_window(x, w.shape[3:], stride, dilation)  # (B, G, C, M.., F..)
    out = win.shape[3 : 3 + k]
    cols = win.transpose((0, 1, 2) + tuple(range(3 + k, 3 + 2 * k)) + tuple(range(3, 3 + k)))
    cols = cols.reshape(x.shape[:2] + (-1, math.prod(out)))
    return (w.reshape(w.shape[:2] + (-1,)) @ cols).reshape(x.shape[:2] + w.shape[1:2] + out)


CASES = [  # x shape (B, G, C, N..), w shape (G, O, C, F..), stride, dilation
    ((2, 1, 3, 5, 4), (1, 2, 3, 3, 3), (1, 1), (1, 1)),
    ((1, 2, 2, 6, 5), (2, 3, 2, 2, 3), (2, 1), (1, 2)),
    ((2, 1, 1, 7, 6), (1, 2, 1, 3, 2), (2, 3), (2, 1)),
    ((3, 3, 1, 5, 5), (3, 1, 1, 3, 3), (1, 1), (2, 2)),  # depthwise, dilated, stride 1
    ((2, 1, 2, 9), (1, 2, 2, 3), (1,), (3,)),  # 1-D
    ((1, 1, 2, 4, 3, 5), (1, 2, 2, 2, 2, 3), (1, 1, 2), (1, 1, 1)),  # 3-D, strided
    ((1, 1, 2, 4, 4, 4), (1, 1, 2, 2, 3, 2), (1, 1, 1), (2, 1, 1)),  # 3-D, shifted
    ((2, 1, 2, 3, 3), (1, 1, 2, 3, 3), (1, 1), (1, 1)),  # the window covers the input: one output pixel
]


@pytest.mark.parametrize("xs,ws,stride,dilation", CASES, ids=str)
def test_definition_gradcheck_and_gradgradcheck(xs, ws, stride, dilation):
    rng = np.random.default_rng(0)
    check_op(
        lambda x, w: ag.correlate(x, w, stride, dilation),
        lambda x, w: definition(x, w, stride, dilation),
        rng.standard_normal(xs),
        rng.standard_normal(ws),
    )


@pytest.mark.parametrize("layout", [C.Shifted, C.Strided])
def test_both_layouts_agree_when_the_stride_is_one(layout, monkeypatch):
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 1, 2, 6, 7)), rng.standard_normal((1, 4, 2, 3, 2))
    monkeypatch.setattr(C, "_layout", lambda x, w, s, d, o: layout(x.shape[3:], w.shape[3:], s, d, o))
    check_op(
        lambda x, w: ag.correlate(x, w, 1, (2, 1)), lambda x, w: definition(x, w, (1, 1), (2, 1)), x, w, gradgrad=False
    )


def _same_as_composition(xa, wa, stride, dilation):
    x1, w1 = ag.tensor(xa, requires_grad=True), ag.tensor(wa, requires_grad=True)
    x2, w2 = ag.tensor(xa, requires_grad=True), ag.tensor(wa, requires_grad=True)
    y1, y2 = ag.correlate(x1, w1, stride, dilation), composed(x2, w2, stride, dilation)
    assert y1.shape == y2.shape and y1.dtype == y2.dtype
    np.testing.assert_allclose(y1.numpy(), y2.numpy(), rtol=1e-12, atol=1e-12)
    g = np.random.default_rng(2).standard_normal(y1.shape).astype(xa.dtype)
    y1.backward(g)
    y2.backward(g)
    np.testing.assert_allclose(x1.grad.numpy(), x2.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w1.grad.numpy(), w2.grad.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_same_numbers_as_the_composition_over_random_shapes_and_chunks(data):
    k = data.draw(st.integers(1, 2), label="k")
    window = tuple(data.draw(st.lists(st.integers(1, 3), min_size=k, max_size=k), label="window"))
    stride = tuple(data.draw(st.lists(st.integers(1, 3), min_size=k, max_size=k), label="stride"))
    dilation = tuple(data.draw(st.lists(st.integers(1, 2), min_size=k, max_size=k), label="dilation"))
    sizes = tuple(d * (f - 1) + 1 + data.draw(st.integers(0, 4)) for f, d in zip(window, dilation))
    b, g, c, o = (data.draw(st.integers(1, n), label=name) for n, name in ((5, "B"), (2, "G"), (3, "C"), (3, "O")))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    chunk_bytes = data.draw(st.sampled_from([1, 200, C.CHUNK_BYTES]), label="chunk bytes")  # 1: an image a chunk
    old, C.CHUNK_BYTES = C.CHUNK_BYTES, chunk_bytes
    try:
        _same_as_composition(
            rng.standard_normal((b, g, c) + sizes), rng.standard_normal((g, o, c) + window), stride, dilation
        )
    finally:
        C.CHUNK_BYTES = old


def test_float32_stays_float32_and_a_non_contiguous_input_works():
    rng = np.random.default_rng(3)
    xa = rng.standard_normal((2, 1, 3, 8, 6)).astype(np.float32)
    wa = rng.standard_normal((1, 2, 3, 3, 3)).astype(np.float32)
    x = ag.tensor(xa.swapaxes(-1, -2).copy(), requires_grad=True).swapaxes(-1, -2)  # a non-contiguous view
    y = ag.correlate(x, ag.tensor(wa))
    assert y.dtype == np.float32
    np.testing.assert_allclose(
        y.numpy(), definition(xa.astype(np.float64), wa.astype(np.float64), (1, 1), (1, 1)), rtol=1e-5, atol=1e-5
    )


def test_only_the_gradients_asked_for_are_computed():
    rng = np.random.default_rng(4)
    x = ag.tensor(rng.standard_normal((2, 1, 2, 5, 5)))
    w = ag.tensor(rng.standard_normal((1, 3, 2, 2, 2)), requires_grad=True)
    ag.correlate(x, w, 2).sum().backward()
    assert x.grad is None and w.grad is not None


@pytest.mark.parametrize(
    "xs,ws,match",
    [
        ((2, 3, 5, 5), (1, 2, 3, 3, 3), "same k"),
        ((2, 1, 3, 5, 5), (1, 2, 4, 3, 3), "1 groups of 3 channels"),
        ((2, 2, 3, 5, 5), (1, 2, 3, 3, 3), "2 groups"),
        ((2, 1, 3, 2, 5), (1, 2, 3, 3, 3), "does not fit"),
    ],
)
def test_bad_shapes_are_named(xs, ws, match):
    with pytest.raises(ValueError, match=match):
        ag.correlate(np.zeros(xs), np.zeros(ws))


def test_neither_pass_holds_the_whole_batchs_window_matrix():
    import tracemalloc

    rng = np.random.default_rng(5)
    x = ag.tensor(rng.standard_normal((32, 1, 16, 34, 34)).astype(np.float32), requires_grad=True)
    w = ag.tensor(rng.standard_normal((1, 32, 16, 3, 3)).astype(np.float32), requires_grad=True)
    whole = 32 * 16 * 9 * 32 * 32 * 4  # im2col of the batch: 18.9 MB
    tracemalloc.start()
    try:
        y = ag.correlate(x, w)
        kept, peak = tracemalloc.get_traced_memory()
        assert kept - y.data.nbytes < 2**16  # the node keeps nothing of its own but small bookkeeping
        assert peak - y.data.nbytes < whole / 3
        g = np.ones(y.shape, np.float32)
        kept = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        y.backward(g)
        _, peak = tracemalloc.get_traced_memory()
        assert peak - kept < 2 * x.data.nbytes + whole / 3  # dx and x.grad, plus a chunk's matrices at a time
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, (1,), (1, 2, 3)])
def test_bad_stride_or_dilation_is_named(bad):
    x, w = np.zeros((1, 1, 1, 5, 5)), np.zeros((1, 1, 1, 2, 2))
    for kw in ("stride", "dilation"):
        with pytest.raises(ValueError, match=kw) as info:
            ag.correlate(x, w, **{kw: bad})
        assert repr(bad) in str(info.value)


def test_an_empty_batch_gives_empty_output_and_gradients():
    x = ag.tensor(np.zeros((0, 1, 2, 5, 5)), requires_grad=True)
    w = ag.tensor(np.ones((1, 3, 2, 3, 3)), requires_grad=True)
    y = ag.correlate(x, w)
    assert y.shape == (0, 1, 3, 3, 3)
    y.sum().backward()
    assert x.grad.shape == x.shape and w.grad.shape == w.shape and not w.grad.numpy().any()
