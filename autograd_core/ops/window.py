"""Sliding windows: the one primitive that convolution and pooling are built from.

`sliding_window(x, window, stride, dilation)` views the last k axes of x, of sizes (N1..Nk), as windows:
the result has shape (..., O1..Ok, F1..Fk) with Oi = (Ni - Di*(Fi - 1) - 1) // Si + 1. Forward is a
strided view (no copy); backward adds each window's gradient back where it came from, looping over the
F1*..*Fk kernel offsets, never over pixels.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, cast

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function
from ..tensor import Tensor, as_tensor

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..types import Array, Operand, Shape, TensorLike

    Integral = int  # what an Integral passed as a size is to mypy (NumPy's integers are Integrals at run time)
else:
    from numbers import Integral

__all__ = ["SlidingWindow", "Col2Im", "window_output_size", "sliding_window", "window_geometry", "offset_slices"]


def _per_axis(value: int | tuple[int, ...] | list[int], k: int, what: str) -> tuple[int, ...]:
    v = (value,) * k if isinstance(value, Integral) else value
    if (
        not isinstance(v, (tuple, list))
        or len(v) != k
        or not all(isinstance(i, Integral) and not isinstance(i, bool) and i >= 1 for i in v)
    ):
        raise ValueError(f"{what} must be a positive int or {k} positive ints, got {value!r}")
    return tuple(int(i) for i in v)


def _windows(x: Array, window: Shape, stride: Shape, dilation: Shape, out_sizes: Shape) -> Array:
    k = len(window)
    strides = x.strides[-k:]
    return as_strided(
        x,
        shape=x.shape[:-k] + out_sizes + window,
        strides=x.strides[:-k]
        + tuple(s * st for s, st in zip(strides, stride))
        + tuple(s * d for s, d in zip(strides, dilation)),
        writeable=False,
    )


def _col2im(
    g: Array, in_shape: Shape | None, window: Shape, stride: Shape, dilation: Shape, out: Array | None = None
) -> Array:
    """Add every window of g (..., O1..Ok, F1..Fk) back where it came from, into out (zeros of in_shape if None)."""
    k = len(window)
    out_sizes = g.shape[-2 * k : -k]
    if out is None:
        out = np.zeros(cast("Shape", in_shape), dtype=g.dtype)  # in_shape is given whenever out is not
    for offsets, target in zip(
        itertools.product(*(range(f) for f in window)), offset_slices(window, stride, dilation, out_sizes)
    ):
        out[target] += g[(Ellipsis,) + offsets]
    return out


def offset_slices(window: Shape, stride: Shape, dilation: Shape, out_sizes: Shape) -> Iterator[tuple]:
    """For each kernel offset f (row-major), the index x[..., f*D : ... : S] of the entries every window holds at f:
    a strided view of the output's shape."""
    for offset in itertools.product(*(range(f) for f in window)):
        yield (Ellipsis,) + tuple(
            slice(o * d, o * d + s * (n - 1) + 1, s) for o, d, s, n in zip(offset, dilation, stride, out_sizes)
        )


class SlidingWindow(Function):
    rule = "windows of g added back (col2im)"

    @staticmethod
    def forward(ctx: Function, x: Array, window: Shape, stride: Shape, dilation: Shape, out_sizes: Shape) -> Array:
        ctx.shape, ctx.geometry = x.shape, (window, stride, dilation)
        return _windows(x, window, stride, dilation, out_sizes)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        if isinstance(g, Tensor):
            return Col2Im.apply(g, in_shape=ctx.shape, geometry=ctx.geometry)
        return _col2im(g, ctx.shape, *ctx.geometry)


class Col2Im(Function):
    """Scatter-add windows back to an array of in_shape; its backward takes the windows again."""

    rule = "the windows of g"

    @staticmethod
    def forward(ctx: Function, g: Array, in_shape: Shape, geometry: tuple[Shape, Shape, Shape]) -> Array:
        ctx.geometry, ctx.out_sizes = geometry, g.shape[-2 * len(geometry[0]) : -len(geometry[0])]
        return _col2im(g, in_shape, *geometry)

    @staticmethod
    def backward(ctx: Function, gg: Operand) -> Tensor:
        window, stride, dilation = ctx.geometry
        return SlidingWindow.apply(gg, window=window, stride=stride, dilation=dilation, out_sizes=ctx.out_sizes)


def window_output_size(n: int, kernel: int, stride: int = 1, dilation: int = 1) -> int:
    """Windows that fit along an axis of size n: (n - dilation*(kernel - 1) - 1) // stride + 1."""
    return (n - dilation * (kernel - 1) - 1) // stride + 1


def sliding_window(
    x: TensorLike,
    window: int | tuple[int, ...] | list[int],
    stride: int | tuple[int, ...] | list[int] = 1,
    dilation: int | tuple[int, ...] | list[int] = 1,
) -> Tensor:
    """View the last len(window) axes of x as sliding windows: shape (..., O1..Ok, F1..Fk), no copy."""
    x = as_tensor(x)
    window, stride, dilation, out = window_geometry(x, window, stride, dilation)
    return SlidingWindow.apply(x, window=window, stride=stride, dilation=dilation, out_sizes=out)


def window_geometry(
    x: Tensor,
    window: int | tuple[int, ...] | list[int],
    stride: int | tuple[int, ...] | list[int],
    dilation: int | tuple[int, ...] | list[int],
) -> tuple[Shape, Shape, Shape, Shape]:
    """(window, stride, dilation, output sizes) per axis of the last len(window) axes of x, checked: what
    sliding_window and the primitives that reduce its windows are given."""
    window = tuple(window) if isinstance(window, (tuple, list)) else (window,)  # _per_axis checks the entries
    k = len(window)
    if k == 0 or k > x.ndim:
        raise ValueError(f"window {window} needs between 1 and {x.ndim} axes for a tensor of shape {x.shape}")
    window = _per_axis(window, k, "window")
    stride, dilation = _per_axis(stride, k, "stride"), _per_axis(dilation, k, "dilation")
    sizes = x.shape[-k:]
    out = tuple(window_output_size(n, f, s, d) for n, f, s, d in zip(sizes, window, stride, dilation))
    for n, f, s, d, o in zip(sizes, window, stride, dilation, out):
        if o < 1:
            raise ValueError(
                f"a window of size F={f} with dilation D={d} (span {d * (f - 1) + 1}) does not fit "
                f"an axis of size N={n} (stride S={s}): output size would be {o}"
            )
    return window, stride, dilation, out
