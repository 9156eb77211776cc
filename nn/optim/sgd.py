"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay (PyTorch's update)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .optimizer import FLAG, NON_NEGATIVE, NUMBER, Optimizer

if TYPE_CHECKING:
    from .optimizer import ParamsT


__all__ = ["SGD"]


class SGD(Optimizer):
    """p -= lr * d, where d is the gradient (+ weight_decay * p), or the momentum buffer built from it:

    buf = momentum * buf + (1 - dampening) * d   (buf = d on the first step)
    d = d + momentum * buf if nesterov else buf
    """

    options = dict(
        lr=NON_NEGATIVE,
        momentum=NON_NEGATIVE,
        dampening=NUMBER,
        weight_decay=NON_NEGATIVE,
        nesterov=FLAG,
        maximize=FLAG,
    )

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                momentum=momentum,
                dampening=dampening,
                weight_decay=weight_decay,
                nesterov=nesterov,
                maximize=maximize,
            ),
        )

    def _check_options(self, group, where):
        super()._check_options(group, where)
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                f"{where}: Nesterov momentum requires momentum > 0 and dampening = 0, "
                f"got momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _state_keys(self, group):
        return {"momentum_buffer"}, set()

    def _update(self, p, grad, group, state):
        d = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p.data
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = d.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * d
            d = d + momentum * buf if group["nesterov"] else buf
        p -= group["lr"] * d
