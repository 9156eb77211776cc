"""Weight initialisation, in place, with PyTorch's names and formulas; randomness from a NumPy Generator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import no_grad
from autograd_core import random as _random

if TYPE_CHECKING:
    from typing import Literal, TypeVar

    from numpy.typing import ArrayLike

    from autograd_core import Tensor

    _T = TypeVar("_T", bound=Tensor)  # filled in place and returned


__all__ = ["manual_seed", "calculate_fan_in_and_fan_out", "calculate_gain", "uniform_", "normal_", "zeros_", "ones_",
           "constant_", "kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_"]  # fmt: skip


def manual_seed(seed: int) -> None:
    """Seed the generator that layers use for their default initialisation (the engine's: ag.manual_seed)."""
    _random.manual_seed(seed)


def _gen(rng: np.random.Generator | int | None) -> np.random.Generator:
    return _random.generator(rng)


def _fill(t: _T, values: ArrayLike) -> _T:
    with no_grad():
        t[...] = values  # through the tensor, so its version moves: a graph that saved the old values refuses
    return t


def calculate_fan_in_and_fan_out(t: Tensor | np.ndarray) -> tuple[int, int]:
    if t.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {t.shape}")
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    if nonlinearity in (
        "linear",
        "sigmoid",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
    ):
        return 1.0
    if nonlinearity == "selu":
        return 0.75
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope**2))
    raise ValueError(f"unknown nonlinearity {nonlinearity!r}")


def uniform_(t: _T, a: float = 0.0, b: float = 1.0, rng: np.random.Generator | int | None = None) -> _T:
    return _fill(t, _gen(rng).uniform(a, b, t.shape))


def normal_(t: _T, mean: float = 0.0, std: float = 1.0, rng: np.random.Generator | int | None = None) -> _T:
    return _fill(t, _gen(rng).normal(mean, std, t.shape))


def zeros_(t: _T) -> _T:
    return _fill(t, 0)


def ones_(t: _T) -> _T:
    return _fill(t, 1)


def constant_(t: _T, value: float) -> _T:
    return _fill(t, value)


def _fan(t: Tensor, mode: str) -> int:
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def kaiming_uniform_(
    t: _T,
    a: float = 0.0,
    mode: Literal["fan_in", "fan_out"] = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | int | None = None,
) -> _T:
    if not t.size:  # nothing to fill, and a fan of 0 would divide by zero (PyTorch skips it too)
        return t
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    return uniform_(t, -bound, bound, rng)


def kaiming_normal_(
    t: _T,
    a: float = 0.0,
    mode: Literal["fan_in", "fan_out"] = "fan_in",
    nonlinearity: str = "leaky_relu",
    rng: np.random.Generator | int | None = None,
) -> _T:
    if not t.size:
        return t
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    return normal_(t, 0.0, std, rng)


def xavier_uniform_(t: _T, gain: float = 1.0, rng: np.random.Generator | int | None = None) -> _T:
    if not t.size:
        return t
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -bound, bound, rng)


def xavier_normal_(t: _T, gain: float = 1.0, rng: np.random.Generator | int | None = None) -> _T:
    if not t.size:
        return t
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)
