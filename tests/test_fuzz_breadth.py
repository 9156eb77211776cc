"""Fuzzing the ops added for breadth (math, scans, sorting, movement, indexing, einsum) against NumPy over random
shapes and axes: values equal NumPy's and gradients equal finite differences. Profile 'dev' keeps this to
seconds; HYPOTHESIS_PROFILE=long runs many more examples."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_fuzz_ops import check, pairs, spread

import autograd_core as ag

shapes = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4)

UNARY = {
    "sin": np.sin,
    "cos": np.cos,
    "arctan": np.arctan,
    "sinh": np.sinh,
    "cosh": np.cosh,
    "expm1": np.expm1,
    "exp2": np.exp2,
    "square": np.square,
    "erf": np.vectorize(__import__("math").erf),
}
POSITIVE = {"log2": np.log2, "log10": np.log10, "log1p": np.log1p, "rsqrt": lambda a: 1 / np.sqrt(a)}


@given(data=st.data(), shape=shapes, name=st.sampled_from(sorted(UNARY) + sorted(POSITIVE)))
def test_unary_math(data, shape, name):
    a = spread(data.draw, shape, 0.1, 3.0) if name in POSITIVE else spread(data.draw, shape)
    check(lambda t: getattr(t, name)(), {**UNARY, **POSITIVE}[name], a)


@given(data=st.data(), pair=pairs, op=st.sampled_from(["arctan2", "logaddexp", "remainder"]))
def test_binary_math_broadcasts(data, pair, op):
    a = spread(data.draw, pair.input_shapes[0]) + 3.0137  # never a whole multiple of b: % jumps there
    b = spread(data.draw, pair.input_shapes[1], 0.5, 1.7)
    ref = {"arctan2": np.arctan2, "logaddexp": np.logaddexp, "remainder": np.remainder}[op]
    check(getattr(ag, op), ref, a, b)


@given(data=st.data(), shape=shapes)
def test_scans_along_a_random_axis(data, shape):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = spread(data.draw, shape, 0.5, 1.5)
    check(lambda t: t.cumsum(axis), lambda x: np.cumsum(x, axis), a)
    check(lambda t: t.cumprod(axis), lambda x: np.cumprod(x, axis), a)
    check(lambda t: t.prod(axis), lambda x: np.prod(x, axis), a)
    check(lambda t: t.sort(axis), lambda x: np.sort(x, axis), a)
    check(lambda t: t.median(axis), lambda x: np.median(x, axis), a)
    check(lambda t: t.cummax(axis).values, lambda x: np.maximum.accumulate(x, axis), a)
    check(lambda t: t.norm(3, axis), lambda x: np.sum(np.abs(x) ** 3, axis) ** (1 / 3), a)


@given(data=st.data(), shape=shapes)
def test_movement_along_random_axes(data, shape):
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    shift = data.draw(st.integers(-5, 5))
    reps = tuple(data.draw(st.lists(st.integers(0, 2), min_size=1, max_size=nd + 1)))
    counts = data.draw(st.integers(0, 3))
    a = spread(data.draw, shape)
    check(lambda t: t.flip(axis), lambda x: np.flip(x, axis), a)
    check(lambda t: t.roll(shift, axis), lambda x: np.roll(x, shift, axis), a)
    check(lambda t: t.tile(reps), lambda x: np.tile(x, reps), a)
    check(lambda t: ag.repeat(t, counts, axis), lambda x: np.repeat(x, counts, axis), a)
    if nd >= 2:
        off = data.draw(st.integers(-2, 2))
        check(lambda t: t.diagonal(off), lambda x: np.diagonal(x, off), a)
        check(lambda t: t.triu(off), lambda x: np.triu(x, off), a)
    width = data.draw(st.integers(0, 2))
    mode = data.draw(st.sampled_from(["edge", "wrap", "symmetric"] + (["reflect"] if min(shape) > width else [])))
    check(lambda t: ag.pad(t, width, mode=mode), lambda x: np.pad(x, width, mode=mode), a)


@given(data=st.data(), shape=shapes)
def test_gather_and_scatter_add_with_random_indices(data, shape):
    nd = len(shape)
    axis = data.draw(st.integers(0, nd - 1))
    a = spread(data.draw, shape)
    idx = np.asarray(data.draw(hnp.arrays(np.int64, shape, elements=st.integers(0, shape[axis] - 1))))
    check(lambda t: ag.take_along_axis(t, idx, axis), lambda x: np.take_along_axis(x, idx, axis), a)
    src = spread(data.draw, shape)

    def added(x, s):
        out = x.copy()
        np.add.at(out, tuple(idx if i == axis else np.indices(shape, sparse=True)[i] for i in range(nd)), s)
        return out

    check(lambda t, s: t.scatter_add(axis, idx, s), added, a, src)


@given(data=st.data(), n=st.integers(1, 3), m=st.integers(1, 3), k=st.integers(1, 3), batch=st.integers(1, 2))
def test_einsum_of_random_contractions(data, n, m, k, batch):
    spec = data.draw(
        st.sampled_from(
            ["bij,bjk->bik", "bij,bjk->ik", "bij,bkj->bik", "bii->bi", "bij->bji", "bij,bij->b", "...ij,jk->...ik"]
        )
    )
    shapes_ = {
        "bij,bjk->bik": [(batch, n, m), (batch, m, k)],
        "bij,bjk->ik": [(batch, n, m), (batch, m, k)],
        "bij,bkj->bik": [(batch, n, m), (batch, k, m)],
        "bii->bi": [(batch, n, n)],
        "bij->bji": [(batch, n, m)],
        "bij,bij->b": [(batch, n, m), (batch, n, m)],
        "...ij,jk->...ik": [(batch, n, m), (m, k)],
    }[spec]
    arrays = [spread(data.draw, s) for s in shapes_]
    check(lambda *t: ag.einsum(spec, *t), lambda *x: np.einsum(spec, *x), *arrays)
