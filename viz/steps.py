"""The backward pass as a picture per step, plus an index.html that steps through them (no network needed)."""

from __future__ import annotations

import html
import json
import os
import pathlib
import re
from typing import TYPE_CHECKING, Any

import numpy as np

from . import labels as L
from .args import folder as check_folder
from .args import limits
from .dot import Painter, to_digraph
from .draw import style_options
from .record import gradients
from .render import FORMATS, write
from .trace import Trace
from .view import make_view

if TYPE_CHECKING:
    import graphviz

    from autograd_core import Tensor

    from .record import LeafGrads, Recording

    Roots = Tensor | list[Tensor] | tuple[Tensor, ...]
    Steps = list[tuple[str, graphviz.Digraph]]  # (caption, picture) per op, in backward order

__all__ = ["backward_steps", "step_caption", "render_backward_steps", "scope_grads"]


def backward_steps(
    t: Roots,
    mode: str = "backward",
    collapse: Any = None,
    max_nodes: int | None = 500,
    max_values: int = 6,
    precision: int = 4,
    recording: Recording | LeafGrads | None = None,
    labels: str = "lecture",
    chain_rule: bool = False,
    _who: str = "viz.backward_steps",
) -> Steps:
    """[(caption, graphviz.Digraph)], one per op, in the order the engine's backward pass processes them.

    In picture s the op being processed is highlighted, and only the gradients known after it ran are shown:
    the gradients it and the earlier ops sent back, and each tensor's total once all its users have sent theirs.
    The caption says it with the op's rule: "tanh receives 1, local gradient 1 - out² = 0.5, sends 0.5". It is not
    drawn inside the picture (the page shows it above).
    """
    return _steps(t, mode, collapse, max_nodes, max_values, precision, recording, labels, chain_rule, _who)[1]


def _steps(t, mode, collapse, max_nodes, max_values, precision, recording, labels, chain_rule, _who="viz"):
    """(view, steps): backward_steps and the view its pictures draw (the html page maps its nodes)."""
    if not isinstance(mode, str) or mode not in ("backward", "both"):
        raise ValueError(f"{_who}: mode must be 'backward' or 'both', got {mode!r}")
    limits(_who, max_nodes=max_nodes, max_values=max_values, precision=precision)
    style = style_options(_who, labels, None, False, chain_rule)
    trace = Trace(t, _who)
    view = make_view(trace, wire=True, collapse=collapse, max_nodes=max_nodes)
    grads = gradients(trace, recording)
    order = trace.backward_order()
    step_of = {k: s for s, k in enumerate(order)}
    # a tensor's gradient is complete after the last of its users has run (the output's: from the start)
    complete_at = [max((step_of.get(k, -1) for k, _ in uses), default=-1) for uses in trace.consumers]
    steps = []
    teller = Painter(trace, "both", grads, max_values, precision, **style)
    for s, k in enumerate(order):
        caption = f"step {s + 1}/{len(order)}: " + step_caption(teller, k)
        painter = Painter(
            trace,
            mode,
            grads,
            max_values,
            precision,
            known_ops=set(order[: s + 1]),
            known_tensors={ti for ti, c in enumerate(complete_at) if c <= s},
            highlight=k,
            **style,
        )
        steps.append((caption, to_digraph(view, painter)))
    return view, steps


def step_caption(p: Painter, k: int) -> str:
    """What op k does in the backward pass, in the lecture's words and with its rule:
    `tanh receives 1, local gradient 1 - out² = 0.5, sends 0.5`; per input when it has several."""
    trace, ctx = p.trace, p.trace.ops[k]
    label = L.op_label(ctx, p.params(k), False, p.labels)
    scope = f" [{L.visible(trace.scope(k))}]" if trace.scope(k) else ""
    up = p.tensor_grad(trace.outputs[k][0])
    parts = []
    for pos, ti in enumerate(trace.inputs[k]):
        sent = p.use_grad(k, pos)
        if sent is None:
            continue
        rule = p.rule_text(k, pos)
        if up is not None and np.size(up) == 1 and np.size(sent) == 1:
            u, g = float(np.reshape(up, -1)[0]), float(np.reshape(sent, -1)[0])
            local = L.local_rule(rule)
            value = p.local_text(k, pos, None if u == 0 else g / u)
            # `1 - out² = (1 - 0.7071²)` says nothing new: the number alone then
            number = p.num(g / u) if u != 0 else value
            said = f"local gradient {local} = {number}" if local != number else f"local gradient {number}"
            parts.append((ti, f"{said}, sends {p.num(g)}"))
        else:
            parts.append((ti, f"sends {rule} = {p.grad(sent)}"))
    text = f"{L.visible(label)}{scope} receives {p.grad(up)}"
    if len(trace.inputs[k]) == 1 and len(parts) == 1:
        return f"{text}, {parts[0][1]}"
    for ti, said in parts:
        t = trace.tensors[ti]
        who = L.visible(t.name) if t.name is not None and str(t.name) else f"input {trace.inputs[k].index(ti) + 1}"
        text += f"; to {who}: {said}"
    return text


STEP_FORMATS = (*FORMATS, "html")
STEP_OPTIONS = ("collapse", "max_nodes", "max_values", "precision", "recording", "labels", "chain_rule")


