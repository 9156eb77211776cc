"""Dropout: zero each element with probability p while training, and scale the rest by 1/(1-p)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import init
from ._args import as_tensor

if TYPE_CHECKING:
    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["dropout"]


def dropout(
    x: TensorLike, p: float = 0.5, training: bool = True, rng: np.random.Generator | int | None = None
) -> Tensor:
    """Inverted dropout: the expected value of every element is unchanged, so eval mode needs no rescaling.

    rng is a np.random.Generator or a seed; None draws from the generator that nn.init.manual_seed seeds.
    """
    x = as_tensor(x)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * np.zeros((), x.dtype)
    keep = init._gen(rng).random(x.shape) >= p
    return x * (keep * np.asarray(1.0 / (1.0 - p), x.dtype))  # the mask is a constant: gradients pass where kept
