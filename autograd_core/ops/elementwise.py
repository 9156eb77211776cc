"""Elementwise primitives. Binary ops broadcast; each gradient is summed back to its input's shape."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, overload

import numpy as np

from ..function import Function, select, unbroadcast
from ..tensor import Tensor, _operand, as_tensor

if TYPE_CHECKING:
    import numpy.typing as npt

    from ..types import Array, DTypeLike, Operand, TensorLike

__all__ = ["Add", "Sub", "Mul", "Div", "Neg", "PowScalar", "Pow", "Exp", "Log", "Sqrt", "Abs", "Tanh", "Sigmoid",
           "Relu", "LeakyRelu", "Where", "Maximum", "Cast", "where", "maximum", "minimum", "clip", "exp", "log",
           "sqrt", "tanh", "sigmoid", "relu", "leaky_relu"]  # fmt: skip


class Add(Function):
    rule = "g, g"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        ctx.shapes = x.shape, y.shape
        return x + y

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand, Operand]:
        xs, ys = ctx.shapes
        return unbroadcast(g, xs), unbroadcast(g, ys)


class Sub(Function):
    rule = "g, -g"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        ctx.shapes = x.shape, y.shape
        return x - y

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand, Operand | None]:
        xs, ys = ctx.shapes
        return unbroadcast(g, xs), (unbroadcast(-g, ys) if ctx.needs_input_grad[1] else None)


class Mul(Function):
    saves = {"x": 0, "y": 1}
    rule = "g * y, g * x"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        ctx.x, ctx.y = x, y
        return x * y

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        return (
            unbroadcast(g * ctx.y, ctx.x.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(g * ctx.x, ctx.y.shape) if ctx.needs_input_grad[1] else None,
        )


class Div(Function):
    saves = {"x": 0, "y": 1}
    rule = "g / y, -g * x / y²"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        ctx.x, ctx.y = x, y
        return x / y

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        gx = g / ctx.y
        return (
            unbroadcast(gx, ctx.x.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(-gx * ctx.x / ctx.y, ctx.y.shape) if ctx.needs_input_grad[1] else None,
        )


class Neg(Function):
    rule = "-g"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        return -x

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return -g


class PowScalar(Function):
    """x ** p for a Python number p."""

    saves = {"x": 0}
    rule = "g * p * x^(p-1)"

    @staticmethod
    def forward(ctx: Function, x: Array, exponent: float) -> Array:
        ctx.x, ctx.p = x, exponent
        return x**exponent

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        p = ctx.p
        if p == 0:
            return g * 0
        return g * p * ctx.x ** (p - 1) if p != 1 else g


class Pow(Function):
    """x ** y for tensors, with PyTorch's gradients where the base is 0: d/dx is 0 where y == 0, and
    d/dy = x**y * log(x) is 0 where x == 0 and y >= 0 (its limit) and -inf where x == 0 and y < 0."""

    saves = {"x": 0, "y": 1, "out": "output"}
    rule = "g * y * x^(y-1), g * out * log x"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        out = x**y
        ctx.x, ctx.y, ctx.out = x, y, out
        ctx.y_zero, ctx.limit_zero = np.broadcast_arrays(y == 0, (x == 0) & (y >= 0))  # masks: constants
        return out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        x, y = ctx.x, ctx.y
        with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 and log(0): masked or PyTorch's inf
            gx = unbroadcast(select(~ctx.y_zero, g * y * x ** (y - 1)), x.shape) if ctx.needs_input_grad[0] else None
            gy = (
                unbroadcast(select(~ctx.limit_zero, g * ctx.out * log(x)), y.shape) if ctx.needs_input_grad[1] else None
            )
        return gx, gy


class Exp(Function):
    saves = {"out": "output"}
    rule = "g * out"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.out = np.exp(x)
        return ctx.out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g * ctx.out


class Log(Function):
    saves = {"x": 0}
    rule = "g / x"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.log(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g / ctx.x


class Sqrt(Function):
    saves = {"out": "output"}
    rule = "g / (2 * out)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.out = np.sqrt(x)
        return ctx.out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g / (ctx.out * 2)


class Abs(Function):
    """|x|; the gradient at 0 is 0 (sign(0)), as in NumPy's sign and PyTorch."""

    saves = {"sign": "constant"}
    rule = "g * sign(x)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.sign = np.sign(x)
        return np.abs(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g * ctx.sign


class Tanh(Function):
    saves = {"out": "output"}
    rule = "g * (1 - out²)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.out = np.tanh(x)
        return ctx.out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        y = ctx.out
        return g * (1 - y * y)


class Sigmoid(Function):
    saves = {"out": "output"}
    rule = "g * out * (1 - out)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        # 1/(1+exp(-x)) overflows for x << 0; 0.5*(1+tanh(x/2)) is the same function and stable.
        ctx.out = 0.5 * (1 + np.tanh(0.5 * x))
        return ctx.out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        y = ctx.out
        return g * y * (1 - y)


class Relu(Function):
    """max(x, 0); the gradient at 0 is 0."""

    rule = "g * (x > 0)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.mask = x > 0
        return np.where(ctx.mask, x, np.zeros((), x.dtype))

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return select(ctx.mask, g)


class LeakyRelu(Function):
    saves = {"scale": "constant"}
    rule = "g * (1 if x > 0 else slope)"

    @staticmethod
    def forward(ctx: Function, x: Array, slope: float) -> Array:
        ctx.scale = np.where(x > 0, np.ones((), x.dtype), np.asarray(slope, x.dtype))
        return x * ctx.scale

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g * ctx.scale


class Where(Function):
    """cond ? x : y, with cond a constant bool array."""

    rule = "g where cond, g elsewhere"

    @staticmethod
    def forward(ctx: Function, cond: Array, x: Array, y: Array) -> Array:
        ctx.cond, ctx.shapes = cond.astype(bool, copy=False), (x.shape, y.shape)
        return np.where(ctx.cond, x, y)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[None, Operand | None, Operand | None]:
        xs, ys = ctx.shapes
        cond = ctx.cond
        return (
            None,
            unbroadcast(select(cond, g), xs) if ctx.needs_input_grad[1] else None,
            unbroadcast(select(~cond, g), ys) if ctx.needs_input_grad[2] else None,
        )


class Maximum(Function):
    """Elementwise max; where x == y the gradient is split evenly between them."""

    saves = {"wx": "constant"}
    rule = "g where x > y, g where y > x (ties: half each)"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        ctx.shapes = x.shape, y.shape
        ctx.wx = (x > y) + 0.5 * (x == y)
        return np.maximum(x, y)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand, Operand]:
        xs, ys = ctx.shapes
        wx = ctx.wx.astype(g.dtype)
        return unbroadcast(g * wx, xs), unbroadcast(g * (1 - wx), ys)


