"""Activation functions with PyTorch's names and arguments (`dim` for the softmax axis)."""

import math
import numbers

import numpy as np

import autograd_core as ag
from autograd_core import Tensor
from autograd_core.tensor import as_tensor

from ._args import composite

__all__ = ["relu", "tanh", "sigmoid", "leaky_relu", "softmax", "log_softmax", "softplus", "silu", "gelu", "elu",
           "selu", "celu", "hardtanh", "relu6", "hardsigmoid", "hardswish", "logsigmoid", "mish", "softsign", "prelu",
           "softmin"]  # fmt: skip


def _check_dim(x, dim, fn):
    if not isinstance(dim, numbers.Integral):
        raise TypeError(f"{fn}: dim must be an int, got {type(dim).__name__}")
    nd = max(x.ndim, 1)
    if not -nd <= dim < nd:
        raise ValueError(
            f"{fn}: dim {dim} is out of range for an input of shape {x.shape} (expected -{nd} <= dim < {nd})"
        )


def relu(x):
    return as_tensor(x).relu()


def tanh(x):
    return as_tensor(x).tanh()


def sigmoid(x):
    return as_tensor(x).sigmoid()


def leaky_relu(x, negative_slope=0.01):
    return as_tensor(x).leaky_relu(negative_slope)


@composite
def softmax(x, dim=-1):
    """exp(x) / sum(exp(x)) along dim, computed as exp(log_softmax) so large logits do not overflow."""
    x = as_tensor(x)
    _check_dim(x, dim, "softmax")
    return x.softmax(axis=dim) if x.ndim else x.reshape(1).softmax(axis=0).reshape(())


@composite
def log_softmax(x, dim=-1):
    """x - logsumexp(x) along dim (stable: the max is subtracted first)."""
    x = as_tensor(x)
    _check_dim(x, dim, "log_softmax")
    return x.log_softmax(axis=dim) if x.ndim else x.reshape(1).log_softmax(axis=0).reshape(())


def _softplus(x):
    """log(1 + exp(x)), stable for |x| of any size: max(x, 0) + log(exp(-max) + exp(x - max)).

    The max is taken out as a constant (as in logsumexp), which leaves the gradient exactly sigmoid(x).
    """
    x = as_tensor(x)
    m = Tensor((x.data > 0) * x.data)
    return ((-m).exp() + (x - m).exp()).log() + m


def softplus(x, beta=1.0, threshold=20.0):
    """log(1 + exp(beta x)) / beta, and x itself where beta x > threshold (PyTorch's definition)."""
    x = as_tensor(x)
    return ag.where(x.data * beta > threshold, x, _softplus(x * beta) * (1 / beta))


# ---- more activations, composed from primitives (PyTorch's definitions and defaults) ---------------------------


def silu(x):
    """x * sigmoid(x) (swish)."""
    x = as_tensor(x)
    return x * x.sigmoid()


def gelu(x, approximate="none"):
    """x * Φ(x) with Φ the normal CDF: exactly (erf), or approximate='tanh' as in PyTorch."""
    x = as_tensor(x)
    if approximate == "none":
        return x * ((x * (1 / math.sqrt(2))).erf() + 1) * 0.5
    if approximate == "tanh":
        return x * (((x + x**3 * 0.044715) * math.sqrt(2 / math.pi)).tanh() + 1) * 0.5
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _below(x, edge=0.0):
    """x where x <= edge, edge elsewhere: the branch's input, so exp() never overflows on the other side."""
    return ag.where(x.data > edge, ag.tensor(edge, dtype=x.dtype), x)


def elu(x, alpha=1.0):
    """x for x > 0, alpha (exp(x) - 1) otherwise; at 0 the gradient is alpha's branch's, as in PyTorch."""
    x = as_tensor(x)
    return ag.where(x.data > 0, x, (_below(x).exp() - 1) * alpha)


def selu(x):
    return elu(x, _SELU_ALPHA) * _SELU_SCALE


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def celu(x, alpha=1.0):
    """x for x > 0, alpha (exp(x / alpha) - 1) otherwise."""
    x = as_tensor(x)
    return ag.where(x.data > 0, x, ((_below(x) * (1 / alpha)).exp() - 1) * alpha)


def hardtanh(x, min_val=-1.0, max_val=1.0):
    """x clipped to [min_val, max_val]; the gradient passes strictly inside (PyTorch's hardtanh, not clamp)."""
    x = as_tensor(x)
    inside = (x.data > min_val) & (x.data < max_val)
    return ag.where(inside, x, ag.tensor(np.clip(x.data, min_val, max_val), dtype=x.dtype))


def relu6(x):
    return hardtanh(x, 0.0, 6.0)


def hardsigmoid(x):
    """x / 6 + 1/2 for -3 < x < 3, else 0 or 1."""
    x = as_tensor(x)
    return ag.where((x.data > -3) & (x.data < 3), x * (1 / 6) + 0.5, ag.tensor((x.data >= 3).astype(x.dtype)))


def hardswish(x):
    """x (x + 3) / 6 strictly between -3 and 3, 0 at and below -3, x at and above 3 (PyTorch's gradients)."""
    x = as_tensor(x)
    middle = (x.data > -3) & (x.data < 3)
    return ag.where(middle, x * (x + 3) * (1 / 6), ag.where(x.data >= 3, x, ag.tensor(0.0, dtype=x.dtype)))


def logsigmoid(x):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|."""
    return -softplus(-as_tensor(x))


def mish(x):
    x = as_tensor(x)
    return x * softplus(x).tanh()


def softsign(x):
    x = as_tensor(x)
    return x / (x.abs() + 1)


def prelu(x, weight):
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
def softmin(x, dim=-1):
    return softmax(-as_tensor(x), dim)
