"""Every primitive and public op: forward == NumPy, gradcheck and gradgradcheck in float64, over edge shapes."""

import numpy as np
import pytest
from core_cases import check_op, values
from numpy.lib.stride_tricks import sliding_window_view

import autograd_core as ag

# Broadcasting pairs, including 0-d and size-1 axes on either side.
PAIRS = [
    ((3, 4), (3, 4)),
    ((3, 4), (4,)),
    ((4,), (3, 4)),
    ((2, 1, 4), (3, 1)),
    ((), (2, 3)),
    ((2, 3), ()),
    ((1,), (2, 1)),
    ((3, 1), (1, 4)),
    ((), ()),
]

BINARY = {
    "add": (lambda a, b: a + b, np.add, "any", "any"),
    "sub": (lambda a, b: a - b, np.subtract, "any", "any"),
    "mul": (lambda a, b: a * b, np.multiply, "any", "any"),
    "truediv": (lambda a, b: a / b, np.divide, "any", "away"),
    "pow": (lambda a, b: a**b, np.power, "pos", "any"),
    "maximum": (ag.maximum, np.maximum, "distinct", "distinct"),
    "minimum": (ag.minimum, np.minimum, "distinct", "distinct"),
}


@pytest.mark.parametrize("shapes", PAIRS, ids=str)
@pytest.mark.parametrize("name", list(BINARY))
def test_binary_broadcasting(name, shapes):
    fn, ref, ka, kb = BINARY[name]
    a, b = values(shapes[0], ka), values(shapes[1], kb)
    if name in ("maximum", "minimum"):
        b = b + 0.11  # two independent "distinct" draws may still coincide; shift them apart
    check_op(fn, ref, a, b)


SCALAR_SIDES = {
    "x+2": (lambda x: x + 2, lambda x: x + 2, "any"),
    "2+x": (lambda x: 2 + x, lambda x: 2 + x, "any"),
    "x-2.5": (lambda x: x - 2.5, lambda x: x - 2.5, "any"),
    "2.5-x": (lambda x: 2.5 - x, lambda x: 2.5 - x, "any"),
    "x*3": (lambda x: x * 3, lambda x: x * 3, "any"),
    "3*x": (lambda x: 3 * x, lambda x: 3 * x, "any"),
    "x/4": (lambda x: x / 4, lambda x: x / 4, "any"),
    "4/x": (lambda x: 4 / x, lambda x: 4 / x, "away"),
    "x**2": (lambda x: x**2, lambda x: x**2, "any"),
    "x**3": (lambda x: x**3, lambda x: x**3, "any"),
    "x**0": (lambda x: x**0, lambda x: x**0, "any"),
    "x**1": (lambda x: x**1, lambda x: x**1, "any"),
    "x**0.5": (lambda x: x**0.5, lambda x: x**0.5, "pos"),
    "x**-1.5": (lambda x: x**-1.5, lambda x: x**-1.5, "pos"),
    "2**x": (lambda x: 2**x, lambda x: 2.0**x, "any"),
    "neg": (lambda x: -x, np.negative, "any"),
    "pos": (lambda x: +x * 1, lambda x: x, "any"),
    "exp": (lambda x: x.exp(), np.exp, "any"),
    "ag.exp": (ag.exp, np.exp, "any"),
    "log": (lambda x: x.log(), np.log, "pos"),
    "ag.log": (ag.log, np.log, "pos"),
    "sqrt": (ag.sqrt, np.sqrt, "pos"),
    "abs": (lambda x: x.abs(), np.abs, "away"),
    "abs()": (abs, np.abs, "away"),
    "tanh": (ag.tanh, np.tanh, "any"),
    "sigmoid": (ag.sigmoid, lambda x: 1 / (1 + np.exp(-x)), "any"),
    "relu": (ag.relu, lambda x: np.maximum(x, 0), "away"),
    "leaky_relu": (ag.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x), "away"),
    "leaky_relu(0.2)": (lambda x: x.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x), "away"),
    "clip(-0.5,0.5)": (lambda x: x.clip(-0.5, 0.5), lambda x: np.clip(x, -0.5, 0.5), "distinct"),
    "clip(min)": (lambda x: ag.clip(x, min=0.1), lambda x: np.maximum(x, 0.1), "distinct"),
    "clip(max)": (lambda x: ag.clip(x, max=0.1), lambda x: np.minimum(x, 0.1), "distinct"),
    "astype64": (lambda x: x.astype("float64") * 2, lambda x: x * 2, "any"),
}


