"""Walk a recorded graph into plain lists: the tensors, the ops (their contexts), who made and who used each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from autograd_core import Tensor, toposort

if TYPE_CHECKING:
    from autograd_core import Function

__all__ = ["Trace"]


class Trace:
    """Every tensor and op reachable from roots through `t._ctx.parents`, constants included.

    Tensors and ops are numbered in the order they were found from the roots (roots first), so a drawing of the
    same graph is the same text every time. Iterative, so a graph of any depth can be walked.
    """

    def __init__(self, roots: Tensor | Sequence[Tensor], who: str = "viz") -> None:
        if not isinstance(roots, (Tensor, list, tuple)):
            raise TypeError(f"{who}: expected a Tensor or a list of Tensors, got {type(roots).__name__}")
        self.roots = [roots] if isinstance(roots, Tensor) else list(roots)
        if not self.roots:
            raise ValueError(f"{who}: expected a Tensor or a list of Tensors, got an empty {type(roots).__name__}")
        for i, r in enumerate(self.roots):
            if not isinstance(r, Tensor):
                raise TypeError(f"{who}: expected Tensors, got {type(r).__name__} at position {i}")
        self.tensors: list[Tensor] = []
        self.ops: list[Function] = []  # the contexts
        self.tensor_index: dict[int, int] = {}  # id(tensor) -> its index
        self.op_index: dict[int, int] = {}  # id(ctx) -> its index
        self.producer: list[int | None] = []  # tensor index -> index of the op that made it, or None
        self.outputs: list[list[int]] = []  # op index -> tensor indices it made
        stack = list(reversed(self.roots))
        while stack:
            t = stack.pop()
            if id(t) in self.tensor_index:
                continue
            self.tensor_index[id(t)] = len(self.tensors)
            self.tensors.append(t)
            ctx = t._ctx
            if ctx is None:
                self.producer.append(None)
                continue
            k = self.op_index.get(id(ctx))
            if k is None:
                k = self.op_index[id(ctx)] = len(self.ops)
                self.ops.append(ctx)
                self.outputs.append([])
                stack.extend(p for p in reversed(ctx.parents) if id(p) not in self.tensor_index)
            self.producer.append(k)
            self.outputs[k].append(len(self.tensors) - 1)
        self.inputs = [tuple(self.tensor_index[id(p)] for p in ctx.parents) for ctx in self.ops]
        self.consumers: list[list[tuple[int, int]]] = [
            [] for _ in self.tensors
        ]  # tensor index -> [(op index, input position)]
        for k, ins in enumerate(self.inputs):
            for pos, ti in enumerate(ins):
                self.consumers[ti].append((k, pos))
        self.root_indices = [self.tensor_index[id(r)] for r in self.roots]

    def op_name(self, k: int) -> str:
        return type(self.ops[k]).__name__

    def scope(self, k: int) -> str:
        return getattr(self.ops[k], "scope", "") or ""

    def tensor_kind(self, ti: int) -> str:
        """'output', 'intermediate', 'parameter' (a leaf the backward pass is for: it requires grad, or is an
        nn Parameter), 'input' (a named leaf without grad, like the data) or 'constant' (any other leaf)."""
        t = self.tensors[ti]
        if t._ctx is not None:
            return "output" if ti in self.root_indices else "intermediate"
        if t.requires_grad or any(c.__name__ == "Parameter" for c in type(t).__mro__):
            return "parameter"
        if t.name:
            return "input"
        return "output" if ti in self.root_indices else "constant"

    def backward_order(self) -> list[int]:
        """Op indices in the order the engine's backward pass processes them (its own topological sort)."""
        return [self.op_index[id(t._ctx)] for t in toposort(self.roots) if t._ctx is not None]

    def is_freed(self) -> bool:
        return any(getattr(ctx, "freed", False) for ctx in self.ops)
