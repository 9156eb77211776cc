"""Normalising and comparing vectors: normalize, cosine_similarity, pairwise_distance (PyTorch's definitions)."""

import autograd_core as ag
from autograd_core.tensor import as_tensor

__all__ = ["normalize", "cosine_similarity", "pairwise_distance"]


def normalize(input, p=2.0, dim=1, eps=1e-12):
    """x / max(||x||_p, eps) along dim."""
    x = as_tensor(input)
    return x / ag.maximum(x.norm(p=p, dim=dim, keepdim=True), eps)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """x1 . x2 / (max(||x1||, eps) * max(||x2||, eps)) along dim (the inputs broadcast)."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    n1 = ag.maximum(x1.norm(dim=dim), eps)
    n2 = ag.maximum(x2.norm(dim=dim), eps)
    return (x1 * x2).sum(dim=dim) / (n1 * n2)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last axis."""
    x1, x2 = as_tensor(x1), as_tensor(x2)
    return (x1 - x2 + eps).norm(p=p, dim=-1, keepdim=keepdim)
