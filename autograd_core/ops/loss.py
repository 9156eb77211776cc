"""Loss primitives: where no composition of primitives gives PyTorch's gradient, one op with its own backward."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import numpy as np

from ..function import Function
from ..tensor import Tensor
from .elementwise import maximum

if TYPE_CHECKING:
    from ..types import Array, Operand

__all__ = ["BinaryCrossEntropy"]


class BinaryCrossEntropy(Function):
    """-(t log p + (1 - t) log(1 - p)), each log clamped at -100, with PyTorch's gradients:
    d/dp = (p - t) / max(p (1 - p), 1e-12) and d/dt = log(1 - p) - log p.

    A primitive rather than log and clip composed: at p = 0 or 1 the composition's gradient is 0 where PyTorch's
    is (p - t) / 1e-12, and in float32 clamping p at its smallest normal number would give log 87.3, not 100.
    """

    saves = {"p": 0, "t": 1}
    rule = "g * (p - t) / (p (1 - p)), g * (log(1 - p) - log p)"

    @staticmethod
    def forward(ctx: Function, p: Array, t: Array) -> Array:
        ctx.p, ctx.t = p, t
        with np.errstate(divide="ignore"):  # log(0) = -inf, clamped
            return -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        p, t = ctx.p, ctx.t  # arrays, or Tensors under create_graph
        gp = g * (p - t) / _maximum(p * (1 - p), _EPS) if ctx.needs_input_grad[0] else None
        gt = g * (_log(1 - p) - _log(p)) if ctx.needs_input_grad[1] else None
        return gp, gt


_EPS = float(np.float32(1e-12))  # PyTorch's 1e-12 is a float constant, in float64 too: 9.99999996e-13


@overload
def _maximum(x: Tensor, v: float) -> Tensor: ...
@overload
def _maximum(x: Array, v: float) -> Array: ...
def _maximum(x: Operand, v: float) -> Operand:
    return maximum(x, v) if isinstance(x, Tensor) else np.maximum(x, v)


@overload
def _log(x: Tensor) -> Tensor: ...
@overload
def _log(x: Array) -> Array: ...
def _log(x: Operand) -> Operand:
    if isinstance(x, Tensor):
        return x.log()
    with np.errstate(divide="ignore"):  # the target's gradient is infinite at p = 0 or 1, as in PyTorch
        return np.log(x)
