"""`Tensor`: an `np.ndarray` plus what the backward pass needs (requires_grad, grad, the op that made it)."""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any, cast, overload

import numpy as np

from . import dtype as _dtype
from . import state, version
from .spellings import Size, TorchSpellings

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Literal, TypeVar

    from .function import Function
    from .spellings import ValuesIndices
    from .types import Array, Axis, DTypeLike, Hook, Index, Scalar, Shape, ShapeLike, TensorLike
    from .version import Counter

    _A = TypeVar("_A")

__all__ = ["Tensor", "as_tensor"]


class Tensor(TorchSpellings):
    """An n-dimensional array that records the ops applied to it, so gradients can flow back.

    `.data` is the NumPy array; `.grad` is a Tensor of the same shape after `backward()`; `._ctx` is the
    Function instance that made it (None for leaves and for results computed without grad).
    """

    # Defaults live on the class: a new tensor sets only what differs (usually just .data), which keeps the
    # per-op cost low. _counter (version.py) is made on the first in-place change or view.
    data: Array
    _grad: Tensor | None = None
    requires_grad: bool = False
    _ctx: Function | None = None
    name: str | None = None
    _hooks: list[Hook] | None = None
    _counter: Counter | None = None
    _retains_grad: bool = False
    __array_ufunc__ = None  # `ndarray * Tensor` defers to Tensor.__rmul__ instead of looping in NumPy

    def __init__(
        self, data: TensorLike, dtype: DTypeLike | None = None, requires_grad: bool = False, name: str | None = None
    ) -> None:
        self.data = _to_array(data, dtype)
        if name is not None:
            self.name = name
        if requires_grad:
            self.requires_grad_(True)

    # ---- array-like properties -------------------------------------------------------------
    @property
    def shape(self) -> Shape:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> Size:
        """The element count (NumPy); size() / size(d): the shape (PyTorch)."""
        return Size(self.data.shape)

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    @property
    def version(self) -> int:
        """How many times modified in place (through this tensor or any view of its memory)."""
        return 0 if self._counter is None else self._counter.version

    @property
    def grad_fn(self) -> Function | None:
        return self._ctx

    def numpy(self) -> Array:
        """The data as an ndarray (shared, not copied)."""
        return self.data

    def item(self) -> Scalar:
        if self.data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.shape}")
        return self.data.item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def __array__(self, dtype: DTypeLike | None = None, copy: bool | None = None) -> Array:
        a = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return a.copy() if copy else a

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        return (self[i] for i in range(len(self)))

    def __bool__(self) -> bool:
        return bool(self.data)

    def __float__(self) -> float:
        return float(self.data)

    def __int__(self) -> int:
        return int(self.data)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="tensor(", precision=4)
        extra = []
        if self.data.dtype != _dtype.get_default_dtype():
            extra.append(f"dtype={self.data.dtype}")
        if self._ctx is not None:
            extra.append(f"grad_fn=<{type(self._ctx).__name__}>")
        elif self.requires_grad:
            extra.append("requires_grad=True")
        if self.name:
            extra.append(f"name={self.name!r}")
        return "tensor(" + ", ".join([body] + extra) + ")"

    # ---- autograd ----------------------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self.data.dtype.kind != "f":
            raise TypeError(
                f"only real floating-point tensors can require gradients, this one is {self.dtype}"
                + (" (complex gradients are not supported)" if self.data.dtype.kind == "c" else "")
            )
        if not requires_grad and self._ctx is not None:
            raise RuntimeError("requires_grad_(False) on a non-leaf tensor: use detach() instead")
        self.requires_grad = bool(requires_grad)
        return self

    @property
    def grad(self) -> Tensor | None:
        """d(output)/d(self) after backward(): a Tensor of this tensor's shape and dtype, or None."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"grad must be a Tensor or None, got {type(value).__name__}")
            if value.shape != self.shape or value.dtype != self.dtype:
                raise ValueError(
                    f"assigned grad of shape {value.shape} and dtype {value.dtype} to a tensor of "
                    f"shape {self.shape} and dtype {self.dtype}: they must match"
                )
        self._grad = value

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph (in-place changes to it count for both)."""
        t = Tensor(self.data, name=self.name)
        t._counter = version.counter(self)
        return t

    def backward(
        self, grad: TensorLike | None = None, retain_graph: bool | None = None, create_graph: bool = False
    ) -> None:
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires grad."""
        from .graph import backward

        backward(self, grad, retain_graph=retain_graph, create_graph=create_graph)

    def register_hook(self, fn: Hook) -> _HookHandle:
        """Call fn(grad) when this tensor's gradient is computed; a returned Tensor replaces the gradient."""
        if not callable(fn):
            raise TypeError(f"register_hook needs a function of the gradient, got {type(fn).__name__}")
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(fn)
        return _HookHandle(self._hooks, fn)

    def retain_grad(self) -> None:
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep theirs)."""
        if self._ctx is not None:
            self._retains_grad = True

    # ---- operators ---------------------------------------------------------------------------
    def __add__(self, other: TensorLike) -> Tensor:
        return E.Add.apply(self, _operand(other, self))

    def __radd__(self, other: TensorLike) -> Tensor:
        return E.Add.apply(_operand(other, self), self)

    def __sub__(self, other: TensorLike) -> Tensor:
        return E.Sub.apply(self, _operand(other, self))

    def __rsub__(self, other: TensorLike) -> Tensor:
        return E.Sub.apply(_operand(other, self), self)

    def __mul__(self, other: TensorLike) -> Tensor:
        return E.Mul.apply(self, _operand(other, self))

    def __rmul__(self, other: TensorLike) -> Tensor:
        return E.Mul.apply(_operand(other, self), self)

    def __truediv__(self, other: TensorLike) -> Tensor:
        return E.Div.apply(self, _operand(other, self))

    def __rtruediv__(self, other: TensorLike) -> Tensor:
        return E.Div.apply(_operand(other, self), self)

    def __neg__(self) -> Tensor:
        return E.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __pow__(self, exponent: TensorLike) -> Tensor:
        if isinstance(exponent, numbers.Number):
            return E.PowScalar.apply(self, exponent=exponent)
        return E.Pow.apply(self, _operand(exponent, self))

    def __rpow__(self, base: TensorLike) -> Tensor:
        return E.Pow.apply(_operand(base, self), self)

    def __matmul__(self, other: TensorLike) -> Tensor:
        return L.matmul(self, _operand(other, self))

    def __rmatmul__(self, other: TensorLike) -> Tensor:
        return L.matmul(_operand(other, self), self)

    # Comparisons give bool tensors, outside the graph.
    def __lt__(self, other: TensorLike) -> Tensor:
        return Tensor(self.data < _raw(other))

    def __le__(self, other: TensorLike) -> Tensor:
        return Tensor(self.data <= _raw(other))

    def __gt__(self, other: TensorLike) -> Tensor:
        return Tensor(self.data > _raw(other))

    def __ge__(self, other: TensorLike) -> Tensor:
        return Tensor(self.data >= _raw(other))

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]  # elementwise, as in NumPy
        return Tensor(self.data == _raw(other))

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]  # elementwise, as in NumPy
        return Tensor(self.data != _raw(other))

    # ---- in-place ops: they change .data and bump the version; with a graph to record, += is out of place ----
    def _records(self, other):
        return state.grad_enabled.get() and (self.requires_grad or (isinstance(other, Tensor) and other.requires_grad))

    def _inplace(self, ufunc, other, symbol):
        if self._records(other):
            if self.requires_grad and self._ctx is None:
                raise RuntimeError(
                    f"in-place {symbol} on a leaf tensor that requires grad would change values its "
                    "graph may need: update parameters inside ag.no_grad()"
                )
            return None
        try:
            ufunc(self.data, _raw(other), out=self.data, casting="same_kind")
        except (ValueError, TypeError) as e:
            raise _plain(e)(
                f"in-place {symbol} into a tensor of shape {self.shape} and dtype {self.dtype} "
                f"with an operand of shape {np.shape(_raw(other))}: {e}"
            ) from None
        version.bump(self)
        return self

    def __iadd__(self, other: TensorLike) -> Tensor:
        r = self._inplace(np.add, other, "+=")
        return self + other if r is None else r

    def __isub__(self, other: TensorLike) -> Tensor:
        r = self._inplace(np.subtract, other, "-=")
        return self - other if r is None else r

    def __imul__(self, other: TensorLike) -> Tensor:
        r = self._inplace(np.multiply, other, "*=")
        return self * other if r is None else r

    def __itruediv__(self, other: TensorLike) -> Tensor:
        r = self._inplace(np.true_divide, other, "/=")
        return self / other if r is None else r

    def __setitem__(self, index: Index, value: TensorLike) -> None:
        if self._records(value):
            raise RuntimeError(
                "t[index] = value on a tensor in a graph would hide the assignment from the "
                "gradient: build a new tensor (ag.where, ag.concatenate) or use ag.no_grad()"
            )
        try:
            self.data[_raw_index(index)] = _raw(value)
        except (ValueError, IndexError, TypeError) as e:
            raise _plain(e)(
                f"cannot assign a value of shape {np.shape(_raw(value))} to index {index!r} of a tensor "
                f"of shape {self.shape}: {e}"
            ) from None
        version.bump(self)

    # ---- elementwise -------------------------------------------------------------------------
    def exp(self) -> Tensor:
        return E.Exp.apply(self)

    def log(self) -> Tensor:
        return E.Log.apply(self)

    def sqrt(self) -> Tensor:
        return E.Sqrt.apply(self)

    def abs(self) -> Tensor:
        return E.Abs.apply(self)

    def tanh(self) -> Tensor:
        return E.Tanh.apply(self)

    def sigmoid(self) -> Tensor:
        return E.Sigmoid.apply(self)

    def relu(self) -> Tensor:
        return E.Relu.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        return E.leaky_relu(self, negative_slope)

    def clip(self, min: TensorLike | None = None, max: TensorLike | None = None) -> Tensor:
        return E.clip(self, min, max)

    def astype(self, dtype: DTypeLike) -> Tensor:
        return E.Cast.apply(self, dtype=np.dtype(dtype))

    __abs__ = abs

    def sin(self) -> Tensor:
        return X.sin(self)

    def cos(self) -> Tensor:
        return X.cos(self)

    def tan(self) -> Tensor:
        return X.tan(self)

    def arcsin(self) -> Tensor:
        return X.arcsin(self)

    def arccos(self) -> Tensor:
        return X.arccos(self)

    def arctan(self) -> Tensor:
        return X.arctan(self)

    def arctan2(self, x: TensorLike) -> Tensor:
        return X.arctan2(self, x)

    def sinh(self) -> Tensor:
        return X.sinh(self)

    def cosh(self) -> Tensor:
        return X.cosh(self)

    def log2(self) -> Tensor:
        return X.log2(self)

    def log10(self) -> Tensor:
        return X.log10(self)

    def log1p(self) -> Tensor:
        return X.log1p(self)

    def expm1(self) -> Tensor:
        return X.expm1(self)

    def exp2(self) -> Tensor:
        return X.exp2(self)

    def erf(self) -> Tensor:
        return X.erf(self)

    def square(self) -> Tensor:
        return X.square(self)

    def rsqrt(self) -> Tensor:
        return X.rsqrt(self)

    def sign(self) -> Tensor:
        return X.sign(self)

    def floor(self) -> Tensor:
        return X.floor(self)

    def ceil(self) -> Tensor:
        return X.ceil(self)

    def round(self) -> Tensor:
        return X.round(self)

    def trunc(self) -> Tensor:
        return X.trunc(self)

    def isnan(self) -> Tensor:
        return X.isnan(self)

    def isinf(self) -> Tensor:
        return X.isinf(self)

    def isfinite(self) -> Tensor:
        return X.isfinite(self)

    asin, acos, atan, atan2 = arcsin, arccos, arctan, arctan2  # PyTorch's names

    def __mod__(self, other: TensorLike) -> Tensor:
        return X.remainder(self, other)

    def __rmod__(self, other: TensorLike) -> Tensor:
        return X.remainder(_operand(other, self), self)

    def __floordiv__(self, other: TensorLike) -> Tensor:
        return X.floor_divide(self, other)

    def __rfloordiv__(self, other: TensorLike) -> Tensor:
        return X.floor_divide(_operand(other, self), self)

    # ---- reductions --------------------------------------------------------------------------
    # NumPy's axis=/keepdims= and PyTorch's dim=/keepdim= alike; where the two disagree the keyword decides:
    # max(dim=1) gives PyTorch's (values, indices), var(dim=0) PyTorch's unbiased estimate.
    def sum(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
        return R.Sum.apply(self, axis=_axes(axis, self.ndim), keepdims=keepdims)

    def mean(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return R.mean(self, *_spelled(axis, keepdims, dim, keepdim))

    @overload
    def max(
        self, axis: Axis = None, keepdims: bool = False, *, dim: None = None, keepdim: bool | None = None
    ) -> Tensor: ...
    @overload
    def max(
        self, axis: None = None, keepdims: bool = False, *, dim: int, keepdim: bool | None = None
    ) -> ValuesIndices: ...
    def max(
        self, axis: Axis = None, keepdims: bool = False, *, dim: int | None = None, keepdim: bool | None = None
    ) -> Tensor | ValuesIndices:
        if dim is not None:
            return R.max_with_indices(self, *_spelled(axis, keepdims, dim, keepdim))
        return R.Max.apply(self, axis=_axes(axis, self.ndim), keepdims=keepdims)

    @overload
    def min(
        self, axis: Axis = None, keepdims: bool = False, *, dim: None = None, keepdim: bool | None = None
    ) -> Tensor: ...
    @overload
    def min(
        self, axis: None = None, keepdims: bool = False, *, dim: int, keepdim: bool | None = None
    ) -> ValuesIndices: ...
    def min(
        self, axis: Axis = None, keepdims: bool = False, *, dim: int | None = None, keepdim: bool | None = None
    ) -> Tensor | ValuesIndices:
        if dim is not None:
            return R.max_with_indices(self, *_spelled(axis, keepdims, dim, keepdim), lowest=True)
        return R.min(self, axis, keepdims)

    def argmax(
        self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None, keepdim: bool | None = None
    ) -> Tensor:
        return R.arg_extreme(self, *_spelled(axis, keepdims, dim, keepdim))

    def argmin(
        self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None, keepdim: bool | None = None
    ) -> Tensor:
        return R.arg_extreme(self, *_spelled(axis, keepdims, dim, keepdim), lowest=True)

    def var(
        self,
        axis: Axis = None,
        ddof: int | None = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
        unbiased: bool | None = None,
        correction: int | None = None,
    ) -> Tensor:
        axis, keepdims = _spelled(axis, keepdims, dim, keepdim)
        return R.var(self, axis, _ddof(ddof, dim, unbiased, correction), keepdims)

    def std(
        self,
        axis: Axis = None,
        ddof: int | None = None,
        keepdims: bool = False,
        *,
        dim: Axis = None,
        keepdim: bool | None = None,
        unbiased: bool | None = None,
        correction: int | None = None,
    ) -> Tensor:
        return self.var(axis, ddof, keepdims, dim=dim, keepdim=keepdim, unbiased=unbiased, correction=correction).sqrt()

    def logsumexp(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return R.logsumexp(self, *_spelled(axis, keepdims, dim, keepdim))

    def prod(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return S.prod(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def cumsum(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        return S.cumsum(self, axis, dim=dim)

    def cumprod(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        return S.cumprod(self, axis, dim=dim)

    def cummax(self, dim: int) -> ValuesIndices:
        return S.cummax(self, dim)

    def cummin(self, dim: int) -> ValuesIndices:
        return S.cummax(self, dim, lowest=True)

    @overload
    def sort(self, axis: int = -1, descending: bool = False, *, dim: None = None) -> Tensor: ...
    @overload
    def sort(self, axis: int = -1, descending: bool = False, *, dim: int) -> ValuesIndices: ...
    def sort(self, axis: int = -1, descending: bool = False, *, dim: int | None = None) -> Tensor | ValuesIndices:
        return S.sort(self, axis, descending, dim=dim)

    def argsort(self, axis: int = -1, descending: bool = False, *, dim: int | None = None) -> Tensor:
        return S.argsort(self, axis, descending, dim=dim)

    def topk(self, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> ValuesIndices:
        return S.topk(self, k, dim, largest, sorted)

    @overload
    def median(
        self, axis: int | None = None, keepdims: bool = False, *, dim: None = None, keepdim: bool | None = None
    ) -> Tensor: ...
    @overload
    def median(
        self, axis: None = None, keepdims: bool = False, *, dim: int, keepdim: bool | None = None
    ) -> ValuesIndices: ...
    def median(
        self, axis: int | None = None, keepdims: bool = False, *, dim: int | None = None, keepdim: bool | None = None
    ) -> Tensor | ValuesIndices:
        return S.median(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def norm(
        self,
        ord: float | str | None = None,
        axis: Axis = None,
        keepdims: bool = False,
        *,
        p: float | str | None = None,
        dim: Axis = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        return S.norm(self, ord, axis, keepdims, p=p, dim=dim, keepdim=keepdim)

    def amax(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return S.amax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return S.amin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def any(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return S.any(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def all(
        self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None, keepdim: bool | None = None
    ) -> Tensor:
        return S.all(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # ---- more movement and indexing (ops/arrange.py, ops/gather.py) --------------------------------------
    def flip(self, axis: Axis = None, *, dims: Axis = None) -> Tensor:
        return A.flip(self, axis, dims=dims)

    def roll(self, shift: int | Sequence[int], axis: Axis = None, *, dims: Axis = None) -> Tensor:
        return A.roll(self, shift, axis, dims=dims)

    def repeat(
        self,
        *sizes: int | Sequence[int] | Array,
        axis: int | None = None,
        repeats: int | Sequence[int] | Array | None = None,
    ) -> Tensor:
        """NumPy's repeat when given axis= or repeats= (each element repeated); else PyTorch's repeat(*sizes)
        (the whole tensor tiled, np.tile)."""
        if axis is not None or repeats is not None:
            return A.repeat(self, sizes[0] if repeats is None else repeats, axis)
        return A.tile(self, cast("ShapeLike", sizes[0] if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes))

    def repeat_interleave(self, repeats: int | Sequence[int] | Array, dim: int | None = None) -> Tensor:
        return A.repeat(self, repeats, dim)

    def tile(self, reps: ShapeLike) -> Tensor:
        return A.tile(self, reps)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1, **dims: int) -> Tensor:
        return A.diagonal(self, offset, axis1, axis2, **dims)

    def tril(self, k: int = 0, *, diagonal: int | None = None) -> Tensor:
        return A.tril(self, k, diagonal=diagonal)

    def triu(self, k: int = 0, *, diagonal: int | None = None) -> Tensor:
        return A.triu(self, k, diagonal=diagonal)

    def unflatten(self, dim: int, sizes: Sequence[int]) -> Tensor:
        return A.unflatten(self, dim, sizes)

    def gather(self, dim: int, index: TensorLike) -> Tensor:
        return G.gather(self, dim, index)

    def take_along_axis(self, indices: TensorLike, axis: int) -> Tensor:
        return G.take_along_axis(self, indices, axis)

    def index_select(self, dim: int, index: TensorLike) -> Tensor:
        return G.index_select(self, dim, index)

    def scatter(self, dim: int, index: TensorLike, src: TensorLike) -> Tensor:
        return G.scatter(self, dim, index, src)

    def scatter_add(self, dim: int, index: TensorLike, src: TensorLike) -> Tensor:
        return G.scatter_add(self, dim, index, src)

    def index_add(self, dim: int, index: TensorLike, source: TensorLike, alpha: float = 1) -> Tensor:
        return G.index_add(self, dim, index, source, alpha)

    def masked_fill(self, mask: TensorLike, value: TensorLike) -> Tensor:
        return G.masked_fill(self, mask, value)

    @overload
    def nonzero(self, as_tuple: Literal[False] = False) -> Tensor: ...
    @overload
    def nonzero(self, as_tuple: Literal[True]) -> tuple[Tensor, ...]: ...
    @overload
    def nonzero(self, as_tuple: bool) -> Tensor | tuple[Tensor, ...]: ...
    def nonzero(self, as_tuple: bool = False) -> Tensor | tuple[Tensor, ...]:
        return G.nonzero(self, as_tuple)

    def dot(self, other: TensorLike) -> Tensor:
        return N.dot(self, other)

    def outer(self, other: TensorLike) -> Tensor:
        return N.outer(self, other)

    def cross(self, other: TensorLike, axis: int = -1, *, dim: int | None = None) -> Tensor:
        return N.cross(self, other, axis, dim=dim)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        return R.softmax(self, axis if dim is None else dim)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        return R.log_softmax(self, axis if dim is None else dim)

    # ---- movement ----------------------------------------------------------------------------
    def reshape(self, *shape: ShapeLike) -> Tensor:
        sizes = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return M.Reshape.apply(self, shape=tuple(sizes))

    def transpose(self, *axes: int | Sequence[int] | None) -> Tensor:
        """NumPy's permutation (`transpose()`, `transpose((2, 0, 1))`, `transpose(2, 0, 1)`), except that two
        axes swap those two, as PyTorch's transpose(a, b) does (on a 2-D tensor only transpose(0, 1) differs)."""
        if len(axes) == 2 and all(isinstance(a, numbers.Integral) for a in axes) and self.ndim != 1:
            return self.swapaxes(*cast("tuple[int, int]", axes))
        return self.permute(*axes)

    def permute(self, *axes: int | Sequence[int] | None) -> Tensor:
        """Axes in a new order (NumPy's transpose with axes, PyTorch's permute)."""
        order = axes[0] if len(axes) == 1 and isinstance(axes[0], (tuple, list, type(None))) else axes
        if order:
            if len(order) != self.ndim:
                raise ValueError(f"permute needs all {self.ndim} axes of a tensor of shape {self.shape}, got {order}")
            _axes(order, self.ndim)  # range and repeats checked here, with the engine's own message
        return M.Transpose.apply(self, axes=tuple(order) if order else None)

    @property
    def T(self) -> Tensor:
        return M.Transpose.apply(self, axes=None)

    def swapaxes(self, a: int, b: int) -> Tensor:
        _axes(a, self.ndim), _axes(b, self.ndim)  # range checks that name the axis
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return M.Transpose.apply(self, axes=tuple(axes))

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        return M.broadcast_to(self, shape)

    def expand(self, *shape: int | Sequence[int]) -> Tensor:
        """PyTorch's expand: broadcast to shape, where -1 keeps that axis."""
        sizes = cast("Sequence[int]", shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape)
        lead = len(sizes) - self.ndim
        return M.broadcast_to(self, tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(sizes)))

    def squeeze(self, axis: Axis = None, *, dim: Axis = None) -> Tensor:
        return M.squeeze(self, axis if dim is None else dim)

    def unsqueeze(self, axis: int | None = None, *, dim: int | None = None) -> Tensor:
        return M.unsqueeze(self, cast(int, axis if dim is None else dim))  # one of them is given

    def flatten(
        self, start_axis: int = 0, end_axis: int = -1, *, start_dim: int | None = None, end_dim: int | None = None
    ) -> Tensor:
        """Axes start..end (both included) merged into one (PyTorch's flatten; NumPy's when called bare)."""
        if self.ndim == 0:
            return self.reshape(1)
        start = _axes(start_axis if start_dim is None else start_dim, self.ndim)[0]
        end = _axes(end_axis if end_dim is None else end_dim, self.ndim)[0]
        if start > end:
            raise ValueError(f"flatten: start axis {start} comes after end axis {end} (shape {self.shape})")
        merged = int(np.prod(self.shape[start : end + 1], dtype=np.int64))
        return self.reshape(self.shape[:start] + (merged,) + self.shape[end + 1 :])

    def __getitem__(self, index: Index) -> Tensor:
        return M.getitem(self, index)


