"""Gradient clipping, in place on `.grad`, with PyTorch's names and semantics."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, cast

import numpy as np

from autograd_core import Tensor

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Literal


__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _with_grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"expected Tensors (parameters), got {type(p).__name__}")
    return [p for p in params if p.grad is not None]


def _grad(p: Tensor) -> Tensor:
    """p.grad of a parameter that _with_grads kept (so not None)."""
    return cast(Tensor, p.grad)


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float | Literal["inf"] = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale all gradients together so that their joint norm is at most max_norm; returns that norm before clipping.

    The joint norm is the norm of the vector of every gradient element (norm_type 'inf' or math.inf: the max |g|).
    """
    params = _with_grads(parameters)
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float, np.number)) or not max_norm >= 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be a number >= 0, got {max_norm!r}")
    if isinstance(norm_type, str) and norm_type != "inf" or isinstance(norm_type, bool):
        raise ValueError(f"clip_grad_norm_: norm_type must be a positive number or 'inf', got {norm_type!r}")
    norm_type = float(norm_type)
    if not norm_type > 0:
        raise ValueError(f"norm_type must be positive or inf, got {norm_type}")
    if not params:
        return Tensor(np.zeros(()))
    grads = [np.asarray(_grad(p).data, dtype=np.float64) for p in params]
    if norm_type == math.inf:
        total = max(float(np.abs(g).max(initial=0.0)) for g in grads)
    else:
        total = sum(float((np.abs(g) ** norm_type).sum()) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total}: not finite, so "
            "they cannot be clipped; pass error_if_nonfinite=False to clip anyway"
        )
    coef = min(max_norm / (total + 1e-6), 1.0)  # the 1e-6 keeps a zero norm from dividing by zero
    if coef < 1.0:
        for p in params:
            # rebind rather than scale in place: a gradient array may be a shared or read-only view
            g = _grad(p)
            g.data = (g.data * coef).astype(g.dtype, copy=False)
    return Tensor(np.asarray(total, dtype=_grad(params[0]).dtype))


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float) -> None:
    """Clamp every gradient element into [-clip_value, clip_value]."""
    if clip_value < 0:
        raise ValueError(f"clip_value must be non-negative, got {clip_value}")
    for p in _with_grads(parameters):
        g = _grad(p)
        g.data = np.clip(g.data, -clip_value, clip_value).astype(g.dtype, copy=False)
