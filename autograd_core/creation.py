"""Ways to make tensors: from data, filled, ranges and random."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from . import dtype as _dtype
from . import random as _random
from .spellings import _shape
from .tensor import Tensor, _to_array

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .types import RNG, Array, DTypeLike, ShapeLike, TensorLike

__all__ = ["tensor", "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "randn", "rand", "from_numpy",
           "randint", "randperm", "multinomial"]  # fmt: skip


def tensor(
    data: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False, name: str | None = None
) -> Tensor:
    """A new leaf tensor with its own copy of the data (like torch.tensor). Python floats become the default
    dtype (float32); arrays keep theirs."""
    if isinstance(data, Tensor):
        data = data.data.copy()
    elif isinstance(data, np.ndarray):
        data = data.copy(order="K")  # same layout; in-place updates of .data must not reach the caller's array
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, name=name)


def _dt(dtype):
    return _dtype.get_default_dtype() if dtype is None else np.dtype(dtype)


def zeros(*shape: ShapeLike, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(_shape(shape), _dt(dtype)), requires_grad=requires_grad)


def ones(*shape: ShapeLike, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(_shape(shape), _dt(dtype)), requires_grad=requires_grad)


def full(
    shape: ShapeLike, fill_value: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False
) -> Tensor:
    fill = _to_array(fill_value)
    if fill.ndim or fill.dtype.kind not in "biuf":
        raise TypeError(f"full: fill_value must be a real number, got {fill_value!r}")
    return Tensor(
        np.full(_shape((shape,) if np.isscalar(shape) else (shape,)), fill, _dt(dtype)), requires_grad=requires_grad
    )


def zeros_like(t: Tensor | Array, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.zeros(t.shape, t.dtype if dtype is None else dtype), requires_grad=requires_grad)


def ones_like(t: Tensor | Array, dtype: DTypeLike | None = None, requires_grad: bool = False) -> Tensor:
    return Tensor(np.ones(t.shape, t.dtype if dtype is None else dtype), requires_grad=requires_grad)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: DTypeLike | None = None,
    requires_grad: bool = False,
) -> Tensor:
    a = np.arange(start, stop, step) if stop is not None else np.arange(start)
    if dtype is not None:
        a = a.astype(dtype)
    elif a.dtype.kind == "f":
        a = a.astype(_dtype.get_default_dtype())
    return Tensor(a, requires_grad=requires_grad)


def _rng(rng):
    return _random.generator(rng)


def randn(*shape: ShapeLike, dtype: DTypeLike | None = None, requires_grad: bool = False, rng: RNG = None) -> Tensor:
    """Standard normal samples; rng is a np.random.Generator or a seed (None: the generator ag.manual_seed seeds)."""
    return Tensor(_rng(rng).standard_normal(_shape(shape)).astype(_dt(dtype)), requires_grad=requires_grad)


def rand(*shape: ShapeLike, dtype: DTypeLike | None = None, requires_grad: bool = False, rng: RNG = None) -> Tensor:
    """Uniform samples in [0, 1)."""
    return Tensor(_rng(rng).random(_shape(shape)).astype(_dt(dtype)), requires_grad=requires_grad)


def from_numpy(a: Array) -> Tensor:
    """A tensor sharing a's memory (no copy, like torch.from_numpy): writing into one changes the other."""
    if not isinstance(a, np.ndarray):
        raise TypeError(f"from_numpy needs an np.ndarray, got {type(a).__name__}")
    return Tensor(a)


def randint(
    low: int, high: int | ShapeLike | None = None, size: ShapeLike = (), dtype: DTypeLike = np.int64, rng: RNG = None
) -> Tensor:
    """Integers in [low, high) (or [0, low) with one bound), like torch.randint(low, high, size) and
    torch.randint(high, size)."""
    if isinstance(high, (tuple, list)):  # randint(high, size)
        size = high
        high = None
    low, high = (0, low) if high is None else (low, high)
    size = _shape((size,) if np.isscalar(size) else (tuple(cast("Sequence[int]", size)),))
    return Tensor(_rng(rng).integers(low, high, size).astype(dtype))


def randperm(n: int, rng: RNG = None) -> Tensor:
    """A random permutation of 0..n-1 (int64)."""
    return Tensor(_rng(rng).permutation(int(n)).astype(np.int64))


def multinomial(probs: TensorLike, num_samples: int, replacement: bool = False, rng: RNG = None) -> Tensor:
    """Indices drawn with the given (unnormalised) weights, per row of a 1-D or 2-D tensor, like torch.multinomial."""
    p = np.asarray(probs.data if isinstance(probs, Tensor) else probs, dtype=np.float64)
    if p.ndim not in (1, 2) or (p < 0).any() or not np.isfinite(p).all():
        raise ValueError(f"multinomial needs 1-D or 2-D finite non-negative weights, got shape {p.shape}")
    rows = p.reshape(-1, p.shape[-1])
    totals = rows.sum(axis=1, keepdims=True)
    if (totals <= 0).any():
        raise ValueError("multinomial: every row of weights must have a positive sum")
    if not replacement and num_samples > (rows > 0).sum(axis=1).min():
        raise ValueError(
            f"multinomial: cannot draw {num_samples} samples without replacement from a row with "
            f"{(rows > 0).sum(axis=1).min()} categories of positive weight"
        )
    g = _rng(rng)
    out = np.stack(
        [g.choice(rows.shape[1], num_samples, replace=replacement, p=r / t.item()) for r, t in zip(rows, totals)]
    )
    return Tensor(out.reshape(p.shape[:-1] + (num_samples,)).astype(np.int64))
