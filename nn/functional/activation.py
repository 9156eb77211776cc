"""Activation functions with PyTorch's names and arguments (`dim` for the softmax axis)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

import autograd_core as ag
from autograd_core import Tensor

from ._args import as_tensor, composite, is_integral

if TYPE_CHECKING:
    from typing import Literal

    from autograd_core.types import TensorLike


__all__ = ["relu", "tanh", "sigmoid", "leaky_relu", "softmax", "log_softmax", "softplus", "silu", "gelu", "elu",
           "selu", "celu", "hardtanh", "relu6", "hardsigmoid", "hardswish", "logsigmoid", "mish", "softsign", "prelu",
           "softmin"]  # fmt: skip


def _check_dim(x: Tensor, dim: int, fn: str) -> None:
    if not is_integral(dim):
        raise TypeError(f"{fn}: dim must be an int, got {type(dim).__name__}")
    nd = max(x.ndim, 1)
    if not -nd <= dim < nd:
        raise ValueError(
            f"{fn}: dim {dim} is out of range for an input of shape {x.shape} (expected -{nd} <= dim < {nd})"
        )


def relu(x: TensorLike) -> Tensor:
    return as_tensor(x).relu()


def tanh(x: TensorLike) -> Tensor:
    return as_tensor(x).tanh()


def sigmoid(x: TensorLike) -> Tensor:
    return as_tensor(x).sigmoid()


def leaky_relu(x: TensorLike, negative_slope: float = 0.01) -> Tensor:
    return as_tensor(x).leaky_relu(negative_slope)


@composite
def softmax(x: TensorLike, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along dim, computed as exp(log_softmax) so large logits do not overflow."""
    x = as_tensor(x)
    _check_dim(x, dim, "softmax")
    return x.softmax(axis=dim) if x.ndim else x.reshape(1).softmax(axis=0).reshape(())


@composite
def log_softmax(x: TensorLike, dim: int = -1) -> Tensor:
    """x - logsumexp(x) along dim (stable: the max is subtracted first)."""
    x = as_tensor(x)
    _check_dim(x, dim, "log_softmax")
    return x.log_softmax(axis=dim) if x.ndim else x.reshape(1).log_softmax(axis=0).reshape(())


def _softplus(x: TensorLike) -> Tensor:
    """log(1 + exp(x)), stable for |x| of any size: max(x, 0) + log(exp(-max) + exp(x - max)).

    The max is taken out as a constant (as in logsumexp), which leaves the gradient exactly sigmoid(x).
    """
    x = as_tensor(x)
    m = Tensor((x.data > 0) * x.data)
    return ((-m).exp() + (x - m).exp()).log() + m


def softplus(x: TensorLike, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (PyTorch's definition)."""
    x = as_tensor(x)
    return ag.where(x.data * beta > threshold, x, _softplus(x * beta) * (1 / beta))


# ---- more activations, composed from primitives (PyTorch's definitions and defaults) ---------------------------


def silu(x: TensorLike) -> Tensor:
    """x * sigmoid(x) (swish)."""
    x = as_tensor(x)
    return x * x.sigmoid()


def gelu(x: TensorLike, approximate: Literal["none", "tanh"] = "none") -> Tensor:
    """x * Φ(x) with Φ the normal CDF: exactly (erf), or approximate='tanh' as in PyTorch."""
    x = as_tensor(x)
    if approximate == "none":
        return x * ((x * (1 / math.sqrt(2))).erf() + 1) * 0.5
    if approximate == "tanh":
        return x * (((x + x**3 * 0.044715) * math.sqrt(2 / math.pi)).tanh() + 1) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _below(x: Tensor, edge: float = 0.0) -> Tensor:
    """x where x <= edge, edge elsewhere: the branch's input, so exp() never overflows on the other side."""
    return ag.where(x.data > edge, ag.tensor(edge, dtype=x.dtype), x)


def elu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha (exp(x) - 1) otherwise; at 0 the gradient is alpha's branch's, as in PyTorch."""
    x = as_tensor(x)
    return ag.where(x.data > 0, x, (_below(x).exp() - 1) * alpha)


def selu(x: TensorLike) -> Tensor:
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def celu(x: TensorLike, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha (exp(x / alpha) - 1) otherwise."""
    x = as_tensor(x)
    return ag.where(x.data > 0, x, ((_below(x) * (1 / alpha)).exp() - 1) * alpha)


def hardtanh(x: TensorLike, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """x clipped to [min_val, max_val]; the gradient passes strictly inside (PyTorch's hardtanh, not clamp)."""
    x = as_tensor(x)
    inside = (x.data > min_val) & (x.data < max_val)
    return ag.where(inside, x, ag.tensor(np.clip(x.data, min_val, max_val), dtype=x.dtype))


def relu6(x: TensorLike) -> Tensor:
    return hardtanh(x, 0.0, 6.0)


def hardsigmoid(x: TensorLike) -> Tensor:
    """x / 6 + 1/2 for -3 < x < 3, else 0 or 1."""
    x = as_tensor(x)
    return ag.where((x.data > -3) & (x.data < 3), x * (1 / 6) + 0.5, ag.tensor((x.data >= 3).astype(x.dtype)))


def hardswish(x: TensorLike) -> Tensor:
    """x (x + 3) / 6 strictly between -3 and 3, 0 at and below -3, x at and above 3 (PyTorch's gradients)."""
    x = as_tensor(x)
    middle = (x.data > -3) & (x.data < 3)
    return ag.where(middle, x * (x + 3) * (1 / 6), ag.where(x.data >= 3, x, ag.tensor(0.0, dtype=x.dtype)))


def logsigmoid(x: TensorLike) -> Tensor:
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return -softplus(-as_tensor(x))


def mish(x: TensorLike) -> Tensor:
    x = as_tensor(x)
    return x * softplus(x).tanh()


def softsign(x: TensorLike) -> Tensor:
    x = as_tensor(x)
    return x / (x.abs() + 1)


def prelu(x: TensorLike, weight: TensorLike) -> Tensor:
    """max(0, x) + weight * min(0, x), weight one value or one per channel (axis 1)."""
    x, w = as_tensor(x), as_tensor(weight)
    if w.size not in (1, x.shape[1] if x.ndim > 1 else 1):
        raise ValueError(
            f"prelu: weight must have 1 or {x.shape[1] if x.ndim > 1 else 1} (channels) elements, got shape {w.shape}"
        )
    if w.size > 1:
        w = w.reshape((1, w.size) + (1,) * (x.ndim - 2))
    else:
        w = w.reshape(())
    return ag.where(x.data > 0, x, w * x)


@composite
def softmin(x: TensorLike, dim: int = -1) -> Tensor:
    return softmax(-as_tensor(x), dim)
