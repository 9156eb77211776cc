"""Names for the types the public API takes, for annotations only: importing this module costs nothing at run time.

from __future__ import annotations
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from .types import TensorLike, Axis
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

__all__: list[str] = []  # nothing here exists at run time

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .tensor import Tensor

    TensorLike = Tensor | npt.ArrayLike  # what every op accepts: a Tensor, an array, a number, nested lists
    Array = np.ndarray  # what a Function's forward and backward compute on
    Axis = int | Sequence[int] | None  # None: every axis
    Shape = tuple[int, ...]
    ShapeLike = int | Sequence[int]  # zeros(2, 3), zeros((2, 3))
    DTypeLike = npt.DTypeLike
