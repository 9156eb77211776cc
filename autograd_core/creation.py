"""Ways to make tensors: from data, filled, ranges and random."""
import numpy as np

from . import dtype as _dtype
from . import random as _random
from .spellings import _shape
from .tensor import Tensor, _to_array


def tensor(data, dtype=None, requires_grad=False, name=None):
    """A new leaf tensor with its own copy of the data (like torch.tensor). Python floats become the default
    dtype (float32); arrays keep theirs."""
    if isinstance(data, Tensor):
        data = data.data.copy()
    elif isinstance(data, np.ndarray):
        data = data.copy(order="K")  # same layout; in-place updates of .data must not reach the caller's array
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, name=name)




def _dt(dtype):
    return _dtype.get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*shape, dtype=None, requires_grad=False):
    return Tensor(np.zeros(_shape(shape), _dt(dtype)), requires_grad=requires_grad)


def ones(*shape, dtype=None, requires_grad=False):
    return Tensor(np.ones(_shape(shape), _dt(dtype)), requires_grad=requires_grad)


def full(shape, fill_value, dtype=None, requires_grad=False):
    fill = _to_array(fill_value)
    if fill.ndim or fill.dtype.kind not in "biuf":
        raise TypeError(f"full: fill_value must be a real number, got {fill_value!r}")
    return Tensor(np.full(_shape((shape,) if np.isscalar(shape) else (shape,)), fill, _dt(dtype)),
                  requires_grad=requires_grad)


def zeros_like(t, dtype=None, requires_grad=False):
    return Tensor(np.zeros(t.shape, t.dtype if dtype is None else dtype), requires_grad=requires_grad)


def ones_like(t, dtype=None, requires_grad=False):
    return Tensor(np.ones(t.shape, t.dtype if dtype is None else dtype), requires_grad=requires_grad)


def arange(start, stop=None, step=1, dtype=None, requires_grad=False):
    a = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is not None:
        a = a.astype(dtype)
    elif a.dtype.kind == "f":
        a = a.astype(_dtype.get_default_dtype())
    return Tensor(a, requires_grad=requires_grad)


def _rng(rng):
    return _random.generator(rng)


def randn(*shape, dtype=None, requires_grad=False, rng=None):
    """Standard normal samples; rng is a np.random.Generator or a seed (None: the generator ag.manual_seed seeds)."""
    return Tensor(_rng(rng).standard_normal(_shape(shape)).astype(_dt(dtype)), requires_grad=requires_grad)


def rand(*shape, dtype=None, requires_grad=False, rng=None):
    """Uniform samples in [0, 1)."""
    return Tensor(_rng(rng).random(_shape(shape)).astype(_dt(dtype)), requires_grad=requires_grad)
