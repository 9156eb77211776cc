"""The default floating dtype of new tensors made from Python numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .types import DTypeLike

__all__ = ["get_default_dtype", "set_default_dtype"]

_default: np.dtype = np.dtype(np.float32)


def get_default_dtype() -> np.dtype:
    return _default


def set_default_dtype(dtype: DTypeLike) -> None:
    """Set the dtype given to tensors made from Python floats (float32 unless changed)."""
    global _default
    d = np.dtype(dtype)
    if d.kind != "f":
        raise TypeError(f"default dtype must be a floating dtype, got {d}")
    _default = d
