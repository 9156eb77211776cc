"""Products, running scans, sorting and norms. cumsum and the p-norm are primitives; products and running products
are log-depth compositions of multiplies (exact gradients, zeros included, every order); sorting, running max and
top-k pick elements with an index, so their gradient goes to the elements picked."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, overload

import numpy as np

from ..function import Function
from ..tensor import Tensor, _axes, _spelled, as_tensor
from .gather import _grid
from .movement import concatenate
from .reduce import _one_axis

if TYPE_CHECKING:
    from ..spellings import ValuesIndices
    from ..types import Array, Axis, Operand, TensorLike

__all__ = ["Cumsum", "cumsum", "cumprod", "prod", "cummax", "argsort", "sort", "topk", "median", "Norm", "norm",
           "amax", "amin", "any", "all"]  # fmt: skip


@overload
def _slice(
    x: Tensor, axis: int, start: int | None = None, stop: int | None = None, step: int | None = None
) -> Tensor: ...
@overload
def _slice(
    x: Array, axis: int, start: int | None = None, stop: int | None = None, step: int | None = None
) -> Array: ...
def _slice(
    x: Operand, axis: int, start: int | None = None, stop: int | None = None, step: int | None = None
) -> Operand:
    return x[(slice(None),) * axis + (slice(start, stop, step),)]


@overload
def _flip(x: Tensor, axis: int) -> Tensor: ...
@overload
def _flip(x: Array, axis: int) -> Array: ...
def _flip(x: Operand, axis: int) -> Operand:
    return _slice(x, axis, step=-1)


class Cumsum(Function):
    rule = "reverse cumsum of g"

    @staticmethod
    def forward(ctx: Function, x: Array, axis: int) -> Array:
        ctx.axis = axis
        return np.cumsum(x, axis=axis)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return _flip(cumsum(_flip(g, ctx.axis), ctx.axis), ctx.axis)


@overload
def cumsum(x: Array, axis: int | None = None, *, dim: int | None = None) -> Array: ...
@overload
def cumsum(x: TensorLike, axis: int | None = None, *, dim: int | None = None) -> Tensor: ...
def cumsum(x: TensorLike, axis: int | None = None, *, dim: int | None = None) -> Tensor | Array:
    """Running sums along axis (of the flattened tensor when axis is None, as NumPy)."""
    x = x if isinstance(x, np.ndarray) else as_tensor(x)
    axis = axis if dim is None else dim
    if axis is None:
        x, axis = x.reshape(-1), 0
    if isinstance(x, np.ndarray):
        return np.cumsum(x, axis=axis)
    return Cumsum.apply(x, axis=_one_axis(x, axis, "cumsum")) if x.ndim else x * 1


def cumprod(x: TensorLike, axis: int | None = None, *, dim: int | None = None) -> Tensor:
    """Running products: a log-depth scan of multiplies (y[i] *= y[i - d] for d = 1, 2, 4, ...)."""
    x = as_tensor(x)
    axis = axis if dim is None else dim
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.ndim == 0:
        return x * 1
    axis = _one_axis(x, axis, "cumprod")
    n, d, y = x.shape[axis], 1, x
    while d < n:
        y = concatenate([_slice(y, axis, stop=d), _slice(y, axis, start=d) * _slice(y, axis, stop=n - d)], axis)
        d *= 2
    return y


def prod(
    x: TensorLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
) -> Tensor:
    """Product over axes: pairwise multiplies of halves, log2(n) ops per axis."""
    x = as_tensor(x)
    axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
    axes = _axes(axis, x.ndim)
    axes = tuple(range(x.ndim)) if axes is None else axes
    y = x
    for a in axes:
        while y.shape[a] > 1:
            half = y.shape[a] // 2
            paired = _slice(y, a, stop=half) * _slice(y, a, start=half, stop=2 * half)
            if y.shape[a] % 2:
                paired = concatenate([paired, _slice(y, a, start=2 * half)], a)
            y = paired
        if y.shape[a] == 0:  # the empty product
            y = y.sum(a, keepdims=True) + 1
    return y if keepdims else y.reshape(tuple(n for i, n in enumerate(y.shape) if i not in axes))


def cummax(x: TensorLike, axis: int, lowest: bool = False) -> ValuesIndices:
    """(values, indices) of the running max (or min) along axis; ties take the latest index, as PyTorch."""
    from ..spellings import ValuesIndices

    x = as_tensor(x)
    if x.ndim == 0:
        return ValuesIndices(x * 1, Tensor(np.zeros((), np.int64)))
    axis = _one_axis(x, axis, "cummin" if lowest else "cummax")
    run = (np.minimum if lowest else np.maximum).accumulate(x.data, axis=axis)
    pos = np.arange(x.shape[axis]).reshape((-1,) + (1,) * (x.ndim - axis - 1))
    idx = np.maximum.accumulate(np.where(x.data == run, pos, 0), axis=axis)
    return ValuesIndices(x[_grid(idx, axis)], Tensor(idx.astype(np.int64)))


def argsort(x: TensorLike, axis: int = -1, descending: bool = False, *, dim: int | None = None) -> Tensor:
    x = as_tensor(x)
    axis = _one_axis(x, axis if dim is None else dim, "argsort") if x.ndim else 0
    a = x.data if x.ndim else x.data.reshape(1)
    idx = np.argsort(-a if descending else a, axis=axis, kind="stable")
    return Tensor(idx.astype(np.int64) if x.ndim else idx.reshape(()).astype(np.int64))


@overload
def sort(x: TensorLike, axis: int = -1, descending: bool = False, *, dim: None = None) -> Tensor: ...
@overload
def sort(x: TensorLike, axis: int = -1, descending: bool = False, *, dim: int) -> ValuesIndices: ...
def sort(x: TensorLike, axis: int = -1, descending: bool = False, *, dim: int | None = None) -> Tensor | ValuesIndices:
    """Sorted values (NumPy), or PyTorch's (values, indices) when called with dim=."""
    from ..spellings import ValuesIndices

    x = as_tensor(x)
    idx = argsort(x, axis, descending, dim=dim)
    values = x[_grid(idx.data, _one_axis(x, axis if dim is None else dim, "sort"))] if x.ndim else x * 1
    return values if dim is None else ValuesIndices(values, idx)


