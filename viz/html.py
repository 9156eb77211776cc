"""The graph as one interactive, self-contained HTML page: `viz.to_html(loss, "graph.html")`.

The page holds the three default drawings (forward, backward, both: what `viz.draw` draws in each mode, laid out
by `dot -Tsvg`) and a table of every node drawn: name, op, shape, dtype, min / max / mean / L2 norm of its data
and of its gradient (the values themselves up to 16 elements), the op's local rule and its scope. In the page:
pan (drag) and zoom (mouse wheel, + / - buttons, reset), hover a node for its numbers, click a composite node (a
module call, a functional composite such as cross_entropy, a time step, an elided run `… 45 steps …` or
`… 9984 ops …`) to open its interior in place and click its header to fold it, a search box that highlights
tensors by name, and buttons for forward / backward / both. Nothing is fetched: no CDN, no network.

Interiors are drawn ahead of time, one small SVG per (mode, composite), and parsed only when clicked, so a page
opens as fast as its three main drawings. A composite's interior is what it holds one level down: a module's ops
(or its sub-modules, as nodes that open in turn), an elided run's time steps or units; more than 64 of them are
cut into at most 16 consecutive chunks, each a node that opens in turn, so a 10,000-op chain opens in a few
levels and no drawing is huge. Interiors are made breadth first, every composite of the main drawings first,
until they hold max_interior_nodes nodes in all: a composite left without one (deep in a very large graph) is
drawn without the "open" marker (a blue outline) and its tooltip says so. The interiors, and the table rows only
they show, are stored gzipped (base64) and unpacked by the page after it has drawn the main drawing: the LSTM
over 50 steps is a 1 MB page of 315 interiors, the 10,000-op chain 0.7 MB.

An open interior is drawn over its node, centred on it, in a frame whose header folds it: the drawing around it is
not laid out again (dot does not run in the browser), so it may cover its neighbours; the view pans (and zooms
out when needed) to show it whole.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import pathlib
import re
import shutil
import subprocess
from collections import deque
from typing import Any

from autograd_core import Tensor

from . import fit
from . import labels as L
from .args import count, file_path, folder, limits
from .dot import Painter
from .draw import MODES, RANKDIRS, style_options
from .html_table import _Book, _interior, _node_map, summary
from .record import gradients
from .render import INSTALL_HINT, DotNotFoundError
from .trace import Trace
from .view import View

__all__ = ["to_html", "page", "page_data", "summary"]


# ---- SVG ----------------------------------------------------------------------------------------------------
_NODE = re.compile(r'<g id="[^"]*" class="node">\s*<title>([^<]*)</title>')
_TITLE = re.compile(r"<title>[^<]*</title>\s*")
_IDS = re.compile(r' id="[^"]*"')
_XLINK_TITLE = re.compile(r' xlink:title="[^"]*"')
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


def clean_svg(svg: str) -> str:
    """Graphviz's SVG made fit to sit in a page beside others: no XML prolog, comments, ids or native tooltips;
    each node's id (its <title>) kept as data-nid."""
    svg = svg[svg.find("<svg") :]
    svg = _COMMENT.sub("", svg)
    svg = _NODE.sub(lambda m: f'<g class="node" data-nid="{m[1]}">', svg)
    svg = _TITLE.sub("", svg)
    svg = _IDS.sub("", svg)
    svg = _XLINK_TITLE.sub("", svg)
    return svg.strip()


def run_dot(sources: list[str], who: str) -> list[str]:
    """SVG of each DOT source, laid out by one `dot` process (dot reads many graphs from one input)."""
    if not sources:
        return []
    if shutil.which("dot") is None:
        raise DotNotFoundError(f"{who}: the page is drawn with Graphviz's dot: {INSTALL_HINT}")
    out = subprocess.run(
        ["dot", "-Tsvg"], input="\n".join(sources).encode(), capture_output=True, check=False, timeout=600
    )
    svgs = [s for s in out.stdout.decode("utf-8", "replace").split("<?xml") if s.strip()]
    if len(svgs) != len(sources):
        raise RuntimeError(f"{who}: dot made {len(svgs)} drawings of {len(sources)}: {out.stderr.decode()[-500:]}")
    return [clean_svg(s) for s in svgs]


