"""PyTorch's spellings on Tensor, beside NumPy's: `x.size(0)`, `view`, `float()`, `to`, `new_zeros`, `add_`, ...

Tensor inherits these; each is a line over the NumPy-named op it means. In-place methods (`add_` ...) change
`.data` and bump the version counter, so a graph that saved the old values refuses to backward; on a tensor that
records a graph (a leaf that requires grad outside `no_grad`, or any result in a graph) they raise, as PyTorch does
for leaves.
"""

from __future__ import annotations

import collections
import numbers
from typing import TYPE_CHECKING, cast, overload

import numpy as np

from . import random as _random
from . import state, version

if TYPE_CHECKING:
    import builtins
    from collections.abc import Callable, Sequence
    from typing import Any, NamedTuple

    from typing_extensions import Self

    from .tensor import Tensor
    from .types import DTypeLike, Operand, Shape, ShapeLike, TensorLike

__all__ = ["Size", "TorchSpellings"]

if TYPE_CHECKING:

    class ValuesIndices(NamedTuple):
        values: Tensor
        indices: Tensor

else:
    ValuesIndices = collections.namedtuple("ValuesIndices", "values indices")  # PyTorch's max(dim=) / min(dim=) result


class Size(int):
    """A tensor's element count (NumPy's `x.size`) that is also PyTorch's `x.size()` / `x.size(dim)`."""

    shape: Shape

    def __new__(cls, shape: Sequence[int]) -> Size:
        self = super().__new__(cls, int(np.prod(shape, dtype=np.int64)))
        self.shape = tuple(shape)
        return self

    @overload
    def __call__(self, dim: None = None) -> Shape: ...
    @overload
    def __call__(self, dim: int) -> int: ...
    def __call__(self, dim: int | None = None) -> Shape | int:
        if dim is None:
            return self.shape
        if not isinstance(dim, numbers.Integral) or not -len(self.shape) <= dim < max(len(self.shape), 1):
            raise IndexError(f"size({dim!r}): dimension out of range for a tensor of shape {self.shape}")
        return self.shape[dim] if self.shape else 1


_DTYPES = {
    "float": np.float32,
    "double": np.float64,
    "half": np.float16,
    "long": np.int64,
    "int": np.int32,
    "bool": np.bool_,
}


def _dtype_method(name: str, dtype: type[np.generic]) -> Callable[[Tensor], Tensor]:
    def cast(self: Tensor) -> Tensor:
        return self.astype(dtype)

    cast.__name__ = name
    cast.__doc__ = f"This tensor as {np.dtype(dtype)} (PyTorch's .{name}())."
    return cast


def _inplace_method(name: str, change: Callable[..., Any]) -> Callable[..., Tensor]:
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if state.grad_enabled.get() and self.requires_grad:
            raise RuntimeError(
                f"{name} on a tensor that requires grad would change values its graph may need "
                "(PyTorch: a leaf Variable that requires grad is being used in an in-place "
                "operation): call it inside ag.no_grad()"
            )
        new = change(self, *args, **kwargs)
        try:
            np.copyto(self.data, new, casting="same_kind")
        except (TypeError, ValueError) as e:
            raise type(e)(
                f"{name}: cannot write a result of shape {np.shape(new)} and dtype "
                f"{getattr(new, 'dtype', type(new).__name__)} into a tensor of shape {self.shape} and "
                f"dtype {self.dtype}: {e}"
            ) from None
        version.bump(self)
        return self

    method.__name__ = name
    return method


def _raw(x):
    return x.data if hasattr(x, "_ctx") else x


if TYPE_CHECKING:
    from .types import TensorMembers as _Members
else:
    _Members = object


