"""Reductions (sum, max) as primitives; mean, min, var, logsumexp and softmax composed from them."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, overload

import numpy as np

from ..function import Function, broadcast_to
from ..tensor import Tensor, _axes, as_tensor
from .gather import _grid

if TYPE_CHECKING:
    from ..spellings import ValuesIndices
    from ..types import Array, Axis, Operand, Shape, TensorLike

__all__ = ["Sum", "Max", "arg_extreme", "max_with_indices", "mean", "min", "var", "logsumexp", "log_softmax",
           "softmax", "argmax", "argmin"]  # fmt: skip


def _kept_shape(shape: Shape, axis: tuple[int, ...] | None) -> Shape:
    """The shape of a reduction with keepdims=True over `axis` (None: all)."""
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


class Sum(Function):
    rule = "g broadcast back to x"

    @staticmethod
    def forward(ctx: Function, x: Array, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
        ctx.shape, ctx.axis = x.shape, axis
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return broadcast_to(g.reshape(_kept_shape(ctx.shape, ctx.axis)), ctx.shape)


class Max(Function):
    """Max over axes. Where several elements tie for the max, the gradient is split evenly among them."""

    saves = {"x": "constant", "max": "constant"}  # which elements won: the gradient flows only through g
    rule = "g to the max (ties share it)"

    @staticmethod
    def forward(ctx: Function, x: Array, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
        if x.size == 0 and (axis is None or 0 in [x.shape[a] for a in axis]):  # else NumPy: "zero-size array"
            raise ValueError(f"max over an empty axis of a tensor of shape {x.shape}")
        out = np.max(x, axis=axis, keepdims=True)
        # Saved: x (the input's own array) and the max; which elements won is found again in backward, so the
        # node keeps no array of x's size of its own (max pooling's tracemalloc peak 8.6 -> 6.6 MiB, benchmarks/run.py).
        ctx.x, ctx.max, ctx.axis = x, out, axis
        if keepdims:
            return out
        return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        winners = ctx.x == ctx.max
        return g.reshape(ctx.max.shape) / winners.sum(axis=ctx.axis, keepdims=True, dtype=ctx.x.dtype) * winners


@overload
def _one_axis(x: Tensor | Array, axis: int, what: str) -> int: ...
@overload
def _one_axis(x: Tensor | Array, axis: None, what: str) -> None: ...
def _one_axis(x: Tensor | Array, axis: int | None, what: str) -> int | None:
    if axis is None:
        return None
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"{what} takes one axis (an int) or None, got {axis!r}")
    return _axes(axis, x.ndim)[0] if x.ndim else 0


def arg_extreme(x: Tensor, axis: int | None = None, keepdims: bool = False, lowest: bool = False) -> Tensor:
    """Index of the first max (or min) along axis; of the flattened tensor when axis is None. Not differentiable."""
    a = x.data if x.ndim else x.data.reshape(1)
    axis = _one_axis(x, axis, "argmin" if lowest else "argmax")
    if a.size == 0 and (axis is None or a.shape[axis] == 0):
        raise ValueError(f"{'argmin' if lowest else 'argmax'} of an empty tensor (shape {x.shape})")
    i = (np.argmin if lowest else np.argmax)(a, axis=axis, keepdims=keepdims and axis is not None)
    if keepdims and axis is None:
        i = np.reshape(i, (1,) * x.ndim)
    return Tensor(np.asarray(i if x.ndim or axis is None else i.reshape(()), dtype=np.int64))


def max_with_indices(x: Tensor, axis: int, keepdims: bool = False, lowest: bool = False) -> ValuesIndices:
    """PyTorch's max(dim=) / min(dim=): (values, indices); the gradient goes to the element picked (the first
    of ties), as PyTorch's does, not shared among ties as max(axis=) shares it."""
    from ..spellings import ValuesIndices

    what = "min" if lowest else "max"
    axis = _one_axis(x, axis, what)
    if x.ndim == 0:
        return ValuesIndices(x * 1, Tensor(np.zeros((), np.int64)))
    if x.shape[axis] == 0:
        raise ValueError(f"{what} over an empty axis of a tensor of shape {x.shape}")
    idx = (np.argmin if lowest else np.argmax)(x.data, axis=axis, keepdims=True)
    values = x[_grid(idx, axis)]
    if not keepdims:
        values, idx = values.squeeze(axis), np.squeeze(idx, axis)
    return ValuesIndices(values, Tensor(idx.astype(np.int64)))


def mean(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    axes = _axes(axis, x.ndim)
    n = x.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
    if n == 0:
        raise ValueError(f"mean over an empty axis of a tensor of shape {x.shape}")
    return x.sum(axis, keepdims) * (1.0 / n)


def min(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Min over axes; ties share the gradient evenly, as for max."""
    return -((-x).max(axis, keepdims))


def var(x: Tensor, axis: Axis = None, ddof: float = 0, keepdims: bool = False) -> Tensor:
    """Variance with NumPy's convention: ddof=0 (biased) unless told otherwise."""
    axes = _axes(axis, x.ndim)
    n = x.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
    if n - ddof <= 0:
        raise ValueError(f"var with ddof={ddof} needs more than {ddof} elements, got {n}")
    d = x - x.mean(axis, keepdims=True)
    return (d * d).sum(axis, keepdims) * (1.0 / (n - ddof))


def logsumexp(x: Tensor, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """log(sum(exp(x))), stable: the max is taken out first (as a constant, which leaves the gradient exact)."""
    axis = _axes(axis, x.ndim)  # checked here: np.max below would raise NumPy's own AxisError
    m = Tensor(np.max(x.data, axis=axis, keepdims=True, initial=-np.inf))  # over nothing: -inf, as in PyTorch
    m.data[~np.isfinite(m.data)] = 0
    out = (x - m).exp().sum(axis, keepdims=True).log() + m
    return out if keepdims else out.squeeze(axis)


def log_softmax(x: Tensor, axis: int = -1) -> Tensor:
    return x - logsumexp(x, axis, keepdims=True)


def softmax(x: Tensor, axis: int = -1) -> Tensor:
    return log_softmax(x, axis).exp()


def argmax(
    x: TensorLike,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: int | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Index of the first max (of the flattened tensor when no axis is given); int64, not differentiable."""
    return as_tensor(x).argmax(axis, keepdims, dim=dim, keepdim=keepdim)


def argmin(
    x: TensorLike,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: int | None = None,
    keepdim: bool | None = None,
) -> Tensor:
    return as_tensor(x).argmin(axis, keepdims, dim=dim, keepdim=keepdim)
