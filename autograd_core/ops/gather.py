"""Indexing with index tensors, in NumPy's and PyTorch's names: gather / take_along_axis, index_select, scatter,
scatter_add, index_add, masked_fill, one_hot, nonzero. Each is an indexed read (GetItem) or an indexed add
(ScatterAdd) plus elementwise ops, so the gradients come from those two primitives."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import numpy as np

from ..tensor import Tensor, _axes, _operand, as_tensor
from .movement import ScatterAdd

if TYPE_CHECKING:
    from typing import Literal

    from ..types import Array, Shape, TensorLike

__all__ = ["take_along_axis", "gather", "index_select", "scatter_add", "scatter", "index_add", "masked_fill",
           "one_hot", "nonzero"]  # fmt: skip


def _index(idx: TensorLike, what: str) -> Array:
    a = np.asarray(idx.data if isinstance(idx, Tensor) else idx)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{what}: indices must be integers, got dtype {a.dtype}")
    return a


def _grid(idx: Array, axis: int) -> tuple[Array, ...]:
    """An advanced index that reads x[..., idx[...], ...] along axis at every position of idx."""
    grid: list[Array] = list(np.indices(idx.shape, sparse=True))
    grid[axis] = idx
    return tuple(grid)


def take_along_axis(x: TensorLike, indices: TensorLike, axis: int) -> Tensor:
    """np.take_along_axis: x's elements at indices along axis (indices has x's number of dimensions)."""
    x = as_tensor(x)
    idx = _index(indices, "take_along_axis")
    axis = _axes(axis, x.ndim)[0]
    if idx.ndim != x.ndim:
        raise ValueError(f"take_along_axis: indices need {x.ndim} dimensions like x {x.shape}, got {idx.shape}")
    n = x.shape[axis]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"take_along_axis: index out of range for axis {axis} of size {n}")
    try:  # NumPy broadcasts the other axes of indices against x's
        idx = np.broadcast_to(
            idx, np.broadcast_shapes(idx.shape, x.shape[:axis] + idx.shape[axis : axis + 1] + x.shape[axis + 1 :])
        )
    except ValueError:
        raise ValueError(
            f"take_along_axis: indices of shape {idx.shape} do not fit x of shape {x.shape} outside axis {axis}"
        ) from None
    return x[_grid(idx, axis)]


def gather(x: TensorLike, dim: int, index: TensorLike) -> Tensor:
    """PyTorch's gather: `out[i][j] = x[index[i][j]][j]` for dim 0, and so on; index may be smaller than x along
    the other axes (NumPy's take_along_axis broadcasts instead)."""
    x = as_tensor(x)
    idx = _index(index, "gather")
    axis = _axes(dim, x.ndim)[0]
    if idx.ndim != x.ndim or any(i > n for d, (i, n) in enumerate(zip(idx.shape, x.shape)) if d != axis):
        raise ValueError(
            f"gather: index of shape {idx.shape} must have x's {x.ndim} dimensions and be no larger "
            f"than x {x.shape} outside dim {axis}"
        )
    n = x.shape[axis]
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"gather: index out of range for dim {axis} of size {n}")
    return x[_grid(idx, axis)]


def index_select(x: TensorLike, dim: int, index: TensorLike) -> Tensor:
    """The slices of x at `index` (a 1-D int tensor) along dim."""
    x = as_tensor(x)
    idx = _index(index, "index_select")
    if idx.ndim != 1:
        raise ValueError(f"index_select: index must be 1-D, got shape {idx.shape}")
    axis = _axes(dim, x.ndim)[0]
    return x[(slice(None),) * axis + (idx,)]


def _placed(src: Tensor, shape: Shape, grid: tuple[Array, ...]) -> Tensor:
    """zeros(shape) with src added at the grid positions (repeats add up)."""
    return ScatterAdd.apply(src, shape=shape, index=grid)


