"""The drawing functions: a recorded graph -> graphviz.Digraph, forward, backward or both."""
from .dot import Painter, to_digraph
from .record import gradients
from .trace import Trace
from .view import make_view

MODES = ("forward", "backward", "both")


def draw(t, mode="forward", *, collapse=None, max_nodes=500, max_fanout=8, max_values=6, precision=4,
         show_saved=False, recording=None, title=None, rankdir="LR"):
    """Draw the graph that computed t (a Tensor or a list of them); returns a graphviz.Digraph.

    mode: "forward" (ops and tensors with their values), "backward" (gradient functions, each edge labelled
    with the gradient it carries, nodes coloured by gradient size), "both" (value above, gradient below on
    every edge). collapse: a scope name or glob ("t=*"), a depth, or a predicate on scope paths; those scopes
    are drawn as one box. Graphs above max_nodes are collapsed by depth automatically (max_nodes=None: never).
    max_fanout: a node with more users (a weight shared by every time step) or more inputs is drawn without those
    edges, and says so (None: draw them all). max_values: tensors with at most this many elements show values. show_saved: bytes kept for backward.
    recording: gradients from `viz.record_gradients()`; by default the latest recording, or computed now.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
    trace = Trace(t)
    view = make_view(trace, wire=mode != "forward", collapse=collapse, max_nodes=max_nodes, max_fanout=max_fanout)
    grads = None if mode == "forward" else gradients(trace, recording)
    painter = Painter(trace, mode, grads, max_values, precision, show_saved)
    return to_digraph(view, painter, title, rankdir)


def draw_forward(t, **kwargs):
    """The forward graph: op nodes and tensor nodes (name, shape, dtype, value when small)."""
    return draw(t, "forward", **kwargs)


def draw_backward(t, **kwargs):
    """The backward graph after backward(): gradients on the edges, nodes coloured by gradient size."""
    return draw(t, "backward", **kwargs)
