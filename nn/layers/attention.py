"""nn.MultiheadAttention with PyTorch's parameter names (in_proj_weight, in_proj_bias, out_proj), so a PyTorch
state dict loads."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import numpy as np

from autograd_core import get_default_dtype
from autograd_core.tensor import as_tensor

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter
from .linear import Linear

if TYPE_CHECKING:
    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    in_proj_bias: Parameter | None  # registered: None without bias

    def __init__(
        self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True, batch_first: bool = False
    ) -> None:
        super().__init__()
        if num_heads < 1 or embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: num_heads ({num_heads}) must divide embed_dim ({embed_dim})")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        dt = get_default_dtype()
        self.in_proj_weight = Parameter(np.empty((3 * embed_dim, embed_dim), dt))
        init.xavier_uniform_(self.in_proj_weight)
        self.register_parameter("in_proj_bias", Parameter(np.zeros(3 * embed_dim, dt)) if bias else None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        if bias:
            init.zeros_(cast(Parameter, self.out_proj.bias))  # made with bias=True: a Parameter

    def forward(
        self,
        query: TensorLike,
        key: TensorLike,
        value: TensorLike,
        key_padding_mask: TensorLike | None = None,
        need_weights: bool = True,
        attn_mask: TensorLike | None = None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        """query (L, N, E) (or (N, L, E) with batch_first), key and value (S, N, E) -> (output, weights)."""
        q, k, v = (as_tensor(t) for t in (query, key, value))
        if self.batch_first:
            q, k, v = (t.swapaxes(0, 1) for t in (q, k, v))
        L, N, E = q.shape
        S = k.shape[0]
        if E != self.embed_dim or k.shape[2] != E or v.shape[2] != E:
            raise ValueError(
                f"MultiheadAttention: expected embed_dim {self.embed_dim}, got query {q.shape}, "
                f"key {k.shape}, value {v.shape}"
            )
        w, b = self.in_proj_weight, self.in_proj_bias
        parts = [
            F.linear(t, w[i * E : (i + 1) * E], None if b is None else b[i * E : (i + 1) * E])
            for i, t in enumerate((q, k, v))
        ]
        h, d = self.num_heads, self.head_dim
        q, k, v = (t.reshape(t.shape[0], N * h, d).swapaxes(0, 1) for t in parts)  # (N*h, len, d)
        scores = q @ k.swapaxes(1, 2) * (1 / math.sqrt(d))  # (N*h, L, S)
        mask = np.zeros((N * h, L, S), scores.dtype)
        if is_causal and attn_mask is None:
            attn_mask = ~np.tril(np.ones((L, S), bool))
        if attn_mask is not None:  # PyTorch's convention here: True (or -inf) marks what may NOT be attended
            m = np.asarray(getattr(attn_mask, "data", attn_mask))
            mask = mask + (np.where(m, -np.inf, 0.0) if m.dtype == bool else m).reshape((-1, L, S))
        if key_padding_mask is not None:
            m = np.asarray(getattr(key_padding_mask, "data", key_padding_mask))
            pad = np.where(m, -np.inf, 0.0) if m.dtype == bool else m
            mask = mask + np.repeat(pad.reshape(N, 1, 1, S), h, axis=1).reshape(N * h, 1, S)
        weights = (scores + as_tensor(mask.astype(scores.dtype))).softmax(axis=-1)
        if self.dropout > 0 and self.training:
            weights = F.dropout(weights, self.dropout, training=True)
        out = (weights @ v).swapaxes(0, 1).reshape(L, N, E)  # (L, N, E)
        out = self.out_proj(out)
        if self.batch_first:
            out = out.swapaxes(0, 1)
        if not need_weights:
            return out, None
        weights = weights.reshape(N, h, L, S)
        return out, (weights.mean(axis=1) if average_attn_weights else weights)
