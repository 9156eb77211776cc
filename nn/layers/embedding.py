"""nn.Embedding: a lookup table of num_embeddings vectors of size embedding_dim, initialised N(0, 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from autograd_core import get_default_dtype, no_grad

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter

if TYPE_CHECKING:
    from typing import TypeVar

    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    _E = TypeVar("_E", bound="Embedding")


__all__ = ["Embedding"]


class Embedding(Module):
    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        *,
        _weight: TensorLike | None = None,
        _freeze: bool = False,
    ) -> None:
        super().__init__()
        for what, n in (("num_embeddings", num_embeddings), ("embedding_dim", embedding_dim)):
            if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
                raise ValueError(f"Embedding: {what} must be a non-negative int, got {n!r}")
        if padding_idx is not None and not -num_embeddings <= padding_idx < num_embeddings:
            raise ValueError(f"padding_idx must be within [-{num_embeddings}, {num_embeddings}), got {padding_idx}")
        if padding_idx is not None and padding_idx < 0:
            padding_idx += num_embeddings
        self.num_embeddings, self.embedding_dim, self.padding_idx = num_embeddings, embedding_dim, padding_idx
        if _weight is None:
            self.weight = Parameter(np.empty((num_embeddings, embedding_dim), get_default_dtype()))
            init.normal_(self.weight)
            if padding_idx is not None:
                with no_grad():
                    self.weight.data[padding_idx] = 0
        else:
            w = np.asarray(_weight.data if hasattr(_weight, "data") else _weight)
            if w.shape != (num_embeddings, embedding_dim):
                raise ValueError(f"_weight must have shape {(num_embeddings, embedding_dim)}, got {w.shape}")
            self.weight = Parameter(w, requires_grad=not _freeze)

    @classmethod
    def from_pretrained(
        cls: type[_E], embeddings: TensorLike, freeze: bool = True, padding_idx: int | None = None
    ) -> _E:
        w = np.asarray(embeddings.data if hasattr(embeddings, "data") else embeddings)
        if w.ndim != 2:
            raise ValueError(f"embeddings must be 2-D (num_embeddings, embedding_dim), got shape {w.shape}")
        return cls(w.shape[0], w.shape[1], padding_idx=padding_idx, _weight=w.copy(), _freeze=freeze)

    def forward(self, input: TensorLike) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        return s if self.padding_idx is None else s + f", padding_idx={self.padding_idx}"
