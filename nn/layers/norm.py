"""nn.LayerNorm and nn.GroupNorm: normalisation within each sample, with a learnable scale and shift."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, cast

import numpy as np

from autograd_core import get_default_dtype

from .. import functional as F
from ..functional._args import is_integral
from ..module import Module
from ..parameter import Parameter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["LayerNorm", "GroupNorm"]


class LayerNorm(Module):
    weight: Parameter | None  # registered: None without elementwise_affine (or bias)
    bias: Parameter | None

    def __init__(
        self,
        normalized_shape: int | Sequence[int],
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        shape = (
            (cast(int, normalized_shape),)
            if isinstance(normalized_shape, numbers.Integral)
            else tuple(cast("Sequence[int]", normalized_shape))
        )
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        dt = get_default_dtype()
        self.register_parameter("weight", Parameter(np.ones(shape, dt)) if elementwise_affine else None)
        self.register_parameter("bias", Parameter(np.zeros(shape, dt)) if elementwise_affine and bias else None)

    def forward(self, x: TensorLike) -> Tensor:
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    weight: Parameter | None  # registered: None without affine
    bias: Parameter | None
    num_groups: int
    num_channels: int
    eps: float
    affine: bool

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True) -> None:
        super().__init__()
        if not is_integral(num_groups) or num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_groups must divide num_channels ({num_channels}), got {num_groups!r}")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dt = get_default_dtype()
        self.register_parameter("weight", Parameter(np.ones(num_channels, dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(num_channels, dt)) if affine else None)

    def forward(self, x: TensorLike) -> Tensor:
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
