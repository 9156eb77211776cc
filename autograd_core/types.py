"""Names for the types the public API takes, for annotations only: importing this module costs nothing at run time.

from __future__ import annotations
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from .types import TensorLike, Axis
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

__all__: list[str] = []  # nothing here exists at run time

if TYPE_CHECKING:
    from typing import TypeAlias

    import numpy as np
    import numpy.typing as npt

    from .tensor import Tensor

    TensorLike: TypeAlias = Tensor | npt.ArrayLike  # what every op accepts: a Tensor, an array, a number, nested lists
    Array = np.ndarray  # what a Function's forward and backward compute on
    Axis = int | Sequence[int] | None  # None: every axis
    Shape = tuple[int, ...]
    ShapeLike = int | Sequence[int]  # zeros(2, 3), zeros((2, 3))
    DTypeLike = npt.DTypeLike
    # what a backward computes on: arrays on the fast path, Tensors under create_graph
    Operand: TypeAlias = Array | Tensor
    Index = Any  # what x[index] takes: an int, a slice, None, Ellipsis, an int or bool array, or a tuple of these
    Scalar = bool | int | float  # what item() gives (a Python number; complex tensors aside, as PyTorch's stubs do)
    RNG = (
        np.random.Generator | int | None
    )  # a Generator, a seed for a new one, or None: the shared one (ag.manual_seed)
