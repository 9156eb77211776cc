"""The graph as an indented tree for the terminal: no Graphviz needed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import labels as L
from .args import limits
from .record import gradients
from .trace import Trace

if TYPE_CHECKING:
    from autograd_core import Tensor

    from .record import Grads

__all__ = ["to_text"]

# Levels indented with guides. Deeper ones keep that indentation and say their depth (`[17] └─ ...`): indenting
# every level would make a chain of n ops n² characters long.
MAX_INDENT = 16


def to_text(
    t: Tensor | Sequence[Tensor],
    max_values: int = 6,
    precision: int = 4,
    grads: bool = True,
    recording: Grads | None = None,
    max_nodes: int | None = 500,
) -> str:
    """One line per tensor, from the output down to the leaves: op, name, shape, dtype, value, gradient.

    A tensor used twice is written out once; the second time it is a reference (`-> #3`). Gradients are shown
    when recorded (`viz.record_gradients()`) or, for leaves, from `.grad`; this never runs a backward pass.
    At most max_nodes lines (None: all); a last line then says how many tensors were left out. Levels deeper
    than 16 are not indented further: their lines begin with their depth, `[17]`.
    """
    limits("viz.to_text", max_nodes=max_nodes, max_values=max_values, precision=precision)
    trace = Trace(t, who="viz.to_text")
    grad_src = gradients(trace, recording, compute=False) if grads else None
    number: dict[int, int] = {}  # tensor index -> its number in the text
    lines: list[str] = []
    # An explicit stack of (tensor index, prefix for this line, prefix for its children, depth): no recursion.
    stack = [(ti, "", "", 0) for ti in reversed(trace.root_indices)]
    while stack:
        if max_nodes is not None and len(lines) == max_nodes:
            left = len(trace.tensors) - len(number)
            lines.append(
                f"... stopped at max_nodes={max_nodes} lines: {left} of {len(trace.tensors)} tensors "
                "not shown (max_nodes=None shows all)"
            )
            break
        ti, head, indent, depth = stack.pop()
        if ti in number:
            lines.append(f"{head}-> #{number[ti]}")
            continue
        number[ti] = len(number)
        lines.append(head + _describe(trace, ti, grad_src, max_values, precision, number[ti]))
        k = trace.producer[ti]
        kids = trace.inputs[k] if k is not None else ()
        for i in reversed(range(len(kids))):
            last = i == len(kids) - 1
            branch = "└─ " if last else "├─ "
            if depth < MAX_INDENT:
                stack.append((kids[i], indent + branch, indent + ("   " if last else "│  "), depth + 1))
            else:
                stack.append((kids[i], f"{indent}[{depth + 1}] {branch}", indent, depth + 1))
    return "\n".join(lines)


def _describe(trace: Trace, ti: int, grad_src: Grads | None, max_values: int, precision: int, n: int) -> str:
    t = trace.tensors[ti]
    k = trace.producer[ti]
    what = L.visible(trace.op_name(k)) if k is not None else trace.tensor_kind(ti)
    parts = [f"#{n} {what}"]
    if t.name is not None and str(t.name):
        parts.append(repr(t.name) if isinstance(t.name, str) else L.visible(t.name))
    if k is not None and trace.scope(k):
        parts.append(f"[{L.visible(trace.scope(k))}]")
    parts.append(f"{L.shape_text(t.shape)} {t.dtype}")
    value = L.array_text(t.data, max_values, precision)
    if value is not None:
        parts.append("= " + value)
    if grad_src is not None and t.requires_grad:
        g = grad_src.grad(t)
        if g is not None:
            parts.append("grad " + L.grad_text(g, max_values, precision))
    return "  ".join(parts)