@pytest.mark.parametrize("shape", [(), (1,), (3, 4), (2, 1, 3)], ids=str)
@pytest.mark.parametrize("name", list(SCALAR_SIDES))
def test_unary_and_scalar_operands(name, shape):
    fn, ref, kind = SCALAR_SIDES[name]
    check_op(fn, ref, values(shape, kind))


def test_astype_float32_round_trip():
    """Cast's backward casts the gradient back to the input's dtype; a linear fn keeps differences exact enough."""
    x = ag.tensor(values((3, 2)), dtype="float64", requires_grad=True)
    y = x.astype("float32")
    assert y.dtype == np.float32
    assert ag.gradcheck(lambda t: t.astype("float32").astype("float64") * 3, [x], eps=1e-2, atol=1e-3)
    y.sum().backward()
    assert x.grad.dtype == np.float64 and np.all(x.grad.numpy() == 1)


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((2, 1), (), (3,))], ids=str)
def test_where(shapes):
    cond = values(shapes[0]) > 0
    check_op(lambda x, y: ag.where(cond, x, y), lambda x, y: np.where(cond, x, y), values(shapes[1]), values(shapes[2]))
    check_op(lambda x: ag.where(ag.tensor(cond), x, 2.5), lambda x: np.where(cond, x, 2.5), values(shapes[1]))


MATMUL = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (3, 4)),
    ((3,), (2, 3, 4)),
    ((2, 3, 4), (4,)),
    ((2, 1, 2, 3), (3, 3, 2)),
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("shapes", MATMUL, ids=str)
def test_matmul(shapes):
    check_op(lambda a, b: a @ b, np.matmul, values(shapes[0]), values(shapes[1]))
    check_op(ag.matmul, np.matmul, values(shapes[0]), values(shapes[1]), gradgrad=False)


def test_rmatmul_with_an_array():
    a, b = values((2, 3)), values((3, 2))
    check_op(lambda y: a @ y, lambda y: a @ y, b)


AXES = [None, 0, -1, 1, (0, 2), (-1, 0), (0, 1, 2)]
REDUCE = {
    "sum": (lambda x, ax, kd: x.sum(ax, kd), lambda x, ax, kd: np.sum(x, ax, keepdims=kd), "any"),
    "mean": (lambda x, ax, kd: x.mean(ax, kd), lambda x, ax, kd: np.mean(x, ax, keepdims=kd), "any"),
    "max": (lambda x, ax, kd: x.max(ax, kd), lambda x, ax, kd: np.max(x, ax, keepdims=kd), "distinct"),
    "min": (lambda x, ax, kd: x.min(ax, kd), lambda x, ax, kd: np.min(x, ax, keepdims=kd), "distinct"),
    "var": (lambda x, ax, kd: x.var(ax, keepdims=kd), lambda x, ax, kd: np.var(x, ax, keepdims=kd), "any"),
    "var_ddof1": (
        lambda x, ax, kd: x.var(ax, ddof=1, keepdims=kd),
        lambda x, ax, kd: np.var(x, ax, ddof=1, keepdims=kd),
        "any",
    ),
    "logsumexp": (
        lambda x, ax, kd: x.logsumexp(ax, kd),
        lambda x, ax, kd: np.log(np.sum(np.exp(x), ax, keepdims=kd)),
        "any",
    ),
    "ag.logsumexp": (
        lambda x, ax, kd: ag.logsumexp(x, ax, kd),
        lambda x, ax, kd: np.log(np.sum(np.exp(x), ax, keepdims=kd)),
        "any",
    ),
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", list(REDUCE))
def test_reductions(name, axis, keepdims):
    fn, ref, kind = REDUCE[name]
    check_op(lambda x: fn(x, axis, keepdims), lambda x: ref(x, axis, keepdims), values((2, 3, 4), kind))


@pytest.mark.parametrize("name", [n for n in REDUCE if n != "var_ddof1"])
def test_reductions_of_0d_and_size_1(name):
    fn, ref, kind = REDUCE[name]
    check_op(lambda x: fn(x, None, False), lambda x: ref(x, None, False), values((), kind))
    check_op(lambda x: fn(x, 1, False), lambda x: ref(x, 1, False), values((3, 1), kind))
    check_op(lambda x: fn(x, 0, True), lambda x: ref(x, 0, True), values((1,), kind))


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis, keepdims=True))
    return e / e.sum(axis, keepdims=True)


