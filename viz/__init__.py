"""viz: Graphviz drawings of the forward and backward passes of a recorded graph.

    with viz.record_gradients():         # or backward(retain_graph=True), or let draw_backward run it
        loss.backward()
    viz.draw(loss, mode="both")          # a graphviz.Digraph: .source is DOT text; shows inline in Jupyter
    viz.render(loss, "graph.svg", mode="backward")
"""
from .draw import draw, draw_forward, draw_backward
from .record import record_gradients, Recording
from .render import render, DotNotFoundError
from .steps import render_backward_steps, backward_steps, scope_grads
from .check import draw_gradcheck, check_ops
from .text import to_text
from .plots import plot_grad_flow, plot_grad_over_time
