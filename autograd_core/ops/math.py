"""More elementwise math with NumPy's names: a few primitives (sin, cos, arcsin, arctan, arctan2, log1p, expm1,
erf, and the piecewise-constant ops with zero gradient); everything else is composed from them, so its first and
second derivatives come from the chain rule."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from ..function import Function, unbroadcast
from ..tensor import Tensor, _operand, as_tensor

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..types import Array, Operand, TensorLike

__all__ = ["Sin", "Cos", "Arcsin", "Arctan", "Arctan2", "Log1p", "Expm1", "Erf", "Constant", "sin", "cos", "tan",
           "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "log1p", "expm1", "log2", "log10", "exp2", "erf",
           "square", "rsqrt", "isnan", "isinf", "isfinite", "logaddexp", "copysign", "lerp", "Remainder", "remainder",
           "fmod", "floor_divide"]  # fmt: skip


def _call(name: str, x: Operand) -> Operand:
    """x.<name>() on a Tensor (recorded: create_graph), np.<name>(x) on an array."""
    return getattr(x, name)() if isinstance(x, Tensor) else getattr(np, name)(x)


class Sin(Function):
    saves = {"x": 0}
    rule = "g * cos x"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.sin(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g * _call("cos", ctx.x)


class Cos(Function):
    saves = {"x": 0}
    rule = "-g * sin x"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.cos(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return -g * _call("sin", ctx.x)


class Arcsin(Function):
    saves = {"x": 0}
    rule = "g / √(1 - x²)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.arcsin(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g / _call("sqrt", 1 - ctx.x * ctx.x)


class Arctan(Function):
    saves = {"x": 0}
    rule = "g / (1 + x²)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.arctan(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g / (1 + ctx.x * ctx.x)


class Arctan2(Function):
    """The angle of the point (x, y), as np.arctan2(y, x)."""

    saves = {"y": 0, "x": 1}
    rule = "g * x / (x² + y²), -g * y / (x² + y²)"

    @staticmethod
    def forward(ctx: Function, y: Array, x: Array) -> Array:
        ctx.y, ctx.x = y, x
        return np.arctan2(y, x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        y, x = ctx.y, ctx.x
        r2 = x * x + y * y
        return (
            unbroadcast(g * x / r2, y.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(-g * y / r2, x.shape) if ctx.needs_input_grad[1] else None,
        )


class Log1p(Function):
    saves = {"x": 0}
    rule = "g / (1 + x)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.log1p(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g / (1 + ctx.x)


class Expm1(Function):
    saves = {"out": "output"}
    rule = "g * (out + 1)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.out = np.expm1(x)
        return ctx.out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g * (ctx.out + 1)


_ERF = np.frompyfunc(math.erf, 1, 1)  # NumPy has no erf; math.erf is exact to the last bit


class Erf(Function):
    saves = {"x": 0}
    rule = "g * 2/√π * exp(-x²)"

    @staticmethod
    def forward(ctx: Function, x: Array) -> Array:
        ctx.x = x
        return np.asarray(_ERF(x), dtype=x.dtype if x.dtype.kind == "f" else np.float64)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g * (2 / math.sqrt(math.pi)) * _call("exp", -(ctx.x * ctx.x))


class Constant(Function):
    """A piecewise-constant function (floor, ceil, round, trunc, sign): its gradient is 0 wherever it exists."""

    rule = "0"

    @staticmethod
    def forward(ctx: Function, x: Array, fn: Callable[[Array], Array]) -> Array:
        ctx.shape = x.shape
        return fn(x)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return unbroadcast(g, ctx.shape) * 0


# ---- public functions and compositions -------------------------------------------------------------------


def sin(x: TensorLike) -> Tensor:
    return Sin.apply(as_tensor(x))


def cos(x: TensorLike) -> Tensor:
    return Cos.apply(as_tensor(x))


def tan(x: TensorLike) -> Tensor:
    return sin(x) / cos(x)


def arcsin(x: TensorLike) -> Tensor:
    return Arcsin.apply(as_tensor(x))


def arccos(x: TensorLike) -> Tensor:
    return math.pi / 2 - arcsin(x)


def arctan(x: TensorLike) -> Tensor:
    return Arctan.apply(as_tensor(x))


def arctan2(y: TensorLike, x: TensorLike) -> Tensor:
    y = as_tensor(y)
    return Arctan2.apply(y, _operand(x, y))


def sinh(x: TensorLike) -> Tensor:
    x = as_tensor(x)
    return (x.exp() - (-x).exp()) * 0.5


def cosh(x: TensorLike) -> Tensor:
    x = as_tensor(x)
    return (x.exp() + (-x).exp()) * 0.5


def log1p(x: TensorLike) -> Tensor:
    return Log1p.apply(as_tensor(x))


def expm1(x: TensorLike) -> Tensor:
    return Expm1.apply(as_tensor(x))


def log2(x: TensorLike) -> Tensor:
    return as_tensor(x).log() * (1 / math.log(2))


def log10(x: TensorLike) -> Tensor:
    return as_tensor(x).log() * (1 / math.log(10))


def exp2(x: TensorLike) -> Tensor:
    return (as_tensor(x) * math.log(2)).exp()


def erf(x: TensorLike) -> Tensor:
    return Erf.apply(as_tensor(x))


def square(x: TensorLike) -> Tensor:
    return as_tensor(x) ** 2


def rsqrt(x: TensorLike) -> Tensor:
    return as_tensor(x).sqrt() ** -1


def _constant(fn: Callable[[Array], Array]) -> Callable[[TensorLike], Tensor]:
    def op(x: TensorLike) -> Tensor:
        return Constant.apply(as_tensor(x), fn=fn)

    op.__name__ = fn.__name__
    op.__doc__ = f"np.{fn.__name__}, with a zero gradient (PyTorch's convention)"
    return op


floor, ceil, round, trunc, sign = (_constant(f) for f in (np.floor, np.ceil, np.round, np.trunc, np.sign))


def isnan(x: TensorLike) -> Tensor:
    return Tensor(np.isnan(as_tensor(x).data))


def isinf(x: TensorLike) -> Tensor:
    return Tensor(np.isinf(as_tensor(x).data))


def isfinite(x: TensorLike) -> Tensor:
    return Tensor(np.isfinite(as_tensor(x).data))


def logaddexp(x: TensorLike, y: TensorLike) -> Tensor:
    """log(exp(x) + exp(y)), stable: the larger of the two taken out first."""
    x = as_tensor(x)
    yt = _operand(y, x)
    m = Tensor(np.maximum(x.data, yt.data))  # a constant shift: the gradient stays exact
    m.data[~np.isfinite(m.data)] = 0
    return ((x - m).exp() + (yt - m).exp()).log() + m


def copysign(x: TensorLike, y: TensorLike) -> Tensor:
    """|x| with the sign of y; the gradient flows to x only."""
    x = as_tensor(x)
    s = np.copysign(np.ones((), x.dtype if x.dtype.kind == "f" else np.float64), _operand(y, x).data)
    return x.abs() * s


def lerp(start: TensorLike, end: TensorLike, weight: TensorLike) -> Tensor:
    """start + weight * (end - start)."""
    start = as_tensor(start)
    return start + _operand(weight, start) * (_operand(end, start) - start)


class Remainder(Function):
    """x - q * y with q = floor(x / y) (NumPy's %, the sign of y) or trunc(x / y) (fmod, the sign of x)."""

    saves = {"q": "constant"}
    rule = "g, -g * q"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array, fn: Callable[[Array, Array], Array]) -> Array:
        out = fn(x, y)
        ctx.shapes = x.shape, y.shape
        with np.errstate(divide="ignore", invalid="ignore"):
            ctx.q = np.round((x - out) / y)  # the whole number of y's taken away
        return out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        xs, ys = ctx.shapes
        return (
            unbroadcast(g, xs) if ctx.needs_input_grad[0] else None,
            unbroadcast(-g * ctx.q, ys) if ctx.needs_input_grad[1] else None,
        )


def remainder(x: TensorLike, y: TensorLike) -> Tensor:
    """NumPy's x % y (the result has the sign of y)."""
    x = as_tensor(x)
    return Remainder.apply(x, _operand(y, x), fn=np.remainder)


def fmod(x: TensorLike, y: TensorLike) -> Tensor:
    """C's fmod (the result has the sign of x)."""
    x = as_tensor(x)
    return Remainder.apply(x, _operand(y, x), fn=np.fmod)


def floor_divide(x: TensorLike, y: TensorLike) -> Tensor:
    """NumPy's x // y; its gradient is 0 wherever it exists."""
    x = as_tensor(x)
    yt = _operand(y, x)
    return Constant.apply(x, fn=lambda a: np.floor_divide(a, yt.data))
