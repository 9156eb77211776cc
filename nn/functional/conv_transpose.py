"""Transposed convolution (the gradient of a convolution with respect to its input, used to upsample), composed:
spread the input out by the stride (zeros between its elements), pad by dilation * (kernel - 1) - padding (plus
output_padding at the end), and convolve with the filters flipped and their in/out channels swapped."""

from __future__ import annotations

from typing import TYPE_CHECKING

import autograd_core as ag
from autograd_core.ops.movement import ScatterAdd

from ._args import as_tensor, check_dtypes, check_input, ntuple
from .conv import _conv

if TYPE_CHECKING:
    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    from ._args import SizeArg


__all__ = ["conv_transpose1d", "conv_transpose2d"]


def _conv_transpose(x, weight, bias, stride, padding, output_padding, groups, dilation, k):
    name = f"conv_transpose{k}d"
    x, weight = as_tensor(x), as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    check_input(x, k, name)
    check_dtypes(name, x, weight=weight, bias=bias)
    unbatched = x.ndim == k + 1
    if unbatched:
        x = x.reshape((1,) + x.shape)
    if weight.ndim != k + 2:
        raise ValueError(
            f"{name}: expected a weight of shape (in_channels, out_channels/groups, *kernel) with "
            f"{k} kernel axes, got shape {weight.shape}"
        )
    if not isinstance(groups, int) or groups < 1 or x.shape[1] % groups or weight.shape[0] != x.shape[1]:
        raise ValueError(
            f"{name}: the weight of shape {weight.shape} expects {weight.shape[0]} input channels in "
            f"groups={groups!r} groups, got input shape {x.shape}"
        )
    stride, dilation = ntuple(stride, k, f"{name}: stride"), ntuple(dilation, k, f"{name}: dilation")
    padding = ntuple(padding, k, f"{name}: padding", minimum=0)
    output_padding = ntuple(output_padding, k, f"{name}: output_padding", minimum=0)
    for op, s, d in zip(output_padding, stride, dilation):
        if op >= max(s, d):
            raise ValueError(f"{name}: output_padding ({op}) must be smaller than stride ({s}) or dilation ({d})")
    kernel, sizes = weight.shape[2:], x.shape[2:]
    out = tuple(
        (n - 1) * s - 2 * p + d * (f - 1) + op + 1
        for n, s, p, d, f, op in zip(sizes, stride, padding, dilation, kernel, output_padding)
    )
    if min(out, default=1) < 1:
        raise ValueError(
            f"{name}: no output: input {sizes}, kernel {kernel}, stride {stride}, padding {padding} give size {out}"
        )
    spread = tuple((n - 1) * s + 1 for n, s in zip(sizes, stride))
    if spread != sizes:
        x = ScatterAdd.apply(
            x, shape=x.shape[:2] + spread, index=(slice(None),) * 2 + tuple(slice(None, None, s) for s in stride)
        )
    lead = tuple(d * (f - 1) - p for d, f, p in zip(dilation, kernel, padding))
    crop = tuple(slice(max(0, -lo), None) for lo in lead)
    x = x[(slice(None),) * 2 + crop]
    width = tuple((max(0, lo), max(0, lo) + op) for lo, op in zip(lead, output_padding))
    x = ag.pad(x, ((0, 0), (0, 0)) + width)
    x = x[(slice(None),) * 2 + tuple(slice(0, o + d * (f - 1)) for o, d, f in zip(out, dilation, kernel))]
    g, cin, cout = groups, weight.shape[0] // groups, weight.shape[1]
    w = weight.reshape((g, cin, cout) + kernel).swapaxes(1, 2).reshape((g * cout, cin) + kernel)
    w = w[(slice(None),) * 2 + (slice(None, None, -1),) * k]  # flipped: correlation with the transposed filters
    y = _conv(x, w, bias, 1, 0, dilation, groups, k)
    return y.reshape(y.shape[1:]) if unbatched else y


def conv_transpose1d(
    input: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None = None,
    stride: SizeArg = 1,
    padding: SizeArg = 0,
    output_padding: SizeArg = 0,
    groups: int = 1,
    dilation: SizeArg = 1,
) -> Tensor:
    """PyTorch's conv_transpose1d: input (N, C_in, L), weight (C_in, C_out/groups, kernel)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 1)


def conv_transpose2d(
    input: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None = None,
    stride: SizeArg = 1,
    padding: SizeArg = 0,
    output_padding: SizeArg = 0,
    groups: int = 1,
    dilation: SizeArg = 1,
) -> Tensor:
    """PyTorch's conv_transpose2d: input (N, C_in, H, W), weight (C_in, C_out/groups, kH, kW)."""
    return _conv_transpose(input, weight, bias, stride, padding, output_padding, groups, dilation, 2)
