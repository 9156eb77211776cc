"""Finite-difference checks of gradients, for the engine's own ops and for users' functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import grad_mode
from .graph import grad as _grad
from .tensor import Tensor

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


class GradcheckError(RuntimeError):
    """Raised when an analytic gradient disagrees with central differences."""


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _checked_args(who, fn, inputs, eps, atol, rtol):
    """The inputs as a list, after checking what the caller handed in."""
    if not callable(fn):
        raise TypeError(f"{who}: fn must be a function of the inputs, got {type(fn).__name__}")
    if not isinstance(inputs, (Tensor, list, tuple)):
        raise TypeError(f"{who}: inputs must be a Tensor or a list of Tensors, got {type(inputs).__name__}")
    for name, v in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0:
            raise ValueError(f"{who}: {name} must be a number >= 0, got {v!r}")
    return [inputs] if isinstance(inputs, Tensor) else list(inputs)


def _float64_inputs(inputs):
    xs = []
    for t in inputs:
        if isinstance(t, Tensor) and t.dtype.kind == "f":
            # C order: the finite differences perturb a flat view, which a non-contiguous array would copy
            xs.append(Tensor(t.data.astype(np.float64, order="C"), requires_grad=t.requires_grad))
        else:
            xs.append(t)
    return xs


def gradcheck(
    fn: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Compare fn's analytic gradients with central differences, in float64.

    fn maps the inputs to a Tensor (or a tuple of Tensors). Every input Tensor that requires grad is checked:
    the gradient of sum(v * fn(*inputs)) for a fixed random v, element by element. Returns True, or raises
    GradcheckError naming the input, the index, both values and the max error (returns False instead when
    raise_exception=False).
    """
    inputs = _checked_args("gradcheck", fn, inputs, eps, atol, rtol)
    xs = _float64_inputs(inputs)
    checked = [i for i, x in enumerate(xs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad, so there is nothing to check")
    outs = _as_tuple(fn(*xs))
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(o.shape) for o in outs]

    def projected():
        with grad_mode.no_grad():
            return sum(float(np.sum(np.asarray(o.data, dtype=np.float64) * v)) for o, v in zip(_as_tuple(fn(*xs)), vs))

    live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    analytic: Sequence[Tensor | None]
    if live:
        analytic = _grad(
            [o for o, _ in live], [xs[i] for i in checked], grad_outputs=[Tensor(v) for _, v in live], allow_unused=True
        )
    else:
        analytic = [None] * len(checked)

    for i, g in zip(checked, analytic):
        x = xs[i]
        a = np.zeros(x.shape) if g is None else np.asarray(g.data, dtype=np.float64)
        numeric = np.zeros(x.shape)
        flat = x.data.reshape(-1)  # a view: perturbing it perturbs x
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            plus = projected()
            flat[j] = orig - eps
            minus = projected()
            flat[j] = orig
            numeric.reshape(-1)[j] = (plus - minus) / (2 * eps)
        err = np.abs(a - numeric)
        bad = err > atol + rtol * np.abs(numeric)
        if bad.any():
            idx = np.unravel_index(int(np.argmax(bad)), x.shape)
            msg = (
                f"gradcheck failed for input {i} (shape {x.shape}) at index {tuple(int(k) for k in idx)}: "
                f"analytic {a[idx]:.8g}, numeric {numeric[idx]:.8g}; max abs error over this input "
                f"{err.max():.3g} (atol={atol}, rtol={rtol})"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def gradgradcheck(
    fn: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check second derivatives: gradcheck of the (recorded) vector-Jacobian product of fn."""
    inputs = _checked_args("gradgradcheck", fn, inputs, eps, atol, rtol)
    rng = np.random.default_rng(seed + 1)
    vs = None

    def first_derivatives(*xs):
        with grad_mode.enable_grad():  # gradcheck evaluates its fn under no_grad for the finite differences
            return _first_derivatives(*xs)

    def _first_derivatives(*xs):
        nonlocal vs
        outs = _as_tuple(fn(*xs))
        if vs is None:
            vs = [rng.standard_normal(o.shape) for o in outs]
        live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
        wrt = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        if not live:
            return tuple(Tensor(np.zeros(x.shape)) for x in wrt)
        gs = _grad(
            [o for o, _ in live], wrt, grad_outputs=[Tensor(v) for _, v in live], create_graph=True, allow_unused=True
        )
        return tuple(Tensor(np.zeros(x.shape)) if g is None else g for x, g in zip(wrt, gs))

    return gradcheck(
        first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception, seed=seed
    )
