"""`Parameter`: a leaf Tensor that a Module registers as one of its weights."""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd_core import Tensor

if TYPE_CHECKING:
    from autograd_core.types import TensorLike

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A tensor that requires grad and is found by `Module.parameters()`."""

    def __init__(self, data: TensorLike, requires_grad: bool = True, name: str | None = None) -> None:
        data = data.data if isinstance(data, Tensor) else data
        super().__init__(data, requires_grad=requires_grad, name=name)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
