"""Fuzzing every layer: random sizes, strides, paddings, dilations, groups, sequence lengths and targets.

Valid draws: the layer equals a plain NumPy computation and its analytic gradient equals finite differences
(float64, small sizes). Invalid draws: ValueError / TypeError of a builtin class with a message naming what was
given, never an exception from inside NumPy nor an output of the wrong shape.
Profile 'dev' (conftest.py) keeps this to seconds; HYPOTHESIS_PROFILE=long runs many more examples.
"""

import re

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)


def f64(a, grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def randn(*shape):
    return RNG.standard_normal(shape)


def close(out, expected):
    assert out.shape == np.shape(expected), (out.shape, np.shape(expected))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-9, atol=1e-11)


def raises_clean(fn, *needles, kinds=(ValueError, TypeError)):
    """fn() raises one of kinds (a builtin class, not NumPy's) with every needle in its message."""
    with pytest.raises(kinds) as info:
        fn()
    assert type(info.value).__module__ == "builtins", repr(info.value)
    for n in needles:
        assert str(n) in str(info.value), (n, str(info.value))


# ---- convolution -----------------------------------------------------------------------------------------------


def conv_reference(x, w, b, stride, padding, dilation, groups):
    """Direct convolution in NumPy: one einsum per kernel offset over strided slices of the padded input."""
    k = w.ndim - 2
    x = np.pad(x, [(0, 0), (0, 0)] + [p if isinstance(p, tuple) else (p, p) for p in padding])
    n, c = x.shape[:2]
    o, kernel = w.shape[0], w.shape[2:]
    outs = [(s_in - d * (f - 1) - 1) // s + 1 for s_in, f, s, d in zip(x.shape[2:], kernel, stride, dilation)]
    xg = x.reshape((n, groups, c // groups) + x.shape[2:])
    wg = w.reshape((groups, o // groups, c // groups) + kernel)
    y = np.zeros((n, groups, o // groups) + tuple(outs))
    for off in np.ndindex(*kernel):
        sl = tuple(slice(f * d, f * d + s * (m - 1) + 1, s) for f, d, s, m in zip(off, dilation, stride, outs))
        y += np.einsum("ngc...,goc->ngo...", xg[(slice(None),) * 3 + sl], wg[(slice(None),) * 3 + off])
    y = y.reshape((n, o) + tuple(outs))
    return y if b is None else y + b.reshape((o,) + (1,) * k)


@st.composite
def conv_configs(draw, k):
    groups = draw(st.integers(1, 2))
    cin, cout = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(k))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(k))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(k))
    padding = tuple(draw(st.integers(0, 2)) for _ in range(k))
    span = [d * (f - 1) + 1 for f, d in zip(kernel, dilation)]
    sizes = tuple(max(1, s - 2 * p) + draw(st.integers(0, 2)) for s, p in zip(span, padding))
    return dict(
        batch=draw(st.integers(1, 2)),
        cin=cin,
        cout=cout,
        groups=groups,
        kernel=kernel,
        stride=stride,
        dilation=dilation,
        padding=padding,
        sizes=sizes,
        bias=draw(st.booleans()),
    )


@pytest.mark.parametrize("k", [1, 2])
@given(data=st.data())
def test_conv_equals_direct_convolution_and_gradchecks(k, data):
    c = data.draw(conv_configs(k))
    x = randn(c["batch"], c["cin"], *c["sizes"])
    w = randn(c["cout"], c["cin"] // c["groups"], *c["kernel"])
    b = randn(c["cout"]) if c["bias"] else None
    conv = F.conv1d if k == 1 else F.conv2d
    args = dict(stride=c["stride"], padding=c["padding"], dilation=c["dilation"], groups=c["groups"])
    padded = [n + 2 * p for n, p in zip(c["sizes"], c["padding"])]
    span = [d * (f - 1) + 1 for f, d in zip(c["kernel"], c["dilation"])]
    if any(n < s for n, s in zip(padded, span)):  # no output: a clear error naming N, F, P, S
        raises_clean(lambda: conv(f64(x), f64(w), None if b is None else f64(b), **args), "no output")
        return
    close(
        conv(f64(x), f64(w), None if b is None else f64(b), **args),
        conv_reference(x, w, b, c["stride"], c["padding"], c["dilation"], c["groups"]),
    )
    tensors = [f64(x), f64(w)] + ([f64(b)] if b is not None else [])
    assert ag.gradcheck(lambda *ts: conv(*ts[:2], ts[2] if len(ts) > 2 else None, **args), tensors)


@pytest.mark.parametrize("k", [1, 2])
@given(data=st.data())
def test_conv_same_padding_keeps_the_size(k, data):
    c = data.draw(conv_configs(k))
    x = randn(c["batch"], c["cin"], *c["sizes"])
    w = randn(c["cout"], c["cin"] // c["groups"], *c["kernel"])
    conv = F.conv1d if k == 1 else F.conv2d
    totals = [d * (f - 1) for f, d in zip(c["kernel"], c["dilation"])]
    pads = [(t // 2, t - t // 2) for t in totals]  # the extra one on the right, as in PyTorch
    out = conv(f64(x), f64(w), padding="same", dilation=c["dilation"], groups=c["groups"])
    assert out.shape[2:] == x.shape[2:]
    close(out, conv_reference(x, w, None, (1,) * k, pads, c["dilation"], c["groups"]))
    if any(s > 1 for s in c["stride"]):
        raises_clean(
            lambda: conv(f64(x), f64(w), padding="same", stride=c["stride"], groups=c["groups"]), "needs stride 1"
        )


@pytest.mark.parametrize("k", [1, 2])
@given(data=st.data())
def test_conv_rejects_mismatched_channels_groups_and_bias(k, data):
    c = data.draw(conv_configs(k))
    conv = F.conv1d if k == 1 else F.conv2d
    x = f64(randn(c["batch"], c["cin"], *[n + 4 for n in c["sizes"]]))
    w_shape = (c["cout"], c["cin"] // c["groups"] + 1) + c["kernel"]
    raises_clean(lambda: conv(x, f64(randn(*w_shape)), groups=c["groups"]), str(w_shape), str(x.shape))
    w = f64(randn(c["cout"], c["cin"] // c["groups"], *c["kernel"]))
    raises_clean(lambda: conv(x, w, f64(randn(c["cout"] + 1)), groups=c["groups"]), f"({c['cout']},)")
    raises_clean(lambda: conv(x, w, groups=c["groups"] * 3), f"groups={c['groups'] * 3}")
    raises_clean(lambda: conv(x, w, stride=0, groups=c["groups"]), "stride")
    raises_clean(lambda: conv(x, w, padding=-1, groups=c["groups"]), "padding")
    raises_clean(lambda: conv(x.reshape(-1), w, groups=c["groups"]), str((x.size,)))


# ---- pooling -------------------------------------------------------------------------------------------------


def pool_reference(x, kernel, stride, padding, dilation, op):
    """Max or mean (padding counted, PyTorch's default) over windows, by explicit slicing per kernel offset."""
    k = len(kernel)
    fill = -np.inf if op == "max" else 0.0
    xp = np.pad(x, [(0, 0)] * (x.ndim - k) + [(p, p) for p in padding], constant_values=fill)
    outs = [(n - d * (f - 1) - 1) // s + 1 for n, f, s, d in zip(xp.shape[-k:], kernel, stride, dilation)]
    parts = []
    for off in np.ndindex(*kernel):
        sl = tuple(slice(f * d, f * d + s * (m - 1) + 1, s) for f, d, s, m in zip(off, dilation, stride, outs))
        parts.append(xp[(Ellipsis,) + sl])
    return np.max(parts, axis=0) if op == "max" else np.mean(parts, axis=0)


@pytest.mark.parametrize("k", [1, 2])
@pytest.mark.parametrize("op", ["max", "avg"])
@given(data=st.data())
def test_pooling_equals_windowed_numpy_and_gradchecks(k, op, data):
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(k))
    stride = tuple(data.draw(st.integers(1, 3)) for _ in range(k))
    dilation = tuple(data.draw(st.integers(1, 2)) for _ in range(k)) if op == "max" else (1,) * k
    padding = tuple(data.draw(st.integers(0, (d * (f - 1) + 1) // 2)) for f, d in zip(kernel, dilation))
    sizes = tuple(d * (f - 1) + 1 + data.draw(st.integers(0, 3)) for f, d in zip(kernel, dilation))
    lead = data.draw(st.sampled_from([(1, 1), (2, 1), (1, 2), (2,)]))  # batched, or unbatched (C, ...)
    shape = lead + sizes
    x = (RNG.permutation(int(np.prod(shape))).reshape(shape) - 0.5 * np.prod(shape)) * 0.1  # no ties for max
    pool = getattr(F, f"{op}_pool{k}d")
    args = dict(stride=stride, padding=padding) | (dict(dilation=dilation) if op == "max" else {})
    close(pool(f64(x), kernel, **args), pool_reference(x, kernel, stride, padding, dilation, op))
    assert ag.gradcheck(lambda t: pool(t, kernel, **args), [f64(x)])
    big = tuple(p + 1 for p in padding)
    kernel_for_big = tuple(2 * p - 1 for p in big)  # padding more than half the kernel
    raises_clean(lambda: pool(f64(x), kernel_for_big, padding=big), "padding")
    too_big = tuple(n + 2 * p + 1 for n, p in zip(sizes, padding))
    raises_clean(lambda: pool(f64(x), too_big, stride=1), "no output")


def _distinct(shape):
    return (RNG.permutation(int(np.prod(shape))).reshape(shape) - 0.5 * np.prod(shape)) * 0.1  # no ties for max


@given(data=st.data(), k=st.integers(1, 2))
def test_max_pool_ceil_mode_and_avg_pool_without_padding_in_the_count(data, k):
    kernel = tuple(data.draw(st.integers(1, 3)) for _ in range(k))
    stride = tuple(data.draw(st.integers(1, 3)) for _ in range(k))
    padding = tuple(data.draw(st.integers(0, f // 2)) for f in kernel)
    sizes = tuple(f + data.draw(st.integers(0, 3)) for f in kernel)
    x = _distinct((2, 1) + sizes)
    # ceil_mode: PyTorch's sizes, a last window may hang over the end (but never start in the right padding)
    outs = []
    for n, f, s, p in zip(sizes, kernel, stride, padding):
        o = -(-(n + 2 * p - f) // s) + 1
        outs.append(o - 1 if (o - 1) * s >= n + p else o)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(p, p + s) for p, s in zip(padding, stride)], constant_values=-np.inf)
    expected = np.full((2, 1) + tuple(outs), -np.inf)
    for off in np.ndindex(*kernel):
        sl = tuple(slice(f, f + s * (o - 1) + 1, s) for f, s, o in zip(off, stride, outs))
        expected = np.maximum(expected, xp[(Ellipsis,) + sl])
    max_pool = getattr(F, f"max_pool{k}d")
    close(max_pool(f64(x), kernel, stride, padding, ceil_mode=True), expected)
    assert ag.gradcheck(lambda t: max_pool(t, kernel, stride, padding, ceil_mode=True), [f64(x)])
    # count_include_pad=False: the mean of the real elements of each window
    ones = np.pad(np.ones(sizes), [(p, p) for p in padding])
    xz = np.pad(x, [(0, 0), (0, 0)] + [(p, p) for p in padding])
    outs = [(n + 2 * p - f) // s + 1 for n, f, s, p in zip(sizes, kernel, stride, padding)]
    total, count = 0.0, 0.0
    for off in np.ndindex(*kernel):
        sl = tuple(slice(f, f + s * (o - 1) + 1, s) for f, s, o in zip(off, stride, outs))
        total, count = total + xz[(Ellipsis,) + sl], count + ones[sl]
    avg_pool = getattr(F, f"avg_pool{k}d")
    fn = lambda t: avg_pool(t, kernel, stride, padding, count_include_pad=False)  # noqa: E731
    close(fn(f64(x)), total / count)
    assert ag.gradcheck(fn, [f64(x)])


@given(data=st.data(), k=st.integers(1, 2))
def test_adaptive_avg_pool_equals_pytorch_bins(data, k):
    sizes = tuple(data.draw(st.integers(1, 5)) for _ in range(k))
    out = tuple(data.draw(st.integers(1, 5)) for _ in range(k))
    x = randn(2, 1, *sizes)
    bins = [[(i * n // o, -(-(i + 1) * n // o)) for i in range(o)] for n, o in zip(sizes, out)]
    expected = np.zeros((2, 1) + out)
    for idx in np.ndindex(*out):
        region = tuple(slice(*bins[a][i]) for a, i in enumerate(idx))
        expected[(Ellipsis,) + idx] = x[(Ellipsis,) + region].mean(axis=tuple(range(-k, 0)))
    pool = getattr(F, f"adaptive_avg_pool{k}d")
    close(pool(f64(x), out), expected)
    assert ag.gradcheck(lambda t: pool(t, out), [f64(x)])
    for bad in (0, 1.5, "2", (1,) * (k + 1)):
        raises_clean(lambda bad=bad: pool(f64(x), bad), repr(bad))


@given(k=st.integers(1, 2), c=st.integers(1, 2), n=st.integers(3, 5))
def test_an_empty_batch_gives_an_empty_output_and_gradient(k, c, n):
    x = f64(np.ones((0, c) + (n,) * k))
    conv, pool = (F.conv1d, F.max_pool1d) if k == 1 else (F.conv2d, F.max_pool2d)
    avg = F.avg_pool1d if k == 1 else F.avg_pool2d
    outs = [
        conv(x, f64(np.ones((2, c) + (3,) * k)), padding=1),
        pool(x, 2),
        avg(x, 2, padding=1),
        F.linear(x.reshape(0, c * n**k), f64(np.ones((2, c * n**k)))),
    ]
    shapes = [(0, 2) + (n,) * k, (0, c) + (n // 2,) * k, (0, c) + (n // 2 + 1,) * k, (0, 2)]
    for out, shape in zip(outs, shapes):
        assert out.shape == shape
    sum(o.sum() for o in outs).backward()
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_a_sequence_without_steps_is_refused(kind):
    raises_clean(lambda: getattr(nn, kind)(2, 3)(f64(np.ones((0, 1, 2)))), "at least one time step")


# ---- linear and embedding -------------------------------------------------------------------------------------


@given(
    lead=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
    i=st.integers(1, 3),
    o=st.integers(1, 3),
    bias=st.booleans(),
)
def test_linear_over_any_leading_axes(lead, i, o, bias):
    x, w, b = randn(*lead, i), randn(o, i), randn(o) if bias else None
    close(F.linear(f64(x), f64(w), None if b is None else f64(b)), x @ w.T + (0 if b is None else b))
    ts = [f64(x), f64(w)] + ([f64(b)] if bias else [])
    assert ag.gradcheck(lambda *t: F.linear(*t[:2], t[2] if bias else None), ts)
    raises_clean(lambda: F.linear(f64(randn(*lead, i + 1)), f64(w)), str(tuple(lead) + (i + 1,)))
    raises_clean(lambda: F.linear(f64(x), f64(w.reshape(-1))), str((o * i,)))
    raises_clean(lambda: F.linear(f64(x), f64(w), f64(randn(o + 1))), str((o + 1,)))


@given(
    bad=st.one_of(st.integers(-3, -1), st.floats(0.5, 3).filter(lambda v: not v.is_integer()), st.just("4")),
    which=st.integers(0, 1),
)
def test_layer_sizes_that_are_not_counts_raise_naming_the_value(bad, which):
    sizes = [3, 3]
    sizes[which] = bad
    for make in (nn.Linear, nn.Embedding, nn.Conv1d if which == 0 else None, nn.LSTM, nn.GRUCell):
        if make is not None:
            with pytest.raises(ValueError, match=re.escape(repr(bad))):
                make(*sizes, *([2] if make is nn.Conv1d else []))


@given(
    data=st.data(),
    num=st.integers(1, 5),
    dim=st.integers(1, 3),
    idx_shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
    pad=st.booleans(),
)
def test_embedding_rows_and_scattered_gradients(data, num, dim, idx_shape, pad):
    idx = data.draw(hnp.arrays(np.int64, idx_shape, elements=st.integers(0, num - 1)))
    w = randn(num, dim)
    padding_idx = data.draw(st.integers(-num, num - 1)) if pad else None
    weight = f64(w)
    out = F.embedding(idx, weight, padding_idx=padding_idx)
    close(out, w[idx])
    g = randn(*out.shape)
    out.backward(g)
    expected = np.zeros_like(w)
    np.add.at(expected, idx, g)
    if padding_idx is not None:
        expected[padding_idx] = 0  # the padding row is read but never trained, as in PyTorch
    np.testing.assert_allclose(weight.grad.numpy(), expected, rtol=1e-12)
    if padding_idx is None:
        assert ag.gradcheck(lambda t: F.embedding(idx, t), [f64(w)])
    raises_clean(lambda: F.embedding(np.full(idx_shape, num), f64(w)), f"index {num} is out of range")
    raises_clean(lambda: F.embedding(idx.astype(np.float64), f64(w)), "integers", kinds=(TypeError,))
    raises_clean(lambda: F.embedding(idx, f64(w), padding_idx=num), f"padding_idx must be within [-{num}, {num})")


# ---- batch norm -----------------------------------------------------------------------------------------------


@given(
    n=st.integers(1, 3),
    c=st.integers(1, 3),
    spatial=hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
    affine=st.booleans(),
    training=st.booleans(),
    momentum=st.floats(0.0, 1.0),
)
def test_batch_norm_equals_numpy_and_updates_running_statistics(n, c, spatial, affine, training, momentum):
    shape = (n, c) + tuple(spatial)
    per_channel = n * int(np.prod(spatial))
    assume(per_channel > 1 or not training)
    x = randn(*shape)
    w, b = (randn(c), randn(c)) if affine else (None, None)
    rm, rv = randn(c), np.abs(randn(c)) + 0.5
    axes = (0,) + tuple(range(2, len(shape)))
    cs = lambda a: a.reshape((c,) + (1,) * len(spatial))  # noqa: E731
    if training:
        mean, var = x.mean(axes), x.var(axes)
    else:
        mean, var = rm, rv
    expected = (x - cs(mean)) / np.sqrt(cs(var) + 1e-5)
    if affine:
        expected = expected * cs(w) + cs(b)
    run_m, run_v = rm.copy(), rv.copy()
    out = F.batch_norm(
        f64(x),
        run_m,
        run_v,
        None if w is None else f64(w),
        None if b is None else f64(b),
        training=training,
        momentum=momentum,
    )
    close(out, expected)
    if training:
        np.testing.assert_allclose(run_m, (1 - momentum) * rm + momentum * mean, rtol=1e-12)
        np.testing.assert_allclose(run_v, (1 - momentum) * rv + momentum * x.var(axes, ddof=1), rtol=1e-12)
    else:
        np.testing.assert_array_equal(run_m, rm)
    ts = [f64(x)] + ([f64(w), f64(b)] if affine else [])
    assert ag.gradcheck(
        lambda *t: F.batch_norm(
            t[0], None if training else rm, None if training else rv, *(t[1:] if affine else ()), training=training
        ),
        ts,
    )
    raises_clean(lambda: F.batch_norm(f64(x), np.zeros(c + 1), np.ones(c + 1)), f"({c + 1},)", f"{c} channels")


# ---- losses ---------------------------------------------------------------------------------------------------


def log_softmax_reference(x, axis):
    m = x.max(axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis, keepdims=True))


@given(
    data=st.data(),
    n=st.integers(1, 3),
    c=st.integers(2, 4),
    extra=hnp.array_shapes(min_dims=0, max_dims=1, max_side=2),
    weighted=st.booleans(),
    ignore=st.booleans(),
    smoothing=st.sampled_from([0.0, 0.1, 0.5]),
    reduction=st.sampled_from(["mean", "sum", "none"]),
)
def test_cross_entropy_with_weights_ignore_index_and_smoothing(
    data, n, c, extra, weighted, ignore, smoothing, reduction
):
    shape = (n, c) + tuple(extra)
    x = randn(*shape)
    t = data.draw(hnp.arrays(np.int64, (n,) + tuple(extra), elements=st.integers(0, c - 1)))
    if ignore:
        t.flat[0] = -100
    keep = t != -100
    assume(keep.any() or reduction != "mean")
    weight = np.abs(randn(c)) + 0.5 if weighted else np.ones(c)
    logp = np.moveaxis(log_softmax_reference(x, 1), 1, -1)  # (n, *extra, c)
    w_t = np.where(keep, weight[np.where(keep, t, 0)], 0.0)
    nll = -np.take_along_axis(logp, np.where(keep, t, 0)[..., None], -1)[..., 0] * w_t
    smooth = -(logp * weight).sum(-1) * keep
    loss = (1 - smoothing) * nll + smoothing / c * smooth
    expected = {"none": loss, "sum": loss.sum(), "mean": loss.sum() / w_t.sum() if keep.any() else 0.0}[reduction]
    fn = lambda inp: F.cross_entropy(
        inp,
        t,
        weight=f64(weight, False) if weighted else None,  # noqa: E731
        reduction=reduction,
        label_smoothing=smoothing,
    )
    close(fn(f64(x)), expected)
    assert ag.gradcheck(fn, [f64(x)])
    bad = t.copy()
    bad.flat[-1] = c
    raises_clean(lambda: F.cross_entropy(f64(x), bad), f"target class index {c} is out of range")
    raises_clean(lambda: F.cross_entropy(f64(x), t[:0] if t.ndim else t[None]), str(shape))
    raises_clean(lambda: F.cross_entropy(f64(x), t, weight=f64(np.ones(c + 1))), f"({c},)")


@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
    reduction=st.sampled_from(["mean", "sum", "none"]),
    use_weight=st.booleans(),
    use_pos=st.booleans(),
)
def test_regression_and_binary_losses(shape, reduction, use_weight, use_pos):
    x, t = randn(*shape), RNG.uniform(0, 1, shape)
    p = RNG.uniform(0.05, 0.95, shape)
    w = np.abs(randn(*shape[-1:])) + 0.5 if use_weight else None
    pos = np.abs(randn(*shape[-1:])) + 0.5 if use_pos else None
    red = {"mean": np.mean, "sum": np.sum, "none": lambda a: a}[reduction]
    ww = 1.0 if w is None else w
    pw = 1.0 if pos is None else pos
    sig = 1 / (1 + np.exp(-x))
    cases = [
        (lambda a: F.mse_loss(a, t, reduction=reduction), x, red((x - t) ** 2)),
        (
            lambda a: F.binary_cross_entropy(a, t, weight=w, reduction=reduction),
            p,
            red(-ww * (t * np.log(p) + (1 - t) * np.log(1 - p))),
        ),
        (
            lambda a: F.binary_cross_entropy_with_logits(a, t, weight=w, pos_weight=pos, reduction=reduction),
            x,
            red(-ww * (pw * t * np.log(sig) + (1 - t) * np.log(1 - sig))),
        ),
    ]
    for fn, inp, expected in cases:
        close(fn(f64(inp)), expected)
        assert ag.gradcheck(fn, [f64(inp)])
    wrong = tuple(shape) + (2,)
    raises_clean(lambda: F.mse_loss(f64(x), np.zeros(wrong)), str(wrong))
    raises_clean(lambda: F.binary_cross_entropy_with_logits(f64(x), np.zeros(wrong)), str(wrong))
    raises_clean(lambda: F.mse_loss(f64(x), t, reduction="avg"), "'avg'")


# ---- recurrent layers with padded sequences -------------------------------------------------------------------


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def cell_reference(kind, x, h, c, w_ih, w_hh, b_ih, b_hh):
    """PyTorch's equations, gate order LSTM i, f, g, o and GRU r, z, n."""
    gi, gh = x @ w_ih.T + b_ih, h @ w_hh.T + b_hh
    hidden = h.shape[-1]
    if kind == "RNN":
        return np.tanh(gi + gh), c
    if kind == "GRU":
        r = _sigmoid(gi[:, :hidden] + gh[:, :hidden])
        z = _sigmoid(gi[:, hidden : 2 * hidden] + gh[:, hidden : 2 * hidden])
        n = np.tanh(gi[:, 2 * hidden :] + r * gh[:, 2 * hidden :])
        return (1 - z) * n + z * h, c
    a = gi + gh
    i, f, g, o = (a[:, j * hidden : (j + 1) * hidden] for j in range(4))
    c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    return _sigmoid(o) * np.tanh(c), c


def recurrent_reference(layer, kind, x, lengths):
    """Unroll in NumPy over (T, B, I): padded steps keep the state and output 0; reverse starts at each end."""
    params = {n: p.numpy() for n, p in layer.named_parameters()}
    steps, batch = x.shape[:2]
    hidden, finals_h, finals_c = layer.hidden_size, [], []
    inp = x
    for layer_i in range(layer.num_layers):
        outs = []
        for sfx in ["", "_reverse"][: 2 if layer.bidirectional else 1]:
            w = [params[f"{n}_l{layer_i}{sfx}"] for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            h, c, ys = np.zeros((batch, hidden)), np.zeros((batch, hidden)), np.zeros((steps, batch, hidden))
            for t in range(steps - 1, -1, -1) if sfx else range(steps):
                real = (t < lengths)[:, None]
                h_new, c_new = cell_reference(kind, inp[t], h, c, *w)
                h, c = np.where(real, h_new, h), np.where(real, c_new, c)
                ys[t] = np.where(real, h_new, 0.0)
            outs.append(ys)
            finals_h.append(h)
            finals_c.append(c)
        inp = np.concatenate(outs, axis=-1)
    return inp, np.stack(finals_h), np.stack(finals_c)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@given(
    data=st.data(),
    steps=st.integers(1, 3),
    batch=st.integers(1, 3),
    i=st.integers(1, 2),
    h=st.integers(1, 2),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
)
def test_recurrent_layers_with_lengths_equal_numpy_and_gradcheck(
    kind, data, steps, batch, i, h, layers, bidirectional, batch_first
):
    layer = getattr(nn, kind)(i, h, num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    layer = layer.double()
    lengths = np.array(data.draw(st.lists(st.integers(0, steps), min_size=batch, max_size=batch)))
    x = randn(steps, batch, i)
    x_in = x.swapaxes(0, 1) if batch_first else x
    out, state = layer(f64(x_in), lengths=lengths)
    ref_out, ref_h, ref_c = recurrent_reference(layer, kind, x, lengths)
    close(out, ref_out.swapaxes(0, 1) if batch_first else ref_out)
    close(state[0] if kind == "LSTM" else state, ref_h)
    if kind == "LSTM":
        close(state[1], ref_c)
    # gradients through the input and two drawn parameters (all of them would make each example slow)
    names = [n for n, _ in layer.named_parameters()]
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))

    def fn(inp, *params):
        for n, p in zip(chosen, params):
            layer._parameters[n] = p  # gradcheck hands in float64 copies: swap them in (bypassing Parameter checks)
        out, state = layer(inp, lengths=lengths)
        return (out,) + (tuple(state) if kind == "LSTM" else (state,))

    saved = dict(layer._parameters)
    try:
        assert ag.gradcheck(fn, [f64(x_in)] + [f64(layer._parameters[n].numpy()) for n in chosen])
    finally:
        layer._parameters.update(saved)
    raises_clean(lambda: layer(f64(x_in), lengths=np.append(lengths, 1)), f"{batch} integers")
    raises_clean(lambda: layer(f64(x_in), lengths=np.full(batch, steps + 1)), f"T={steps}")
    raises_clean(lambda: layer(f64(randn(steps, batch, i + 1))), f"input_size {i}")
    h0 = np.zeros((layers * (2 if bidirectional else 1) + 1, batch, h))
    raises_clean(lambda: layer(f64(x_in), (f64(h0), f64(h0)) if kind == "LSTM" else f64(h0)), str(h0.shape))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@given(
    batch=st.one_of(st.none(), st.integers(1, 3)),
    i=st.integers(1, 3),
    h=st.integers(1, 3),
    given_hx=st.booleans(),
    bias=st.booleans(),
)
def test_cells_one_step_equal_numpy_and_gradcheck(kind, batch, i, h, given_hx, bias):
    cell = getattr(nn, f"{kind}Cell")(i, h, bias=bias).double()
    lead = () if batch is None else (batch,)  # unbatched input (I,) too
    x, h0, c0 = randn(*lead, i), randn(*lead, h), randn(*lead, h)
    hx = None if not given_hx else (f64(h0), f64(c0)) if kind == "LSTM" else f64(h0)
    out = cell(f64(x), hx)
    zero = np.zeros(h)
    w = [cell.weight_ih.numpy(), cell.weight_hh.numpy()] + (
        [cell.bias_ih.numpy(), cell.bias_hh.numpy()] if bias else [0.0, 0.0]
    )
    ref_h, ref_c = cell_reference(
        kind, np.atleast_2d(x), np.atleast_2d(h0 if given_hx else zero), np.atleast_2d(c0 if given_hx else zero), *w
    )
    if kind == "LSTM":
        close(out[0], ref_h.reshape(out[0].shape))
        close(out[1], ref_c.reshape(out[1].shape))
    else:
        close(out, ref_h.reshape(out.shape))
    weights = [cell.weight_ih, cell.weight_hh] + ([cell.bias_ih, cell.bias_hh] if bias else [None, None])
    fn = getattr(F, f"{kind.lower()}_cell")
    hx_args = [f64(h0), f64(c0)] if kind == "LSTM" else [f64(h0)]
    assert ag.gradcheck(
        lambda xx, *s: fn(
            xx, tuple(s) if kind == "LSTM" else s[0], *[None if p is None else f64(p.numpy(), False) for p in weights]
        ),
        [f64(x)] + hx_args,
    )
    raises_clean(lambda: cell(f64(randn(*lead, i + 1)), hx), f"({i},)")
