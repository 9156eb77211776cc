"""`Function`: one primitive op, its forward and its backward side by side, both on NumPy arrays.

`MyOp.apply(*tensors, **params)` makes one instance (the context), calls `forward(ctx, *arrays, **params)`
and keeps the instance as the output's node only when a gradient is needed. `backward(ctx, grad)` returns
one gradient per tensor input (or None where `ctx.needs_input_grad[i]` is False).

Backward code uses only operators and methods that NumPy arrays and Tensors share (`*`, `.sum(axis=)`,
`.reshape`, ...) plus the dispatching helpers below. When a graph of the backward pass is wanted
(`create_graph=True`), the engine hands `backward` the input and output *Tensors* in place of the arrays
the context saved, so the same code records a differentiable backward pass.
"""
import numpy as np

from . import grad_mode, scope
from .tensor import Tensor, as_tensor


class Function:
    """Base class of every primitive. Subclass it, write `forward` and `backward` as staticmethods."""

    # Context attributes the engine owns; everything else a forward saved is freed after backward.
    _graph_attrs = ("parents", "needs_input_grad", "scope", "_freed")

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
        tensors = tuple(t if isinstance(t, Tensor) else as_tensor(t) for t in inputs)
        ctx = cls.__new__(cls)
        try:
            out = cls.forward(ctx, *[t.data for t in tensors], **params)
        except (ValueError, TypeError, IndexError) as e:
            shapes = " and ".join(str(t.shape) for t in tensors)
            raise type(e)(f"{cls.__name__}: cannot apply to inputs of shape {shapes}: {e}") from None
        if type(out) is not np.ndarray:
            ctx._forward_out = out  # NumPy gives 0-d results as scalars; create_graph must find the one ctx saved
            out = np.asarray(out)
        result = Tensor.__new__(Tensor)
        result.data = out
        result.grad = None
        result.name = None
        result._hooks = None
        if grad_mode._enabled:
            needs = tuple([t.requires_grad for t in tensors])
            if True in needs:
                ctx.parents = tensors
                ctx.needs_input_grad = needs
                ctx.scope = scope.current
                result._ctx = ctx
                result.requires_grad = True
                return result
        result._ctx = None
        result.requires_grad = False
        return result

    def __repr__(self):
        return f"<{type(self).__name__}>"


def is_tensor(x):
    return isinstance(x, Tensor)


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
