"""Flatten: merge the axes start_dim..end_dim into one, e.g. (N, C, H, W) -> (N, C*H*W) between conv and linear."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..module import Module

if TYPE_CHECKING:
    from autograd_core import Tensor


__all__ = ["Flatten"]


class Flatten(Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        nd = x.ndim
        start, end = self.start_dim % nd if nd else 0, self.end_dim % nd if nd else 0
        if not (-nd <= self.start_dim < nd and -nd <= self.end_dim < nd) or start > end:
            raise ValueError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does not fit an input of shape {x.shape}"
            )
        merged = math.prod(x.shape[start : end + 1])  # not -1, which an empty batch would leave ambiguous
        return x.reshape(x.shape[:start] + (merged,) + x.shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