@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)], ids=str)
def test_softmax_log_softmax(shape, axis):
    x = values(shape)
    check_op(lambda t: t.softmax(axis), lambda a: _np_softmax(a, axis), x)
    check_op(lambda t: ag.softmax(t, axis), lambda a: _np_softmax(a, axis), x)
    check_op(lambda t: t.log_softmax(axis), lambda a: np.log(_np_softmax(a, axis)), x)
    check_op(lambda t: ag.log_softmax(t, axis), lambda a: np.log(_np_softmax(a, axis)), x)


MOVEMENT = {
    "reshape(-1)": ((2, 3, 4), lambda x: x.reshape(-1), lambda x: x.reshape(-1)),
    "reshape(4,-1)": ((2, 3, 4), lambda x: x.reshape(4, -1), lambda x: x.reshape(4, -1)),
    "reshape((3,8))": ((2, 3, 4), lambda x: x.reshape((3, 8)), lambda x: x.reshape(3, 8)),
    "reshape 0-d": ((), lambda x: x.reshape(1, 1), lambda x: x.reshape(1, 1)),
    "reshape to 0-d": ((1, 1), lambda x: x.reshape(()), lambda x: x.reshape(())),
    "transpose()": ((2, 3, 4), lambda x: x.transpose(), lambda x: x.transpose()),
    "transpose(1,0,2)": ((2, 3, 4), lambda x: x.transpose(1, 0, 2), lambda x: x.transpose(1, 0, 2)),
    "transpose((2,0,1))": ((2, 3, 4), lambda x: x.transpose((2, 0, 1)), lambda x: x.transpose(2, 0, 1)),
    "permute(-1,0,1)": ((2, 3, 4), lambda x: x.permute(-1, 0, 1), lambda x: x.transpose(-1, 0, 1)),
    ".T": ((3, 4), lambda x: x.T, lambda x: x.T),
    ".T 3-d": ((2, 3, 4), lambda x: x.T, lambda x: x.T),
    ".T 1-d": ((3,), lambda x: x.T, lambda x: x.T),
    "swapaxes(0,-1)": ((2, 3, 4), lambda x: x.swapaxes(0, -1), lambda x: x.swapaxes(0, -1)),
    "expand": ((3, 1), lambda x: x.expand(2, -1, 4), lambda x: np.broadcast_to(x, (2, 3, 4))),
    "expand tuple": ((1,), lambda x: x.expand((3, 2)), lambda x: np.broadcast_to(x, (3, 2))),
    "broadcast_to": ((3, 1), lambda x: x.broadcast_to((2, 3, 4)), lambda x: np.broadcast_to(x, (2, 3, 4))),
    "ag.broadcast_to 0-d": ((), lambda x: ag.broadcast_to(x, (2, 3)), lambda x: np.broadcast_to(x, (2, 3))),
    "broadcast_to same": ((2, 3), lambda x: x.broadcast_to((2, 3)) * 1, lambda x: x),
    "squeeze()": ((1, 3, 1, 2), lambda x: x.squeeze(), lambda x: x.squeeze()),
    "squeeze(2)": ((1, 3, 1, 2), lambda x: x.squeeze(2), lambda x: x.squeeze(2)),
    "squeeze(-4)": ((1, 3, 1, 2), lambda x: ag.squeeze(x, -4), lambda x: x.squeeze(-4)),
    "squeeze((0,2))": ((1, 3, 1, 2), lambda x: x.squeeze((0, 2)), lambda x: x.squeeze((0, 2))),
    "unsqueeze(0)": ((3, 2), lambda x: x.unsqueeze(0), lambda x: x[None]),
    "unsqueeze(-1)": ((3, 2), lambda x: ag.unsqueeze(x, -1), lambda x: x[..., None]),
    "unsqueeze(1) 0-d": ((), lambda x: x.unsqueeze(-1), lambda x: x.reshape(1)),
    "flatten()": ((2, 3, 4), lambda x: x.flatten(), lambda x: x.reshape(-1)),
    "flatten(1)": ((2, 3, 4), lambda x: x.flatten(1), lambda x: x.reshape(2, -1)),
}


