"""`Function`: one primitive op, its forward and its backward side by side, both on NumPy arrays.

`MyOp.apply(*tensors, **params)` makes one instance (the context), calls `forward(ctx, *arrays, **params)`
and keeps the instance as the output's node only when a gradient is needed. `backward(ctx, grad)` returns
one gradient per tensor input (or None where `ctx.needs_input_grad[i]` is False).

Backward code uses only operators and methods that NumPy arrays and Tensors share (`*`, `.sum(axis=)`,
`.reshape`, ...) plus the dispatching helpers below. When a graph of the backward pass is wanted
(`create_graph=True`), the engine hands `backward` the input and output *Tensors* in place of the arrays
the context saved, so the same code records a differentiable backward pass.
"""
import itertools

import numpy as np

from . import anomaly, grad_mode, scope, version
from .tensor import Tensor, as_tensor, _plain


class Function:
    """Base class of every primitive. Subclass it, write `forward` and `backward` as staticmethods."""

    # What the engine keeps on a node lives in slots; what a forward saves lands in the instance __dict__,
    # so freeing the saved arrays after backward is one dict.clear().
    __slots__ = ("parents", "needs_input_grad", "scope", "epoch", "seq", "creation_stack", "__dict__")
    freed = False  # set on the instance once backward has freed the saved arrays
    # Optional: a staticmethod the backward pass calls in place of `backward` on arrays (never with create_graph),
    # allowed to return `Scattered` gradients; `backward` itself always returns whole arrays (GetItem has one).
    sparse_backward = None

    @staticmethod
    def forward(ctx, *arrays, **params):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError

    def save_for_backward(self, *arrays):
        self.saved_tensors = arrays

    @classmethod
    def apply(cls, *inputs, **params):
        arrays, needs = [], []
        for t in inputs:  # one plain loop: this is the hottest code in the engine
            if not isinstance(t, Tensor):
                return cls.apply(*[as_tensor(x) for x in inputs], **params)
            arrays.append(t.data)
            needs.append(t.requires_grad)
        ctx = cls.__new__(cls)
        try:
            out = cls.forward(ctx, *arrays, **params)
        except (ValueError, TypeError, IndexError) as e:
            shapes = " and ".join(str(t.shape) for t in inputs)
            raise _plain(e)(f"{cls.__name__}: cannot apply to inputs of shape {shapes}: {e}") from None
        if type(out) is not np.ndarray:
            ctx._forward_out = out  # NumPy gives 0-d results as scalars; create_graph must find the one ctx saved
            out = np.asarray(out)
        result = Tensor.__new__(Tensor)
        result.data = out
        if True in needs and grad_mode._enabled:
            ctx.parents = inputs
            ctx.needs_input_grad = tuple(needs)
            ctx.scope = scope.current
            ctx.epoch = version.epoch
            ctx.seq = next(_sequence)
            result._ctx = ctx
            result.requires_grad = True
            if anomaly.enabled:
                anomaly.record(ctx)
        if anomaly.enabled:
            anomaly.check_forward(ctx, result.data, inputs)
        return result

    def __repr__(self):
        return f"<{type(self).__name__}>"


# Nodes are numbered as they are made; a node's inputs were all made before it, so processing nodes from the
# highest number down is a valid reverse topological order (the backward pass uses this, as PyTorch's does).
_sequence = itertools.count()


class Scattered:
    """A gradient that is zero except for `values` at `index` (basic indexing): what x[index] sends back to x.

    The backward pass adds it in place into one gradient buffer per input instead of making a zero array of the
    input's shape per slice, so a loop over x[t] for t < T costs O(T) instead of O(T^2) (see graph.run_backward).
    """
    __slots__ = ("shape", "index", "values")

    def __init__(self, shape, index, values):
        self.shape, self.index, self.values = shape, index, values

    def dense(self):
        """The whole gradient as one array (for tools that look at it: graph.grad_recorders)."""
        out = np.zeros(self.shape, self.values.dtype)
        out[self.index] = self.values
        return out


def unbroadcast(g, shape):
    """Sum a gradient back to the shape of an input that was broadcast to g's shape."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def broadcast_to(g, shape):
    return g.broadcast_to(shape) if isinstance(g, Tensor) else np.broadcast_to(g, shape)


def select(cond, g):
    """g where cond holds, 0 elsewhere (a mask product would turn inf * 0 into nan)."""
    if isinstance(g, Tensor):
        from .ops.elementwise import Where
        return Where.apply(cond, g, np.zeros((), g.dtype))
    return np.where(cond, g, np.zeros((), g.dtype))
