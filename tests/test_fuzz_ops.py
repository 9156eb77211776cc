"""Fuzzing every primitive: random shapes, broadcasting pairs, axes, slices, paddings, strides and dilations.

Valid draws: the op equals NumPy and its analytic gradient equals finite differences (float64, small sizes).
Invalid draws: a ValueError / TypeError (IndexError for indexing only) of a builtin class, with a message naming
the shapes given, never NumPy's own exception from deep inside nor a result of the wrong shape.
Profile 'dev' (conftest.py) keeps this to seconds; HYPOTHESIS_PROFILE=long runs many more examples.
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag

small_shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)
pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def f64(a):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def spread(draw, shape, low=-2.0, high=2.0):
    """Float64 values of `shape`, pairwise at least 0.05 apart (no ties for max / maximum / clip, no kinks)."""
    n = int(np.prod(shape))
    perm = np.asarray(draw(st.permutations(range(n))), dtype=np.float64) if n else np.zeros(0)
    return (low + (high - low) * (perm + 0.5) / max(n, 1)).reshape(shape)


def check(fn, ref, *arrays):
    """fn on float64 tensors equals ref on the arrays (values and shape), and gradcheck passes."""
    ts = [f64(a) for a in arrays]
    out = fn(*ts)
    expected = ref(*arrays)
    outs, exps = (out, expected) if isinstance(out, (list, tuple)) else ([out], [expected])
    assert len(outs) == len(exps)
    for o, e in zip(outs, exps):
        assert o.shape == np.shape(e), (o.shape, np.shape(e))
        np.testing.assert_allclose(o.numpy(), e, rtol=1e-10, atol=1e-12)
    assert ag.gradcheck(fn, ts)


def raises_clean(fn, *shapes, kinds=(ValueError, TypeError)):
    """fn() raises one of kinds, a builtin class, with a message naming at least one of the given shapes."""
    with pytest.raises(kinds) as info:
        fn()
    e = info.value
    assert type(e).__module__ == "builtins", f"{type(e).__module__}.{type(e).__name__}: {e}"
    msg = str(e)
    assert any(str(tuple(s)) in msg for s in shapes), f"no shape of {shapes} named in: {msg}"
    return msg


# ---- elementwise primitives over broadcasting pairs ----------------------------------------------------------

BINARY = {
    "pow": (lambda a, b: a**b, np.power, (0.5, 2.0)),  # positive bases: real results and finite slopes
    "maximum": (ag.maximum, np.maximum, None),
    "minimum": (ag.minimum, np.minimum, None),
    "sub": (lambda a, b: a - b, np.subtract, None),
    "rdiv": (lambda a, b: b / a, lambda a, b: b / a, (0.5, 2.0)),
}


@given(data=st.data(), name=st.sampled_from(sorted(BINARY)), pair=pairs)
def test_binary_primitives_broadcast(data, name, pair):
    fn, ref, base_range = BINARY[name]
    sa, sb = pair.input_shapes
    a = spread(data.draw, sa, *(base_range or (-2.0, 2.0)))
    b = spread(data.draw, sb, -1.5, 1.5) + 0.013  # never equal to a value of a: maximum has no ties
    check(fn, ref, a, b)


@given(data=st.data(), pair=pairs, cond_shape=small_shapes)
def test_where_broadcasts_condition_and_both_branches(data, pair, cond_shape):
    try:
        np.broadcast_shapes(cond_shape, pair.result_shape)
    except ValueError:
        assume(False)
    cond = data.draw(hnp.arrays(bool, cond_shape))
    a, b = spread(data.draw, pair.input_shapes[0]), spread(data.draw, pair.input_shapes[1])
    check(lambda x, y: ag.where(cond, x, y), lambda x, y: np.where(cond, x, y), a, b)


@given(
    data=st.data(),
    shape=small_shapes,
    lo=st.one_of(st.none(), st.floats(-1, 0)),
    hi=st.one_of(st.none(), st.floats(0.1, 1)),
    slope=st.floats(0.01, 0.5),
    exponent=st.sampled_from([-2, 0.5, 2, 3]),
)
def test_unary_primitives_with_parameters(data, shape, lo, hi, slope, exponent):
    a = spread(data.draw, shape) + 0.011  # off the clip bounds and off 0
    check(lambda x: x.clip(lo, hi), lambda x: np.clip(x, lo, hi), a)
    check(lambda x: x.leaky_relu(slope), lambda x: np.where(x > 0, x, slope * x), a)
    check(lambda x: -x, np.negative, a)
    pos = np.abs(a) + 0.5
    check(lambda x: x**exponent, lambda x: x**exponent, pos)
    x = f64(a)  # cast: float32 rounding needs a coarser finite-difference step
    assert x.astype(np.float32).dtype == np.float32
    assert ag.gradcheck(lambda t: t.astype(np.float32), [x], eps=1e-2, atol=1e-3, rtol=1e-3)


@given(sa=hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3))
def test_mismatched_broadcasting_pairs_raise_naming_both_shapes(sa):
    bad = sa[:-1] + (sa[-1] + 1,)  # one trailing axis longer (and neither is 1): no broadcasting
    x, y = f64(np.ones(sa)), f64(np.ones(bad))
    for op in (
        lambda: x + y,
        lambda: x * y,
        lambda: ag.maximum(x, y),
        lambda: ag.where(np.ones(sa, bool), x, y),
        lambda: x**y,
    ):
        raises_clean(op, sa, bad)


not_an_int = st.one_of(
    st.floats(-3, 3).filter(lambda v: not v.is_integer()),
    st.text(min_size=1, max_size=2),
    st.just(True),
    st.just(object()),
)


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=2, max_side=3), bad=not_an_int)
def test_axes_and_sizes_of_the_wrong_type_raise_naming_the_value(shape, bad):
    x = f64(np.ones(shape))
    ops = [
        lambda: x.sum(bad),
        lambda: x.max(bad),
        lambda: x.mean(bad),
        lambda: x.var(bad),
        lambda: x.squeeze(bad),
        lambda: x.unsqueeze(bad),
        lambda: x.logsumexp(bad),
        lambda: x.softmax(bad),
        lambda: ag.split(x, bad),
        lambda: ag.concatenate([x, x], bad),
        lambda: ag.stack([x, x], bad),
        lambda: ag.sliding_window(x, bad),
        lambda: ag.sliding_window(x, 1, stride=bad),
    ]
    for op in ops:
        with pytest.raises((TypeError, ValueError)) as info:
            op()
        assert type(info.value).__module__ == "builtins" and repr(bad) in str(info.value), repr(info.value)


def test_logsumexp_over_nothing_is_minus_infinity_like_numpy():
    with np.errstate(divide="ignore"):
        out = f64(np.zeros((2, 0))).logsumexp(axis=1)
        np.testing.assert_array_equal(out.numpy(), np.log(np.exp(np.zeros((2, 0))).sum(1)))


@given(
    data=st.data(), pair=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, min_side=0, max_side=2)
)
def test_empty_tensors_flow_through_ops_and_get_empty_gradients(data, pair):
    assume(0 in pair.result_shape)
    x, y = f64(np.ones(pair.input_shapes[0])), f64(np.ones(pair.input_shapes[1]))
    with np.errstate(divide="ignore", invalid="ignore"):  # softmax over an empty axis: log(0), 0 / 0 on nothing
        _check_empty(pair, x, y)


def _check_empty(pair, x, y):
    sa, sb = pair.input_shapes
    nd = len(pair.result_shape)
    full = [i for i, n in enumerate(pair.result_shape) if n]  # max over axes that are not empty is fine
    outs = [
        x * y,
        ag.maximum(x, y),
        ag.where(np.ones(pair.result_shape, bool), x, y),
        (x + y).transpose(),
        (x - y).reshape(-1),
        ag.pad(x, 1),
        ag.concatenate([x, x], axis=-1),
        ag.stack([y, y]),
        (x * y).sum(axis=0),
        (x + y).softmax(-1),
        (x + y).max(tuple(full)) if full else (x + y).sum(),
    ]
    expected = np.ones(pair.result_shape)
    shapes = [
        expected.shape,
        expected.shape,
        expected.shape,
        expected.T.shape,
        (0,),
        np.pad(np.ones(sa), 1).shape,
        np.concatenate([np.ones(sa)] * 2, -1).shape,
        (2,) + tuple(sb),
        expected.sum(0).shape,
        expected.shape,
        expected.max(tuple(full)).shape if full else (),
    ]
    for out, shape in zip(outs, shapes):
        assert out.shape == shape
    sum(o.sum() for o in outs).backward()
    assert x.grad.shape == sa and y.grad.shape == sb
    empty = [i for i in range(nd) if pair.result_shape[i] == 0]
    with pytest.raises(ValueError, match="empty axis"):
        (x + y).max(empty[0])


# ---- reductions and composites against NumPy -------------------------------------------------------------------


@st.composite
def shape_and_axis(draw, min_dims=1):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=3))
    nd = len(shape)
    axis = draw(
        st.one_of(
            st.none(),
            st.integers(-nd, nd - 1),
            st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique_by=lambda a: a % nd).map(tuple),
        )
    )
    return shape, axis


@given(data=st.data(), sa=shape_and_axis(), keepdims=st.booleans(), ddof=st.integers(0, 1))
def test_composites_equal_plain_numpy(data, sa, keepdims, ddof):
    shape, axis = sa
    a = spread(data.draw, shape)
    n = a.size if axis is None else int(np.prod([shape[i] for i in np.atleast_1d(axis)]))
    check(lambda x: x.min(axis, keepdims=keepdims), lambda x: np.min(x, axis, keepdims=keepdims), a)
    check(lambda x: x.mean(axis, keepdims=keepdims), lambda x: np.mean(x, axis, keepdims=keepdims), a)
    if n > ddof:
        check(
            lambda x: x.var(axis, ddof=ddof, keepdims=keepdims),
            lambda x: np.var(x, axis, ddof=ddof, keepdims=keepdims),
            a,
        )
    check(lambda x: x.logsumexp(axis, keepdims=keepdims), lambda x: np.log(np.exp(x).sum(axis, keepdims=keepdims)), a)
    if isinstance(axis, int):
        e = lambda x: np.exp(x - x.max(axis, keepdims=True))  # noqa: E731
        check(lambda x: x.softmax(axis), lambda x: e(x) / e(x).sum(axis, keepdims=True), a)
        check(lambda x: x.log_softmax(axis), lambda x: np.log(e(x) / e(x).sum(axis, keepdims=True)), a)


@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3),
    axis=st.integers(-6, 6),
    name=st.sampled_from(["sum", "max", "min", "mean", "var", "logsumexp", "softmax", "log_softmax"]),
)
def test_out_of_range_axes_raise_naming_the_axis(shape, axis, name):
    nd = len(shape)
    assume(not -nd <= axis < nd)
    assume(nd or axis not in (0, -1))  # a 0-d tensor takes axis 0 and -1, as in PyTorch (tests/test_trust_core.py)
    x = f64(np.ones(shape))
    with pytest.raises(ValueError, match=f"axis {axis} is out of range for a tensor with {nd} dimensions"):
        getattr(x, name)(axis)
    assume(nd >= 1)
    with pytest.raises(ValueError, match="repeated axis"):
        x.sum((0, -nd))


# ---- movement -----------------------------------------------------------------------------------------------


@given(data=st.data(), pair=pairs)
def test_broadcast_to_and_its_invalid_targets(data, pair):
    src, target = pair.input_shapes[0], pair.result_shape
    lead = data.draw(hnp.array_shapes(min_dims=0, max_dims=1, max_side=2))
    target = tuple(lead) + tuple(target)
    a = spread(data.draw, src)
    check(lambda x: x.broadcast_to(target), lambda x: np.broadcast_to(x, target), a)
    if len(src) >= 1 and src[-1] > 1:
        bad = target[:-1] + (src[-1] + 1,)
        raises_clean(lambda: f64(a).broadcast_to(bad), src, bad)
    if len(src) >= 2:
        raises_clean(lambda: f64(a).broadcast_to(src[1:]), src)  # fewer axes than the tensor


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), count=st.integers(1, 3))
def test_concatenate_stack_split_along_random_axes(data, shape, count):
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=count, max_size=count))
    shapes = [tuple(n if i != axis % nd else s for i, n in enumerate(shape)) for s in sizes]
    arrays = [spread(data.draw, s) for s in shapes]
    check(lambda *ts: ag.concatenate(ts, axis), lambda *xs: np.concatenate(xs, axis), *arrays)
    same = [spread(data.draw, shape) + i for i in range(count)]
    stack_axis = data.draw(st.integers(-nd - 1, nd))
    check(lambda *ts: ag.stack(ts, stack_axis), lambda *xs: np.stack(xs, stack_axis), *same)
    whole = np.concatenate(arrays, axis)
    cuts = list(np.cumsum(sizes)[:-1])
    check(lambda t: ag.split(t, cuts, axis), lambda x: np.split(x, cuts, axis), whole)
    if count > 1 and len(set(shapes)) > 1:
        raises_clean(lambda: ag.stack([f64(a) for a in arrays]), *shapes)
    if nd >= 2:  # a mismatch on an axis other than the concatenation axis
        other = (axis % nd + 1) % nd
        wrong = tuple(n + 1 if i == other else n for i, n in enumerate(shapes[0]))
        raises_clean(lambda: ag.concatenate([f64(arrays[0]), f64(np.ones(wrong))], axis), shapes[0], wrong)
    n = whole.shape[axis % nd]
    with pytest.raises(ValueError, match=f"cannot split an axis of size {n} into {n + 1} equal sections"):
        ag.split(f64(whole), n + 1, axis)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3))
def test_pad_with_random_widths_and_values(data, shape):
    nd = len(shape)
    width = data.draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=nd, max_size=nd).map(tuple),
        )
    )
    value = data.draw(st.floats(-3, 3))
    a = spread(data.draw, shape)
    if nd == 0:
        raises_clean(lambda: ag.pad(f64(a), width, value), ())
        return
    check(lambda x: ag.pad(x, width, value), lambda x: np.pad(x, width, constant_values=value), a)
    with pytest.raises(ValueError, match="pad_width must be non-negative"):
        ag.pad(f64(a), -1)
    raises_clean(lambda: ag.pad(f64(a), [(1, 1)] * (nd + 1)), shape)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
def test_reshape_transpose_squeeze_unsqueeze(data, shape):
    a = spread(data.draw, shape)
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    check(lambda x: x.transpose(perm), lambda x: np.transpose(x, perm), a)
    flat = data.draw(st.sampled_from([(-1,), (a.size,), (1, -1), (a.size, 1)]))
    check(lambda x: x.reshape(flat), lambda x: x.reshape(flat), a)
    ax = data.draw(st.integers(-len(shape) - 1, len(shape)))
    check(lambda x: x.unsqueeze(ax), lambda x: np.expand_dims(x, ax), a)
    check(lambda x: x.squeeze(), lambda x: np.squeeze(x), a)
    raises_clean(lambda: f64(a).reshape(a.size + 1), shape)
    with pytest.raises(ValueError, match=f"axis {len(shape)} is out of range"):
        f64(a).transpose(perm[:-1] + (len(shape),))
    big = [i for i, n in enumerate(shape) if n > 1]
    if big:
        raises_clean(lambda: f64(a).squeeze(big[0]), shape)


@st.composite
def slices(draw, n):
    start = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
    stop = draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
    step = draw(st.one_of(st.none(), st.sampled_from([-2, -1, 1, 2, 3])))
    return slice(start, stop, step)


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_getitem_with_random_slices_integers_arrays_and_masks(data, shape):
    a = spread(data.draw, shape)
    m, trailing = data.draw(st.integers(1, len(shape))), data.draw(st.booleans())
    parts = [
        data.draw(st.one_of(slices(n), st.integers(-n, n - 1)))  # one entry per leading (trailing) axis
        for n in (shape[-m:] if trailing else shape[:m])
    ]
    if data.draw(st.booleans()):  # a new axis anywhere; it uses up no axis of the tensor
        parts.insert(data.draw(st.integers(0, len(parts))), None)
    index = (Ellipsis,) + tuple(parts) if trailing else tuple(parts)
    check(lambda x: x[index], lambda x: x[index], a)
    rows = data.draw(hnp.arrays(np.int64, data.draw(st.integers(1, 4)), elements=st.integers(-shape[0], shape[0] - 1)))
    check(lambda x: x[rows], lambda x: x[rows], a)  # repeated rows: their gradients add up
    mask = data.draw(hnp.arrays(bool, shape))
    check(lambda x: x[mask], lambda x: x[mask], a)
    with pytest.raises(IndexError, match=r"does not fit a tensor of shape"):  # NumPy and PyTorch use IndexError too
        f64(a)[np.array([shape[0]])]


# ---- matmul and sliding windows -------------------------------------------------------------------------------


@given(
    data=st.data(),
    m=st.integers(1, 3),
    k=st.integers(1, 3),
    n=st.integers(1, 3),
    batch=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=2, max_side=2),
    vec=st.sampled_from(["none", "left", "right", "both"]),
)
def test_matmul_broadcasts_batches_and_promotes_vectors(data, m, k, n, batch, vec):
    sa = (k,) if vec in ("left", "both") else batch.input_shapes[0] + (m, k)
    sb = (k,) if vec in ("right", "both") else batch.input_shapes[1] + (k, n)
    a, b = spread(data.draw, sa), spread(data.draw, sb)
    check(lambda x, y: x @ y, np.matmul, a, b)
    bad = sb[:-2] + (k + 1, n) if len(sb) > 1 else (k + 1,)
    raises_clean(lambda: f64(a) @ f64(np.ones(bad)), sa, bad)


def _windows_reference(x, window, stride, dilation):
    """Plain NumPy: gather every window with explicit index arithmetic (o * S + f * D per axis)."""
    k = len(window)
    sizes = x.shape[-k:]
    outs = [(n - d * (f - 1) - 1) // s + 1 for n, f, s, d in zip(sizes, window, stride, dilation)]
    idx = [np.arange(o)[:, None] * s + np.arange(f)[None, :] * d for o, f, s, d in zip(outs, window, stride, dilation)]
    grids = np.ix_(*[i.ravel() for i in idx])
    g = x[(Ellipsis,) + grids]  # (..., O1*F1, ..., Ok*Fk)
    g = g.reshape(x.shape[:-k] + tuple(v for o, f in zip(outs, window) for v in (o, f)))
    lead = x.ndim - k
    order = list(range(lead)) + [lead + 2 * i for i in range(k)] + [lead + 2 * i + 1 for i in range(k)]
    return g.transpose(order)


@given(data=st.data(), k=st.integers(1, 2), lead=hnp.array_shapes(min_dims=0, max_dims=2, max_side=2))
def test_sliding_window_in_one_and_two_dimensions(data, k, lead):
    window = tuple(data.draw(st.integers(1, 3)) for _ in range(k))
    stride = tuple(data.draw(st.integers(1, 3)) for _ in range(k))
    dilation = tuple(data.draw(st.integers(1, 2)) for _ in range(k))
    sizes = tuple(d * (f - 1) + 1 + data.draw(st.integers(0, 3)) for f, d in zip(window, dilation))
    a = spread(data.draw, tuple(lead) + sizes)
    check(
        lambda x: ag.sliding_window(x, window, stride, dilation),
        lambda x: _windows_reference(x, window, stride, dilation),
        a,
    )
    too_big = tuple(n - d * (f - 1) for n, f, d in zip(sizes, window, dilation))  # every axis one short of fitting
    short = tuple(lead) + tuple(n - 1 - (t - 1) for n, t in zip(sizes, too_big))
    with pytest.raises(ValueError, match=r"does not fit an axis of size N="):
        ag.sliding_window(f64(np.ones(short)), window, stride, dilation)
    with pytest.raises(ValueError, match="must be a positive int"):
        ag.sliding_window(f64(a), window, 0, dilation)
