"""`Optimizer`: parameter groups, per-parameter state, zero_grad and state_dict, shared by SGD and Adam."""
import copy

import numpy as np

from autograd_core import AnomalyError, Tensor, is_anomaly_enabled, no_grad


class Optimizer:
    """Base class. `params` is an iterable of Parameters, or of dicts (parameter groups) with their own options.

    Subclasses write `_update(p, grad, group, state)`, which changes p in place (`p -= ...`, which bumps its
    version, so a graph that saved the old values refuses to backward); `step()` calls it, under no_grad, for
    every parameter that has a gradient.
    """

    def __init__(self, params, defaults):
        self.defaults = dict(defaults)
        self.state = {}  # id(param) -> dict of arrays and counters
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params must be an iterable of Tensors or of dicts, got a single Tensor: "
                            "pass model.parameters() or [tensor]")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, group):
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
            raise ValueError(f"unknown options {sorted(unknown)} in a parameter group; "
                             f"expected some of {sorted(self.defaults)}")
        for k, v in self.defaults.items():
            group.setdefault(k, v)
        self._check_group(group)
        group["params"] = params
        self.param_groups.append(group)

    def _check_group(self, group):
        if group["lr"] < 0:
            raise ValueError(f"invalid learning rate: {group['lr']} (expected lr >= 0)")
        if group.get("weight_decay", 0) < 0:
            raise ValueError(f"invalid weight_decay value: {group['weight_decay']} (expected >= 0)")

    def zero_grad(self, set_to_none=True):
        """Forget every parameter's gradient (None, or zeros with set_to_none=False)."""
        for g in self.param_groups:
            for p in g["params"]:
                if set_to_none or p.grad is None:
                    p.grad = None
                else:
                    p.grad = Tensor(np.zeros_like(p.data))

    @no_grad()
    def step(self, closure=None):
        """One update of every parameter that has a gradient; `closure` re-evaluates and returns the loss."""
        loss = None
        if closure is not None:
            from autograd_core import enable_grad
            with enable_grad():
                loss = closure()
        todo = [(p, group, (gi, pi)) for gi, group in enumerate(self.param_groups)
                for pi, p in enumerate(group["params"]) if p.grad is not None]
        if is_anomaly_enabled():  # every gradient checked before the first update, so a failed step changes nothing
            _check_finite(type(self).__name__, todo)
        for p, group, _ in todo:
            grad = np.asarray(p.grad.data, dtype=p.data.dtype)
            self._update(p, grad, group, self.state.setdefault(id(p), {}))
        return loss

    def _update(self, p, grad, group, state):
        raise NotImplementedError

    # ---- state -------------------------------------------------------------------------------
    def state_dict(self):
        """{'state': {index: {...}}, 'param_groups': [{options, 'params': [indices]}]}, numbered like PyTorch."""
        index, groups, i = {}, [], 0
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                index[id(p)] = i
                ids.append(i)
                i += 1
            groups.append({**{k: v for k, v in g.items() if k != "params"}, "params": ids})
        state = {index[k]: copy.deepcopy(v) for k, v in self.state.items() if k in index and v}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and per-parameter state saved by state_dict(); checks everything before changing anything."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError(f"loaded state dict has {len(groups)} parameter groups, this optimizer has "
                             f"{len(self.param_groups)}")
        for i, (saved, mine) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(mine["params"]):
                raise ValueError(f"parameter group {i} has {len(saved['params'])} parameters in the loaded "
                                 f"state dict but {len(mine['params'])} here")
        by_index = {}
        for saved, mine in zip(groups, self.param_groups):
            by_index.update(zip(saved["params"], mine["params"]))
        for i, s in state_dict["state"].items():
            if i not in by_index:
                raise ValueError(f"the loaded state dict has state for parameter {i}, which no group lists")
            p = by_index[i]
            for k, v in s.items():
                if isinstance(v, np.ndarray) and v.shape != p.shape:
                    raise ValueError(f"state {k!r} of parameter {i} has shape {v.shape} but the parameter "
                                     f"has shape {p.shape}")
        for saved, mine in zip(groups, self.param_groups):
            mine.update({k: v for k, v in saved.items() if k != "params"})
        self.state = {id(by_index[i]): {k: (v.astype(by_index[i].dtype, copy=True) if isinstance(v, np.ndarray)
                                             else copy.deepcopy(v)) for k, v in s.items()}
                      for i, s in state_dict["state"].items()}

    def __repr__(self):
        lines = [type(self).__name__ + " ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(g.items()) if k != "params"]
        return "\n".join(lines) + "\n)"


def _check_finite(optimizer, todo):
    """Raise AnomalyError naming the first parameter whose gradient holds NaN or Inf."""
    for p, _, (gi, pi) in todo:
        g = p.grad.data
        if not np.isfinite(g).all():
            name = repr(p.name) if p.name else f"{pi} of parameter group {gi}"
            raise AnomalyError(f"{optimizer}.step: the gradient of parameter {name} (shape {p.shape}) holds "
                               f"{'NaN' if np.isnan(g).any() else 'Inf'}; no parameter was updated")