def render_backward_steps(
    t: Roots, folder: str | os.PathLike[str], mode: str = "backward", fmt: str = "svg", **kwargs: Any
) -> pathlib.Path:
    """Write step_000.svg, step_001.svg, ... (see backward_steps) and an index.html to step through them
    (previous / next buttons, a slider, arrow keys; works offline). Returns the index.html path.

    fmt="html": index.html alone, the page of viz.to_html (pan, zoom, tooltips, opening composites, forward /
    backward / both) with the stepper as its "steps" tab, shown first; each step's picture is inside the page.
    Keywords of to_html (title, expand, max_fanout, rankdir, max_interior_nodes) are taken too."""
    if not isinstance(fmt, str) or fmt not in STEP_FORMATS:
        raise ValueError(f"viz.render_backward_steps: fmt must be one of {STEP_FORMATS}, got {fmt!r}")
    folder = check_folder(folder, "viz.render_backward_steps")
    if fmt == "html":
        return _html_steps(t, folder, mode, kwargs)
    pictures, captions = [], []
    for s, (caption, g) in enumerate(backward_steps(t, mode, _who="viz.render_backward_steps", **kwargs)):
        name = f"step_{s:03d}.{fmt}"
        write(g, folder / name, fmt)
        pictures.append(name)
        captions.append(caption)
    index = folder / "index.html"
    index.write_text(_page(pictures, captions))
    return index


def _html_steps(t, folder, mode, kwargs):
    from .html import page, write_page

    who = "viz.render_backward_steps"
    step_kw = {k: kwargs.pop(k) for k in STEP_OPTIONS if k in kwargs}
    defaults = dict(collapse=None, max_nodes=500, max_values=6, precision=4, recording=None, labels="lecture")
    args = {**defaults, "chain_rule": False, **step_kw}
    view, steps = _steps(t, mode, _who=who, **args)
    shared = {k: args[k] for k in ("max_values", "precision", "recording", "labels", "chain_rule")}
    text, _ = page(t, mode, steps=(view, steps), _who=who, **shared, **kwargs)
    return write_page(text, folder / "index.html", who)


def _page(pictures, captions):
    data = json.dumps([{"src": p, "caption": c} for p, c in zip(pictures, captions)])
    # inside <script>, a caption holding "</script>" or "<!--" would end the script: JSON may write < > & as \u
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>backward pass, step by step</title>
<style>body{{font-family:sans-serif;margin:1em}}
#view{{overflow:auto;max-height:80vh;border:1px solid #ddd}} #view img{{max-width:none;display:block}}
#bar{{display:flex;gap:.5em;align-items:center;margin:.5em 0}} #slider{{flex:1}}</style></head>
<body>
<h3>Backward pass, step by step ({len(pictures)} steps)</h3>
<div id="bar"><button id="prev">&larr; previous</button><input id="slider" type="range" min="0"
 max="{max(len(pictures) - 1, 0)}" value="0"><button id="next">next &rarr;</button><span id="count"></span>
<button id="zoomout" title="zoom out">&minus;</button><button id="zoomreset" title="natural size">100%</button>
<button id="zoomin" title="zoom in">+</button></div>
<p id="caption"></p>
<div id="view"><img id="picture" alt="backward step" src="{html.escape(pictures[0]) if pictures else ""}"></div>
<script>
const steps = {data};
let i = 0, zoom = 1;
const picture = document.getElementById("picture");
function applyZoom() {{   // the picture at its natural size times zoom; the box around it scrolls
  if (picture.naturalWidth) picture.style.width = Math.round(picture.naturalWidth * zoom) + "px";
  document.getElementById("zoomreset").textContent = Math.round(zoom * 100) + "%";
}}
picture.onload = applyZoom;
document.getElementById("zoomin").onclick = () => {{ zoom = Math.min(zoom * 1.25, 8); applyZoom(); }};
document.getElementById("zoomout").onclick = () => {{ zoom = Math.max(zoom / 1.25, 0.1); applyZoom(); }};
document.getElementById("zoomreset").onclick = () => {{ zoom = 1; applyZoom(); }};
function show(n) {{
  if (!steps.length) return;
  i = Math.max(0, Math.min(steps.length - 1, n));
  document.getElementById("picture").src = steps[i].src;
  document.getElementById("caption").textContent = steps[i].caption;
  document.getElementById("slider").value = i;
  document.getElementById("count").textContent = (i + 1) + " / " + steps.length;
}}
document.getElementById("prev").onclick = () => show(i - 1);
document.getElementById("next").onclick = () => show(i + 1);
document.getElementById("slider").oninput = e => show(parseInt(e.target.value));
document.addEventListener("keydown", e => {{ if (e.key === "ArrowLeft") show(i - 1); if (e.key === "ArrowRight") show(i + 1);
  if (e.key === "+") document.getElementById("zoomin").onclick(); if (e.key === "-") document.getElementById("zoomout").onclick(); }});
show(0);
</script></body></html>
"""


def scope_grads(
    t: Roots, collapse: Any = "t=*", recording: Recording | LeafGrads | None = None
) -> list[tuple[str, float]]:
    """[(scope, norm)]: for each scope the collapse rule picks (default: every time step `t=<k>`), the norm of the
    gradient leaving it backward, i.e. of every tensor it hands on (h_t and c_t for an LSTM step).

    This is dL/dh_t per time step without access to h_t itself (nn.LSTM keeps its steps inside).
    """
    trace = Trace(t, "viz.scope_grads")
    # max_fanout=None: the stack of all T outputs has fan-in T, and capping it would drop the last step
    view = make_view(trace, wire=True, collapse=collapse, max_nodes=None, max_fanout=None)
    grads = gradients(trace, recording)
    leaving: dict = {}
    for e in view.edges:
        node = view.nodes.get(e.tail)
        if node is not None and node[0] == "box":
            leaving.setdefault(node[1], set()).add(e.tensor)
    out = []
    for path, tensors in leaving.items():
        gs = [grads.grad(trace.tensors[ti]) for ti in sorted(tensors)]
        out.append(
            (path, float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in gs if g is not None))))
        )
    return sorted(out, key=lambda item: _natural(item[0]))


def _natural(path):
    """Sort key that puts t=2 before t=10."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", path)]
