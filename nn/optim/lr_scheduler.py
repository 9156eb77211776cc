"""Learning-rate schedulers with PyTorch's names, arguments and numbers (torch.optim.lr_scheduler).

A scheduler changes each parameter group's "lr" in place; call `scheduler.step()` once per epoch (OneCycleLR: once
per batch; ReduceLROnPlateau: `step(metric)`), after `optimizer.step()`. The first value is set on construction.
Each scheduler computes the next rate from the current one, as PyTorch's do, so chained schedulers compose.
"""

from __future__ import annotations

import copy
import math
import numbers
from collections import Counter
from typing import TYPE_CHECKING

from .optimizer import Optimizer

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, Literal, SupportsFloat, TypeVar

    _V = TypeVar("_V")
    _LrLambda = Callable[[int], float]  # the step count -> a factor of the base rate


__all__ = ["LRScheduler", "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LambdaLR", "OneCycleLR",
           "ReduceLROnPlateau"]  # fmt: skip


def _check(
    where: str, name: str, value: _V, ok: Callable[[Any], object], expected: str, error: type[Exception] = ValueError
) -> _V:
    if isinstance(value, bool) or not ok(value):
        raise error(f"{where}: {name} must be {expected}, got {value!r}")
    return value


def _number(v: object) -> bool:
    return isinstance(v, numbers.Real) and v == v


def _int(v: object) -> bool:
    return isinstance(v, numbers.Integral)


# What PyTorch's schedulers save that these do not keep (how it calls get_lr, derived values, LambdaLR's functions).
_PYTORCH_ONLY = {"_get_lr_called_within_step", "_is_initial", "verbose", "default_min_lr", "mode_worse", "lr_lambdas"}


class LRScheduler:
    """Base class: `get_lr()` gives every group's next rate from `last_epoch` (the number of steps taken)."""

    _not_state: ClassVar[tuple[str, ...]] = ("optimizer",)

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        name = type(self).__name__
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{name}: optimizer must be an nn.optim.Optimizer, got {type(optimizer).__name__}")
        _check(name, "last_epoch", last_epoch, lambda v: _int(v) and v >= -1, "an int >= -1")
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{name}: param 'initial_lr' is not specified in param_groups[{i}] when resuming "
                        f"from last_epoch={last_epoch}"
                    )
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self.step()

    def get_lr(self) -> list[float]:
        raise NotImplementedError

    def step(self) -> None:
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """The rates set by the last step(), one per parameter group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer (and LambdaLR's functions), copied."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k not in self._not_state}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by state_dict(), or by the same PyTorch scheduler (its own bookkeeping dropped)."""
        name = type(self).__name__
        if not isinstance(state_dict, dict):
            raise TypeError(
                f"{name}.load_state_dict: expected a dict (from state_dict()), got {type(state_dict).__name__}"
            )
        state = {k: v for k, v in state_dict.items() if k not in _PYTORCH_ONLY}
        if "_anneal_func_type" in state:  # PyTorch's OneCycleLR keeps the strategy under this name
            state.setdefault("anneal_strategy", state.pop("_anneal_func_type"))
        unexpected = sorted(set(state) - set(self.state_dict()))
        if unexpected:
            raise ValueError(
                f"{name}.load_state_dict: unexpected keys {unexpected}; expected some of "
                f"{sorted(self.state_dict())}; nothing loaded"
            )
        self.__dict__.update(copy.deepcopy(state))

    def _lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """lr *= gamma every step_size steps."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1) -> None:
        self.step_size = _check("StepLR", "step_size", step_size, lambda v: _int(v) and v > 0, "a positive int")
        self.gamma = _check("StepLR", "gamma", gamma, _number, "a number")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class MultiStepLR(LRScheduler):
    """lr *= gamma at each milestone (a step count; a milestone listed twice multiplies twice)."""

    def __init__(
        self,
        optimizer: Optimizer,
        milestones: list[int] | tuple[int, ...] | set[int] | range,
        gamma: float = 0.1,
        last_epoch: int = -1,
    ) -> None:
        ms = list(milestones) if isinstance(milestones, (list, tuple, set, range)) else None
        _check(
            "MultiStepLR",
            "milestones",
            milestones,
            lambda v: ms is not None and all(_int(m) for m in ms),
            "a list of ints",
            TypeError,
        )
        self.milestones = Counter(ms)
        self.gamma = _check("MultiStepLR", "gamma", gamma, _number, "a number")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch not in self.milestones:
            return self._lrs()
        return [lr * self.gamma ** self.milestones[self.last_epoch] for lr in self._lrs()]


class ExponentialLR(LRScheduler):
    """lr *= gamma every step."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = _check("ExponentialLR", "gamma", gamma, _number, "a number")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]


