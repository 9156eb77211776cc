"""Scaled dot-product attention: softmax(q kᵀ / √d + mask) v, with PyTorch's mask conventions."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import Tensor

from ._args import as_tensor
from .dropout import dropout

if TYPE_CHECKING:
    from autograd_core.types import TensorLike


__all__ = ["scaled_dot_product_attention"]


def scaled_dot_product_attention(
    query: TensorLike,
    key: TensorLike,
    value: TensorLike,
    attn_mask: TensorLike | None = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev).

    attn_mask: a bool mask (True: may attend) or a float mask added to the scores, broadcasting to (..., L, S);
    is_causal: position i attends to positions <= i (with no attn_mask). scale defaults to 1/√E.
    """
    q, k, v = as_tensor(query), as_tensor(key), as_tensor(value)
    if q.ndim < 2 or k.ndim < 2 or v.ndim < 2 or q.shape[-1] != k.shape[-1] or k.shape[-2] != v.shape[-2]:
        raise ValueError(
            f"scaled_dot_product_attention: expected query (..., L, E), key (..., S, E) and value "
            f"(..., S, Ev), got {q.shape}, {k.shape} and {v.shape}"
        )
    if is_causal and attn_mask is not None:
        raise ValueError("scaled_dot_product_attention: give attn_mask or is_causal=True, not both")
    L, S = q.shape[-2], k.shape[-2]
    scores = q @ k.swapaxes(-1, -2) * (1 / math.sqrt(q.shape[-1]) if scale is None else scale)
    if is_causal:
        attn_mask = np.tril(np.ones((L, S), bool))
    if attn_mask is not None:
        m = attn_mask.data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        if m.dtype == bool:
            scores = scores + Tensor(np.where(m, 0.0, -np.inf).astype(scores.dtype))
        else:
            scores = scores + as_tensor(attn_mask)
    weights = scores.softmax(axis=-1)
    if dropout_p > 0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ v