def _json(data: Any) -> str:
    # inside <script>, "</script>" or "<!--" in a name would end the script: JSON may write < > & as \u
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---- the page ---------------------------------------------------------------------------------------------
def page(
    t: Any,
    mode: str = "both",
    *,
    recording: Any = None,
    title: str | None = None,
    expand: Any = None,
    max_fanout: int | None = 8,
    max_values: int = 6,
    precision: int = 4,
    labels: str = "lecture",
    chain_rule: bool = False,
    rankdir: str = "LR",
    max_interior_nodes: int = 4000,
    steps: tuple[View, list[tuple[str, Any]]] | None = None,
    _who: str = "viz.to_html",
) -> tuple[str, dict[str, Any]]:
    """(HTML text, the data embedded in it). steps: (view, [(caption, digraph)]) of viz.backward_steps, shown as
    the page's "steps" tab (first)."""
    if not isinstance(mode, str) or mode not in MODES:
        raise ValueError(f"{_who}: mode must be one of {MODES}, got {mode!r}")
    if not isinstance(t, (Tensor, list, tuple)):
        raise TypeError(f"{_who}: t must be a Tensor or a list of Tensors, got {type(t).__name__}")
    limits(_who, max_fanout=max_fanout, max_values=max_values, precision=precision)
    count(max_interior_nodes, "max_interior_nodes", _who)
    style = style_options(_who, labels, None, True, chain_rule)
    if not isinstance(rankdir, str) or rankdir not in RANKDIRS:
        raise ValueError(f"{_who}: rankdir must be one of {RANKDIRS}, got {rankdir!r}")
    fit.check_options(_who, "lecture", expand, "default", None)
    trace = Trace(t, _who)
    # a graph nothing asks a gradient of is drawn without them (no warning that they were not recorded)
    live = recording is not None or any(r.requires_grad for r in trace.roots)
    grads = gradients(trace, recording, compute=live)
    painter_args = dict(max_values=max_values, precision=precision, show_saved=False, **style)
    inner_args = dict(painter_args, legend=False)
    book = _Book(trace, grads, Painter(trace, "both", grads, **painter_args), expand)
    rankdirs = (rankdir, "TB") if rankdir == "LR" else (rankdir,)

    sources: list[str] = []
    drawings: dict[str, dict[str, Any]] = {}
    for m in MODES:
        painter = Painter(trace, m, None if m == "forward" else grads, **painter_args)

        def paint(v: View, terse: bool, beside: Any, rd: str, p: Painter = painter) -> Any:
            return fit.paint(v, p, title, rd, "default", None, terse, beside)

        view, g = fit.fit_view(
            trace,
            m != "forward",
            paint,
            expand,
            max_fanout,
            rankdirs=rankdirs,
        )
        drawings[m] = {"nodes": _node_map(book, view, trace), "svg": len(sources)}
        sources.append(g.source)

    # interiors, breadth first: every composite of the main drawings, then what they hold, ...
    interiors: dict[str, dict[str, Any]] = {}
    queue = deque((m, key) for m in MODES for key in dict.fromkeys(drawings[m]["nodes"].values()) if key[0] == "u")
    seen = set(queue)
    first, made, drawn = len(queue), 0, 0
    while queue and (drawn < max_interior_nodes or made < first):
        m, key = queue.popleft()
        view, g, part, box_labels = _interior(book, key, m, inner_args, max_fanout, rankdir)
        nodes = _node_map(book, view, part, box_labels)
        interiors[f"{m}|{key}"] = {"nodes": nodes, "svg": len(sources)}
        sources.append(g.source)
        made, drawn = made + 1, drawn + len(nodes)
        for sub in dict.fromkeys(nodes.values()):
            if sub[0] == "u" and (m, sub) not in seen:
                seen.add((m, sub))
                queue.append((m, sub))
    closed = (  # what the tooltip of a composite left without an interior says
        f"not opened in this page (its interior is beyond max_interior_nodes={max_interior_nodes}); "
        "raise max_interior_nodes, or draw it with viz.draw(..., expand=...)"
    )

    step_at = len(sources)
    if steps is not None:
        sources.extend(g.source for _, g in steps[1])
    svgs = run_dot(sources, _who)
    for d in list(drawings.values()) + list(interiors.values()):
        d["svg"] = svgs[d["svg"]]
    data: dict[str, Any] = {
        "mode": mode,
        "title": "" if title is None else L.visible(title),
        "drawings": drawings,
        "interiors": interiors,
        "info": book.info,
        "closed_note": closed,
    }
    if steps is not None:
        data["mode"] = "steps"
        data["steps"] = [{"caption": c, "svg": svgs[step_at + i]} for i, (c, _) in enumerate(steps[1])]
        data["step_nodes"] = _node_map(book, steps[0], trace)
    from .html_page import render_page

    n_steps = None if steps is None else len(steps)
    return render_page(_json(pack(data)), data["title"] or "autograd graph", n_steps), data


