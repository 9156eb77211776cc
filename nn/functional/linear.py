"""The affine map x @ W.T + b, with PyTorch's weight layout (out_features, in_features)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._args import as_tensor, check_dtypes, composite

if TYPE_CHECKING:
    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["linear"]


@composite
def linear(x: TensorLike, weight: TensorLike, bias: TensorLike | None = None) -> Tensor:
    x, weight = as_tensor(x), as_tensor(weight)
    bias = None if bias is None else as_tensor(bias)
    if weight.ndim != 2 or x.ndim == 0:
        raise ValueError(
            f"linear: expected a weight of shape (out_features, in_features) and an input of shape "
            f"(..., in_features), got weight {weight.shape} and input {x.shape}"
        )
    if bias is not None and bias.shape != weight.shape[:1]:
        raise ValueError(
            f"linear: expected a bias of shape ({weight.shape[0]},) for a weight of shape "
            f"{weight.shape}, got {bias.shape}"
        )
    if x.shape[-1] != weight.shape[1]:
        raise ValueError(
            f"linear: input has {x.shape[-1]} features (shape {x.shape}) but the weight expects "
            f"{weight.shape[1]} (weight shape {weight.shape})"
        )
    check_dtypes("linear", x, weight=weight, bias=bias)
    out = x @ weight.T
    return out if bias is None else out + bias
