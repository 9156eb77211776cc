"""Checking and normalising the per-axis arguments of convolution and pooling (kernel, stride, padding...)."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, cast

from autograd_core import Tensor

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import ParamSpec, TypeVar

    import numpy as np

    from autograd_core.types import TensorLike

    SizeArg = int | tuple[int, ...]  # one value for every spatial axis, or one per axis
    _P = ParamSpec("_P")
    _R = TypeVar("_R")


_SPATIAL = {1: "L", 2: "H, W", 3: "D, H, W"}


def ntuple(value: int | Sequence[int], k: int, name: str, minimum: int = 1) -> tuple[int, ...]:
    """value as a tuple of k ints >= minimum: an int is repeated, a tuple or list must have k entries."""
    items = (value,) * k if isinstance(value, numbers.Integral) else value
    if (
        not isinstance(items, (tuple, list))
        or len(items) != k
        or not all(
            isinstance(i, numbers.Integral) and not isinstance(i, bool) and cast(int, i) >= minimum for i in items
        )
    ):
        raise ValueError(f"{name} must be an int >= {minimum} or a tuple of {k} such ints, got {value!r}")
    return tuple(int(i) for i in items)


def is_integral(v: object) -> bool:
    """isinstance(v, numbers.Integral) as a plain bool: mypy takes int and numbers.Integral for disjoint types, so
    the isinstance itself would make it skip, unchecked, whatever follows such a check on an int."""
    return isinstance(v, numbers.Integral)


def check_input(x: Tensor, k: int, name: str) -> None:
    """x must be batched (N, C, *spatial) or unbatched (C, *spatial), with k spatial axes."""
    if x.ndim not in (k + 1, k + 2):
        dims = _SPATIAL[k]
        raise ValueError(f"{name}: expected an input of shape (N, C, {dims}) or (C, {dims}), got shape {x.shape}")


def as_tensor(x: TensorLike) -> Tensor:
    """x itself if it is a Tensor, else a constant Tensor of it."""
    return x if isinstance(x, Tensor) else Tensor(x)


def check_dtypes(name: str, input: Tensor, **params: Tensor | np.ndarray | None) -> None:
    """The input must be floating and of the dtype of every parameter given (None: absent), as PyTorch requires:
    a float64 input to float32 weights would otherwise run in float64 and make float64 gradients for them."""
    if input.dtype.kind != "f":
        like = next((str(p.dtype) for p in params.values() if p is not None), "float32")
        raise TypeError(
            f"{name}: the input must be floating point, got dtype {input.dtype}; cast it with x.astype({like!r})"
        )
    for what, p in params.items():
        if p is not None and p.dtype != input.dtype:
            raise TypeError(
                f"{name}: expected the input and {what} to have the same dtype, got input {input.dtype} "
                f"and {what} {p.dtype}; cast the input (x.astype({str(p.dtype)!r})) or the model "
                "(model.to(...), model.double())"
            )


def composite(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Record fn's ops under a scope named after it (`conv2d`, `cross_entropy`), so drawings show the call as one
    node; inside a module's scope the module's node holds them."""
    import functools

    from autograd_core import name_scope

    @functools.wraps(fn)
    def scoped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with name_scope(fn.__name__):
            return fn(*args, **kwargs)

    return scoped
