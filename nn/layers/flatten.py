"""Flatten: merge the axes start_dim..end_dim into one, e.g. (N, C, H, W) -> (N, C*H*W) between conv and linear."""

import math

from ..module import Module

__all__ = ["Flatten"]


class Flatten(Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        nd = x.ndim
        start, end = self.start_dim % nd if nd else 0, self.end_dim % nd if nd else 0
        if not (-nd <= self.start_dim < nd and -nd <= self.end_dim < nd) or start > end:
            raise ValueError(
                f"Flatten(start_dim={self.start_dim}, end_dim={self.end_dim}) does not fit an input of shape {x.shape}"
            )
        merged = math.prod(x.shape[start : end + 1])  # not -1, which an empty batch would leave ambiguous
        return x.reshape(x.shape[:start] + (merged,) + x.shape[end + 1 :])

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