class CosineAnnealingLR(LRScheduler):
    """lr_t = eta_min + (base_lr - eta_min) (1 + cos(pi t / T_max)) / 2, computed step to step as PyTorch does
    (after T_max it rises again: a cosine of period 2 T_max)."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1) -> None:
        self.T_max = _check("CosineAnnealingLR", "T_max", T_max, lambda v: _int(v) and v > 0, "a positive int")
        self.eta_min = _check("CosineAnnealingLR", "eta_min", eta_min, _number, "a number")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if t == 0:
            return self._lrs()
        if self._step_count == 1 and t > 0:  # resumed: the closed form
            return [lo + (base - lo) * (1 + math.cos(t * math.pi / T)) / 2 for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2 for lr, base in zip(self._lrs(), self.base_lrs)]
        return [
            (1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T)) * (lr - lo) + lo
            for lr in self._lrs()
        ]


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(step); one function, or one per parameter group. The functions are not saved."""

    _not_state = ("optimizer", "lr_lambdas")

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: _LrLambda | list[_LrLambda] | tuple[_LrLambda, ...],
        last_epoch: int = -1,
    ) -> None:
        groups = optimizer.param_groups if isinstance(optimizer, Optimizer) else []
        fns = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * len(groups)
        if len(fns) != len(groups):
            raise ValueError(f"LambdaLR: expected {len(groups)} lr_lambdas (one per parameter group), got {len(fns)}")
        for f in fns:
            _check("LambdaLR", "lr_lambda", f, callable, "a function of the step (or a list of them)", TypeError)
        self.lr_lambdas = fns
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        return [base * f(self.last_epoch) for f, base in zip(self.lr_lambdas, self.base_lrs)]


class OneCycleLR(LRScheduler):
    """The 1cycle policy: lr rises from max_lr / div_factor to max_lr over pct_start of total_steps, then anneals to
    initial_lr / final_div_factor (three_phase: back to the initial rate first); momentum (or Adam's beta1) cycles
    the other way between max_momentum and base_momentum. Step once per batch."""

    def __init__(
        self,
        optimizer: Optimizer,
        max_lr: float | list[float] | tuple[float, ...],
        total_steps: int | None = None,
        epochs: int | None = None,
        steps_per_epoch: int | None = None,
        pct_start: float = 0.3,
        anneal_strategy: Literal["cos", "linear"] = "cos",
        cycle_momentum: bool = True,
        base_momentum: float | list[float] | tuple[float, ...] = 0.85,
        max_momentum: float | list[float] | tuple[float, ...] = 0.95,
        div_factor: float = 25.0,
        final_div_factor: float = 1e4,
        three_phase: bool = False,
        last_epoch: int = -1,
    ) -> None:
        w = "OneCycleLR"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{w}: optimizer must be an nn.optim.Optimizer, got {type(optimizer).__name__}")
        groups = optimizer.param_groups
        positive_int = (lambda v: _int(v) and v > 0, "a positive int")
        if total_steps is not None:
            self.total_steps = _check(w, "total_steps", total_steps, *positive_int)
        elif epochs is not None and steps_per_epoch is not None:
            _check(w, "epochs", epochs, *positive_int)
            _check(w, "steps_per_epoch", steps_per_epoch, *positive_int)
            self.total_steps = epochs * steps_per_epoch
        else:
            raise ValueError(
                f"{w}: define either total_steps or (epochs and steps_per_epoch), got total_steps=None, "
                f"epochs={epochs!r}, steps_per_epoch={steps_per_epoch!r}"
            )
        _check(w, "pct_start", pct_start, lambda v: _number(v) and 0 <= v <= 1, "a number in [0, 1]")
        _check(w, "anneal_strategy", anneal_strategy, lambda v: v in ("cos", "linear"), "'cos' or 'linear'")
        for name, v in (("div_factor", div_factor), ("final_div_factor", final_div_factor)):
            _check(w, name, v, lambda x: _number(x) and x > 0, "a number > 0")
        self.anneal_strategy = anneal_strategy
        max_lrs = self._per_group(max_lr, "max_lr", groups)
        total = self.total_steps
        if three_phase:
            self._schedule_phases: list[dict[str, Any]] = [  # end_step a number, the rest option names
                dict(
                    end_step=float(pct_start * total) - 1,
                    start_lr="initial_lr",
                    end_lr="max_lr",
                    start_momentum="max_momentum",
                    end_momentum="base_momentum",
                ),
                dict(
                    end_step=float(2 * pct_start * total) - 2,
                    start_lr="max_lr",
                    end_lr="initial_lr",
                    start_momentum="base_momentum",
                    end_momentum="max_momentum",
                ),
                dict(
                    end_step=total - 1,
                    start_lr="initial_lr",
                    end_lr="min_lr",
                    start_momentum="max_momentum",
                    end_momentum="max_momentum",
                ),
            ]
        else:
            self._schedule_phases = [
                dict(
                    end_step=float(pct_start * total) - 1,
                    start_lr="initial_lr",
                    end_lr="max_lr",
                    start_momentum="max_momentum",
                    end_momentum="base_momentum",
                ),
                dict(
                    end_step=total - 1,
                    start_lr="max_lr",
                    end_lr="min_lr",
                    start_momentum="base_momentum",
                    end_momentum="max_momentum",
                ),
            ]
        if last_epoch == -1:
            for lr, group in zip(max_lrs, groups):
                group["initial_lr"] = lr / div_factor
                group["max_lr"] = lr
                group["min_lr"] = group["initial_lr"] / final_div_factor
        self.cycle_momentum = cycle_momentum
        if cycle_momentum:
            if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
                raise ValueError(
                    f"{w}: cycle_momentum=True needs an optimizer with momentum or betas, got "
                    f"{type(optimizer).__name__} (pass cycle_momentum=False)"
                )
            self.use_beta1 = "betas" in optimizer.defaults
            maxes = self._per_group(max_momentum, "max_momentum", groups)
            bases = self._per_group(base_momentum, "base_momentum", groups)
            if last_epoch == -1:
                for hi, lo, group in zip(maxes, bases, groups):
                    self._set_momentum(group, hi)
                    group["max_momentum"], group["base_momentum"] = hi, lo
        super().__init__(optimizer, last_epoch)

    @staticmethod
    def _per_group(value, name, groups):
        values = list(value) if isinstance(value, (list, tuple)) else [value] * len(groups)
        if len(values) != len(groups):
            raise ValueError(
                f"OneCycleLR: expected {len(groups)} values of {name} (one per parameter group), got {len(values)}"
            )
        for v in values:
            _check("OneCycleLR", name, v, lambda x: _number(x) and x >= 0, "a number >= 0 (or one per group)")
        return values

    def _set_momentum(self, group, m):
        if self.use_beta1:
            group["betas"] = (m, *group["betas"][1:])
        else:
            group["momentum"] = m

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(
                f"OneCycleLR: tried to step {step} times; the specified number of total steps is {self.total_steps}"
            )
        lrs = []
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, phase in enumerate(self._schedule_phases):
                end = phase["end_step"]
                if step <= end or i == len(self._schedule_phases) - 1:
                    pct = (step - start) / (end - start)
                    lr = self._anneal(group[phase["start_lr"]], group[phase["end_lr"]], pct)
                    if self.cycle_momentum:
                        m = self._anneal(group[phase["start_momentum"]], group[phase["end_momentum"]], pct)
                    break
                start = end
            lrs.append(lr)
            if self.cycle_momentum:
                self._set_momentum(group, m)
        return lrs


