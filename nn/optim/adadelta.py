"""Adadelta: steps scaled by the ratio of running RMS of past updates and of gradients (PyTorch's update)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .optimizer import FLAG, NON_NEGATIVE, UNIT, Optimizer

if TYPE_CHECKING:
    from .optimizer import ParamsT


__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """v = rho v + (1 - rho) g^2;  d = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho u + (1 - rho) d^2;  p -= lr * d.

    weight_decay adds weight_decay * p to g. State: step, square_avg (v), acc_delta (u).
    """

    options = dict(lr=NON_NEGATIVE, rho=UNIT, eps=NON_NEGATIVE, weight_decay=NON_NEGATIVE, maximize=FLAG)

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize))

    def _state_keys(self, group):
        return {"step", "square_avg", "acc_delta"}, set()

    def _update(self, p, grad, group, state):
        g = -grad if group["maximize"] else grad
        rho, eps = group["rho"], group["eps"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p.data), acc_delta=np.zeros_like(p.data))
        state["step"] += 1
        v, u = state["square_avg"], state["acc_delta"]
        v *= rho
        v += (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u *= rho
        u += (1 - rho) * delta * delta
        p -= group["lr"] * delta
