"""`Function`: one primitive op, its forward and its backward side by side, both on NumPy arrays.

`MyOp.apply(*tensors, **params)` makes one instance (the context), calls `forward(ctx, *arrays, **params)`
and keeps the instance as the output's node only when a gradient is needed. `backward(ctx, grad)` returns
one gradient per tensor input (or None where `ctx.needs_input_grad[i]` is False).

What a forward keeps for backward is declared by role, so that one backward serves every order of derivative:
`ctx.save_for_backward(*arrays)` for inputs and the output (PyTorch's habit), or attributes (`ctx.x = x`) named in
the class's `saves`: `{"x": 0}` (input 0), `{"out": "output"}`, `{"mask": "constant"}` (no gradient flows through
it) or `{"act": "recomputed"}` (backward computes it again from `ctx.parents` when handed Tensors). On the fast
path backward gets the arrays; with `create_graph=True` it gets the matching Tensors (constants stay arrays), so
the same code, written with operators arrays and Tensors share, records a differentiable backward pass. A
floating array saved without a role cannot be matched to a Tensor: `create_graph=True` then raises, naming it.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from . import anomaly, state, version
from .tensor import Tensor, _plain, as_tensor

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from .types import Array, Grads, Index, Operand, Shape, TensorLike

__all__ = ["Function", "Scattered", "unbroadcast", "broadcast_to", "select"]


class Function:
    """Base class of every primitive. Subclass it, write `forward` and `backward` as staticmethods."""

    # What the engine keeps on a node lives in slots; what a forward saves lands in the instance __dict__,
    # so freeing the saved arrays after backward is one dict.clear().
    __slots__ = ("parents", "needs_input_grad", "scope", "epoch", "seq", "creation_stack", "__dict__")
    parents: tuple[Tensor, ...]  # the inputs, as Tensors
    needs_input_grad: tuple[bool, ...]
    scope: str
    epoch: int
    seq: int
    creation_stack: str
    freed: bool = False  # set on the instance once backward has freed the saved arrays
    # Optional: a staticmethod the backward pass calls in place of `backward` on arrays (never with create_graph),
    # allowed to return `Scattered` gradients; `backward` itself always returns whole arrays (GetItem has one).
    sparse_backward: ClassVar[Callable[..., Grads] | None] = None
    # ctx attribute -> role (an input's index, "output", "constant" or "recomputed"); see above
    saves: ClassVar[dict[str, int | str]] = {}
    rule: ClassVar[str | None] = (
        None  # the local rule in lecture notation, one part per input ("g * y, g * x"): drawings and docs read it
    )

    if TYPE_CHECKING:  # what forward saves on ctx (`ctx.x = x`): any name, any value

        def __getattr__(self, name: str) -> Any: ...
        def __setattr__(self, name: str, value: Any) -> None: ...

    # A subclass takes its own arrays and keyword parameters: forward(ctx, x, y, *, axis), so these are Any here.
    @staticmethod
    def forward(ctx: Function, *arrays: Any, **params: Any) -> Array:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Function, grad: Operand) -> Grads:
        raise NotImplementedError

    def save_for_backward(self, *arrays: Array) -> None:
        """Keep inputs or the output (the arrays forward was given or returns) for backward, as `ctx.saved_tensors`."""
        inputs = [p.data for p in self.parents]
        self.saved_tensors = arrays
        # an input's index, or None: the output if it is the array forward returns (checked in graph.py)
        self.saved_roles = tuple(next((i for i, x in enumerate(inputs) if x is a), None) for a in arrays)

    @classmethod
    def apply(cls, *inputs: TensorLike, **params: Any) -> Tensor:
        arrays, needs = [], []
        for t in inputs:  # one plain loop: this is the hottest code in the engine
            if not isinstance(t, Tensor):
                return cls.apply(*[as_tensor(x) for x in inputs], **params)
            arrays.append(t.data)
            needs.append(t.requires_grad)
        parents: tuple[Tensor, ...] = inputs  # type: ignore[assignment]  # all Tensors: the loop made sure
        ctx = cls.__new__(cls)
        ctx.parents = parents
        try:
            out = cls.forward(ctx, *arrays, **params)
        except (ValueError, TypeError, IndexError) as e:
            shapes = " and ".join(str(t.shape) for t in parents)
            raise _plain(e)(f"{cls.__name__}: cannot apply to inputs of shape {shapes}: {e}") from None
        if type(out) is not np.ndarray:
            out = _wrap_scalar(ctx, out)
        result = Tensor.__new__(Tensor)
        result.data = out
        if out.base is not None:  # a view of an input shares its version counter: writing into one changes both
            version.share_if_view(result, parents, arrays)
        if True in needs and state.grad_enabled.get():
            if out.dtype.kind == "c":
                raise TypeError(
                    f"{cls.__name__}: complex results cannot carry gradients in this engine (inputs of "
                    f"dtype {', '.join(str(a.dtype) for a in arrays)}); compute on real and "
                    "imaginary parts as float tensors"
                )
            ctx.needs_input_grad = tuple(needs)
            ctx.scope = state.scope.get()
            ctx.epoch = version.epoch
            ctx.seq = next(_sequence)
            result._ctx = ctx
            result.requires_grad = True
            if state.anomaly.get():
                anomaly.record(ctx)
        if state.anomaly.get():
            anomaly.check_forward(ctx, result.data, parents)
        return result

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _wrap_scalar(ctx, out):
    """NumPy gives 0-d results as scalars: the output as a 0-d array, also where save_for_backward kept it."""
    array = np.asarray(out)
    saved = ctx.__dict__.get("saved_tensors")
    if saved:
        ctx.saved_tensors = tuple(array if a is out else a for a in saved)
    return array


# Nodes are numbered as they are made; a node's inputs were all made before it, so processing nodes from the
# highest number down is a valid reverse topological order (the backward pass uses this, as PyTorch's does).
_sequence = itertools.count()


class Scattered:
    """A gradient that is zero except for `values` at `index` (basic indexing): what x[index] sends back to x.

    The backward pass adds it in place into one gradient buffer per input instead of making a zero array of the
    input's shape per slice, so a loop over x[t] for t < T costs O(T) instead of O(T^2) (see graph.run_backward).
    """

    __slots__ = ("shape", "index", "values")

    shape: Shape
    index: Index
    values: Array

    def __init__(self, shape: Shape, index: Index, values: Array) -> None:
        self.shape, self.index, self.values = shape, index, values

    def dense(self) -> Array:
        """The whole gradient as one array (for tools that look at it: graph.recording)."""
        out = np.zeros(self.shape, self.values.dtype)
        out[self.index] = self.values
        return out


def unbroadcast(g: Operand, shape: Shape) -> Operand:
    """Sum a gradient back to the shape of an input that was broadcast to g's shape."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


def broadcast_to(g: Operand, shape: Sequence[int]) -> Operand:
    return g.broadcast_to(shape) if isinstance(g, Tensor) else np.broadcast_to(g, shape)


def select(cond: Array, g: Operand) -> Operand:
    """g where cond holds, 0 elsewhere (a mask product would turn inf * 0 into nan)."""
    if isinstance(g, Tensor):
        from .ops.elementwise import Where

        return Where.apply(cond, g, np.zeros((), g.dtype))
    return np.where(cond, g, np.zeros((), g.dtype))
