"""Gradients of every tensor of a graph, recorded during a backward pass (the engine keeps only the leaves')."""

from __future__ import annotations

import collections
import contextlib
import numbers
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, cast, overload

import numpy as np

import autograd_core as ag
from autograd_core import graph as _graph

if TYPE_CHECKING:
    import numpy.typing as npt

    from autograd_core import Function, Tensor
    from autograd_core.types import Array

    from .trace import Trace

__all__ = ["Recording", "LeafGrads", "record_gradients", "gradients"]

# The latest few Recordings, newest last, so `draw_backward(loss)` finds what `loss.backward()` produced. Few:
# each keeps its graph alive.
_recent: collections.deque[Recording] = collections.deque(maxlen=4)


class Recording:
    """Per tensor: its gradient and the gradients its op sent to each of its inputs."""

    def __init__(self) -> None:
        # id(tensor) -> (tensor, grad, input_grads); the tensor is kept so ids stay valid
        self._entries: dict[int, tuple[Tensor, Array | Tensor | None, Sequence[Array | Tensor | None] | None]] = {}
        self._params: dict[
            int, tuple[Function, dict[str, float]]
        ] = {}  # id(ctx) -> (ctx, its number parameters): backward() frees them, drawings need `**2`

    def _on_grad(
        self, t: Tensor, g: Array | Tensor | None, input_grads: Sequence[Array | Tensor | None] | None
    ) -> None:
        self._entries[id(t)] = (t, g, input_grads)
        ctx = t._ctx
        if ctx is not None and id(ctx) not in self._params:
            self._params[id(ctx)] = (ctx, _numbers(ctx))

    def params(self, ctx: Function) -> dict[str, float]:
        """The numbers ctx's forward saved (PowScalar's exponent p), as they were during the backward pass."""
        e = self._params.get(id(ctx))
        return e[1] if e is not None and e[0] is ctx else _numbers(ctx)

    def __contains__(self, t: object) -> bool:
        e = self._entries.get(id(t))
        return e is not None and e[0] is t

    def __len__(self) -> int:
        return len(self._entries)

    def grad(self, t: Tensor) -> Array | None:
        """d(output)/d(t) as an ndarray, or None if t got no gradient."""
        return _array(self._entries[id(t)][1]) if t in self else None

    def input_grad(self, t: Tensor, position: int) -> Array | None:
        """The gradient t's op sent to its input number `position` (None if it sent none)."""
        if t not in self:
            return None
        ig = self._entries[id(t)][2]
        return None if ig is None else _array(ig[position])

    def clear(self) -> None:
        self._entries.clear()
        self._params.clear()


def _numbers(ctx: Function) -> dict[str, float]:
    return {
        k: cast(float, v)  # ints and floats (NumPy's too); the stubs' numbers.Number has no arithmetic
        for k, v in getattr(ctx, "__dict__", {}).items()
        if isinstance(v, numbers.Number) and not isinstance(v, bool)
    }


class LeafGrads:
    """Fallback when nothing was recorded: only the leaves' `.grad` is known."""

    def __init__(self, tensors: Iterable[Tensor]) -> None:
        self._grads: dict[int, Tensor] = {id(t): t.grad for t in tensors if t._ctx is None and t.grad is not None}

    def __contains__(self, t: object) -> bool:
        return id(t) in self._grads

    def grad(self, t: Tensor) -> Array | None:
        g = self._grads.get(id(t))
        return None if g is None else _array(g)

    def input_grad(self, t: Tensor, position: int) -> Array | None:
        return None

    def params(self, ctx: Function) -> dict[str, float]:
        return _numbers(ctx)


if TYPE_CHECKING:
    Grads = Recording | LeafGrads  # where a drawing finds its gradients


@overload
def _array(g: None) -> None: ...
@overload
def _array(g: npt.ArrayLike | Tensor) -> Array: ...
def _array(g: npt.ArrayLike | Tensor | None) -> Array | None:
    if g is None:
        return None
    return np.asarray(g.data if isinstance(g, ag.Tensor) else g)


@contextlib.contextmanager
def record_gradients() -> Iterator[Recording]:
    """Record every tensor's gradient during the backward passes run inside:

    with viz.record_gradients():
        loss.backward()
    viz.draw_backward(loss)
    """
    rec = Recording()
    _recent.append(rec)
    with _graph.recording(rec._on_grad):
        yield rec


def gradients(trace: Trace, recording: Grads | None = None, compute: bool = True) -> Grads:
    """The gradients to draw for trace's graph: given, recorded, computed now, or (last resort) the leaves' only."""
    if recording is not None:
        if not isinstance(recording, (Recording, LeafGrads)):
            raise TypeError(
                "viz: recording= takes what `with viz.record_gradients() as rec:` gives, got "
                f"{type(recording).__name__}"
            )
        return recording
    for rec in reversed(_recent):
        if all(r in rec for r in trace.roots):
            return rec
    live = [r for r in trace.roots if r.requires_grad]
    if compute and live and not trace.is_freed():
        # Run the backward pass ourselves; retain_graph keeps the user's graph usable, inputs=[] leaves .grad alone.
        with record_gradients() as rec:
            ag.grad(live, [], grad_outputs=[ag.Tensor(np.ones(r.shape, r.dtype)) for r in live], retain_graph=True)
        return rec
    if compute:
        warnings.warn(
            "the gradients of intermediate tensors were not recorded (the engine keeps only the leaves' "
            ".grad): run the backward pass inside `with viz.record_gradients():`, or call backward("
            "retain_graph=True) before drawing",
            stacklevel=3,
        )
    return LeafGrads(trace.tensors)
