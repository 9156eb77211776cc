"""Movement primitives: they move or pick elements, never change them, so each backward moves gradients back."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, cast, overload

import numpy as np

from ..function import Function, Scattered, unbroadcast
from ..tensor import Tensor, _axes, as_tensor

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Axis, Index, Operand, Shape, TensorLike

__all__ = ["Reshape", "Transpose", "BroadcastTo", "GetItem", "ScatterAdd", "scatter_add", "Concatenate", "Pad",
           "broadcast_to", "squeeze", "unsqueeze", "getitem", "concatenate", "stack", "split", "pad", "flatten"]  # fmt: skip


class Reshape(Function):
    rule = "g reshaped back"

    @staticmethod
    def forward(ctx: Function, x: Array, shape: Shape) -> Array:
        ctx.shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g.reshape(ctx.shape)


class Transpose(Function):
    """Permute axes (None reverses them, like ndarray.T)."""

    rule = "g transposed back"

    @staticmethod
    def forward(ctx: Function, x: Array, axes: Sequence[int] | None) -> Array:
        ctx.axes = None if axes is None else tuple(a % x.ndim for a in axes)  # argsort needs them >= 0
        return np.transpose(x, axes)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g.transpose(None if ctx.axes is None else tuple(np.argsort(ctx.axes)))


class BroadcastTo(Function):
    rule = "g summed over the broadcast axes"

    @staticmethod
    def forward(ctx: Function, x: Array, shape: Shape) -> Array:
        ctx.shape = x.shape
        return np.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return unbroadcast(g, ctx.shape)


class GetItem(Function):
    """x[index] for basic and advanced indices; repeated indices accumulate their gradients."""

    rule = "g placed back at the index"

    @staticmethod
    def forward(ctx: Function, x: Array, index: Index) -> Array:
        ctx.shape, ctx.index = x.shape, index
        out = x[index]
        if type(out) is not np.ndarray and _is_basic(index):  # x[1] of a vector: a 0-d view, as in PyTorch, so
            items = index if isinstance(index, tuple) else (index,)  # that writing into it changes (and bumps) x
            if Ellipsis not in items:
                out = x[items + (Ellipsis,)]
        return out

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return scatter_add(g, ctx.shape, ctx.index)

    @staticmethod
    def sparse_backward(ctx: Function, g: Operand) -> Scattered | Operand:
        """What the backward pass calls instead (arrays only): a basic index's gradient as a Scattered, which the
        pass adds into the input's one gradient buffer, so a loop over x[t] does not zero-fill x's shape T times."""
        if _is_basic(ctx.index) and not isinstance(g, Tensor):  # a second-order pass may send a Tensor
            return Scattered(ctx.shape, ctx.index, g)
        return scatter_add(g, ctx.shape, ctx.index)


class ScatterAdd(Function):
    """zeros(shape) with g added at index: GetItem's backward, and itself differentiable (its backward is GetItem)."""

    rule = "gg[index]"

    @staticmethod
    def forward(ctx: Function, g: Array, shape: Shape, index: Index) -> Array:
        ctx.index = index
        out = np.zeros(shape, dtype=g.dtype)
        if _is_basic(index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    @staticmethod
    def backward(ctx: Function, gg: Operand) -> Operand:
        return gg[ctx.index]


@overload
def scatter_add(g: Tensor, shape: Shape, index: Index) -> Tensor: ...
@overload
def scatter_add(g: Array, shape: Shape, index: Index) -> Array: ...
def scatter_add(g: Operand, shape: Shape, index: Index) -> Operand:
    if isinstance(g, Tensor):
        return ScatterAdd.apply(g, shape=shape, index=index)
    return ScatterAdd.forward(ScatterAdd.__new__(ScatterAdd), g, shape, index)


_BASIC_TYPES = frozenset((slice, int, type(None), type(Ellipsis)))


def _is_basic(index: Index) -> bool:
    """Basic indexing picks each element at most once, so plain assignment can scatter it back."""
    items = index if isinstance(index, tuple) else (index,)
    for i in items:  # a plain loop over a type set: an RNN step slices several times, so this runs often
        if type(i) not in _BASIC_TYPES and not isinstance(i, numbers.Integral):
            return False
    return True


class Concatenate(Function):
    rule = "g cut back into its pieces"

    @staticmethod
    def forward(ctx: Function, *xs: Array, axis: int) -> Array:
        ctx.axis, ctx.sizes = axis, [x.shape[axis] for x in xs]
        return np.concatenate(xs, axis=axis)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, ...]:
        lead = (slice(None),) * (ctx.axis % g.ndim)
        grads, start = [], 0
        for n, need in zip(ctx.sizes, ctx.needs_input_grad):
            grads.append(g[lead + (slice(start, start + n),)] if need else None)
            start += n
        return tuple(grads)


class Pad(Function):
    """Constant padding, np.pad's pad_width convention; the backward slices the padding off."""

    rule = "g without the padding"

    @staticmethod
    def forward(ctx: Function, x: Array, pad_width: tuple[tuple[int, int], ...], value: float) -> Array:
        ctx.inner = tuple(slice(lo, lo + n) for (lo, _), n in zip(pad_width, x.shape))
        return np.pad(x, pad_width, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> Operand:
        return g[ctx.inner]


# ---- public functions -------------------------------------------------------------------------


def broadcast_to(x: Tensor, shape: Sequence[int]) -> Tensor:
    shape = tuple(shape)
    if x.shape == shape:
        return x
    try:
        np.broadcast_shapes(x.shape, shape)
        if len(shape) < x.ndim or np.broadcast_shapes(x.shape, shape) != shape:
            raise ValueError
    except ValueError:
        raise ValueError(f"cannot broadcast a tensor of shape {x.shape} to shape {shape}") from None
    return BroadcastTo.apply(x, shape=shape)


def squeeze(x: Tensor, axis: Axis = None) -> Tensor:
    if axis is None:
        return x.reshape(tuple(n for n in x.shape if n != 1))
    axes = _axes(axis, x.ndim)
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"cannot squeeze axis {a} of size {x.shape[a]} (shape {x.shape})")
    return x.reshape(tuple(n for i, n in enumerate(x.shape) if i not in axes))


