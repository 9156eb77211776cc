"""Gradient check on the picture: every op's own backward against central differences of that op alone."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd_core import Function, Tensor

from .args import limits, positive
from .dot import Painter, to_digraph
from .trace import Trace
from .view import make_view

if TYPE_CHECKING:
    import graphviz

    from autograd_core.types import Array

    from .view import ScopeRule

__all__ = ["OpCheck", "check_op", "check_ops", "draw_gradcheck"]


@dataclass
class OpCheck:
    op: str
    scope: str
    ok: bool
    max_error: float
    checked: int  # elements perturbed


@contextlib.contextmanager
def _remember_params() -> Iterator[dict[int, dict[str, Any]]]:
    """While active, each recorded op keeps the keyword parameters it was applied with (axis=, shape=, ...).

    The engine does not store them (it would cost every op an attribute), and re-running one op alone needs
    them, so Function.apply is wrapped for the duration of the check only.
    """
    original = Function.__dict__["apply"]
    params: dict[int, dict[str, Any]] = {}  # id(ctx) -> the keyword parameters its op was applied with

    def apply(cls: type[Function], *inputs: Any, **kwargs: Any) -> Any:
        out = original.__func__(cls, *inputs, **kwargs)
        if getattr(out, "_ctx", None) is not None:
            params[id(out._ctx)] = kwargs
        return out

    Function.apply = classmethod(apply)  # type: ignore[method-assign, assignment]  # patched while checking only
    try:
        yield params
    finally:
        Function.apply = original  # type: ignore[method-assign]  # restored


def _float64(a: Array) -> Array:
    return a.astype(np.float64) if a.dtype.kind == "f" else a


def check_op(
    ctx: Function,
    params: dict[str, Any],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    max_elements: int = 64,
    rng: np.random.Generator | None = None,
) -> tuple[bool, float, int]:
    """Check one recorded op: its backward(v) against central differences of sum(v * forward(inputs))."""
    cls = type(ctx)
    rng = np.random.default_rng(0) if rng is None else rng
    arrays = [_float64(np.array(p.data)) for p in ctx.parents]

    def forward(xs: Sequence[Array]) -> tuple[Function, Array]:
        c = cls.__new__(cls)
        c.parents, c.needs_input_grad, c.scope = ctx.parents, ctx.needs_input_grad, getattr(ctx, "scope", "")
        return c, np.asarray(cls.forward(c, *xs, **params), dtype=np.float64)

    c, out = forward(arrays)
    v = rng.standard_normal(out.shape)
    analytic = cls.backward(c, v)
    analytic = analytic if isinstance(analytic, tuple) else (analytic,)
    worst, bad, count = 0.0, False, 0
    for i, x in enumerate(arrays):
        if not ctx.needs_input_grad[i] or x.dtype.kind != "f":
            continue
        a = np.zeros(x.shape) if analytic[i] is None else np.asarray(analytic[i], dtype=np.float64)
        if a.shape != x.shape:
            return False, float("inf"), count
        flat_idx = np.arange(x.size)
        if x.size > max_elements:  # big inputs: a random sample of elements keeps the check fast
            flat_idx = rng.choice(x.size, max_elements, replace=False)
        for j in flat_idx:
            xs = list(arrays)
            plus, minus = x.copy(), x.copy()
            plus.reshape(-1)[j] += eps
            minus.reshape(-1)[j] -= eps
            xs[i] = plus
            fp = float(np.sum(forward(xs)[1] * v))
            xs[i] = minus
            fm = float(np.sum(forward(xs)[1] * v))
            numeric, an = (fp - fm) / (2 * eps), a.reshape(-1)[j]
            err = abs(an - numeric)
            worst = max(worst, err)
            bad |= not err <= atol + rtol * abs(numeric)  # `not <=` also catches nan
            count += 1
    return not bad, float(worst), count


def check_ops(
    fn: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[object],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    max_elements: int = 64,
    _who: str = "viz.check_ops",
) -> tuple[Trace, dict[int, OpCheck]]:
    """Run fn on float64 copies of inputs and check every op it recorded; returns (trace, {op index: OpCheck})."""
    if not callable(fn):
        raise TypeError(f"{_who}: fn must be a function of the inputs, got {type(fn).__name__}")
    if not isinstance(inputs, (Tensor, list, tuple)):
        raise TypeError(f"{_who}: inputs must be a Tensor or a list of them, got {type(inputs).__name__}")
    positive(eps, "eps", _who)
    positive(atol, "atol", _who, zero_ok=True)
    positive(rtol, "rtol", _who, zero_ok=True)
    limits(_who, max_elements=max_elements)
    inputs = [inputs] if isinstance(inputs, Tensor) else list(inputs)
    xs = [
        Tensor(t.data.astype(np.float64), requires_grad=t.requires_grad, name=t.name)
        if isinstance(t, Tensor) and t.dtype.kind == "f"
        else t
        for t in inputs
    ]
    with _remember_params() as params:
        out = fn(*xs)
    if not isinstance(out, (Tensor, list, tuple)):
        raise TypeError(f"{_who}: fn must return a Tensor (or a list of them), it returned {type(out).__name__}")
    trace = Trace(list(out) if isinstance(out, (tuple, list)) else out, f"{_who}: the output of fn")
    rng = np.random.default_rng(0)
    results: dict[int, OpCheck] = {}
    for k, ctx in enumerate(trace.ops):
        if id(ctx) not in params:
            continue  # an op with its own apply(): no parameters to re-run it with
        ok, err, n = check_op(ctx, params[id(ctx)], eps, atol, rtol, max_elements, rng)
        results[k] = OpCheck(trace.op_name(k), trace.scope(k), ok, err, n)
    return trace, results


def draw_gradcheck(
    fn: Callable[..., Tensor | Sequence[Tensor]],
    inputs: Tensor | Sequence[object],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    max_elements: int = 64,
    collapse: str | int | ScopeRule | None = None,
    max_nodes: int | None = 500,
) -> graphviz.Digraph:
    """The forward graph of fn(*inputs), each op green (its backward agrees with finite differences) or red
    (labelled with its max error). `.gradcheck` on the returned Digraph holds the per-op results."""
    limits("viz.draw_gradcheck", max_nodes=max_nodes)
    trace, results = check_ops(fn, inputs, eps, atol, rtol, max_elements, _who="viz.draw_gradcheck")
    status = {k: (r.ok, r.max_error) for k, r in results.items()}
    failed = [r for r in results.values() if not r.ok]
    title = f"gradcheck: {len(results) - len(failed)} of {len(results)} ops pass" + (
        ": failing " + ", ".join(sorted({r.op for r in failed})) if failed else ""
    )
    view = make_view(trace, wire=False, collapse=collapse, max_nodes=max_nodes)
    g = to_digraph(view, Painter(trace, "forward", op_status=status), title=title)
    g.gradcheck = results
    return g