class _HookHandle:
    def __init__(self, hooks: list[Hook], fn: Hook) -> None:
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)


def _to_array(data, dtype=None):
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, np.ndarray):
        a = data
    elif isinstance(data, np.generic):
        a = np.asarray(data)  # a NumPy scalar keeps its dtype
    else:
        try:
            a = np.array(data)
        except ValueError as e:  # a ragged nested list
            raise ValueError(f"cannot make a tensor from {type(data).__name__} data: {e}") from None
        if a.dtype.kind == "f" and dtype is None:
            a = a.astype(_dtype.get_default_dtype())
    if a.dtype.kind not in "biufc":
        raise TypeError(f"a tensor holds numbers (bool, int, float or complex); got {_what(data, a)}")
    return a if dtype is None else np.array(a, dtype=np.dtype(dtype))  # Python floats cast once, from float64


def _what(data, a):
    if a.dtype.kind in "US":
        return f"strings ({type(data).__name__} of dtype {a.dtype})"
    if a.dtype.kind == "O" and a.ndim:
        bad = [v for v in a.flat if not isinstance(v, (numbers.Number, np.generic))][:1]
        return f"a {type(data).__name__} holding {bad[0]!r}" if bad else "an array of dtype object"
    return repr(data) if a.dtype.kind == "O" else f"data of dtype {a.dtype}"


