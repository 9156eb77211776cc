"""Max over sliding windows fused into one primitive: `window_max(x, window, stride, dilation)` equals
`sliding_window(x, ...)` followed by a max over the window axes (ties share the gradient evenly, as `Max` does),
without the copy of every window the composition makes (as large as x for non-overlapping windows).

Forward keeps a running maximum over the F1*..*Fk kernel offsets, each a strided view of x of the output's shape;
backward sends g to the winners of each offset, divided by how many elements of the window tie, into the same
strided views of a fresh gradient. Memory: the output, one count of winners per window and the gradient of x.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from ..function import Function
from ..tensor import Tensor, as_tensor
from .window import Col2Im, offset_slices, window_geometry

if TYPE_CHECKING:
    from ..types import Array, Operand, Shape, TensorLike

__all__ = ["WindowMax", "window_max"]


@functools.lru_cache(maxsize=256)
def _disjoint(window: int, stride: int, dilation: int, out: int) -> bool:
    """Along one axis, does every (output index, kernel offset) pair read its own entry of x?"""
    return len({o * stride + f * dilation for o in range(out) for f in range(window)}) == out * window


def _winners(any_nan: bool) -> Any:
    """Which entries of an offset's view won their window: equal to the max, or NaN where the max is NaN (the
    gradient goes to the NaN, as PyTorch's does, rather than to nothing)."""
    if not any_nan:
        return lambda xv, out, nan: xv == out
    return lambda xv, out, nan: (xv == out) | (nan & (xv != xv))


class WindowMax(Function):
    """Max over each window of the last k axes: (..., N1..Nk) -> (..., O1..Ok)."""

    __slots__ = ("window",)  # kept when backward frees the saved arrays: drawings name the pooling by it
    saves = {"x": "constant", "out": "constant"}  # which elements won: the gradient flows only through g
    rule = "g to each window's max (ties share it)"

    @staticmethod
    def forward(ctx: Function, x: Array, window: Shape, stride: Shape, dilation: Shape, out_sizes: Shape) -> Array:
        ctx.x, ctx.geometry, ctx.window = x, (window, stride, dilation, out_sizes), window
        views = offset_slices(*ctx.geometry)
        out = x[next(views)].copy()
        for v in views:
            np.maximum(out, x[v], out=out)
        ctx.out = out
        return out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand]:
        x, out, geometry = ctx.x, ctx.out, ctx.geometry
        nan = out != out
        won = _winners(nan.any())
        views = list(offset_slices(*geometry))
        masks = [won(x[v], out, nan) for v in views]
        count = masks[0].astype(np.uint32)
        for m in masks[1:]:
            count += m
        share = g / count.astype(g.dtype) if count.max(initial=0) > 1 else g  # ties: each winner gets its part
        if isinstance(g, Tensor):  # create_graph: the same gradient from recorded ops (Col2Im adds the windows back)
            window = geometry[0]
            wins = np.stack(masks, axis=-1).reshape(out.shape + window)
            dwin = share.reshape(share.shape + (1,) * len(window)) * wins.astype(x.dtype)
            return (Col2Im.apply(dwin, in_shape=x.shape, geometry=geometry[:3]),)
        dx = np.zeros(x.shape, np.result_type(x, g))
        disjoint = all(_disjoint(*axis) for axis in zip(*geometry))
        for v, m in zip(views, masks):
            if disjoint:  # no entry of x is in two offsets' views: write, don't add (NumPy's where= is slow here)
                np.multiply(share, m, out=dx[v])
            else:
                dx[v] += share * m
        return (dx,)


def window_max(
    x: TensorLike, window: int | tuple[int, ...], stride: int | tuple[int, ...] = 1, dilation: int | tuple[int, ...] = 1
) -> Tensor:
    """Max over the sliding windows of the last len(window) axes (sliding_window's geometry): (..., O1..Ok)."""
    x = as_tensor(x)
    window, stride, dilation, out = window_geometry(x, window, stride, dilation)
    return WindowMax.apply(x, window=window, stride=stride, dilation=dilation, out_sizes=out)
