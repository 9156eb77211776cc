"""Adam and AdamW: steps scaled by running averages of the gradient and of its square (PyTorch's update)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .optimizer import BETAS, FLAG, NON_NEGATIVE, Optimizer

if TYPE_CHECKING:
    from typing import ClassVar

    from .optimizer import ParamsT


__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).

    weight_decay adds weight_decay * p to g (L2 penalty); amsgrad uses the running max of v.
    """

    decoupled: ClassVar[bool] = False  # AdamW decays the weights directly instead
    implied = {"decoupled_weight_decay": False}
    options = dict(
        lr=NON_NEGATIVE, betas=BETAS, eps=NON_NEGATIVE, weight_decay=NON_NEGATIVE, amsgrad=FLAG, maximize=FLAG
    )

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize)
        )

    def _state_keys(self, group):
        required = {"step", "exp_avg", "exp_avg_sq"}
        return (required | {"max_exp_avg_sq"}, set()) if group["amsgrad"] else (required, {"max_exp_avg_sq"})

    def _update(self, p, grad, group, state):
        g = -grad if group["maximize"] else grad
        lr, (b1, b2), wd = group["lr"], group["betas"], group["weight_decay"]
        if wd:
            if self.decoupled:
                p *= 1 - lr * wd
            else:
                g = g + wd * p.data
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        if group["amsgrad"]:  # made here, not with the rest, so amsgrad may also be switched on mid-training
            v_max = state.setdefault("max_exp_avg_sq", np.zeros_like(p.data))
            v = np.maximum(v_max, v, out=v_max)
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + group["eps"]
        p -= (lr / (1 - b1**t)) * m / denom


class AdamW(Adam):
    """Adam with decoupled weight decay: p *= 1 - lr * weight_decay before the Adam step (default 0.01)."""

    decoupled = True
    implied = {"decoupled_weight_decay": True}

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize)
