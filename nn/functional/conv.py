"""Convolution (cross-correlation, as in PyTorch and the lectures) = pad -> windows times filters -> + bias.

The window under every output pixel becomes a column of one matrix per image (im2col), the filters the rows of
another, so one matrix product per image computes every dot product of the lectures' "slide the filter over the
image". Groups split the channels into independent convolutions, which become one more batch axis of that product.
`ag.correlate` is that product as one primitive: the same numbers as ag.sliding_window -> transpose -> reshape ->
matmul (tests/test_correlate.py), without holding the whole batch's window matrix (see autograd_core/ops/correlate.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import autograd_core as ag

from ._args import as_tensor, check_dtypes, check_input, composite, is_integral, ntuple

if TYPE_CHECKING:
    from typing import Literal

    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    from ._args import SizeArg


__all__ = ["conv_output_size", "conv1d", "conv2d", "conv3d"]


def conv_output_size(
    n: int, kernel_size: int, stride: int = 1, padding: int = 0, dilation: int = 1, strict: bool = False
) -> int:
    """Output size along one axis: (N + 2P - D*(F - 1) - 1) // S + 1, the lectures' (N + 2P - F)/S + 1.

    Floors like PyTorch; with strict=True a stride that does not fit the input exactly raises ValueError naming
    the remainder. A configuration that gives no output raises ValueError naming N, F, P, S and the result.
    """
    for name, v, least in (
        ("n", n, 0),
        ("kernel_size", kernel_size, 1),
        ("stride", stride, 1),
        ("padding", padding, 0),
        ("dilation", dilation, 1),
    ):
        if not is_integral(v) or isinstance(v, bool) or v < least:
            raise ValueError(f"conv_output_size: {name} must be an int >= {least}, got {v!r}")
    span = dilation * (kernel_size - 1) + 1  # the kernel's extent on the input, gaps included
    room = n + 2 * padding - span
    out = room // stride + 1
    where = f"N={n}, F={kernel_size}, P={padding}, S={stride}" + (f", D={dilation}" if dilation != 1 else "")
    if out < 1:
        raise ValueError(
            f"no output: {where} gives (N + 2P - D*(F - 1) - 1) // S + 1 = {out}; the kernel "
            f"(span {span}) is larger than the padded input ({n + 2 * padding})"
        )
    if strict and room % stride:
        raise ValueError(
            f"stride does not fit: {where} gives (N + 2P - F) / S = {room}/{stride}, remainder "
            f"{room % stride}; the last {room % stride} row(s)/column(s) would be skipped"
        )
    return out


def _padding(
    padding: SizeArg | str, kernel: tuple[int, ...], stride: tuple[int, ...], dilation: tuple[int, ...], name: str
) -> tuple[tuple[int, int], ...]:
    """(before, after) per spatial axis for an int, a tuple, 'valid' or 'same' (extra on the right, like PyTorch)."""
    k = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * k
        if padding == "same":
            if stride != (1,) * k:
                raise ValueError(f"{name}: padding='same' needs stride 1 (as in PyTorch), got stride={stride}")
            totals = [d * (f - 1) for f, d in zip(kernel, dilation)]
            return tuple((t // 2, t - t // 2) for t in totals)
        raise ValueError(f"{name}: padding must be an int, a tuple of {k} ints, 'valid' or 'same', got {padding!r}")
    return tuple((p, p) for p in ntuple(padding, k, f"{name}: padding", minimum=0))


def _check_shapes(x: Tensor, weight: Tensor, bias: Tensor | None, groups: int, k: int, name: str) -> None:
    """Input (N, C, *spatial), weight (O, C/groups, *kernel), bias (O,), groups dividing C and O."""
    check_input(x, k, name)
    if weight.ndim != k + 2:
        raise ValueError(
            f"{name}: expected a weight of shape (out_channels, in_channels/groups, "
            f"{'kernel' if k == 1 else 'kH, kW'}), got shape {weight.shape}"
        )
    channels, (out_channels, group_channels) = x.shape[-k - 1], weight.shape[:2]
    if not is_integral(groups) or groups < 1:
        raise ValueError(f"{name}: groups must be a positive int, got {groups!r}")
    if channels % groups or out_channels % groups:
        raise ValueError(
            f"{name}: groups={groups} must divide the input channels ({channels}) and the output "
            f"channels ({out_channels})"
        )
    if group_channels * groups != channels:
        raise ValueError(
            f"{name}: the weight of shape {weight.shape} with groups={groups} expects "
            f"{group_channels * groups} input channels, got {channels} (input shape {x.shape})"
        )
    if channels == 0 or out_channels == 0:  # PyTorch refuses no filters; no input channels would divide by zero
        raise ValueError(
            f"{name}: expected at least one input channel and one output channel, got in_channels="
            f"{channels} (input shape {x.shape}) and out_channels={out_channels} (weight shape "
            f"{weight.shape}, groups={groups})"
        )
    if bias is not None and bias.shape != (out_channels,):
        raise ValueError(f"{name}: expected a bias of shape ({out_channels},), got shape {bias.shape}")


def _conv(x, weight, bias, stride, padding, dilation, groups, k):
    name = f"conv{k}d"
    x, weight = as_tensor(x), as_tensor(weight)
    data_name = x.name
    bias = None if bias is None else as_tensor(bias)
    _check_shapes(x, weight, bias, groups, k, name)
    check_dtypes(name, x, weight=weight, bias=bias)
    unbatched = x.ndim == k + 1
    if unbatched:
        x = x.reshape((1,) + x.shape)
    batch, channels, sizes = x.shape[0], x.shape[1], x.shape[2:]
    out_channels, kernel = weight.shape[0], weight.shape[2:]
    stride = ntuple(stride, k, f"{name}: stride")
    dilation = ntuple(dilation, k, f"{name}: dilation")
    pads = _padding(padding, kernel, stride, dilation, name)
    # N + hi - lo with P = lo is the padded size N + lo + hi; it names the user's N for symmetric padding.
    out = tuple(
        conv_output_size(n + hi - lo, f, s, lo, d)
        for n, f, s, (lo, hi), d in zip(sizes, kernel, stride, pads, dilation)
    )

    g, cg, og = groups, channels // groups, out_channels // groups
    x = x.reshape((batch, g, cg) + sizes)  # (B, G, C/G, H, W)
    if any(lo or hi for lo, hi in pads):
        x = ag.pad(x, ((0, 0),) * 3 + pads)
    if x.name is None and not x.requires_grad:  # data needing no gradient: not recorded, so keep its name for viz
        x.name = data_name
    w = weight.reshape((g, og, cg) + kernel)  # (G, O/G, C/G, KH, KW), a view
    y = ag.correlate(x, w, stride, dilation).reshape((batch, out_channels) + out)  # (B, G, O/G, OH, OW) -> (B, O, ..)
    if bias is not None:
        y = y + bias.reshape((out_channels,) + (1,) * k)
    return y.reshape(y.shape[1:]) if unbatched else y


@composite
def conv1d(
    x: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None = None,
    stride: SizeArg = 1,
    padding: SizeArg | Literal["valid", "same"] = 0,
    dilation: SizeArg = 1,
    groups: int = 1,
) -> Tensor:
    """1-D convolution of x (N, C, L) or (C, L) with weight (out_channels, C/groups, kernel), like PyTorch's."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, 1)


@composite
def conv2d(
    x: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None = None,
    stride: SizeArg = 1,
    padding: SizeArg | Literal["valid", "same"] = 0,
    dilation: SizeArg = 1,
    groups: int = 1,
) -> Tensor:
    """2-D convolution of x (N, C, H, W) or (C, H, W) with weight (out_channels, C/groups, kH, kW), like PyTorch's.

    padding: an int, a pair, 'valid' (none) or 'same' (output as large as the input; stride 1 only).
    groups: split the channels into independent convolutions; groups == C gives a depthwise convolution.
    """
    return _conv(x, weight, bias, stride, padding, dilation, groups, 2)


@composite
def conv3d(
    x: TensorLike,
    weight: TensorLike,
    bias: TensorLike | None = None,
    stride: SizeArg = 1,
    padding: SizeArg | Literal["valid", "same"] = 0,
    dilation: SizeArg = 1,
    groups: int = 1,
) -> Tensor:
    """3-D convolution of x (N, C, D, H, W) or (C, D, H, W) with weight (out_channels, C/groups, kD, kH, kW)."""
    return _conv(x, weight, bias, stride, padding, dilation, groups, 3)
