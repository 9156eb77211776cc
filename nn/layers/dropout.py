"""nn.Dropout: inverted dropout while training, the identity in eval()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from ..module import Module

if TYPE_CHECKING:
    import numpy as np

    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["Dropout"]


class Dropout(Module):
    """inplace is accepted for PyTorch's signature; the result is always a new tensor (the graph needs the input)."""

    def __init__(self, p: float = 0.5, inplace: bool = False, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, got {p}")
        self.p, self.inplace, self.rng = p, inplace, rng

    def forward(self, x: TensorLike) -> Tensor:
        return F.dropout(x, self.p, self.training, self.rng)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