class ReduceLROnPlateau(LRScheduler):
    """lr *= factor (not below min_lr) once the metric passed to step(metric) has not improved for patience steps;
    then wait cooldown steps. mode 'min' or 'max'; improvement is relative ('rel') or absolute ('abs') to threshold."""

    def __init__(
        self,
        optimizer: Optimizer,
        mode: Literal["min", "max"] = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: Literal["rel", "abs"] = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] | tuple[float, ...] = 0.0,
        eps: float = 1e-8,
    ) -> None:
        w = "ReduceLROnPlateau"
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{w}: optimizer must be an nn.optim.Optimizer, got {type(optimizer).__name__}")
        self.factor = _check(w, "factor", factor, lambda v: _number(v) and 0 <= v < 1, "a number in [0, 1)")
        self.mode = _check(w, "mode", mode, lambda v: v in ("min", "max"), "'min' or 'max'")
        self.threshold_mode = _check(
            w, "threshold_mode", threshold_mode, lambda v: v in ("rel", "abs"), "'rel' or 'abs'"
        )
        self.patience = _check(w, "patience", patience, lambda v: _int(v) and v >= 0, "an int >= 0")
        self.cooldown = _check(w, "cooldown", cooldown, lambda v: _int(v) and v >= 0, "an int >= 0")
        self.threshold = _check(w, "threshold", threshold, _number, "a number")
        self.eps = _check(w, "eps", eps, _number, "a number")
        groups = optimizer.param_groups
        lows = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * len(groups)
        if len(lows) != len(groups):
            raise ValueError(f"{w}: expected {len(groups)} values of min_lr (one per parameter group), got {len(lows)}")
        for v in lows:
            _check(w, "min_lr", v, lambda x: _number(x) and x >= 0, "a number >= 0 (or one per group)")
        self.optimizer, self.min_lrs = optimizer, lows
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs, self.cooldown_counter, self.last_epoch = 0, 0, 0
        self._last_lr = self._lrs()

    def step(self, metrics: SupportsFloat) -> None:  # type: ignore[override]  # step(metric), as in PyTorch
        """One epoch's metric (a number or a one-element Tensor)."""
        current = float(metrics.item() if hasattr(metrics, "item") else metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, low in zip(self.optimizer.param_groups, self.min_lrs):
                old = float(group["lr"])
                new = max(old * self.factor, low)
                if old - new > self.eps:
                    group["lr"] = new
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = self._lrs()

    def _is_better(self, a):
        best, t = self.best, self.threshold
        if self.mode == "min":
            return a < (best * (1 - t) if self.threshold_mode == "rel" else best - t)
        return a > (best * (1 + t) if self.threshold_mode == "rel" else best + t)
