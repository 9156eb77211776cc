"""The drawing functions: a recorded graph -> graphviz.Digraph, forward, backward or both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from . import fit
from .args import limits
from .dot import Painter
from .record import gradients
from .trace import Trace
from .view import make_view

if TYPE_CHECKING:
    import graphviz

    from autograd_core import Tensor

    from .fit import Expand
    from .record import Grads
    from .view import ScopeRule

Mode = Literal["forward", "backward", "both"]


__all__ = ["style_options", "draw", "draw_forward", "draw_backward"]

MODES = ("forward", "backward", "both")
RANKDIRS = ("LR", "RL", "TB", "BT")
LABELS = ("lecture", "class")


def style_options(
    who: str, labels: str = "lecture", show_dtype: bool | None = None, legend: bool = True, chain_rule: bool = False
) -> dict[str, Any]:
    """Check the painter's options (labels=, show_dtype=, legend=, chain_rule=) and return them as a dict, the
    keyword arguments of Painter of those names."""
    if not isinstance(labels, str) or labels not in LABELS:
        raise ValueError(f"{who}: labels must be one of {LABELS}, got {labels!r}")
    for name, v, none_ok in (
        ("show_dtype", show_dtype, True),
        ("legend", legend, False),
        ("chain_rule", chain_rule, False),
    ):
        if not isinstance(v, bool) and not (none_ok and v is None):
            raise TypeError(
                f"{who}: {name} must be True or False{' (or None)' if none_ok else ''}, got {type(v).__name__} {v!r}"
            )
    return dict(labels=labels, show_dtype=show_dtype, legend=legend, chain_rule=chain_rule)


def draw(
    t: Tensor | Sequence[Tensor],
    mode: Mode = "forward",
    *,
    collapse: str | int | ScopeRule | None = None,
    max_nodes: int | None = 500,
    max_fanout: int | None = 8,
    max_values: int = 6,
    precision: int = 4,
    show_saved: bool = False,
    recording: Grads | None = None,
    title: object = None,
    rankdir: Literal["LR", "RL", "TB", "BT"] = "LR",
    labels: Literal["lecture", "class"] = "lecture",
    show_dtype: bool | None = None,
    legend: bool = True,
    chain_rule: bool = False,
    detail: Literal["lecture", "ops"] = "lecture",
    expand: Expand = None,
    style: Literal["default", "slide"] = "default",
    dpi: float | None = None,
    _who: str = "viz.draw",
) -> graphviz.Digraph:
    """Draw the graph that computed t (a Tensor or a list of them); returns a graphviz.Digraph.

    mode: "forward" (ops and tensors with their values), "backward" (gradient functions, each edge labelled
    with the gradient it carries, nodes coloured by gradient size), "both" (value above, gradient below on
    every edge). collapse: a scope name or glob ("t=*"), a depth, or a predicate on scope paths; those scopes
    are drawn as one box. Graphs above max_nodes are collapsed by depth automatically (max_nodes=None: never).
    max_fanout: a node with more users (a weight shared by every time step) or more inputs is drawn without those
    edges, and says so (None: draw them all). max_values: tensors with at most this many elements show values. show_saved: bytes kept for backward.
    recording: gradients from `viz.record_gradients()`; by default the latest recording, or computed now.
    title: any text, drawn as written above the graph.
    labels: "lecture" (ops as the lectures write them: `+ * tanh σ @ **2`; `tanh′` backward) or "class" (the
    primitive's class name, `TanhBackward` backward). Tensors are micrograd's `name | data | grad` records.
    show_dtype: None shows dtypes only when the graph mixes them. legend: the colour key of "both" mode.
    chain_rule: every backward edge reads `local gradient × upstream gradient = gradient sent` (scalars), or the
    op's rule and the result (`g @ Wᵀ  ‖·‖=1.23`).
    """
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{_who}: mode must be one of {MODES}, got {mode!r}")
    limits(_who, max_nodes=max_nodes, max_fanout=max_fanout, max_values=max_values, precision=precision)
    painting = style_options(_who, labels, show_dtype, legend, chain_rule)
    if not isinstance(rankdir, str) or rankdir not in RANKDIRS:
        raise ValueError(f"{_who}: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    fit.check_options(_who, detail, expand, style, dpi)
    trace = Trace(t, _who)
    if detail == "lecture" and collapse is None:
        grads = None if mode == "forward" else gradients(trace, recording)
        painter = Painter(trace, mode, grads, max_values, precision, show_saved, **painting)
        return fit.draw_fitted(trace, mode, painter, title, rankdir, expand, max_fanout, style, dpi)
    view = make_view(trace, wire=mode != "forward", collapse=collapse, max_nodes=max_nodes, max_fanout=max_fanout)
    grads = None if mode == "forward" else gradients(trace, recording)
    painter = Painter(trace, mode, grads, max_values, precision, show_saved, **painting)
    fit.name_numbered_boxes(trace, view)
    g = fit.paint(view, painter, title, "TB" if style == "slide" else rankdir, style, dpi)
    return fit.name_numbered_clusters(trace, g)


def draw_forward(t: Tensor | Sequence[Tensor], **kwargs: Any) -> graphviz.Digraph:
    """The forward graph: op nodes and tensor nodes (name, shape when not a scalar, value)."""
    return draw(t, "forward", _who="viz.draw_forward", **kwargs)


def draw_backward(t: Tensor | Sequence[Tensor], **kwargs: Any) -> graphviz.Digraph:
    """The backward graph after backward(): gradients on the edges, nodes coloured by gradient size."""
    return draw(t, "backward", _who="viz.draw_backward", **kwargs)