def topk(x: TensorLike, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
    """PyTorch's topk: the k largest (or smallest) along dim, as (values, indices)."""
    from ..spellings import ValuesIndices

    x = as_tensor(x)
    axis = _one_axis(x, dim, "topk")
    if not isinstance(k, numbers.Integral) or not 0 <= k <= x.shape[axis]:
        raise ValueError(
            f"topk: k must be an int in [0, {x.shape[axis]}] for axis {axis} of shape {x.shape}, got {k!r}"
        )
    idx = _slice(argsort(x, axis, descending=largest), axis, stop=k).data
    return ValuesIndices(x[_grid(idx, axis)], Tensor(idx))


@overload
def median(
    x: TensorLike, axis: int | None = None, keepdims: bool = False, *, dim: None = None, keepdim: bool | None = None
) -> Tensor: ...
@overload
def median(
    x: TensorLike, axis: int | None = None, keepdims: bool = False, *, dim: int, keepdim: bool | None = None
) -> ValuesIndices: ...
def median(
    x: TensorLike,
    axis: int | None = None,
    keepdims: bool = False,
    *,
    dim: int | None = None,
    keepdim: bool | None = None,
) -> Tensor | ValuesIndices:
    """NumPy's median (the mean of the two middle values for an even count) with axis= or none; with dim=,
    PyTorch's: the lower of the two middle values and its index, as (values, indices)."""
    from ..spellings import ValuesIndices

    x = as_tensor(x)
    if dim is not None:
        axis = _one_axis(x, dim, "median")
        idx = argsort(x, axis).data
        mid = np.take(idx, [(x.shape[axis] - 1) // 2], axis=axis)
        values, mid = x[_grid(mid, axis)], mid.astype(np.int64)
        if not keepdim:
            values, mid = values.squeeze(axis), np.squeeze(mid, axis)
        return ValuesIndices(values, Tensor(mid))
    if axis is None:
        flat = median(x.reshape(-1), 0)
        return flat.reshape((1,) * x.ndim) if keepdims else flat
    axis = _one_axis(x, axis, "median")
    n = x.shape[axis]
    if n == 0:
        raise ValueError(f"median over an empty axis of a tensor of shape {x.shape}")
    s = sort(x, axis)
    middle = _slice(s, axis, (n - 1) // 2, n // 2 + 1)
    return middle.mean(axis, keepdims=keepdims)


class Norm(Function):
    """The p-norm (sum |x|^p)^(1/p) over axes, p >= 1; at a zero vector the gradient is 0, as in PyTorch."""

    saves = {"x": 0, "out": "output"}
    rule = "g * x |x|^(p-2) / ‖x‖^(p-1)"

    @staticmethod
    def forward(ctx: Function, x: Array, p: float, axis: tuple[int, ...] | None, keepdims: bool) -> Array:
        out = np.sum(np.abs(x) ** p, axis=axis, keepdims=True) ** (1.0 / p)
        ctx.x, ctx.p, ctx.out, ctx.kept_shape = x, p, out, out.shape
        ctx.zero = out == 0
        return (
            out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if axis is not None and i not in axis])
        )

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        from ..function import select

        x, p, out = ctx.x, ctx.p, ctx.out.reshape(ctx.kept_shape)  # the output, with the reduced axes kept
        g = g.reshape(ctx.kept_shape)
        safe = out + ctx.zero  # 1 where the norm is 0: no 0/0
        grad = g * x * abs(x) ** (p - 2) / safe ** (p - 1) if p != 2 else g * x / safe
        return select(np.broadcast_to(~ctx.zero, x.shape), grad)


def norm(
    x: TensorLike,
    ord: float | str | None = None,
    axis: Axis = None,
    keepdims: bool = False,
    *,
    p: float | str | None = None,
    dim: Axis = None,
    keepdim: bool | None = None,
) -> Tensor:
    """Vector p-norm over axis (all elements when None): ord/p = 2 (default), 1, any p >= 1, inf, -inf, 0, 'fro'."""
    x = as_tensor(x)
    if ord is not None and p is not None:
        raise TypeError("give ord= (NumPy) or p= (PyTorch), not both")
    order = 2 if (ord if p is None else p) in (None, "fro") else (ord if p is None else p)
    axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
    axes = _axes(axis, x.ndim)
    if order == np.inf:
        return x.abs().max(axis, keepdims)
    if order == -np.inf:
        return x.abs().min(axis, keepdims)
    if order == 0:
        return Tensor(np.sum(x.data != 0, axis=axes, keepdims=keepdims).astype(x.dtype))
    if isinstance(order, str) or not isinstance(order, numbers.Real) or order < 1:
        raise ValueError(f"norm: ord must be a number >= 1, inf, -inf, 0 or 'fro', got {order!r}")
    return Norm.apply(x, p=float(order), axis=axes, keepdims=keepdims)


def amax(
    x: TensorLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
) -> Tensor:
    """Max over axes; ties share the gradient evenly (PyTorch's amax)."""
    return as_tensor(x).max(*_spelled(axis, keepdims, dim, keepdim))


def amin(
    x: TensorLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
) -> Tensor:
    return as_tensor(x).min(*_spelled(axis, keepdims, dim, keepdim))


def any(
    x: TensorLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
) -> Tensor:
    x = as_tensor(x)
    axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
    return Tensor(np.any(x.data, axis=_axes(axis, x.ndim), keepdims=keepdims))


def all(
    x: TensorLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
) -> Tensor:
    x = as_tensor(x)
    axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
    return Tensor(np.all(x.data, axis=_axes(axis, x.ndim), keepdims=keepdims))
