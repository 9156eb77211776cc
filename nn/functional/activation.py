"""Activation functions with PyTorch's names and arguments (`dim` for the softmax axis)."""
import numbers

from autograd_core import Tensor
from autograd_core.tensor import as_tensor
from ._args import composite


def _check_dim(x, dim, fn):
    if not isinstance(dim, numbers.Integral):
        raise TypeError(f"{fn}: dim must be an int, got {type(dim).__name__}")
    nd = max(x.ndim, 1)
    if not -nd <= dim < nd:
        raise ValueError(f"{fn}: dim {dim} is out of range for an input of shape {x.shape} "
                         f"(expected -{nd} <= dim < {nd})")


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


def softplus(x):
    """log(1 + exp(x)), stable for |x| of any size: max(x, 0) + log(exp(-max) + exp(x - max)).

    The max is taken out as a constant (as in logsumexp), which leaves the gradient exactly sigmoid(x).
    """
    x = as_tensor(x)
    m = Tensor((x.data > 0) * x.data)
    return ((-m).exp() + (x - m).exp()).log() + m