@pytest.mark.parametrize("name", list(MOVEMENT))
def test_movement(name):
    shape, fn, ref = MOVEMENT[name]
    check_op(fn, ref, values(shape))


INDICES = {
    "int": 1,
    "negative int": -1,
    "slice": slice(1, 3),
    "step slice": (slice(None), slice(None, None, 2)),
    "None": (slice(None), None),
    "Ellipsis": (Ellipsis, 1),
    "int, Ellipsis, None": (1, Ellipsis, None),
    "int array": np.array([0, 2]),
    "repeated int array": np.array([0, 2, 0, 0]),
    "list": [2, 2, 1],
    "2-d int array": np.array([[0, 1], [2, 2]]),
    "two arrays": (np.array([0, 1, 1]), np.array([2, 2, 0])),
    "slice + array": (slice(None), np.array([3, 3, 0])),
    "array + int": (np.array([2, 0, 2]), 1),
    "bool mask": "mask",
    "bool row mask": np.array([True, False, True]),
    "int tensor": "tensor",
}


@pytest.mark.parametrize("name", list(INDICES))
def test_getitem(name):
    x = values((3, 4))
    index = INDICES[name]
    if name == "bool mask":
        index = x > 0.1
    if name == "int tensor":
        t = ag.tensor(np.array([1, 1, 2]))
        check_op(lambda a: a[t], lambda a: a[np.array([1, 1, 2])], x)
        return
    check_op(lambda a: a[index], lambda a: a[index], x)


def test_getitem_0d_and_repeated_indices_accumulate():
    check_op(lambda a: a[()], lambda a: a[()], values(()))
    x = ag.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    x[np.array([0, 0, 2, 0])].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3, 0, 1])


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate(axis):
    shapes = {0: [(1, 3), (2, 3), (3, 3)], 1: [(2, 1), (2, 3), (2, 2)], -1: [(2, 1), (2, 3), (2, 2)]}[axis]
    arrays = [values(s) for s in shapes]
    check_op(lambda *ts: ag.concatenate(ts, axis=axis), lambda *a: np.concatenate(a, axis=axis), *arrays)


@pytest.mark.parametrize("axis", [0, 1, -1, -3])
def test_stack(axis):
    arrays = [values((2, 3)) for _ in range(3)]
    check_op(lambda *ts: ag.stack(ts, axis=axis), lambda *a: np.stack(a, axis=axis), *arrays)


def test_stack_of_0d_and_concatenate_with_constants():
    check_op(lambda a, b: ag.stack([a, b]), lambda a, b: np.stack([a, b]), values(()), values(()))
    c = values((2, 2))
    check_op(lambda a: ag.concatenate([a, c], axis=0), lambda a: np.concatenate([a, c]), values((1, 2)))


