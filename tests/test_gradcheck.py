"""Custom Functions (the documented way to write an op) and gradcheck / gradgradcheck themselves."""

import numpy as np
import pytest
from core_cases import values

import autograd_core as ag
from autograd_core.function import unbroadcast


class Mul(ag.Function):  # the example from DESIGN.md, with the roles of what it saves declared
    saves = {"x": 0, "y": 1}

    @staticmethod
    def forward(ctx, x, y):
        ctx.x, ctx.y = x, y
        return x * y

    @staticmethod
    def backward(ctx, g):
        return (
            unbroadcast(g * ctx.y, ctx.x.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(g * ctx.x, ctx.y.shape) if ctx.needs_input_grad[1] else None,
        )


class Cube(ag.Function):
    """PyTorch habits: save_for_backward / saved_tensors."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x


class WrongCube(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x  # should be 3 x^2


class FrozenSecondOrder(ag.Function):
    """Right first derivative, but backward copies x, so under create_graph the copy is a constant: wrong 2nd order."""

    saves = {"x": 0}

    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g * 2 * np.array(ctx.x)


class Scaled(ag.Function):
    """An op with a keyword parameter."""

    @staticmethod
    def forward(ctx, x, factor):
        ctx.factor = factor
        return x * factor

    @staticmethod
    def backward(ctx, g):
        return g * ctx.factor


def f64(a, requires_grad=True):
    return ag.tensor(a, dtype="float64", requires_grad=requires_grad)


def test_design_example_mul_matches_builtin_and_passes_checks():
    a, b = f64(values((2, 3))), f64(values((3,)))
    np.testing.assert_array_equal(Mul.apply(a, b).numpy(), (a * b).numpy())
    assert ag.gradcheck(Mul.apply, [a, b])
    assert ag.gradgradcheck(Mul.apply, [a, b])


def test_needs_input_grad_and_none_gradients():
    a, c = f64([1.0, 2.0]), f64([3.0, 4.0], requires_grad=False)
    y = Mul.apply(a, c)
    assert y.grad_fn.needs_input_grad == (True, False)
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [3, 4])
    assert Mul.apply(c, c).grad_fn is None and not Mul.apply(c, c).requires_grad


def test_custom_function_with_saved_tensors_and_params():
    x = f64(values((4,)))
    assert ag.gradcheck(Cube.apply, [x]) and ag.gradgradcheck(Cube.apply, [x])
    assert ag.gradcheck(lambda t: Scaled.apply(t, factor=2.5), [x])
    Cube.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3 * x.numpy() ** 2)


def test_custom_function_accepts_arrays_and_numbers_as_inputs():
    x = f64([1.0, 2.0])
    y = Mul.apply(x, np.array([2.0, 3.0]))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2, 3])


def test_custom_forward_errors_name_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"Mul: .*\(2,\) and \(3,\)"):
        Mul.apply(f64([1.0, 2.0]), f64([1.0, 2.0, 3.0]))


def test_saved_arrays_are_freed_after_backward():
    x = f64([1.0, 2.0])
    y = Cube.apply(x)
    ctx = y.grad_fn
    y.sum().backward()
    assert not hasattr(ctx, "saved_tensors") and ctx.parents


def test_gradcheck_catches_a_wrong_backward_and_names_input_index_values():
    x = f64([0.5, 2.0, -1.5])
    c = f64([1.0, 1.0, 1.0], requires_grad=False)
    with pytest.raises(ag.GradcheckError) as info:
        ag.gradcheck(lambda k, t: WrongCube.apply(t) * k, [c, x])
    msg = str(info.value)
    assert "input 1" in msg and "shape (3,)" in msg and "index (0,)" in msg
    assert "analytic" in msg and "numeric" in msg and "max abs error" in msg
    assert ag.gradcheck(lambda t: WrongCube.apply(t), [x], raise_exception=False) is False
    assert isinstance(info.value, RuntimeError)


def test_gradcheck_tolerances_are_used():
    x = f64([1.0001])  # 3x vs 3x^2 differ by 3e-4 here
    assert ag.gradcheck(WrongCube.apply, [x], atol=1e-3)
    assert not ag.gradcheck(WrongCube.apply, [x], atol=1e-6, rtol=0, raise_exception=False)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = f64([0.5, 2.0])
    assert ag.gradcheck(FrozenSecondOrder.apply, [x])
    with pytest.raises(ag.GradcheckError, match="input 0"):
        ag.gradgradcheck(FrozenSecondOrder.apply, [x])
    assert ag.gradgradcheck(FrozenSecondOrder.apply, [x], raise_exception=False) is False


def test_gradcheck_promotes_float32_inputs_and_accepts_one_tensor():
    x = ag.tensor([0.3, 0.7], requires_grad=True)  # float32: finite differences would be too coarse
    assert ag.gradcheck(lambda t: (t * t).tanh().sum(), x)
    assert ag.gradcheck(
        lambda t: (t * t).tanh().sum(), [ag.tensor([[0.1, 0.2], [0.3, 0.4]], dtype="float64", requires_grad=True)]
    )


def test_gradcheck_multiple_outputs_and_constant_inputs():
    x, c = f64(values((3,))), f64(values((3,)), requires_grad=False)
    assert ag.gradcheck(lambda t, k: ag.split(t * k, [1]) + [t.exp()], [x, c])
    assert ag.gradcheck(lambda t, k: (t * 2, k * 2), [x, c])  # one output does not depend on x


def test_gradcheck_needs_an_input_requiring_grad():
    with pytest.raises(ValueError, match="requires grad"):
        ag.gradcheck(lambda t: t * 2, [f64([1.0], requires_grad=False)])


def test_gradcheck_leaves_inputs_and_their_grads_untouched():
    x = f64([0.5, 0.25])
    before = x.numpy().copy()
    ag.gradcheck(lambda t: t.exp(), [x])
    np.testing.assert_array_equal(x.numpy(), before)
    assert x.grad is None