def _plain(e):
    """The builtin class of a NumPy exception (NumPy's subclasses need extra constructor arguments)."""
    return next(c for c in (TypeError, IndexError, ValueError) if isinstance(e, c))


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def _raw_index(index):
    if isinstance(index, tuple):
        return tuple(_raw(i) for i in index)
    return _raw(index)


def as_tensor(x: TensorLike) -> Tensor:
    """x as a constant Tensor (no copy for arrays)."""
    return x if isinstance(x, Tensor) else Tensor(x)


def _operand(other, like):
    """Wrap the other operand of a binary op; Python numbers take `like`'s dtype where that loses nothing."""
    if isinstance(other, Tensor):
        return other
    if type(other) is float and like.data.dtype.kind == "f":  # the common case, kept fast
        return _float_constant(other, like.data.dtype)
    if isinstance(other, numbers.Number) and not isinstance(other, bool):
        kind = like.data.dtype.kind
        if kind == "f" or (kind in "iu" and isinstance(other, numbers.Integral)):
            return Tensor(np.asarray(other, dtype=like.data.dtype))
    return Tensor(other)


_constants: dict[tuple[float, np.dtype], Tensor] = {}


def _float_constant(value, dtype):
    """A shared, read-only constant Tensor for a Python float operand.

    `y * 1.0001` in a loop would make a new Tensor per op, one more long-lived object for the garbage collector to
    walk (see gc_policy.py); sharing it saves that and the array's construction. Zeros are not shared because the
    cache key cannot tell 0.0 from -0.0.
    """
    key = (value, dtype)
    t = _constants.get(key)
    if t is None:
        t = Tensor.__new__(Tensor)
        t.data = np.array(value, dtype)
        t.data.flags.writeable = False  # shared between graphs: nothing may write into it
        if value != 0.0:
            if len(_constants) >= 512:
                _constants.clear()
            _constants[key] = t
    return t


