"""`Optimizer`: parameter groups, per-parameter state, zero_grad and state_dict, shared by every optimizer."""

from __future__ import annotations

import copy
import numbers
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import AnomalyError, Tensor, enable_grad, is_anomaly_enabled, no_grad

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any, ClassVar, TypeVar

    # what each optimizer takes: parameters (any leaf Tensors), or parameter groups: dicts with 'params' and options
    ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]]
    # an option's check: (what is expected, is the type right, is the value right)
    _Check = tuple[str, Callable[[Any], bool], Callable[[Any], bool]]
    _L = TypeVar("_L")  # what a closure returns (the loss)


__all__ = ["Optimizer"]


def _real(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


# An option's check: (what is expected, is the type right (else TypeError), is the value right (else ValueError)).
# The value checks are comparisons that NaN fails (v >= 0, v == v), so NaN is refused too.
NON_NEGATIVE: _Check = ("a number >= 0", _real, lambda v: v >= 0)
NUMBER: _Check = ("a number", _real, lambda v: v == v)
UNIT: _Check = ("a number in [0, 1]", _real, lambda v: 0 <= v <= 1)
FLAG: _Check = ("True or False", lambda v: isinstance(v, (bool, np.bool_)), lambda v: True)
BETAS: _Check = (
    "a pair of numbers in [0, 1)",
    lambda v: isinstance(v, (tuple, list)) and all(map(_real, v)),
    lambda v: len(v) == 2 and all(0 <= b < 1 for b in v),
)
_LABELS = {"lr": "learning rate", "eps": "epsilon value"}
_PYTORCH_FLAGS = {
    "foreach",
    "fused",
    "differentiable",
    "capturable",  # how PyTorch computes, not what
    "initial_lr",
    "max_lr",
    "min_lr",
    "max_momentum",
    "base_momentum",
}  # set by lr schedulers


class Optimizer:
    """Base class. `params` is an iterable of Parameters, or of dicts (parameter groups) with their own options.

    A subclass declares its options (`options`: name -> check, as above) and the state it keeps per parameter
    (`_state_keys`), and writes `_update(p, grad, group, state)`, which changes p in place (`p -= ...`, which
    bumps its version, so a graph that saved the old values refuses to backward); `step()` calls it, under
    no_grad, for every parameter that has a gradient, once every gradient has been checked.
    """

    options: ClassVar[dict[str, _Check]] = {}
    implied: ClassVar[
        dict[str, Any]
    ] = {}  # options PyTorch saves that tell this class from a sibling (Adam's decoupled_weight_decay=False)

    def __init__(self, params: ParamsT, defaults: dict[str, Any]) -> None:
        self._check_options(defaults, type(self).__name__)
        self.defaults = dict(defaults)
        self.state: dict[int, dict[str, Any]] = {}  # id(param) -> dict of arrays and counters
        self.param_groups: list[dict[str, Any]] = []
        if isinstance(params, Tensor):
            raise TypeError(
                "params must be an iterable of Tensors or of dicts, got a single Tensor: "
                "pass model.parameters() or [tensor]"
            )
        groups: list[Any] = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group: dict[str, Any]) -> None:
        if not isinstance(group, dict):
            raise TypeError(f"a parameter group must be a dict, got {type(group).__name__}")
        group = dict(group)
        params = group.get("params")
        params = [params] if isinstance(params, Tensor) else list(params or ())
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, got {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError(f"can't optimize a non-leaf Tensor (shape {p.shape})")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or any(id(p) in seen for p in params):
            raise ValueError("some parameters appear more than once (in this group or in an earlier one)")
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(
                f"unknown options {sorted(unknown)} in a parameter group; expected some of {sorted(self.defaults)}"
            )
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self._check_options(group, f"{type(self).__name__} parameter group {len(self.param_groups)}")
        group["params"] = params
        self.param_groups.append(group)

    def _check_options(self, group, where):
        """Raise TypeError / ValueError naming the option and its value; betas become a tuple."""
        for name, (expected, type_ok, value_ok) in self.options.items():
            v = group[name]
            if not type_ok(v):
                raise TypeError(
                    f"{where}: invalid {_LABELS.get(name, name)}: {v!r} ({name} must be {expected}, "
                    f"got {type(v).__name__})"
                )
            if not value_ok(v):
                raise ValueError(f"{where}: invalid {_LABELS.get(name, name)}: {v!r} ({name} must be {expected})")
        if "betas" in group:
            group["betas"] = tuple(group["betas"])

    def _state_keys(self, group):
        """(keys every parameter's state holds once it has one, keys it may hold too), or None for any keys.

        'step' is a count; every other key holds an array of the parameter's shape (with None, other values than
        arrays are a subclass's own and are copied as they are)."""
        return None

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget every parameter's gradient (None, or zeros with set_to_none=False)."""
        for g in self.param_groups:
            for p in g["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad = Tensor(np.zeros_like(p.data))

    @no_grad()
    def step(self, closure: Callable[[], _L] | None = None) -> _L | None:
        """One update of every parameter that has a gradient; `closure` re-evaluates and returns the loss.

        Every gradient, option and state array is checked before the first update, so a step that raises has
        changed nothing.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        name = type(self).__name__
        for gi, group in enumerate(self.param_groups):  # options may have been changed since add_param_group
            self._check_options(group, f"{name}.step: parameter group {gi}")
        todo = [
            (p, group, (gi, pi))
            for gi, group in enumerate(self.param_groups)
            for pi, p in enumerate(group["params"])
            if p.grad is not None
        ]
        for p, _, where in todo:
            _check_grad(name, p, where, self.state.get(id(p)))
        if is_anomaly_enabled():
            _check_finite(name, todo)
        for p, group, _ in todo:
            grad = np.asarray(p.grad.data, dtype=p.data.dtype)
            self._update(p, grad, group, self.state.setdefault(id(p), {}))
        return loss

    def _update(self, p, grad, group, state):
        raise NotImplementedError

    # ---- state -------------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """{'state': {index: {...}}, 'param_groups': [{options, 'params': [indices]}]}, numbered like PyTorch.

        'optimizer' names the class, so that loading into another optimizer can say where the dict came from.
        """
        index: dict[int, int] = {}
        groups: list[dict[str, Any]] = []
        i = 0
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                index[id(p)] = i
                ids.append(i)
                i += 1
            groups.append({**{k: v for k, v in g.items() if k != "params"}, "params": ids})
        state = {index[k]: copy.deepcopy(v) for k, v in self.state.items() if k in index and v}
        return {"optimizer": type(self).__name__, "state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and per-parameter state saved by state_dict(); checks everything before changing anything."""
        options, state = self._checked_state_dict(state_dict)
        for mine, opts in zip(self.param_groups, options):
            mine.update(opts)
        self.state = state

    def _checked_state_dict(self, sd):
        """The options of every group and the new self.state that sd describes, or an error naming what is wrong."""
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(sd, dict):
            raise TypeError(
                f"{where}: expected a dict with 'state' and 'param_groups' (from "
                f"Optimizer.state_dict()), got {type(sd).__name__}"
            )
        missing = [k for k in ("state", "param_groups") if k not in sd]
        if missing:
            raise ValueError(
                f"{where}: the state dict lacks {missing}: expected a dict with 'state' and "
                f"'param_groups' (from Optimizer.state_dict()), got keys {sorted(map(str, sd))}"
            )
        groups, saved_state = sd["param_groups"], sd["state"]
        if not isinstance(groups, (list, tuple)) or not all(isinstance(g, dict) for g in groups):
            raise TypeError(f"{where}: 'param_groups' must be a list of dicts, got {_kind(groups)}")
        if not isinstance(saved_state, dict):
            raise TypeError(f"{where}: 'state' must be a dict of per-parameter dicts, got {_kind(saved_state)}")
        origin = sd.get("optimizer")
        if origin is not None and origin != name:
            raise ValueError(f"{where}: this state dict is from {origin}, not {name}; nothing loaded")
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{where}: loaded state dict has {len(groups)} parameter groups, this optimizer has "
                f"{len(self.param_groups)}; nothing loaded"
            )

        options: list[dict[str, Any]] = []
        by_index: dict[int, tuple[Tensor, dict[str, Any]]] = {}
        for gi, (saved, mine) in enumerate(zip(groups, self.param_groups)):
            opts = self._checked_options(saved, f"{where}: parameter group {gi}")
            ids = saved.get("params")
            if not isinstance(ids, (list, tuple)) or not all(_index(i) for i in ids):
                raise TypeError(
                    f"{where}: 'params' of parameter group {gi} must be a list of parameter indices (ints), got {ids!r}"
                )
            if len(ids) != len(mine["params"]):
                raise ValueError(
                    f"{where}: parameter group {gi} has {len(ids)} parameters in the loaded state "
                    f"dict but {len(mine['params'])} here; nothing loaded"
                )
            options.append(opts)
            for i, p in zip(ids, mine["params"]):
                if i in by_index:
                    raise ValueError(f"{where}: parameter index {i} is listed twice in 'param_groups'")
                by_index[i] = (p, opts)

        state: dict[int, dict[str, Any]] = {}
        for i, s in saved_state.items():
            if i not in by_index:
                raise ValueError(
                    f"{where}: the loaded state dict has state for parameter {i!r}, which no group "
                    f"lists; nothing loaded"
                )
            p, opts = by_index[i]
            if not isinstance(s, dict):
                raise TypeError(f"{where}: the state of parameter {i} must be a dict, got {_kind(s)}")
            if s:
                state[id(p)] = self._checked_entry(s, p, opts, f"{where}: state of parameter {i}")
        return options, state

    def _checked_options(self, saved, where):
        """A saved group's options, copied and checked; PyTorch's implementation flags (foreach, fused...) dropped."""
        names = set(self.options or self.defaults)  # a subclass that declares no checks still has its defaults
        if _options(type(self), saved) != names or not _agrees(type(self), saved):
            origins = [c.__name__ for c in _subclasses(Optimizer) if c is not type(self) and _fits(c, saved)]
            options = sorted(map(str, set(saved) - {"params"}))
            if origins:  # Adam's and AdamW's own dicts look alike: both are named
                raise ValueError(
                    f"{where}: this state dict is from {' or '.join(origins)} (options "
                    f"{', '.join(options)}), not {type(self).__name__}; nothing loaded"
                )
            raise ValueError(
                f"{where} has options {options}, {type(self).__name__} has {sorted(names)}; nothing loaded"
            )
        opts = {k: copy.deepcopy(saved[k]) for k in names}
        self._check_options(opts, where)
        return opts

    def _checked_entry(self, s, p, group, where):
        """One parameter's state, copied and cast to the parameter's dtype, after checking its keys and values."""
        layout = self._state_keys(group)
        if layout is not None:
            required, optional = layout
            if not required <= set(s) <= required | optional:
                extra = f" (and may hold {sorted(optional)})" if optional else ""
                raise ValueError(
                    f"{where} has keys {sorted(map(str, s))}, but {type(self).__name__} keeps "
                    f"{sorted(required)}{extra}; nothing loaded"
                )
        out: dict[str, Any] = {}
        for k, v in s.items():
            if k == "step":
                a = np.asarray(v.data if isinstance(v, Tensor) else v)
                if a.ndim or a.dtype.kind not in "iuf" or not (np.isfinite(a) and a >= 0 and a == np.floor(a)):
                    raise ValueError(f"{where}: 'step' must be a count (an int >= 0), got {v!r}; nothing loaded")
                out[k] = int(a)
                continue
            if layout is None and not isinstance(v, (np.ndarray, Tensor)):
                out[k] = copy.deepcopy(v)
                continue
            a = np.asarray(v.data if isinstance(v, Tensor) else v)
            if a.dtype.kind != "f":
                raise TypeError(f"{where}: {k!r} must be a floating array, got dtype {a.dtype}; nothing loaded")
            if a.shape != p.shape:
                raise ValueError(
                    f"{where}: {k!r} has shape {a.shape} but the parameter has shape {p.shape}; nothing loaded"
                )
            out[k] = a.astype(p.dtype, copy=True)
        return out

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(g.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _kind(v):
    return type(v).__name__


def _index(i):
    return isinstance(i, numbers.Integral) and not isinstance(i, bool)


def _subclasses(cls):
    for c in cls.__subclasses__():
        yield c
        yield from _subclasses(c)


def _options(cls, saved):
    """The option names of a saved group, without PyTorch's implementation flags and cls's implied ones."""
    return set(saved) - {"params"} - _PYTORCH_FLAGS - set(cls.implied)


def _agrees(cls, saved):
    """Whether the flags that tell cls from a sibling (PyTorch's decoupled_weight_decay) agree, where saved."""
    return all(saved[k] == v for k, v in cls.implied.items() if k in saved)


def _fits(cls, saved):
    return bool(cls.options) and _options(cls, saved) == set(cls.options) and _agrees(cls, saved)


def _param_name(p, where):
    gi, pi = where
    return repr(p.name) if p.name else f"{pi} of parameter group {gi}"


def _check_grad(optimizer, p, where, state):
    """Raise naming the parameter if its gradient (or its state) does not fit it; nothing is changed."""
    what = f"{optimizer}.step: the gradient of parameter {_param_name(p, where)}"
    g = p.grad
    if g.dtype.kind != "f" or p.dtype.kind != "f":
        raise TypeError(
            f"{what} has dtype {g.dtype} and the parameter {p.dtype}: both must be floating; no parameter was updated"
        )
    if g.shape != p.shape:  # never broadcast: a (1,) gradient would move every weight by the same step
        raise ValueError(f"{what} has shape {g.shape} but the parameter has shape {p.shape}; no parameter was updated")
    if not p.data.flags.writeable:
        raise ValueError(
            f"{optimizer}.step: parameter {_param_name(p, where)} (shape {p.shape}) is read-only "
            "(a broadcast or shared array), so it cannot be updated in place; no parameter was updated"
        )
    for k, v in (state or {}).items():
        if isinstance(v, np.ndarray) and v.shape != p.shape:
            raise ValueError(
                f"{optimizer}.step: state {k!r} of parameter {_param_name(p, where)} has shape "
                f"{v.shape} but the parameter has shape {p.shape} (was the parameter replaced?); "
                "no parameter was updated"
            )


def _check_finite(optimizer, todo):
    """Raise AnomalyError naming the first parameter whose gradient holds NaN or Inf."""
    for p, _, where in todo:
        g = p.grad.data
        if not np.isfinite(g).all():
            raise AnomalyError(
                f"{optimizer}.step: the gradient of parameter {_param_name(p, where)} (shape "
                f"{p.shape}) holds {'NaN' if np.isnan(g).any() else 'Inf'}; no parameter was updated"
            )
