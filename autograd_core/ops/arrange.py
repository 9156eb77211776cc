"""More movement, all composed from indexing, reshape and broadcasting, so their gradients move back by the
chain rule: flip, roll, repeat / repeat_interleave, tile, diagonal, tril / triu, unflatten, and np.pad's modes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import numpy as np

from ..tensor import Tensor, _axes, as_tensor

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Axis, Index, TensorLike

    _PadMode = Literal["reflect", "edge", "wrap", "symmetric"]  # np.pad's names for the modes here
    Integral = int  # what an Integral passed as a count is to mypy (NumPy's integers are Integrals at run time)
else:
    from numbers import Integral

__all__ = ["flip", "roll", "repeat", "repeat_interleave", "tile", "diagonal", "tril", "triu", "unflatten", "pad_modes"]


def _along(x: Tensor, axis: int, index: Index) -> Tensor:
    """x indexed with `index` (an int array or slice) along one axis."""
    return x[(slice(None),) * axis + (index,)]


def flip(x: TensorLike, axis: Axis = None, *, dims: Axis = None) -> Tensor:
    """Reverse the order along axis (all axes when None), a view."""
    x = as_tensor(x)
    axes: Sequence[int] | None = _axes(axis if dims is None else dims, x.ndim)
    axes = range(x.ndim) if axes is None else axes
    return x[tuple(slice(None, None, -1) if i in axes else slice(None) for i in range(x.ndim))]


def roll(x: TensorLike, shift: int | Sequence[int], axis: Axis = None, *, dims: Axis = None) -> Tensor:
    """np.roll: elements shifted along axis, wrapping around (of the flattened tensor when axis is None)."""
    x = as_tensor(x)
    axis = axis if dims is None else dims
    if axis is None:
        return roll(x.reshape(-1), shift, 0).reshape(x.shape)
    shifts = (shift,) if isinstance(shift, Integral) else tuple(shift)
    axes = (axis,) if isinstance(axis, Integral) else tuple(axis)
    if len(shifts) != len(axes):
        raise ValueError(f"roll: {len(shifts)} shifts for {len(axes)} axes")
    for s, a in zip(shifts, axes):
        a = _axes(a, x.ndim)[0]
        n = x.shape[a]
        if n:
            x = _along(x, a, (np.arange(n) - s) % n)
    return x


def repeat(x: TensorLike, repeats: int | Sequence[int] | Array | Tensor, axis: int | None = None) -> Tensor:
    """np.repeat: each element repeated `repeats` times along axis (of the flattened tensor when None);
    PyTorch's repeat_interleave."""
    x = as_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = _axes(axis, x.ndim)[0]
    counts = np.broadcast_to(np.asarray(repeats.data if isinstance(repeats, Tensor) else repeats), (x.shape[axis],))
    if counts.dtype.kind not in "iu" or (counts < 0).any():
        raise ValueError(f"repeat: repeats must be non-negative ints (one, or one per element), got {repeats!r}")
    return _along(x, axis, np.repeat(np.arange(x.shape[axis]), counts))


def repeat_interleave(x: TensorLike, repeats: int | Sequence[int] | Array | Tensor, dim: int | None = None) -> Tensor:
    return repeat(x, repeats, dim)


def tile(x: TensorLike, reps: int | Sequence[int]) -> Tensor:
    """np.tile: the whole tensor repeated reps times along each axis; PyTorch's x.repeat(*sizes)."""
    x = as_tensor(x)
    reps = (reps,) if isinstance(reps, Integral) else tuple(reps)
    if not all(isinstance(r, Integral) and r >= 0 for r in reps):
        raise ValueError(f"tile: reps must be non-negative ints, got {reps!r}")
    nd = max(x.ndim, len(reps))
    reps = (1,) * (nd - len(reps)) + reps
    x = x.reshape((1,) * (nd - x.ndim) + x.shape)
    for a, r in enumerate(reps):
        if r != 1:
            x = _along(x, a, np.tile(np.arange(x.shape[a]), r))
    return x


def diagonal(
    x: TensorLike, offset: int = 0, axis1: int = 0, axis2: int = 1, *, dim1: int | None = None, dim2: int | None = None
) -> Tensor:
    """The diagonal of axes axis1, axis2 as the last axis, as np.diagonal."""
    x = as_tensor(x)
    a1, a2 = (_axes(a, x.ndim)[0] for a in (axis1 if dim1 is None else dim1, axis2 if dim2 is None else dim2))
    if a1 == a2:
        raise ValueError(f"diagonal: axis1 and axis2 must differ, got {a1} twice")
    n = max(0, min(x.shape[a1] - max(0, -offset), x.shape[a2] - max(0, offset)))
    i = np.arange(n)
    rest = [a for a in range(x.ndim) if a not in (a1, a2)]
    moved = x.permute(rest + [a1, a2])
    return moved[(Ellipsis, i + max(0, -offset), i + max(0, offset))]


def _triangle(x: TensorLike, k: int, lower: bool) -> Tensor:
    x = as_tensor(x)
    if x.ndim < 2:
        raise ValueError(f"{'tril' if lower else 'triu'} needs at least 2 dimensions, got shape {x.shape}")
    rows, cols = x.shape[-2:]
    keep = np.tri(rows, cols, k, dtype=bool) if lower else ~np.tri(rows, cols, k - 1, dtype=bool)
    from .elementwise import where

    return where(keep, x, 0.0 if x.dtype.kind == "f" else 0)


def tril(x: TensorLike, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    return _triangle(x, k if diagonal is None else diagonal, True)


def triu(x: TensorLike, k: int = 0, *, diagonal: int | None = None) -> Tensor:
    return _triangle(x, k if diagonal is None else diagonal, False)


def unflatten(x: TensorLike, axis: int, sizes: Sequence[int]) -> Tensor:
    """Axis `axis` split into `sizes` (one may be -1)."""
    x = as_tensor(x)
    a = _axes(axis, x.ndim)[0]
    return x.reshape(x.shape[:a] + tuple(sizes) + x.shape[a + 1 :])


_MODES: dict[str, _PadMode | None] = {
    "constant": None,
    "reflect": "reflect",
    "replicate": "edge",
    "edge": "edge",
    "circular": "wrap",
    "wrap": "wrap",
    "symmetric": "symmetric",
}


def pad_modes(x: TensorLike, pad_width: int | Sequence[int] | Sequence[Sequence[int]] | Array, mode: str) -> Tensor:
    """Non-constant padding (PyTorch's reflect / replicate / circular, NumPy's names too) as indexing."""
    x = as_tensor(x)
    if mode not in _MODES or mode == "constant":
        raise ValueError(f"pad: mode must be one of {sorted(_MODES)}, got {mode!r}")
    width = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    for a, (lo, hi) in enumerate(width.tolist()):
        if lo or hi:
            n = x.shape[a]
            if n == 0 or (mode == "reflect" and max(lo, hi) >= n):
                raise ValueError(
                    f"pad: {mode} padding of ({lo}, {hi}) needs an axis longer than that, axis {a} has size {n}"
                )
            x = _along(x, a, np.pad(np.arange(n), (lo, hi), mode=cast("_PadMode", _MODES[mode])))
    return x
