"""nn.LayerNorm and nn.GroupNorm: normalisation within each sample, with a learnable scale and shift."""

import numbers

import numpy as np

from autograd_core import get_default_dtype

from .. import functional as F
from ..module import Module
from ..parameter import Parameter

__all__ = ["LayerNorm", "GroupNorm"]


class LayerNorm(Module):
    def __init__(self, normalized_shape, eps=1e-5, elementwise_affine=True, bias=True):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, numbers.Integral) else tuple(normalized_shape)
        self.normalized_shape, self.eps, self.elementwise_affine = shape, eps, elementwise_affine
        dt = get_default_dtype()
        self.register_parameter("weight", Parameter(np.ones(shape, dt)) if elementwise_affine else None)
        self.register_parameter("bias", Parameter(np.zeros(shape, dt)) if elementwise_affine and bias else None)

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"


class GroupNorm(Module):
    def __init__(self, num_groups, num_channels, eps=1e-5, affine=True):
        super().__init__()
        if not isinstance(num_groups, numbers.Integral) or num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_groups must divide num_channels ({num_channels}), got {num_groups!r}")
        self.num_groups, self.num_channels, self.eps, self.affine = num_groups, num_channels, eps, affine
        dt = get_default_dtype()
        self.register_parameter("weight", Parameter(np.ones(num_channels, dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(num_channels, dt)) if affine else None)

    def forward(self, x):
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
