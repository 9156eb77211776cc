"""The engine's one random generator: `ag.manual_seed(n)` seeds every random op of the engine and of nn
(initialisation, dropout, `randn`, `rand_`, `randint`, ...) that is not handed a generator of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .types import RNG

__all__ = ["manual_seed", "generator"]

_rng: np.random.Generator | None = None  # made on first use


def manual_seed(seed: int) -> np.random.Generator:
    """Seed the shared generator; returns it (a np.random.Generator)."""
    global _rng
    _rng = np.random.default_rng(seed)
    return _rng


def generator(rng: RNG = None) -> np.random.Generator:
    """rng as a Generator: a Generator as is, a seed made into one, None: the shared generator."""
    global _rng
    if rng is None:
        if _rng is None:
            _rng = np.random.default_rng()
        return _rng
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
