"""Convolution layers: a weight (out_channels, in_channels/groups, *kernel) and a bias, initialised like PyTorch."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import get_default_dtype

from .. import functional as F
from .. import init
from ..functional._args import is_integral, ntuple
from ..module import Module
from ..parameter import Parameter

if TYPE_CHECKING:
    from typing import ClassVar, Literal

    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["check_channels", "Conv1d", "Conv2d", "Conv3d"]


def check_channels(name: str, in_channels: int, out_channels: int, groups: int) -> tuple[int, int, int]:
    """(in_channels, out_channels, groups) after checking them: positive ints, groups dividing both."""
    for what, v in (("in_channels", in_channels), ("out_channels", out_channels), ("groups", groups)):
        if not is_integral(v) or v < 1:
            raise ValueError(f"{name}: {what} must be a positive int, got {v!r}")
    if in_channels % groups or out_channels % groups:
        raise ValueError(
            f"{name}: groups={groups} must divide in_channels ({in_channels}) and out_channels ({out_channels})"
        )
    return in_channels, out_channels, groups


class _ConvNd(Module):
    _k: ClassVar[int] = None  # type: ignore[assignment]  # number of spatial axes: every subclass sets it
    bias: Parameter | None  # registered: None with bias=False
    padding: tuple[int, ...] | Literal["valid", "same"]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, ...],
        stride: int | tuple[int, ...] = 1,
        padding: int | tuple[int, ...] | Literal["valid", "same"] = 0,
        dilation: int | tuple[int, ...] = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        k, name = self._k, type(self).__name__
        self.in_channels, self.out_channels, self.groups = check_channels(name, in_channels, out_channels, groups)
        self.kernel_size = ntuple(kernel_size, k, f"{name}: kernel_size")
        self.stride = ntuple(stride, k, f"{name}: stride")
        self.dilation = ntuple(dilation, k, f"{name}: dilation")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"{name}: padding must be an int, a tuple, 'valid' or 'same', got {padding!r}")
            if padding == "same" and self.stride != (1,) * k:
                raise ValueError(f"{name}: padding='same' needs stride 1 (as in PyTorch), got stride={self.stride}")
            self.padding = padding
        else:
            self.padding = ntuple(padding, k, f"{name}: padding", minimum=0)
        dt = get_default_dtype()
        self.weight = Parameter(np.empty((out_channels, in_channels // groups) + self.kernel_size, dt))
        if bias:
            self.bias = Parameter(np.empty(out_channels, dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's defaults: kaiming_uniform_(a=sqrt(5)), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), bias likewise."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.weight.shape[1] * math.prod(self.kernel_size))
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        k = self._k
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * k:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * k:
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        return s


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) inputs, PyTorch's arguments and weight layout (out, in/groups, k)."""

    _k = 1

    def forward(self, x: TensorLike) -> Tensor:
        return F.conv1d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D convolution over (N, C, H, W) inputs, PyTorch's arguments and weight layout (out, in/groups, kH, kW)."""

    _k = 2

    def forward(self, x: TensorLike) -> Tensor:
        return F.conv2d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv3d(_ConvNd):
    """3-D convolution over (N, C, D, H, W) inputs, PyTorch's arguments and weight layout (out, in/groups, kD, kH, kW)."""

    _k = 3

    def forward(self, x: TensorLike) -> Tensor:
        return F.conv3d(x, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)
