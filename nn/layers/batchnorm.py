"""nn.BatchNorm1d / BatchNorm2d: per-channel normalisation with learnable scale and shift and running statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from autograd_core import get_default_dtype

from .. import functional as F
from ..module import Module
from ..parameter import Parameter

if TYPE_CHECKING:
    from autograd_core import Tensor


__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    expected_ndims: tuple[int, ...] = ()
    # registered: None without affine (weight, bias) or without track_running_stats (the buffers)
    weight: Parameter | None
    bias: Parameter | None
    running_mean: np.ndarray | None
    running_var: np.ndarray | None
    num_batches_tracked: np.ndarray | None

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dt = get_default_dtype()
        self.register_parameter("weight", Parameter(np.ones(num_features, dt)) if affine else None)
        self.register_parameter("bias", Parameter(np.zeros(num_features, dt)) if affine and bias else None)
        if track_running_stats:
            self.register_buffer("running_mean", np.zeros(num_features, dt))
            self.register_buffer("running_var", np.ones(num_features, dt))
            self.register_buffer("num_batches_tracked", np.zeros((), np.int64))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:  # then the buffers are arrays
            cast(np.ndarray, self.running_mean)[...] = 0
            cast(np.ndarray, self.running_var)[...] = 1
            cast(np.ndarray, self.num_batches_tracked)[...] = 0

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim not in self.expected_ndims:
            raise ValueError(
                f"{type(self).__name__}: expected a {' or '.join(f'{n}D' for n in self.expected_ndims)} "
                f"input, got shape {x.shape}"
            )
        momentum = self.momentum
        counting = self.training and self.track_running_stats
        if counting and momentum is None:  # a cumulative average over all batches seen, this one included
            momentum = 1.0 / (float(cast(np.ndarray, self.num_batches_tracked)) + 1)
        # eval mode without running statistics normalises with the batch's own, like PyTorch
        use_batch_stats = self.training or not self.track_running_stats
        out = F.batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            use_batch_stats,
            0.0 if momentum is None else momentum,
            self.eps,
        )
        if counting:  # after the call, so a rejected input changes nothing
            count = cast(np.ndarray, self.num_batches_tracked)
            count += 1  # in place, and stored back: what `self.num_batches_tracked += 1` does
            self.num_batches_tracked = count
        return out

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Over (N, C) or (N, C, L) inputs."""

    expected_ndims: tuple[int, ...] = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Over (N, C, H, W) inputs."""

    expected_ndims: tuple[int, ...] = (4,)
