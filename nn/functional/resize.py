"""Resizing images and feature maps: interpolate (nearest, linear, bilinear) and pixel_shuffle, as indexing and
weighted sums, so the gradient moves back by the chain rule."""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np

from ._args import as_tensor

if TYPE_CHECKING:
    from typing import Literal

    from autograd_core import Tensor
    from autograd_core.types import TensorLike


__all__ = ["interpolate", "pixel_shuffle"]

_MODES = {"nearest": 1, "linear": 1, "bilinear": 2}


def _sizes(x, size, scale_factor, k):
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    if size is not None:
        out = (size,) * k if isinstance(size, numbers.Integral) else tuple(size)
        scales: list[float | None] = [None] * k
    else:
        scales = (
            [float(scale_factor)] * k if isinstance(scale_factor, numbers.Real) else [float(s) for s in scale_factor]
        )
        out = tuple(int(math.floor(n * s)) for n, s in zip(x.shape[2:], scales))
    if len(out) != k or min(out) < 1:
        raise ValueError(f"interpolate: the output size must be {k} positive ints for input {x.shape}, got {out}")
    return out, scales


def _source(
    n_in: int, n_out: int, scale: float | None, align_corners: bool, nearest: bool
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Where each output position reads from along one axis, as PyTorch computes it."""
    dst = np.arange(n_out, dtype=np.float64)
    if nearest:
        ratio = 1 / scale if scale else n_in / n_out
        return np.minimum(np.floor(dst * ratio).astype(int), n_in - 1), None
    if align_corners:
        src = dst * ((n_in - 1) / (n_out - 1)) if n_out > 1 else np.zeros(n_out)
    else:
        ratio = 1 / scale if scale else n_in / n_out
        src = np.maximum((dst + 0.5) * ratio - 0.5, 0)
    lo = np.minimum(np.floor(src).astype(int), n_in - 1)
    return lo, (np.minimum(lo + 1, n_in - 1), src - lo)


def interpolate(
    input: TensorLike,
    size: int | tuple[int, ...] | None = None,
    scale_factor: float | tuple[float, ...] | None = None,
    mode: Literal["nearest", "linear", "bilinear"] = "nearest",
    align_corners: bool | None = None,
) -> Tensor:
    """PyTorch's interpolate for (N, C, W) (nearest, linear) and (N, C, H, W) (nearest, bilinear) inputs."""
    x = as_tensor(input)
    if mode not in _MODES:
        raise ValueError(f"interpolate: mode must be one of {sorted(_MODES)}, got {mode!r}")
    k = x.ndim - 2
    if k < 1 or (mode != "nearest" and k != _MODES[mode]):
        raise ValueError(f"interpolate: mode {mode!r} needs a {_MODES[mode] + 2}-D input, got shape {x.shape}")
    if mode == "nearest" and align_corners is not None:
        raise ValueError("interpolate: align_corners applies only to linear and bilinear modes")
    out, scales = _sizes(x, size, scale_factor, k)
    for i, (n_out, s) in enumerate(zip(out, scales)):
        axis = 2 + i
        lead = (slice(None),) * axis
        lo, hi = _source(x.shape[axis], n_out, s, bool(align_corners), mode == "nearest")
        if hi is None:
            x = x[lead + (lo,)]
        else:
            up, w = hi
            w = w.reshape((-1,) + (1,) * (x.ndim - axis - 1)).astype(x.dtype)
            x = x[lead + (lo,)] * (1 - w) + x[lead + (up,)] * w
    return x


def pixel_shuffle(input: TensorLike, upscale_factor: int) -> Tensor:
    """(N, C r², H, W) -> (N, C, H r, W r)."""
    x = as_tensor(input)
    r = upscale_factor
    if x.ndim != 4 or x.shape[1] % (r * r):
        raise ValueError(f"pixel_shuffle: expected (N, C*{r}², H, W), got shape {x.shape}")
    n, c, h, w = x.shape
    return x.reshape(n, c // (r * r), r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c // (r * r), h * r, w * r)
