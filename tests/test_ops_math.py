"""The elementwise math of autograd_core/ops/math.py: forward == NumPy, gradcheck and gradgradcheck in float64,
PyTorch's values and gradients where it is installed, dtypes kept."""

import math

import numpy as np
import pytest
from core_cases import check_op, values

import autograd_core as ag

try:
    import torch
except ImportError:
    torch = None

_erf = np.vectorize(math.erf)

# name -> (NumPy reference, domain of values(), PyTorch's name)
UNARY = {
    "sin": (np.sin, "any", "sin"),
    "cos": (np.cos, "any", "cos"),
    "tan": (np.tan, "small", "tan"),
    "arcsin": (np.arcsin, "unit", "asin"),
    "arccos": (np.arccos, "unit", "acos"),
    "arctan": (np.arctan, "any", "atan"),
    "sinh": (np.sinh, "any", "sinh"),
    "cosh": (np.cosh, "any", "cosh"),
    "log2": (np.log2, "pos", "log2"),
    "log10": (np.log10, "pos", "log10"),
    "log1p": (np.log1p, "pos", "log1p"),
    "expm1": (np.expm1, "any", "expm1"),
    "exp2": (np.exp2, "any", "exp2"),
    "erf": (_erf, "any", "erf"),
    "square": (np.square, "any", "square"),
    "rsqrt": (lambda a: 1 / np.sqrt(a), "pos", "rsqrt"),
}
ZERO_GRADIENT = {"floor": np.floor, "ceil": np.ceil, "round": np.round, "trunc": np.trunc, "sign": np.sign}
SHAPES = [(), (3,), (2, 3)]


def _domain(shape, kind):
    if kind == "small":
        return values(shape) * 0.4
    if kind == "unit":
        return np.tanh(values(shape)) * 0.9
    return values(shape, kind)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_forward_first_and_second_derivatives(name, shape):
    ref, kind, _ = UNARY[name]
    a = _domain(shape, kind)
    check_op(lambda t: getattr(t, name)(), ref, a)
    check_op(lambda t: getattr(ag, name)(t), ref, a, gradgrad=False)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("name", UNARY)
def test_unary_values_and_gradients_equal_pytorchs(name):
    _, kind, torch_name = UNARY[name]
    a = _domain((4, 3), kind)
    x = ag.tensor(a, dtype="float64", requires_grad=True)
    getattr(x, name)().sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    ty = getattr(torch, torch_name)(tx)
    ty.sum().backward()
    np.testing.assert_allclose(getattr(ag, name)(ag.tensor(a)).numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("name", ZERO_GRADIENT)
def test_piecewise_constant_ops_have_zero_gradient(name):
    a = values((3, 4), "away") * 3
    x = ag.tensor(a, dtype="float64", requires_grad=True)
    y = getattr(x, name)()
    np.testing.assert_array_equal(y.numpy(), ZERO_GRADIENT[name](a))
    (y * ag.tensor(a)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros_like(a))


@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite"])
def test_predicates_give_bool_tensors_outside_the_graph(name):
    a = np.array([1.0, np.nan, np.inf, -np.inf, 0.0])
    x = ag.tensor(a, requires_grad=True)
    y = getattr(x, name)()
    assert y.dtype == bool and not y.requires_grad
    np.testing.assert_array_equal(y.numpy(), getattr(np, name)(a))


@pytest.mark.parametrize("name", list(UNARY) + list(ZERO_GRADIENT))
def test_float32_stays_float32(name):
    x = ag.tensor(np.full(3, 0.5, np.float32), requires_grad=True)
    y = getattr(x, name)()
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


PAIRS = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1), (3,)), ((), (2, 3))]


@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_arctan2_and_logaddexp_broadcast(shapes):
    a, b = values(shapes[0], "away"), values(shapes[1], "away")
    check_op(ag.arctan2, np.arctan2, a, b)
    check_op(lambda x, y: x.arctan2(y), np.arctan2, a, b, gradgrad=False)
    check_op(ag.logaddexp, np.logaddexp, a, b)


def test_logaddexp_is_stable_for_large_inputs():
    x = ag.tensor([1e4, -1e4, 0.0], dtype="float64", requires_grad=True)
    y = ag.logaddexp(x, ag.tensor([1e4, -1e4, -np.inf], dtype="float64"))
    np.testing.assert_allclose(y.numpy(), np.logaddexp([1e4, -1e4, 0.0], [1e4, -1e4, -np.inf]))
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.5, 1.0])


@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_copysign_and_lerp(shapes):
    a, b = values(shapes[0], "away"), values(shapes[1], "away")
    check_op(lambda x, y: ag.copysign(x, y.detach()), lambda x, y: np.copysign(x, y), a, b, gradgrad=False)
    w = values(shapes[1]) * 0.5
    check_op(lambda x, y: ag.lerp(x, y, ag.tensor(w)), lambda x, y: x + w * (y - x), a, b)


@pytest.mark.parametrize("op, ref", [(lambda x, y: x % y, np.remainder), (ag.fmod, np.fmod)])
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
def test_remainder_and_fmod_follow_numpy_and_their_gradients_are_1_and_minus_the_quotient(op, ref, shapes):
    a, b = values(shapes[0], "away") * 5, values(shapes[1], "away")
    check_op(op, ref, a, b, gradgrad=False)


def test_mod_and_floordiv_on_negative_numbers_and_integers_are_numpys():
    for a, b in [
        (np.array([5.5, -5.5, 5.5, -5.5]), np.array([2.0, 2.0, -2.0, -2.0])),
        (np.array([7, -7, 7, -7]), np.array([3, 3, -3, -3])),
    ]:
        x, y = ag.tensor(a), ag.tensor(b)
        for got, want in [(x % y, a % b), (x // y, a // b), (7 % y, 7 % b), (7 // y, 7 // b), (x % 2, a % 2)]:
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got.numpy(), want)


def test_floordiv_has_zero_gradient():
    x = ag.tensor([5.5, -3.2], dtype="float64", requires_grad=True)
    (x // 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