def _scatter_args(
    x: TensorLike, dim: int, index: TensorLike, src: TensorLike, what: str
) -> tuple[Tensor, int, tuple[Array, ...], Tensor]:
    x = as_tensor(x)
    axis = _axes(dim, x.ndim)[0]
    idx = _index(index, what)
    src = _operand(src, x) if not isinstance(src, Tensor) else src
    if idx.ndim != x.ndim:
        raise ValueError(f"{what}: index needs {x.ndim} dimensions like x {x.shape}, got {idx.shape}")
    src = src.broadcast_to(idx.shape) if src.shape != idx.shape else src
    return x, axis, _grid(idx, axis), src


def scatter_add(x: TensorLike, dim: int, index: TensorLike, src: TensorLike) -> Tensor:
    """PyTorch's scatter_add: x with `src[i][j]` added at `x[index[i][j]][j]` (for dim 0); repeats add up."""
    x, axis, grid, src = _scatter_args(x, dim, index, src, "scatter_add")
    return x + _placed(src, x.shape, grid)


def scatter(x: TensorLike, dim: int, index: TensorLike, src: TensorLike) -> Tensor:
    """PyTorch's scatter: x with src written at the indexed positions (a position indexed twice takes the last
    source, as NumPy's assignment does); the gradient reaches x where nothing was written, and each source that
    was written."""
    from .elementwise import where

    x, axis, grid, src = _scatter_args(x, dim, index, src, "scatter")
    flat = np.ravel_multi_index(np.broadcast_arrays(*grid), x.shape).ravel()
    last = np.zeros(flat.size, bool)
    last[flat.size - 1 - np.unique(flat[::-1], return_index=True)[1]] = True
    written = np.zeros(x.shape, bool)
    written[grid] = True
    return where(written, _placed(where(last.reshape(src.shape), src, 0.0), x.shape, grid), x)


def index_add(x: TensorLike, dim: int, index: TensorLike, source: TensorLike, alpha: float = 1) -> Tensor:
    """x with alpha * source's slices added at `index` along dim."""
    x = as_tensor(x)
    idx = _index(index, "index_add")
    axis = _axes(dim, x.ndim)[0]
    source = as_tensor(source)
    full = (slice(None),) * axis + (idx,)
    return x + ScatterAdd.apply(source * alpha, shape=x.shape, index=full)


def masked_fill(x: TensorLike, mask: TensorLike, value: TensorLike) -> Tensor:
    """x with value where mask is True (mask broadcasts)."""
    from .elementwise import where

    x = as_tensor(x)
    m = np.asarray(mask.data if isinstance(mask, Tensor) else mask)
    if m.dtype != bool:
        raise TypeError(f"masked_fill: mask must be bool, got dtype {m.dtype}")
    return where(m, _operand(value, x), x)


def one_hot(indices: TensorLike, num_classes: int = -1) -> Tensor:
    """int64 one-hot rows: shape indices.shape + (num_classes,)."""
    idx = _index(indices, "one_hot")
    n = int(idx.max()) + 1 if num_classes == -1 and idx.size else num_classes
    if n < 0 or (idx.size and (idx.min() < 0 or idx.max() >= n)):
        raise ValueError(f"one_hot: class indices must be in [0, {n}), got {idx.min()}..{idx.max()}")
    return Tensor((idx[..., None] == np.arange(n)).astype(np.int64))


@overload
def nonzero(x: TensorLike, as_tuple: Literal[False] = False) -> Tensor: ...
@overload
def nonzero(x: TensorLike, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...
@overload
def nonzero(x: TensorLike, as_tuple: bool) -> Tensor | tuple[Tensor, ...]: ...
def nonzero(x: TensorLike, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
    """Indices of the nonzero elements: (N, ndim) int64 rows (PyTorch), or NumPy's tuple with as_tuple=True."""
    found = np.nonzero(as_tensor(x).data)
    if as_tuple:
        return tuple(Tensor(i.astype(np.int64)) for i in found)
    return Tensor(np.stack(found, axis=1).astype(np.int64) if found else np.zeros((0, 0), np.int64))
