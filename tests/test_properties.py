"""Hypothesis: random shapes, broadcasting pairs, axes and values; ops equal NumPy and analytic == numeric gradients.

Few examples by default (profile 'dev' in conftest.py); HYPOTHESIS_PROFILE=long runs many more.
"""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import autograd_core as ag

FLOATS = st.floats(-3, 3, allow_nan=False, allow_subnormal=False, width=64)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)


def arrays(shape, elements=FLOATS):
    return hnp.arrays(np.float64, shape, elements=elements)


def f64(a):
    return ag.tensor(a, dtype="float64", requires_grad=True)


BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "div": (lambda a, b: a / b, np.divide),
}


@given(
    data=st.data(),
    name=st.sampled_from(sorted(BINARY)),
    pair=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
)
def test_binary_ops_broadcast_like_numpy_with_correct_gradients(data, name, pair):
    fn, ref = BINARY[name]
    a = data.draw(arrays(pair.input_shapes[0]))
    b = data.draw(arrays(pair.input_shapes[1], st.floats(0.5, 3) if name == "div" else FLOATS))
    x, y = f64(a), f64(b)
    out = fn(x, y)
    assert out.shape == pair.result_shape
    np.testing.assert_allclose(out.numpy(), ref(a, b), rtol=1e-12)
    assert ag.gradcheck(fn, [x, y])


@given(
    data=st.data(),
    shape=shapes,
    keepdims=st.booleans(),
    name=st.sampled_from(["sum", "mean", "max", "min", "var", "logsumexp"]),
)
def test_reductions_over_random_axes(data, shape, keepdims, name):
    nd = len(shape)
    axis = data.draw(
        st.one_of(
            st.none(),
            st.integers(-nd, nd - 1) if nd else st.none(),
            st.lists(st.integers(0, nd - 1), unique=True).map(tuple) if nd else st.none(),
        )
    )
    if name in ("max", "min"):  # distinct values: no ties, no kinks
        n = int(np.prod(shape))
        a = np.asarray(data.draw(st.permutations(range(n))), dtype=np.float64).reshape(shape) * 0.5
    else:
        a = data.draw(arrays(shape))
    x = f64(a)
    fn = lambda t: getattr(t, name)(axis, keepdims=keepdims)  # noqa: E731
    refs = {
        "sum": np.sum,
        "mean": np.mean,
        "max": np.max,
        "min": np.min,
        "var": np.var,
        "logsumexp": lambda v, axis, keepdims: np.log(np.sum(np.exp(v), axis, keepdims=keepdims)),
    }
    np.testing.assert_allclose(fn(x).numpy(), refs[name](a, axis=axis, keepdims=keepdims), rtol=1e-10, atol=1e-12)
    assert ag.gradcheck(fn, [x])


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_softmax_rows_sum_to_one_and_are_stable(data, shape):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    a = data.draw(arrays(shape))
    shift = data.draw(st.sampled_from([0.0, 1e4, -1e4]))
    s = f64(a + shift).softmax(axis).numpy()
    assert np.all(np.isfinite(s))
    np.testing.assert_allclose(s.sum(axis), 1.0)
    e = np.exp(a - a.max(axis, keepdims=True))
    np.testing.assert_allclose(s, e / e.sum(axis, keepdims=True), rtol=1e-6, atol=1e-12)
    assert ag.gradcheck(lambda t: t.log_softmax(axis), [f64(a)])


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3))
def test_transpose_and_reshape(data, shape):
    a = data.draw(arrays(shape))
    perm = tuple(data.draw(st.permutations(range(len(shape)))))
    new_shape = tuple(data.draw(st.permutations(shape)))
    x = f64(a)
    np.testing.assert_array_equal(x.transpose(perm).numpy(), a.transpose(perm))
    np.testing.assert_array_equal(x.reshape(new_shape).numpy(), a.reshape(new_shape))
    assert ag.gradcheck(lambda t: t.transpose(perm).reshape(-1) * np.arange(a.size), [x])


@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_basic_and_advanced_indexing(data, shape):
    a = data.draw(arrays(shape))
    x = f64(a)
    basic = data.draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    np.testing.assert_array_equal(x[basic].numpy(), a[basic])
    assert ag.gradcheck(lambda t: t[basic] * 2, [x])
    result_shape = hnp.array_shapes(min_dims=1, max_dims=2, max_side=4)
    ints = data.draw(hnp.integer_array_indices(shape, result_shape=result_shape))
    np.testing.assert_array_equal(x[ints].numpy(), a[ints])
    assert ag.gradcheck(lambda t: t[ints] * 2, [x])  # repeated indices accumulate


@given(
    data=st.data(),
    a_shape=st.tuples(st.integers(1, 3), st.integers(1, 3)),
    k=st.integers(1, 3),
    batch=st.sampled_from([(), (2,), (2, 1)]),
    vec=st.sampled_from([None, "left", "right"]),
)
def test_matmul_like_numpy(data, a_shape, k, batch, vec):
    m, n = a_shape
    sa = (k,) if vec == "left" else batch + (m, k)
    sb = (k,) if vec == "right" else (k, n)
    a, b = data.draw(arrays(sa)), data.draw(arrays(sb))
    out = f64(a) @ f64(b)
    np.testing.assert_allclose(out.numpy(), np.matmul(a, b), rtol=1e-12, atol=1e-12)
    assert ag.gradcheck(lambda x, y: x @ y, [f64(a), f64(b)])


@given(
    data=st.data(),
    n=st.integers(1, 9),
    f=st.integers(1, 3),
    s=st.integers(1, 3),
    d=st.integers(1, 3),
    lead=st.sampled_from([(), (2,)]),
)
def test_sliding_window_1d(data, n, f, s, d, lead):
    assume(d * (f - 1) + 1 <= n)
    a = data.draw(arrays(lead + (n,)))
    w = ag.sliding_window(f64(a), f, s, d)
    ref = np.lib.stride_tricks.sliding_window_view(a, d * (f - 1) + 1, axis=-1)[..., ::s, ::d]
    np.testing.assert_array_equal(w.numpy(), ref)
    assert ag.gradcheck(lambda t: ag.sliding_window(t, f, s, d), [f64(a)])


@given(data=st.data(), shape=shapes, name=st.sampled_from(["exp", "tanh", "sigmoid", "sqrt", "log", "abs", "relu"]))
def test_unary_ops(data, shape, name):
    positive = name in ("sqrt", "log")
    away = st.one_of(st.floats(0.1, 3), st.floats(-3, -0.1))
    a = data.draw(arrays(shape, st.floats(0.2, 3) if positive else away if name in ("abs", "relu") else FLOATS))
    refs = {
        "exp": np.exp,
        "tanh": np.tanh,
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "sqrt": np.sqrt,
        "log": np.log,
        "abs": np.abs,
        "relu": lambda v: np.maximum(v, 0),
    }
    fn = lambda t: getattr(t, name)()  # noqa: E731
    np.testing.assert_allclose(fn(f64(a)).numpy(), refs[name](a), rtol=1e-12)
    assert ag.gradcheck(fn, [f64(a)])
    assert ag.gradgradcheck(fn, [f64(a)])
