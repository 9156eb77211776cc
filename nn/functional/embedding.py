"""Embedding lookup: rows of a weight matrix picked by integer indices (gradients of repeated rows add up)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from autograd_core import Tensor, where

from ._args import as_tensor

if TYPE_CHECKING:
    from autograd_core.types import TensorLike


__all__ = ["embedding"]


def embedding(input: TensorLike, weight: TensorLike, padding_idx: int | None = None) -> Tensor:
    """weight[input]: (*) int indices, weight (num_embeddings, embedding_dim) -> (*, embedding_dim).

    The row at padding_idx is read like any other but receives no gradient, as in PyTorch.
    """
    weight = as_tensor(weight)
    idx = np.asarray(input.data if isinstance(input, Tensor) else input)
    if weight.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {weight.shape}")
    if idx.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {idx.dtype}")
    num = weight.shape[0]
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        bad = idx.min() if idx.min() < 0 else idx.max()
        raise ValueError(f"embedding: index {bad} is out of range: expected 0 <= index < {num} (num_embeddings)")
    out = weight[idx]
    if padding_idx is None:
        return out
    if not -num <= padding_idx < num:
        raise ValueError(f"embedding: padding_idx must be within [-{num}, {num}) (num_embeddings), got {padding_idx}")
    if padding_idx < 0:
        padding_idx += num
    is_pad = (idx == padding_idx)[..., None]
    return where(is_pad, weight.detach()[idx], out)
