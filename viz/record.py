"""Gradients of every tensor of a graph, recorded during a backward pass (the engine keeps only the leaves')."""

import collections
import contextlib
import numbers
import warnings

import numpy as np

import autograd_core as ag
from autograd_core import graph as _graph

__all__ = ["Recording", "LeafGrads", "record_gradients", "gradients"]

# The latest few Recordings, newest last, so `draw_backward(loss)` finds what `loss.backward()` produced. Few:
# each keeps its graph alive.
_recent = collections.deque(maxlen=4)


class Recording:
    """Per tensor: its gradient and the gradients its op sent to each of its inputs."""

    def __init__(self):
        self._entries = {}  # id(tensor) -> (tensor, grad, input_grads); the tensor is kept so ids stay valid
        self._params = {}  # id(ctx) -> (ctx, its number parameters): backward() frees them, drawings need `**2`

    def _on_grad(self, t, g, input_grads):
        self._entries[id(t)] = (t, g, input_grads)
        ctx = t._ctx
        if ctx is not None and id(ctx) not in self._params:
            self._params[id(ctx)] = (ctx, _numbers(ctx))

    def params(self, ctx):
        """The numbers ctx's forward saved (PowScalar's exponent p), as they were during the backward pass."""
        e = self._params.get(id(ctx))
        return e[1] if e is not None and e[0] is ctx else _numbers(ctx)

    def __contains__(self, t):
        e = self._entries.get(id(t))
        return e is not None and e[0] is t

    def __len__(self):
        return len(self._entries)

    def grad(self, t):
        """d(output)/d(t) as an ndarray, or None if t got no gradient."""
        return _array(self._entries[id(t)][1]) if t in self else None

    def input_grad(self, t, position):
        """The gradient t's op sent to its input number `position` (None if it sent none)."""
        if t not in self:
            return None
        ig = self._entries[id(t)][2]
        return None if ig is None else _array(ig[position])

    def clear(self):
        self._entries.clear()
        self._params.clear()


def _numbers(ctx):
    return {
        k: v
        for k, v in getattr(ctx, "__dict__", {}).items()
        if isinstance(v, numbers.Number) and not isinstance(v, bool)
    }


class LeafGrads:
    """Fallback when nothing was recorded: only the leaves' `.grad` is known."""

    def __init__(self, tensors):
        self._grads = {id(t): t.grad for t in tensors if t._ctx is None and t.grad is not None}

    def __contains__(self, t):
        return id(t) in self._grads

    def grad(self, t):
        g = self._grads.get(id(t))
        return None if g is None else _array(g)

    def input_grad(self, t, position):
        return None

    def params(self, ctx):
        return _numbers(ctx)


def _array(g):
    if g is None:
        return None
    return np.asarray(g.data if isinstance(g, ag.Tensor) else g)


@contextlib.contextmanager
def record_gradients():
    """Record every tensor's gradient during the backward passes run inside:

    with viz.record_gradients():
        loss.backward()
    viz.draw_backward(loss)
    """
    rec = Recording()
    _recent.append(rec)
    with _graph.recording(rec._on_grad):
        yield rec


def gradients(trace, recording=None, compute=True):
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