@pytest.mark.parametrize("how", [2, [1, 3], [0, 2, 2]], ids=str)
@pytest.mark.parametrize("axis", [0, -1])
def test_split(how, axis):
    x = values((4, 4))
    check_op(lambda t: ag.split(t, how, axis=axis), lambda a: np.split(a, how, axis=axis), x)


@pytest.mark.parametrize(
    "width,value", [(1, 0.0), ((1, 2), 0.0), (((0, 1), (2, 0)), 3.5), (((1, 1), (0, 0)), -np.inf)], ids=str
)
def test_pad(width, value):
    x = values((2, 3))
    fn = (lambda t: ag.pad(t, width, value)) if value != -np.inf else (lambda t: ag.pad(t, width, value)[1:-1])
    ref = (
        (lambda a: np.pad(a, width, constant_values=value))
        if value != -np.inf
        else (lambda a: np.pad(a, width, constant_values=value)[1:-1])
    )
    check_op(fn, ref, x)


def _np_windows(x, window, stride, dilation):
    k = len(window)
    span = tuple(d * (f - 1) + 1 for f, d in zip(window, dilation))
    v = sliding_window_view(x, span, axis=tuple(range(-k, 0)))
    lead = (slice(None),) * (x.ndim - k)
    return v[lead + tuple(slice(None, None, s) for s in stride) + tuple(slice(None, None, d) for d in dilation)]


WINDOWS = [
    ((2, 7), (3,), (1,), (1,)),
    ((2, 7), (3,), (2,), (1,)),
    ((7,), (2,), (1,), (3,)),
    ((1, 2, 9), (3,), (2,), (2,)),
    ((6, 7), (2, 3), (1, 1), (1, 1)),
    ((2, 6, 7), (2, 3), (2, 1), (1, 2)),
    ((1, 1, 5, 5), (3, 3), (2, 2), (2, 1)),
    ((4, 4), (4, 4), (1, 1), (1, 1)),
]


@pytest.mark.parametrize("shape,window,stride,dilation", WINDOWS, ids=str)
def test_sliding_window(shape, window, stride, dilation):
    x = values(shape)
    w = window[0] if len(window) == 1 else window  # an int window is allowed for 1-D
    check_op(lambda t: ag.sliding_window(t, w, stride, dilation), lambda a: _np_windows(a, window, stride, dilation), x)


def test_ops_on_float64_inputs_from_both_sides_of_an_ndarray():
    a = values((3,))
    check_op(lambda t: a * t + a / (t * t + 1) - a, lambda t: a * t + a / (t * t + 1) - a, values((2, 3)))


def test_max_min_ties_split_the_gradient_evenly():
    x = ag.tensor([1.0, 3.0, 3.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 1 / 3, 1 / 3, 0, 1 / 3])
    x.grad = None
    x.min().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1, 0, 0, 0, 0])
    m = ag.tensor([[2.0, 2.0, 1.0], [0.0, 5.0, 5.0]], dtype="float64", requires_grad=True)
    (m.max(axis=1) * ag.tensor([1.0, 10.0], dtype="float64")).sum().backward()
    np.testing.assert_allclose(m.grad.numpy(), [[0.5, 0.5, 0], [0, 5, 5]])
    m.grad = None
    m.min(axis=0, keepdims=True).sum().backward()  # column 0 (2, 0) no tie; column 1 (2, 5); column 2 (1, 5)
    np.testing.assert_allclose(m.grad.numpy(), [[0, 1, 1], [1, 0, 0]])
    c = ag.tensor([[1.0, 1.0], [1.0, 1.0]], dtype="float64", requires_grad=True)
    c.min(axis=(0, 1)).backward()
    np.testing.assert_allclose(c.grad.numpy(), np.full((2, 2), 0.25))


