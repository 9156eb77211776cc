"""viz: Graphviz drawings of the forward and backward passes of a recorded graph.

with viz.record_gradients():         # or backward(retain_graph=True), or let draw_backward run it
    loss.backward()
viz.draw(loss, mode="both")          # a graphviz.Digraph: .source is DOT text; shows inline in Jupyter
viz.render(loss, "graph.svg", mode="backward")
"""

from .check import check_ops, draw_gradcheck
from .draw import draw, draw_backward, draw_forward
from .html import to_html
from .plots import plot_grad_flow, plot_grad_over_time
from .record import Recording, record_gradients
from .render import DotNotFoundError, render
from .steps import backward_steps, render_backward_steps, scope_grads
from .text import to_text

__all__ = ["draw", "draw_forward", "draw_backward", "record_gradients", "Recording", "render", "DotNotFoundError",
           "render_backward_steps", "backward_steps", "scope_grads", "draw_gradcheck", "check_ops", "to_text",
           "plot_grad_flow", "plot_grad_over_time", "to_html"]  # fmt: skip