class TorchSpellings(_Members):
    """Mixed into Tensor."""

    def numel(self) -> int:
        return self.data.size

    def dim(self) -> int:
        return self.data.ndim

    def view(self, *shape: ShapeLike) -> Tensor:
        return self.reshape(*shape)

    def view_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def reshape_as(self, other: Tensor) -> Tensor:
        return self.reshape(other.shape)

    def expand_as(self, other: Tensor) -> Tensor:
        return self.broadcast_to(other.shape)

    def t(self) -> Tensor:
        """Transpose of a tensor with at most 2 dimensions."""
        if self.ndim > 2:
            raise ValueError(f"t() needs at most 2 dimensions, got shape {self.shape}; use transpose(a, b)")
        return self.T

    def contiguous(self) -> Self:
        return self

    def cpu(self) -> Self:
        return self

    def narrow(self, dim: int, start: int, length: int) -> Tensor:
        """length elements from start along dim (a view)."""
        axis = dim % max(self.ndim, 1)
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def add(self, other: Operand | float, alpha: float = 1) -> Tensor:
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other: Operand | float, alpha: float = 1) -> Tensor:
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other: TensorLike) -> Tensor:
        return self * other

    def div(self, other: TensorLike) -> Tensor:
        return self / other

    def pow(self, exponent: TensorLike) -> Tensor:
        return self**exponent

    def neg(self) -> Tensor:
        return -self

    def clone(self) -> Tensor:
        """A copy that stays in the graph (gradient passes through unchanged)."""
        return self.astype(self.dtype)

    def eq(self, other: TensorLike) -> Tensor:
        return self == other

    def ne(self, other: TensorLike) -> Tensor:
        return self != other

    def lt(self, other: TensorLike) -> Tensor:
        return self < other

    def le(self, other: TensorLike) -> Tensor:
        return self <= other

    def gt(self, other: TensorLike) -> Tensor:
        return self > other

    def ge(self, other: TensorLike) -> Tensor:
        return self >= other

    float = _dtype_method("float", np.float32)
    double = _dtype_method("double", np.float64)
    half = _dtype_method("half", np.float16)
    long = _dtype_method("long", np.int64)
    int = _dtype_method("int", np.int32)
    bool = _dtype_method("bool", np.bool_)

    @overload
    def type(self, dtype: None = None) -> str: ...
    @overload
    def type(self, dtype: DTypeLike) -> Tensor: ...
    def type(self, dtype: DTypeLike | None = None) -> str | Tensor:
        """The dtype's name, or this tensor as `dtype`."""
        return str(self.dtype) if dtype is None else self.astype(dtype)

    def to(self, *args: DTypeLike | Tensor, dtype: DTypeLike | None = None) -> Self | Tensor:
        """`to(dtype)`, `to("cpu")` (the only device: a no-op), or `to(other_tensor)` for its dtype."""
        for a in args:
            if isinstance(a, str) and a.split(":")[0] == "cpu":
                continue
            if hasattr(a, "_ctx"):
                dtype = cast("Tensor", a).dtype
            else:
                try:
                    dtype = np.dtype(a)
                except TypeError:
                    raise ValueError(
                        f"to(): expected a dtype, 'cpu' or a tensor, got {a!r} (this engine runs on the CPU only)"
                    ) from None
        return self if dtype is None or np.dtype(dtype) == self.dtype else self.astype(dtype)

    def new_zeros(self, *shape: ShapeLike, dtype: DTypeLike | None = None) -> Self:
        return type(self)(np.zeros(_shape(shape), self.dtype if dtype is None else dtype))

    def new_ones(self, *shape: ShapeLike, dtype: DTypeLike | None = None) -> Self:
        return type(self)(np.ones(_shape(shape), self.dtype if dtype is None else dtype))

    def new_full(self, shape: ShapeLike, fill_value: builtins.float, dtype: DTypeLike | None = None) -> Self:
        return type(self)(np.full(_shape((shape,)), fill_value, self.dtype if dtype is None else dtype))

    def new_tensor(self, data: TensorLike, dtype: DTypeLike | None = None) -> Self:
        return type(self)(np.array(_raw(data), dtype=self.dtype if dtype is None else dtype))

    if not TYPE_CHECKING:  # the type checker reads their signatures in types.TensorMembers
        add_ = _inplace_method("add_", lambda self, other, alpha=1: self.data + alpha * np.asarray(_raw(other)))
        sub_ = _inplace_method("sub_", lambda self, other, alpha=1: self.data - alpha * np.asarray(_raw(other)))
        mul_ = _inplace_method("mul_", lambda self, other: self.data * np.asarray(_raw(other)))
        div_ = _inplace_method("div_", lambda self, other: self.data / np.asarray(_raw(other)))
        zero_ = _inplace_method("zero_", lambda self: np.zeros((), self.dtype))
        fill_ = _inplace_method("fill_", lambda self, value: np.asarray(_raw(value)))
        clamp_ = _inplace_method("clamp_", lambda self, min=None, max=None: np.clip(self.data, _raw(min), _raw(max)))
        copy_ = _inplace_method("copy_", lambda self, src: np.asarray(_raw(src)))
        uniform_ = _inplace_method(
            "uniform_",
            lambda self, a=0.0, b=1.0, generator=None: _random.generator(generator).uniform(a, b, self.shape),
        )
        normal_ = _inplace_method(
            "normal_",
            lambda self, mean=0.0, std=1.0, generator=None: _random.generator(generator).normal(mean, std, self.shape),
        )


def _shape(shape: tuple[Any, ...]) -> Shape:
    shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else tuple(shape)
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) and int(n) >= 0 for n in shape):
        raise ValueError(f"a shape is non-negative ints, got {shape}")
    return tuple(int(n) for n in shape)