def pack(data: dict[str, Any]) -> dict[str, Any]:
    """The page's data with the interiors, and the table rows only they show, gzipped (base64) into "packed":
    the page unpacks them after it has drawn the main drawing (DecompressionStream), so a page of hundreds of
    interiors opens as fast as one of none and is about a sixth of the size."""
    main: set[str] = set()
    maps = [d["nodes"] for d in data["drawings"].values()] + [data.get("step_nodes", {})]
    for nodes in maps:
        for ent in nodes.values():
            main.add(ent)
            main.update(data["info"].get(ent, {}).get("members", ()))
    rest = {k: v for k, v in data["info"].items() if k not in main}
    packed = json.dumps({"interiors": data["interiors"], "info": rest}, separators=(",", ":"), allow_nan=False)
    out = {k: v for k, v in data.items() if k not in ("interiors", "info")}
    out["info"] = {k: v for k, v in data["info"].items() if k in main}
    out["interior_keys"] = list(data["interiors"])
    out["packed"] = base64.b64encode(gzip.compress(packed.encode(), mtime=0)).decode("ascii")
    return out


def page_data(text: str) -> dict[str, Any]:
    """The data a page of to_html holds (interiors unpacked): for tests and tools that read pages."""
    m = re.search(r'<script type="application/json" id="ag-data">(.*?)</script>', text, re.S)
    if m is None:
        raise ValueError("viz.html.page_data: not a page made by viz.to_html (no ag-data script)")
    data = json.loads(m[1])
    packed = data.pop("packed", None)
    if packed is not None:
        more = json.loads(gzip.decompress(base64.b64decode(packed)))
        data["interiors"] = more["interiors"]
        data["info"].update(more["info"])
    return data


def to_html(
    t: Tensor | list[Tensor] | tuple[Tensor, ...],
    path: str | os.PathLike[str] | None = None,
    mode: str = "both",
    **kwargs: Any,
) -> str | pathlib.Path:
    """The graph that computed t as one self-contained interactive HTML page; written to path (returns the
    pathlib.Path), or returned as text when path is None.

    mode: the drawing shown first ("forward", "backward" or "both"); the page switches between all three.
    Keywords: recording (from `viz.record_gradients()`), title, expand (units drawn op by op, as in viz.draw),
    max_fanout, max_values, precision, labels ("lecture" or "class"), chain_rule, rankdir, and max_interior_nodes
    (interiors are drawn ahead of time, breadth first, until they hold this many nodes in all; default 4000; the
    composites of the main drawings always open: see the module's docstring).
    Needs Graphviz's `dot` (DotNotFoundError says how to install it).
    """
    who = "viz.to_html"
    target = None
    if path is not None:
        target = file_path(path, who)
        if target.is_dir():
            raise ValueError(f"{who}: path {str(target)!r} is a directory; give the name of the file to write")
        folder(target.parent, who, "path")
    text, _ = page(t, mode, _who=who, **kwargs)
    if target is None:
        return text
    return write_page(text, target, who)


def write_page(text: str, target: pathlib.Path, who: str) -> pathlib.Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as e:
        raise type(e)(f"{who}: cannot write path {str(target)!r}: {e.strerror or e}") from None
    return target
