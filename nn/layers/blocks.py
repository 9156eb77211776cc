"""Building blocks from the lectures: a residual block (skip connection) and an inception block."""

from __future__ import annotations

from typing import TYPE_CHECKING

import autograd_core as ag

from ..module import Module, Sequential
from .conv import Conv2d
from .linear import Identity
from .pool import MaxPool2d

if TYPE_CHECKING:
    from autograd_core import Tensor


__all__ = ["ResidualBlock", "ConvReLU", "InceptionBlock"]


class ResidualBlock(Module):
    """ResNet's skip connection, as in the lectures: a = f(z + a_prev) with z = conv2(f(conv1(a_prev))), f = ReLU.

    Two kernel_size convolutions with 'same'-style padding. When the block changes the channel count or the
    stride, a_prev goes through a 1x1 convolution (a projection) so that it has z's shape.
    """

    def __init__(
        self, in_channels: int, out_channels: int | None = None, kernel_size: int = 3, stride: int = 1
    ) -> None:
        super().__init__()
        if kernel_size % 2 == 0:
            raise ValueError(
                f"ResidualBlock needs an odd kernel_size (so that z keeps a_prev's size), got {kernel_size}"
            )
        out_channels = in_channels if out_channels is None else out_channels
        self.conv1 = Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2)
        self.conv2 = Conv2d(out_channels, out_channels, kernel_size, padding=kernel_size // 2)
        if stride != 1 or in_channels != out_channels:
            self.shortcut: Module = Conv2d(in_channels, out_channels, 1, stride=stride)
        else:
            self.shortcut = Identity()

    def forward(self, a_prev: Tensor) -> Tensor:
        z = self.conv2(self.conv1(a_prev).relu())
        return (z + self.shortcut(a_prev)).relu()  # the skip: a_prev joins before the nonlinearity


class ConvReLU(Module):
    """A convolution with 'same' padding followed by ReLU: one step of an inception branch."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__()
        self.conv = Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x).relu()


class InceptionBlock(Module):
    """GoogLeNet's inception module: parallel 1x1, 3x3, 5x5 and 3x3-max-pool branches, concatenated on channels.

    ch3x3red / ch5x5red: optional 1x1 convolutions that shrink the channels before the 3x3 / 5x5 ones (the
    "bottleneck" that keeps the block cheap); pool_proj: channels of the 1x1 convolution after the pooling.
    Every branch keeps the spatial size, so the output has ch1x1 + ch3x3 + ch5x5 + pool_proj channels.
    """

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3: int,
        ch5x5: int,
        pool_proj: int,
        ch3x3red: int | None = None,
        ch5x5red: int | None = None,
    ) -> None:
        super().__init__()
        self.branch1 = ConvReLU(in_channels, ch1x1, 1)
        self.branch3 = self._branch(in_channels, ch3x3red, ch3x3, 3)
        self.branch5 = self._branch(in_channels, ch5x5red, ch5x5, 5)
        self.branch_pool = Sequential(MaxPool2d(3, stride=1, padding=1), ConvReLU(in_channels, pool_proj, 1))
        self.out_channels = ch1x1 + ch3x3 + ch5x5 + pool_proj

    @staticmethod
    def _branch(in_channels: int, reduce: int | None, out_channels: int, kernel_size: int) -> Module:
        if reduce is None:
            return ConvReLU(in_channels, out_channels, kernel_size)
        return Sequential(ConvReLU(in_channels, reduce, 1), ConvReLU(reduce, out_channels, kernel_size))

    def forward(self, x: Tensor) -> Tensor:
        branches = [self.branch1(x), self.branch3(x), self.branch5(x), self.branch_pool(x)]
        return ag.concatenate(branches, axis=-3)  # the channel axis, batched or not
