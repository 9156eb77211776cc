"""Pooling = pad -> sliding windows -> max / sum / mean over each window; adaptive average pooling by matmul.

Max pooling pads with -inf (padding never wins); average pooling pads with zeros and, like PyTorch's default
count_include_pad=True, divides by the whole window, padding included.
"""

from __future__ import annotations

import math
import numbers
from collections import namedtuple
from typing import TYPE_CHECKING, overload

import numpy as np

import autograd_core as ag
from autograd_core.ops.pool import window_max

from ._args import as_tensor, check_input, composite, ntuple
from .conv import conv_output_size

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Literal

    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    from ._args import SizeArg


__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "avg_pool1d",
           "avg_pool2d", "avg_pool3d", "sum_pool1d", "sum_pool2d", "adaptive_avg_pool1d", "adaptive_avg_pool2d"]  # fmt: skip

Geometry = namedtuple("Geometry", "kernel stride dilation pads")


def _output_size(n, f, s, p, d, ceil_mode):
    """PyTorch's pooled size: floor; with ceil_mode also a last partial window, unless it starts in the padding."""
    out = conv_output_size(n, f, s, p, d)
    if ceil_mode and (n + 2 * p - d * (f - 1) - 1) % s:
        out += 1
        if (out - 1) * s >= n + p:
            out -= 1
    return out


def _geometry(x, k, name, kernel_size, stride, padding, dilation, ceil_mode):
    """Check the arguments; kernel, stride, dilation per axis and the (before, after) padding of each axis."""
    check_input(x, k, name)
    kernel = ntuple(kernel_size, k, f"{name}: kernel_size")
    stride = kernel if stride is None else ntuple(stride, k, f"{name}: stride")
    padding = ntuple(padding, k, f"{name}: padding", minimum=0)
    dilation = ntuple(dilation, k, f"{name}: dilation")
    for f, p, d in zip(kernel, padding, dilation):
        if 2 * p > d * (f - 1) + 1:  # else a window could hold nothing but padding
            raise ValueError(
                f"{name}: padding should be at most half the kernel size, got padding={padding} "
                f"for kernel_size={kernel}" + (f" and dilation={dilation}" if d != 1 else "")
            )
    sizes = x.shape[-k:]
    out = [_output_size(n, f, s, p, d, ceil_mode) for n, f, s, p, d in zip(sizes, kernel, stride, padding, dilation)]
    # with ceil_mode the last window may hang over the end: pad the right side far enough for it to exist
    pads = tuple(
        (p, max(p, (o - 1) * s + d * (f - 1) + 1 - n - p))
        for n, f, s, p, d, o in zip(sizes, kernel, stride, padding, dilation, out)
    )
    return Geometry(kernel, stride, dilation, pads)


def _padded(x, geo, fill):
    """x padded with fill on the sides of its pooled axes, as geo says (x itself where there is no padding)."""
    if any(lo or hi for lo, hi in geo.pads):
        x = ag.pad(x, ((0, 0),) * (x.ndim - len(geo.pads)) + geo.pads, value=fill)
    return x


def _windows(x, geo, fill):
    """The windows of x padded with fill: shape (..., O1..Ok, F1..Fk)."""
    return ag.sliding_window(_padded(x, geo, fill), geo.kernel, geo.stride, geo.dilation)


def _sum_windows(win, k):
    """Sum over the k window axes of (..., O1..Ok, F1..Fk) (max pooling reduces its windows in window_max)."""
    # NumPy reduces a strided view of small windows slowly (tiny inner loops, ~10x slower). With the F1*..*Fk
    # kernel offsets moved to the front of a contiguous copy, the reduction is F1*..*Fk - 1 fast elementwise passes.
    lead = win.ndim - k
    offsets_first = win.transpose(tuple(range(lead, win.ndim)) + tuple(range(lead)))
    window_size = math.prod(win.shape[lead:])  # not -1: an empty batch would leave the size ambiguous
    return offsets_first.reshape((window_size,) + win.shape[:lead]).sum(axis=0)


