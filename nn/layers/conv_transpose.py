"""Transposed convolution layers: a weight (in_channels, out_channels/groups, *kernel), initialised like PyTorch."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import get_default_dtype

from .. import init
from ..functional._args import ntuple
from ..functional.conv_transpose import conv_transpose1d, conv_transpose2d
from ..module import Module
from ..parameter import Parameter
from .conv import check_channels

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import ClassVar

    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["ConvTranspose1d", "ConvTranspose2d"]


class _ConvTransposeNd(Module):
    _k: ClassVar[int]
    _fn: ClassVar[Callable[..., Tensor]]
    _k, _fn = None, None  # type: ignore[assignment]  # every subclass sets both
    bias: Parameter | None  # registered: None with bias=False

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] = 0,
        output_padding: int | tuple[int, ...] = 0,
        groups: int = 1,
        bias: bool = True,
        dilation: int | tuple[int, ...] = 1,
    ) -> None:
        super().__init__()
        k, name = self._k, type(self).__name__
        self.in_channels, self.out_channels, self.groups = check_channels(name, in_channels, out_channels, groups)
        self.kernel_size = ntuple(kernel_size, k, f"{name}: kernel_size")
        self.stride, self.dilation = ntuple(stride, k, f"{name}: stride"), ntuple(dilation, k, f"{name}: dilation")
        self.padding = ntuple(padding, k, f"{name}: padding", minimum=0)
        self.output_padding = ntuple(output_padding, k, f"{name}: output_padding", minimum=0)
        dt = get_default_dtype()
        self.weight = Parameter(np.empty((in_channels, out_channels // groups) + self.kernel_size, dt))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dt))
        else:
            self.register_parameter("bias", None)
        # PyTorch's defaults: kaiming_uniform_(a=sqrt(5)) over fan_in = weight.shape[1] * prod(kernel), bias alike
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.weight.shape[1] * math.prod(self.kernel_size))
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: TensorLike) -> Tensor:
        return type(self)._fn(
            x, self.weight, self.bias, self.stride, self.padding, self.output_padding, self.groups, self.dilation
        )

    def extra_repr(self) -> str:
        return (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding}, output_padding={self.output_padding}"
        )


class ConvTranspose1d(_ConvTransposeNd):
    _k, _fn = 1, staticmethod(conv_transpose1d)


class ConvTranspose2d(_ConvTransposeNd):
    _k, _fn = 2, staticmethod(conv_transpose2d)