class Cast(Function):
    rule = "g cast back"

    @staticmethod
    def forward(ctx: Function, x: Array, dtype: DTypeLike) -> Array:
        ctx.dtype = x.dtype
        return x.astype(dtype)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g.astype(ctx.dtype)


def where(cond: TensorLike, x: TensorLike, y: TensorLike) -> Tensor:
    """Elementwise `x if cond else y`; cond carries no gradient."""
    c = cond.data if isinstance(cond, Tensor) else np.asarray(cond)
    x = as_tensor(x)
    return Where.apply(c, x, _operand(y, x))


def maximum(x: TensorLike, y: TensorLike) -> Tensor:
    x = as_tensor(x)
    return Maximum.apply(x, _operand(y, x))


def minimum(x: TensorLike, y: TensorLike) -> Tensor:
    x = as_tensor(x)
    return -Maximum.apply(-x, -_operand(y, x))


def clip(x: TensorLike, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
    """Limit x to [min, max]; the gradient passes where min <= x <= max (both ends included). The result's
    dtype is NumPy's: an integer tensor clipped to float bounds gives floats."""
    x = as_tensor(x)
    lo, hi = (b.data if isinstance(b, Tensor) else b for b in (min, max))  # Python numbers stay weak (NEP 50)
    for name, b in (("min", lo), ("max", hi)):
        if b is not None and np.asarray(b).dtype.kind not in "iuf":
            raise TypeError(f"clip: {name} must be a real number or array, got {b!r}")
    out = np.clip(x.data, lo, hi)
    inside = np.logical_and(True if lo is None else x.data >= lo, True if hi is None else x.data <= hi)
    if out.dtype != x.dtype:
        x = x.astype(out.dtype)
    return Where.apply(inside, x, out)


def exp(x: TensorLike) -> Tensor:
    return as_tensor(x).exp()


@overload
def log(x: Tensor) -> Tensor: ...
@overload
def log(x: npt.ArrayLike) -> Array: ...
def log(x: TensorLike) -> Tensor | Array:
    return as_tensor(x).log() if isinstance(x, Tensor) else np.log(x)


def sqrt(x: TensorLike) -> Tensor:
    return as_tensor(x).sqrt()


def tanh(x: TensorLike) -> Tensor:
    return as_tensor(x).tanh()


def sigmoid(x: TensorLike) -> Tensor:
    return as_tensor(x).sigmoid()


def relu(x: TensorLike) -> Tensor:
    return as_tensor(x).relu()


def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real):
        raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r}")
    return LeakyRelu.apply(as_tensor(x), slope=negative_slope)
