"""Adagrad: steps scaled by the root of the sum of every past squared gradient (PyTorch's update)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .optimizer import FLAG, NON_NEGATIVE, Optimizer

if TYPE_CHECKING:
    from .optimizer import ParamsT


__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """s += g^2;  p -= lr / (1 + (t - 1) lr_decay) * g / (sqrt(s) + eps), s starting at initial_accumulator_value.

    weight_decay adds weight_decay * p to g. State: step, sum; made for every parameter at construction, as in
    PyTorch, so that state_dict() holds it before the first step too.
    """

    options = dict(
        lr=NON_NEGATIVE,
        lr_decay=NON_NEGATIVE,
        weight_decay=NON_NEGATIVE,
        initial_accumulator_value=NON_NEGATIVE,
        eps=NON_NEGATIVE,
        maximize=FLAG,
    )

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params,
            dict(
                lr=lr,
                lr_decay=lr_decay,
                weight_decay=weight_decay,
                initial_accumulator_value=initial_accumulator_value,
                eps=eps,
                maximize=maximize,
            ),
        )
        for group in self.param_groups:
            for p in group["params"]:
                self.state[id(p)] = self._initial_state(p, group)

    @staticmethod
    def _initial_state(p, group):
        return {"step": 0, "sum": np.full_like(p.data, group["initial_accumulator_value"])}

    def _state_keys(self, group):
        return {"step", "sum"}, set()

    def _update(self, p, grad, group, state):
        g = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            g = g + group["weight_decay"] * p.data
        if not state:  # a group added after construction
            state.update(self._initial_state(p, group))
        state["step"] += 1
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"]
        s += g * g
        p -= clr * g / (np.sqrt(s) + group["eps"])
