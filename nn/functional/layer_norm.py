"""Layer and group normalisation: statistics over each sample's features (layer) or channel groups (group)."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, cast

from ._args import as_tensor, check_dtypes, is_integral

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["layer_norm", "group_norm"]


def layer_norm(
    input: TensorLike,
    normalized_shape: int | Sequence[int],
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) over the last len(normalized_shape) axes (biased variance), then * weight + bias."""
    x = as_tensor(input)
    shape = (
        (normalized_shape,)
        if isinstance(normalized_shape, numbers.Integral)
        else tuple(cast("Sequence[int]", normalized_shape))
    )
    k = len(shape)
    if k == 0 or tuple(x.shape[x.ndim - k :]) != shape or x.ndim < k:
        raise ValueError(
            f"layer_norm: normalized_shape {shape} must equal the last axes of the input, got input shape {x.shape}"
        )
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != shape:
            raise ValueError(f"layer_norm: {name} must have shape {shape}, got {tuple(p.shape)}")
    check_dtypes("layer_norm", x, weight=weight, bias=bias)
    axes = tuple(range(x.ndim - k, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    out = (x - mean) / (x.var(axis=axes, keepdims=True) + eps).sqrt()
    if weight is not None:
        out = out * weight
    return out if bias is None else out + bias


def group_norm(
    input: TensorLike, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5
) -> Tensor:
    """Normalise each of num_groups groups of channels (axis 1) of each sample, then * weight + bias per channel."""
    x = as_tensor(input)
    if x.ndim < 2:
        raise ValueError(f"group_norm: input must have shape (N, C, ...), got {x.shape}")
    n, c = x.shape[:2]
    if not is_integral(num_groups) or num_groups < 1 or c % num_groups:
        raise ValueError(f"group_norm: num_groups must divide the {c} channels, got {num_groups!r}")
    for name, p in (("weight", weight), ("bias", bias)):
        if p is not None and tuple(p.shape) != (c,):
            raise ValueError(f"group_norm: {name} must have shape ({c},), got {tuple(p.shape)}")
    check_dtypes("group_norm", x, weight=weight, bias=bias)
    g = x.reshape((n, num_groups, c // num_groups) + x.shape[2:])
    axes = tuple(range(2, g.ndim))
    g = (g - g.mean(axis=axes, keepdims=True)) / (g.var(axis=axes, keepdims=True) + eps).sqrt()
    out = g.reshape(x.shape)
    per_channel = (1, c) + (1,) * (x.ndim - 2)
    if weight is not None:
        out = out * weight.reshape(per_channel)
    return out if bias is None else out + bias.reshape(per_channel)
