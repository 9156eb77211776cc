"""RMSprop: steps scaled by a running RMS of the gradient, optionally centered and with momentum (PyTorch's update)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .optimizer import FLAG, NON_NEGATIVE, Optimizer

if TYPE_CHECKING:
    from .optimizer import ParamsT


__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """v = alpha v + (1 - alpha) g^2;  avg = sqrt(v - m^2) + eps with m = alpha m + (1 - alpha) g when centered,
    else sqrt(v) + eps;  p -= lr * g / avg, or with momentum: buf = momentum buf + g / avg;  p -= lr * buf.

    weight_decay adds weight_decay * p to g. State: step, square_avg, momentum_buffer (momentum > 0), grad_avg
    (centered).
    """

    options = dict(
        lr=NON_NEGATIVE,
        alpha=NON_NEGATIVE,
        eps=NON_NEGATIVE,
        weight_decay=NON_NEGATIVE,
        momentum=NON_NEGATIVE,
        centered=FLAG,
        maximize=FLAG,
    )

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                alpha=alpha,
                eps=eps,
                weight_decay=weight_decay,
                momentum=momentum,
                centered=centered,
                maximize=maximize,
            ),
        )

    def _state_keys(self, group):
        optional = {"momentum_buffer", "grad_avg"}
        required = {"step", "square_avg"}
        required |= {"momentum_buffer"} if group["momentum"] > 0 else set()
        required |= {"grad_avg"} if group["centered"] else set()
        return required, optional - required

    def _update(self, p, grad, group, state):
        g = -grad if group["maximize"] else grad
        alpha = group["alpha"]
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        if not state:
            state.update(step=0, square_avg=np.zeros_like(p.data))
        state["step"] += 1
        v = state["square_avg"]
        v *= alpha
        v += (1 - alpha) * g * g
        if group["centered"]:  # made here, not with the rest, so it may be switched on mid-training (as momentum)
            m = state.setdefault("grad_avg", np.zeros_like(p.data))
            m *= alpha
            m += (1 - alpha) * g
            avg = np.sqrt(v - m * m) + group["eps"]
        else:
            avg = np.sqrt(v) + group["eps"]
        if group["momentum"] > 0:
            buf = state.setdefault("momentum_buffer", np.zeros_like(p.data))
            buf *= group["momentum"]
            buf += g / avg
            p -= group["lr"] * buf
        else:
            p -= group["lr"] * g / avg