def _max_pool(x, k, kernel_size, stride, padding, dilation, ceil_mode, return_indices=False):
    x = as_tensor(x)
    geo = _geometry(x, k, f"max_pool{k}d", kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices:  # the fused window_max: sliding windows and a max over them, without their copy
        return window_max(_padded(x, geo, -np.inf), geo.kernel, geo.stride, geo.dilation)
    return _max_with_indices(x, _windows(x, geo, -np.inf).data, geo, k)


def _max_with_indices(x, win, geo, k):
    """PyTorch's (values, indices): each window's first max, as an index into the flattened spatial axes of x;
    the values are read at those indices, so the gradient goes to that element alone, as in PyTorch."""
    out_sizes = win.shape[-2 * k : -k]
    flat = win.reshape(win.shape[:-k] + (-1,))
    offset = np.unravel_index(flat.argmax(axis=-1), geo.kernel)  # per window: where its max is
    grid = np.indices(out_sizes, sparse=True)
    coords = [o * s + f * d - lo for o, s, f, d, (lo, _) in zip(grid, geo.stride, offset, geo.dilation, geo.pads)]
    sizes = x.shape[-k:]
    index = np.ravel_multi_index(coords, sizes).astype(np.int64)  # (..., O1..Ok)
    lead = x.shape[:-k]
    flat_x = x.reshape(lead + (math.prod(sizes),))
    values = flat_x.gather(x.ndim - k, index.reshape(lead + (-1,))).reshape(index.shape)
    return values, ag.tensor(index)


def _sum_pool(x, k, kernel_size, stride, padding, ceil_mode):
    x = as_tensor(x)
    geo = _geometry(x, k, f"sum_pool{k}d", kernel_size, stride, padding, 1, ceil_mode)
    return _sum_windows(_windows(x, geo, 0.0), k)


def _avg_pool(x, k, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override=None):
    x = as_tensor(x)
    name = f"avg_pool{k}d"
    geo = _geometry(x, k, name, kernel_size, stride, padding, 1, ceil_mode)
    total = _sum_windows(_windows(x, geo, 0.0), k)
    if divisor_override is not None:
        if divisor_override <= 0:
            raise ValueError(f"{name}: divisor_override must be positive, got {divisor_override!r}")
        return total * (1.0 / divisor_override)
    if all(lo == hi == 0 for lo, hi in geo.pads):
        return total * (1.0 / int(np.prod(geo.kernel)))
    # How many elements each window averages: pool a mask of what counts, i.e. the input, plus the padding when
    # count_include_pad, but never the extra right padding of ceil_mode (as in PyTorch).
    sizes = x.shape[-k:]
    if count_include_pad:
        mask = np.pad(
            np.ones([n + 2 * lo for n, (lo, _) in zip(sizes, geo.pads)]), [(0, hi - lo) for lo, hi in geo.pads]
        )
    else:
        mask = np.pad(np.ones(sizes), geo.pads)
    counts = ag.sliding_window(mask, geo.kernel, geo.stride).data.sum(axis=tuple(range(-k, 0)))
    return total * ag.tensor((1.0 / counts).astype(total.dtype))


@overload
def max_pool1d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Tensor: ...
@overload
def max_pool1d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool1d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]: ...
@composite
def max_pool1d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over windows of x (N, C, L) or (C, L); stride defaults to the kernel size. return_indices: PyTorch's
    (values, indices), the gradient to each window's first max only."""
    return _max_pool(x, 1, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@overload
def max_pool2d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Tensor: ...
@overload
def max_pool2d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool2d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]: ...
@composite
def max_pool2d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over windows of x (N, C, H, W) or (C, H, W); stride defaults to the kernel size."""
    return _max_pool(x, 2, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


@overload
def max_pool3d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: Literal[False] = False,
) -> Tensor: ...
@overload
def max_pool3d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    *,
    return_indices: Literal[True],
) -> tuple[Tensor, Tensor]: ...
@overload
def max_pool3d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]: ...
@composite
def max_pool3d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    dilation: SizeArg = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> Tensor | tuple[Tensor, Tensor]:
    """Max over windows of x (N, C, D, H, W) or (C, D, H, W)."""
    return _max_pool(x, 3, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def _max_unpool(x, indices, k, kernel_size, stride, padding, output_size):
    """Each value of x put back at its index of the flattened spatial output; zeros elsewhere."""
    name = f"max_unpool{k}d"
    x = as_tensor(x)
    idx = np.asarray(getattr(indices, "data", indices))
    if idx.shape != x.shape or idx.dtype.kind not in "iu":
        raise ValueError(
            f"{name}: indices must be integers of the input's shape {x.shape}, got {idx.dtype} {idx.shape}"
        )
    kernel = ntuple(kernel_size, k, f"{name}: kernel_size")
    stride = kernel if stride is None else ntuple(stride, k, f"{name}: stride")
    padding = ntuple(padding, k, f"{name}: padding", minimum=0)
    if output_size is None:
        sizes = tuple((n - 1) * s - 2 * p + f for n, s, p, f in zip(x.shape[-k:], stride, padding, kernel))
    else:
        sizes = tuple(output_size)[-k:]
    total = math.prod(sizes)
    if idx.size and (idx.min() < 0 or idx.max() >= total):
        raise ValueError(f"{name}: an index is outside the output of spatial size {sizes}")
    lead = x.shape[:-k]
    flat = ag.zeros(lead + (total,), dtype=x.dtype).scatter(
        len(lead), idx.reshape(lead + (-1,)), x.reshape(lead + (-1,))
    )
    return flat.reshape(lead + sizes)


def max_unpool1d(
    x: TensorLike,
    indices: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    return _max_unpool(x, indices, 1, kernel_size, stride, padding, output_size)


def max_unpool2d(
    x: TensorLike,
    indices: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    return _max_unpool(x, indices, 2, kernel_size, stride, padding, output_size)


def max_unpool3d(
    x: TensorLike,
    indices: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    output_size: Sequence[int] | None = None,
) -> Tensor:
    return _max_unpool(x, indices, 3, kernel_size, stride, padding, output_size)


@composite
def avg_pool1d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """Mean over windows of x (N, C, L) or (C, L); padding counts in the mean unless count_include_pad=False."""
    return _avg_pool(x, 1, kernel_size, stride, padding, ceil_mode, count_include_pad)


@composite
def avg_pool2d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: float | None = None,
) -> Tensor:
    """Mean over windows of x (N, C, H, W) or (C, H, W); padding counts unless count_include_pad=False."""
    return _avg_pool(x, 2, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


@composite
def avg_pool3d(
    x: TensorLike,
    kernel_size: SizeArg,
    stride: SizeArg | None = None,
    padding: SizeArg = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: float | None = None,
) -> Tensor:
    """Mean over windows of x (N, C, D, H, W) or (C, D, H, W)."""
    return _avg_pool(x, 3, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def sum_pool1d(
    x: TensorLike, kernel_size: SizeArg, stride: SizeArg | None = None, padding: SizeArg = 0, ceil_mode: bool = False
) -> Tensor:
    """Sum over windows of x (N, C, L) or (C, L): the lectures' sum pooling (PyTorch has none)."""
    return _sum_pool(x, 1, kernel_size, stride, padding, ceil_mode)