@overload
def _spelled(axis: Axis, keepdims: bool, dim: int, keepdim: bool | None) -> tuple[int, bool]: ...
@overload
def _spelled(axis: _A, keepdims: bool, dim: _A, keepdim: bool | None) -> tuple[_A, bool]: ...
def _spelled(axis: Any, keepdims: bool, dim: Any, keepdim: bool | None) -> tuple[Any, bool]:
    """(axis, keepdims) from NumPy's or PyTorch's keywords; both spellings of one at once is an error."""
    if dim is not None and axis is not None:
        raise TypeError(f"got axis={axis!r} and dim={dim!r}: give one of them")
    return (axis if dim is None else dim), (keepdims if keepdim is None else bool(keepdim))


def _ddof(ddof, dim, unbiased, correction):
    """NumPy's ddof (0 unless given); with PyTorch's keywords PyTorch's default, the unbiased estimate."""
    given = [k for k, v in (("ddof", ddof), ("unbiased", unbiased), ("correction", correction)) if v is not None]
    if len(given) > 1:
        raise TypeError(f"give one of ddof=, unbiased= and correction=, got {' and '.join(given)}")
    if ddof is not None:
        return ddof
    if correction is not None:
        return correction
    if unbiased is not None:
        return int(bool(unbiased))
    return 1 if dim is not None else 0


def _axes(axis, ndim):
    """Normalize an axis argument to a sorted tuple of non-negative ints (None for all axes)."""
    if axis is None:
        return None
    try:
        axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    except TypeError:  # not iterable: a float, say
        axes = (axis,)
    out = []
    for a in axes:
        if not isinstance(a, numbers.Integral) or isinstance(a, bool):
            raise TypeError(f"axis must be an int, a tuple of ints or None, got {axis!r}")
        if ndim == 0 and a in (0, -1):  # a 0-d tensor has one "axis" of size 1, as in PyTorch and np.sum
            continue
        if not -ndim <= a < ndim:
            raise ValueError(f"axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise ValueError(f"repeated axis in {axis}")
    return tuple(sorted(out))


# the ops import Tensor: bound last, as the methods above call them
from .ops import arrange as A  # noqa: E402
from .ops import einsum as N  # noqa: E402
from .ops import elementwise as E  # noqa: E402
from .ops import gather as G  # noqa: E402
from .ops import linalg as L  # noqa: E402
from .ops import math as X  # noqa: E402
from .ops import movement as M  # noqa: E402
from .ops import reduce as R  # noqa: E402
from .ops import scan as S  # noqa: E402