def test_maximum_minimum_ties_split_the_gradient_evenly():
    a = ag.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    b = ag.tensor([1.0, 5.0, 3.0], dtype="float64", requires_grad=True)
    ag.maximum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.5, 0, 0.5])
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 1, 0.5])
    a.grad = b.grad = None
    ag.minimum(a, b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.5, 1, 0.5])
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 0, 0.5])
    a.grad = None
    ag.maximum(a, 2.0).sum().backward()  # a scalar operand, tie at 2.0
    np.testing.assert_allclose(a.grad.numpy(), [0, 0.5, 1])


def test_logsumexp_softmax_stable_for_large_inputs():
    x = ag.tensor([1e4, 1e4 - 1.0, -1e4], dtype="float64", requires_grad=True)
    np.testing.assert_allclose(x.logsumexp().item(), 1e4 + np.log(1 + np.exp(-1.0)))
    s = x.softmax()
    assert np.all(np.isfinite(s.numpy()))
    (s * ag.tensor([1.0, 2.0, 3.0], dtype="float64")).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    assert np.isfinite(ag.tensor([-np.inf, 0.0]).logsumexp().item())
    f32 = ag.tensor([1e4, 0.0], requires_grad=True)
    assert f32.log_softmax().dtype == np.float32 and np.all(np.isfinite(f32.log_softmax().numpy()))


# Linear ops have a zero second derivative, so gradgradcheck of the op alone never runs the backward of their
# backward. Squaring the input first makes the first derivative (2x * M^T v) depend on x through that backward.
LINEAR = {f"movement {k}": (v[0], v[1]) for k, v in MOVEMENT.items()}
LINEAR.update(
    {f"index {k}": ((3, 4), (lambda t, i=i: t[i])) for k, i in INDICES.items() if k not in ("bool mask", "int tensor")}
)
LINEAR.update(
    {
        "window 2-d": ((5, 6), lambda t: ag.sliding_window(t, (2, 3), (2, 1), (1, 2))),
        "window 1-d": ((2, 7), lambda t: ag.sliding_window(t, 3, 2, 2)),
        "pad": ((2, 3), lambda t: ag.pad(t, ((1, 0), (2, 1)), 1.5)),
        "concatenate": ((2, 3), lambda t: ag.concatenate([t, t[:1]], axis=0)),
        "stack": ((2, 3), lambda t: ag.stack([t, t * 2], axis=-1)),
        "split": ((4, 3), lambda t: ag.split(t, [1, 3], axis=0)),
        "sum axis": ((2, 3), lambda t: t.sum(1, keepdims=True)),
        "mean": ((2, 3), lambda t: t.mean(0)),
        "astype": ((2, 3), lambda t: t.astype("float64")),
        "where": ((2, 3), lambda t: ag.where(np.array([True, False, True]), t, -t)),
    }
)


@pytest.mark.parametrize("name", list(LINEAR))
def test_backward_of_backward_of_linear_ops(name):
    shape, fn = LINEAR[name]
    x = ag.tensor(values(shape), dtype="float64", requires_grad=True)
    assert ag.gradgradcheck(lambda t: fn(t * t), [x])


def test_pow_exponent_gradient_is_zero_where_the_base_is_zero():
    base = np.array([0.0, 0.5, 2.0, 0.0])
    y = ag.tensor(np.array([2.5, 1.5, 0.5, 0.0]), requires_grad=True)
    (ag.tensor(base) ** y).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [0, 0.5**1.5 * np.log(0.5), 2**0.5 * np.log(2), 0])
    assert ag.gradcheck(
        lambda e: ag.tensor(base[:3]) ** e, [ag.tensor([2.5, 1.5, 0.5], dtype="float64", requires_grad=True)]
    )
    assert ag.gradgradcheck(
        lambda e: ag.tensor(base[:3]) ** e, [ag.tensor([2.5, 1.5, 0.5], dtype="float64", requires_grad=True)]
    )