def sum_pool2d(
    x: TensorLike, kernel_size: SizeArg, stride: SizeArg | None = None, padding: SizeArg = 0, ceil_mode: bool = False
) -> Tensor:
    """Sum over windows of x (N, C, H, W) or (C, H, W): the lectures' sum pooling (PyTorch has none)."""
    return _sum_pool(x, 2, kernel_size, stride, padding, ceil_mode)


def _bin_matrix(n, out, dtype):
    """(out, n) matrix whose row i averages PyTorch's adaptive bin i: [floor(i*n/out), ceil((i+1)*n/out))."""
    i = np.arange(out)[:, None]
    start, end = (i * n) // out, -((-(i + 1) * n) // out)
    inside = (np.arange(n) >= start) & (np.arange(n) < end)
    return (inside / (end - start)).astype(dtype)


def _adaptive_avg_pool(x, k, output_size):
    x = as_tensor(x)
    name = f"adaptive_avg_pool{k}d"
    check_input(x, k, name)
    if output_size is None or isinstance(output_size, numbers.Integral):
        output_size = (output_size,) * k
    if not isinstance(output_size, (tuple, list)) or len(output_size) != k:
        raise ValueError(f"{name}: output_size must be an int or {k} ints (None keeps that axis), got {output_size!r}")
    sizes = x.shape[-k:]
    output_size = ntuple(tuple(n if o is None else o for n, o in zip(sizes, output_size)), k, f"{name}: output_size")
    # Each axis is averaged by a constant matrix product: no loop over bins, and the gradient comes from matmul.
    for axis, (n, o) in enumerate(zip(sizes, output_size)):
        if n != o:
            moved = x.swapaxes(x.ndim - k + axis, -1)
            x = (moved @ ag.tensor(_bin_matrix(n, o, x.dtype).T)).swapaxes(x.ndim - k + axis, -1)
    return x


def adaptive_avg_pool1d(x: TensorLike, output_size: int | tuple[int | None, ...] | None) -> Tensor:
    """Average x (N, C, L) into output_size bins, PyTorch's bins; output_size=1 is global average pooling."""
    return _adaptive_avg_pool(x, 1, output_size)


def adaptive_avg_pool2d(x: TensorLike, output_size: int | tuple[int | None, ...] | None) -> Tensor:
    """Average x (N, C, H, W) into an output_size grid of bins, PyTorch's bins; 1 is global average pooling."""
    return _adaptive_avg_pool(x, 2, output_size)
