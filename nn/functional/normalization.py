"""Batch normalisation over every axis but the channel axis 1, with running statistics for eval mode."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import Tensor

from ._args import as_tensor, check_dtypes, composite

if TYPE_CHECKING:
    from typing import TypeVar

    from autograd_core.types import TensorLike

    _A = TypeVar("_A", Tensor, np.ndarray)


__all__ = ["batch_norm"]


def _channel_shaped(a: _A, ndim: int) -> _A:
    """A per-channel (C,) array or Tensor reshaped to broadcast against (N, C, ...)."""
    return a.reshape((1, a.shape[0]) + (1,) * (ndim - 2))


def _check(
    x: Tensor,
    running_mean: np.ndarray | None,
    running_var: np.ndarray | None,
    weight: Tensor | None,
    bias: Tensor | None,
) -> None:
    if x.ndim < 2:
        raise ValueError(f"batch_norm: input must have shape (N, C, ...), got {x.shape}")
    c = x.shape[1]
    for name, a in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight), ("bias", bias)):
        if a is not None and tuple(a.shape) != (c,):
            raise ValueError(
                f"batch_norm: {name} must have shape ({c},) for an input with {c} channels "
                f"(shape {x.shape}), got {tuple(a.shape)}"
            )


@composite
def batch_norm(
    input: TensorLike,
    running_mean: Tensor | np.ndarray | None,
    running_var: Tensor | np.ndarray | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias, per channel (axis 1).

    training: normalise with the batch's mean and biased variance, and update running_mean / running_var in
    place (the unbiased variance, like PyTorch): r = (1 - momentum) * r + momentum * batch_statistic.
    Otherwise normalise with the running statistics. momentum=None would need a batch count: the modules handle it.
    """
    x = as_tensor(input)
    # the running statistics are plain arrays updated in place (a Tensor's array is used directly)
    running_mean = running_mean.data if isinstance(running_mean, Tensor) else running_mean
    running_var = running_var.data if isinstance(running_var, Tensor) else running_var
    _check(x, running_mean, running_var, weight, bias)
    check_dtypes("batch_norm", x, weight=weight, bias=bias, running_mean=running_mean, running_var=running_var)
    axes = (0,) + tuple(range(2, x.ndim))
    n = math.prod(x.shape[a] for a in axes)  # values per channel
    if training and n == 0:  # an empty batch has no statistics: the running ones stay, as in PyTorch
        mean = Tensor(np.zeros((1, x.shape[1]) + (1,) * (x.ndim - 2), x.dtype))
        var = mean + 1
    elif training:
        if n < 2:
            raise ValueError(
                f"batch_norm: expected more than 1 value per channel when training, got input shape {x.shape}"
            )
        mean = x.mean(axis=axes, keepdims=True)
        var = x.var(axis=axes, keepdims=True)
        if running_mean is not None:
            running_mean *= 1 - momentum
            running_mean += momentum * mean.data.reshape(-1)
        if running_var is not None:
            running_var *= 1 - momentum
            running_var += momentum * var.data.reshape(-1) * (n / (n - 1))
    else:
        if running_mean is None or running_var is None:
            raise ValueError("batch_norm: eval mode (training=False) needs running_mean and running_var")
        mean = Tensor(_channel_shaped(np.asarray(running_mean, x.dtype), x.ndim))
        var = Tensor(_channel_shaped(np.asarray(running_var, x.dtype), x.ndim))
    out = (x - mean) / (var + eps).sqrt()
    if weight is not None:
        out = out * _channel_shaped(as_tensor(weight), x.ndim)
    if bias is not None:
        out = out + _channel_shaped(as_tensor(bias), x.ndim)
    return out
