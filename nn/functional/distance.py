"""Normalising and comparing vectors: normalize, cosine_similarity, pairwise_distance (PyTorch's definitions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import autograd_core as ag

from ._args import as_tensor

if TYPE_CHECKING:
    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]


def normalize(input: TensorLike, p: float = 2.0, dim: int = 1, eps: float = 1e-12) -> Tensor:
    """x / max(||x||_p, eps) along dim."""
    x = as_tensor(input)
    return x / ag.maximum(x.norm(p=p, dim=dim, keepdim=True), eps)


def cosine_similarity(x1: TensorLike, x2: TensorLike, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """x1 . x2 / (max(||x1||, eps) * max(||x2||, eps)) along dim (the inputs broadcast)."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    n1 = ag.maximum(x1.norm(dim=dim), eps)
    n2 = ag.maximum(x2.norm(dim=dim), eps)
    return (x1 * x2).sum(dim=dim) / (n1 * n2)


def pairwise_distance(
    x1: TensorLike, x2: TensorLike, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """||x1 - x2 + eps||_p along the last axis."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    return (x1 - x2 + eps).norm(p=p, dim=-1, keepdim=keepdim)
