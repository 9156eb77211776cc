"""Weight initialisation, in place, with PyTorch's names and formulas; randomness from a NumPy Generator."""

import math

import numpy as np

from autograd_core import no_grad
from autograd_core import random as _random

__all__ = ["manual_seed", "calculate_fan_in_and_fan_out", "calculate_gain", "uniform_", "normal_", "zeros_", "ones_",
           "constant_", "kaiming_uniform_", "kaiming_normal_", "xavier_uniform_", "xavier_normal_"]  # fmt: skip


def manual_seed(seed):
    """Seed the generator that layers use for their default initialisation (the engine's: ag.manual_seed)."""
    _random.manual_seed(seed)


def _gen(rng):
    return _random.generator(rng)


def _fill(t, values):
    with no_grad():
        t[...] = values  # through the tensor, so its version moves: a graph that saved the old values refuses
    return t


def calculate_fan_in_and_fan_out(t):
    if t.ndim < 2:
        raise ValueError(f"fan in and fan out need a tensor with at least 2 dimensions, got shape {t.shape}")
    receptive = int(np.prod(t.shape[2:])) if t.ndim > 2 else 1
    return t.shape[1] * receptive, t.shape[0] * receptive


def calculate_gain(nonlinearity, param=None):
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


def uniform_(t, a=0.0, b=1.0, rng=None):
    return _fill(t, _gen(rng).uniform(a, b, t.shape))


def normal_(t, mean=0.0, std=1.0, rng=None):
    return _fill(t, _gen(rng).normal(mean, std, t.shape))


def zeros_(t):
    return _fill(t, 0)


def ones_(t):
    return _fill(t, 1)


def constant_(t, value):
    return _fill(t, value)


def _fan(t, mode):
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def kaiming_uniform_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None):
    if not t.size:  # nothing to fill, and a fan of 0 would divide by zero (PyTorch skips it too)
        return t
    bound = math.sqrt(3.0) * calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    return uniform_(t, -bound, bound, rng)


def kaiming_normal_(t, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None):
    if not t.size:
        return t
    std = calculate_gain(nonlinearity, a) / math.sqrt(_fan(t, mode))
    return normal_(t, 0.0, std, rng)


def xavier_uniform_(t, gain=1.0, rng=None):
    if not t.size:
        return t
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -bound, bound, rng)


def xavier_normal_(t, gain=1.0, rng=None):
    if not t.size:
        return t
    fan_in, fan_out = calculate_fan_in_and_fan_out(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)), rng)