def unsqueeze(x: Tensor, axis: int) -> Tensor:
    """Insert a size-1 axis at `axis` (negative counts from the end of the result, like PyTorch)."""
    nd = x.ndim + 1
    if not isinstance(axis, numbers.Integral) or isinstance(axis, bool):
        raise TypeError(f"unsqueeze: axis must be an int, got {axis!r}")
    if not -nd <= axis < nd:
        raise ValueError(f"axis {axis} is out of range for unsqueeze of a tensor with {x.ndim} dimensions")
    axis %= nd
    return x.reshape(x.shape[:axis] + (1,) + x.shape[axis:])


def getitem(x: Tensor, index: Index) -> Tensor:
    if isinstance(index, Tensor):
        index = index.data
    elif isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        index = np.asarray(index)
    try:
        if not _is_basic(index):
            x.data[index]  # let NumPy validate advanced indices, to name the shape on failure
    except IndexError as e:
        raise IndexError(f"index {index!r} does not fit a tensor of shape {x.shape}: {e}") from None
    return GetItem.apply(x, index=index)


def concatenate(tensors: Sequence[TensorLike], axis: int = 0, *, dim: int | None = None) -> Tensor:
    axis = axis if dim is None else dim
    given = [as_tensor(t) for t in tensors]
    if not given:
        raise ValueError("concatenate needs at least one tensor")
    nd = given[0].ndim
    if nd == 0:
        raise ValueError("cannot concatenate 0-d tensors; use stack")
    ax = _axes(axis, nd)[0]
    for t in given:
        if t.ndim != nd or any(a != b for i, (a, b) in enumerate(zip(t.shape, given[0].shape)) if i != ax):
            raise ValueError(
                f"concatenate needs equal shapes except on axis {axis}, got {[tuple(t.shape) for t in given]}"
            )
    return Concatenate.apply(*given, axis=ax)


def stack(tensors: Sequence[TensorLike], axis: int = 0, *, dim: int | None = None) -> Tensor:
    axis = axis if dim is None else dim
    given = [as_tensor(t) for t in tensors]
    if not given:
        raise ValueError("stack needs at least one tensor")
    shapes = {t.shape for t in given}
    if len(shapes) != 1:
        raise ValueError(f"stack needs tensors of one shape, got {[tuple(t.shape) for t in given]}")
    return concatenate([unsqueeze(t, axis) for t in given], axis=axis)


def split(x: Tensor, indices_or_sections: int | Sequence[int] | Array, axis: int = 0) -> list[Tensor]:
    """Like np.split: a number of equal sections, or the indices where to cut."""
    axis = _axes(axis, x.ndim)[0]
    n = x.shape[axis]
    if isinstance(indices_or_sections, numbers.Integral) and not isinstance(indices_or_sections, bool):
        k = cast("int", indices_or_sections)  # an Integral: an int or a NumPy integer
        if k <= 0 or n % k:
            raise ValueError(f"cannot split an axis of size {n} into {k} equal sections")
        cuts = list(range(n // k, n, n // k))
    elif isinstance(indices_or_sections, (tuple, list, np.ndarray)):
        cuts = list(indices_or_sections)
    else:
        raise TypeError(f"split needs a number of sections or a list of indices, got {indices_or_sections!r}")
    lead = (slice(None),) * axis
    bounds = [0] + cuts + [n]
    return [x[lead + (slice(a, b),)] for a, b in zip(bounds[:-1], bounds[1:])]


def pad(
    x: TensorLike, pad_width: int | Sequence[int] | Sequence[Sequence[int]], value: float = 0.0, mode: str = "constant"
) -> Tensor:
    """Padding with np.pad's pad_width (an int, (before, after), or one pair per axis): constant (`value`), or
    mode= "reflect", "replicate" / "edge", "circular" / "wrap", "symmetric" (ops/arrange.py)."""
    x = as_tensor(x)
    if x.ndim == 0:  # NumPy's own error here is a TypeError about integral types, or a failed reduction
        raise ValueError("pad needs a tensor with at least one axis, got a 0-d tensor (shape ())")
    try:
        width = np.broadcast_to(np.asarray(pad_width, dtype=int), (x.ndim, 2))
    except ValueError:
        raise ValueError(f"pad_width {pad_width!r} does not fit a tensor of shape {x.shape}") from None
    if (width < 0).any():
        raise ValueError(f"pad_width must be non-negative, got {pad_width!r}")
    if mode != "constant":
        from .arrange import pad_modes

        return pad_modes(x, width, mode)
    return Pad.apply(x, pad_width=tuple(map(tuple, width.tolist())), value=value)


cat = concatenate  # PyTorch's name


def flatten(x: TensorLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Axes start_dim..end_dim merged into one (torch.flatten)."""
    return as_tensor(x).flatten(start_dim, end_dim)
