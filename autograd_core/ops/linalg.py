"""Matrix product with np.matmul's rules: 1-D operands are promoted and the added axis removed again."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..function import Function, unbroadcast

if TYPE_CHECKING:
    from ..tensor import Tensor
    from ..types import Array, Operand

__all__ = ["MatMul", "matmul"]


class MatMul(Function):
    """Batched matmul of operands with at least 2 axes; batch axes broadcast."""

    saves = {"x": 0, "y": 1}
    rule = "g @ yᵀ, xᵀ @ g"

    @staticmethod
    def forward(ctx: Function, x: Array, y: Array) -> Array:
        ctx.x, ctx.y = x, y
        return np.matmul(x, y)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, Operand | None]:
        x, y = ctx.x, ctx.y
        return (
            unbroadcast(g @ y.swapaxes(-1, -2), x.shape) if ctx.needs_input_grad[0] else None,
            unbroadcast(x.swapaxes(-1, -2) @ g, y.shape) if ctx.needs_input_grad[1] else None,
        )


def matmul(x: Tensor | Array, y: Tensor | Array) -> Tensor:
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"matmul needs operands with at least one axis, got shapes {x.shape} and {y.shape}")
    if x.shape[-1] != y.shape[-2 if y.ndim > 1 else 0]:
        raise ValueError(
            f"matmul: shapes {x.shape} and {y.shape} do not align: "
            f"{x.shape[-1]} (last axis of the first) != {y.shape[-2 if y.ndim > 1 else 0]}"
        )
    if x.ndim >= 2 and y.ndim >= 2:
        return MatMul.apply(x, y)
    xv, yv = x.ndim == 1, y.ndim == 1
    out = MatMul.apply(x.reshape(1, -1) if xv else x, y.reshape(-1, 1) if yv else y)
    if xv and yv:
        return out.reshape(())
    if xv:
        return out.squeeze(-2)
    return out.squeeze(-1)
