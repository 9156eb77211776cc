"""NAdam: Adam with Nesterov momentum and a warming momentum schedule (Dozat 2016; PyTorch's update)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .optimizer import BETAS, FLAG, NON_NEGATIVE, Optimizer

if TYPE_CHECKING:
    from .optimizer import ParamsT


__all__ = ["NAdam"]


class NAdam(Optimizer):
    """mu_t = b1 (1 - 0.5 * 0.96^(t psi)), psi = momentum_decay;  m, v as in Adam;  with
    P_t = mu_1 ... mu_t and d = sqrt(v / (1 - b2^t)) + eps:

    p -= lr (1 - mu_t) / (1 - P_t) * g / d + lr mu_(t+1) / (1 - P_t mu_(t+1)) * m / d

    weight_decay adds weight_decay * p to g, or with decoupled_weight_decay multiplies p by 1 - lr * weight_decay.
    State: step, mu_product (P_t, a number), exp_avg, exp_avg_sq.
    """

    options = dict(
        lr=NON_NEGATIVE,
        betas=BETAS,
        eps=NON_NEGATIVE,
        weight_decay=NON_NEGATIVE,
        momentum_decay=NON_NEGATIVE,
        decoupled_weight_decay=FLAG,
        maximize=FLAG,
    )

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                betas=betas,
                eps=eps,
                weight_decay=weight_decay,
                momentum_decay=momentum_decay,
                decoupled_weight_decay=decoupled_weight_decay,
                maximize=maximize,
            ),
        )

    def _state_keys(self, group):
        return {"step", "mu_product", "exp_avg", "exp_avg_sq"}, set()

    def _checked_entry(self, s, p, group, where):
        """mu_product is a number (PyTorch saves a 0-d tensor), not an array of the parameter's shape."""
        rest = dict(s)
        mu = rest.pop("mu_product", None)
        if mu is not None:
            a = np.asarray(getattr(mu, "data", mu))
            if a.ndim or a.dtype.kind not in "iuf" or not 0 <= float(a) <= 1:
                raise ValueError(f"{where}: 'mu_product' must be a number in [0, 1], got {mu!r}; nothing loaded")
            rest["mu_product"] = np.zeros(p.shape, p.dtype)  # a stand-in, so that the key layout is checked
        out = super()._checked_entry(rest, p, group, where)
        if mu is not None:
            out["mu_product"] = float(a)
        return out

    def _update(self, p, grad, group, state):
        g = -grad if group["maximize"] else grad
        lr, (b1, b2), wd, psi = group["lr"], group["betas"], group["weight_decay"], group["momentum_decay"]
        if wd:
            if group["decoupled_weight_decay"]:
                p *= 1 - lr * wd
            else:
                g = g + wd * p.data
        if not state:
            state.update(step=0, mu_product=1.0, exp_avg=np.zeros_like(p.data), exp_avg_sq=np.zeros_like(p.data))
        state["step"] += 1
        t = state["step"]
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu
        prod = state["mu_product"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * g * g
        denom = np.sqrt(v) / math.sqrt(1 - b2**t) + group["eps"]
        p -= (lr * (1 - mu) / (1 - prod)) * g / denom
        p -= (lr * mu_next / (1 - prod * mu_next)) * m / denom
