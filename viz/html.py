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
import math
import os
import pathlib
import re
import shutil
import subprocess
from collections import deque
from typing import Any

import numpy as np

from autograd_core import Tensor

from . import fit
from . import labels as L
from .args import count, file_path, folder, limits
from .dot import Painter
from .draw import MODES, RANKDIRS, style_options
from .record import gradients
from .render import INSTALL_HINT, DotNotFoundError
from .trace import Trace
from .view import View, _unshare, build, scope_parts

__all__ = ["to_html", "page", "page_data", "summary"]

LEAF = 64  # at most this many units in one interior drawing; more are cut into chunks
FAN = 16  # chunks per interior
SMALL = 16  # tensors with at most this many elements have their values in the table
ELIDED = fit.ELIDED


# ---- numbers --------------------------------------------------------------------------------------------
def _num(v: float) -> float | str:
    """A float for JSON (which has no NaN or Infinity: those are written as strings)."""
    v = float(v)
    return v if math.isfinite(v) else str(v)


_DTYPES: dict[Any, str] = {}


def _dtype(dt: Any) -> str:
    if dt not in _DTYPES:
        _DTYPES[dt] = str(dt)
    return _DTYPES[dt]


def summary(a: Any) -> dict[str, Any] | None:
    """min, max, mean and L2 norm of an array (float64), its values when it has at most SMALL elements."""
    if a is None:
        return None
    a = np.asarray(a)
    out: dict[str, Any] = {"shape": list(a.shape), "dtype": _dtype(a.dtype)}
    if a.size == 0:
        return out
    if a.dtype.kind == "c":  # complex: the summary of the magnitudes
        a = np.abs(a)
        out["of"] = "abs"
    f = a.astype(np.float64)
    out.update(
        min=_num(f.min()),
        max=_num(f.max()),
        mean=_num(f.mean()),
        norm=_num(np.sqrt(np.sum(f * f))),
    )
    if f.size <= SMALL:
        out["values"] = [_num(v) for v in f.reshape(-1)]
    return out


# ---- a part of a graph, drawn as a graph of its own ----------------------------------------------------------
class _Part(Trace):
    """The ops ks of trace (original indices) as a Trace: tensors made outside are its inputs, tensors used outside
    (or the graph's outputs) its outputs. orig_op / orig_tensor map back to trace's indices."""

    def __init__(self, trace: Trace, ks: list[int], ends: set[int] | None = None) -> None:
        """ends: only tensors these ops make leave the part as its outputs (None: every tensor used outside)."""
        inside = set(ks)
        ks = sorted(ks, key=lambda k: getattr(trace.ops[k], "seq", k))
        self.base = trace
        self.orig_op = list(ks)
        self.orig_tensor: list[int] = []
        self.tensors, self.ops = [], [trace.ops[k] for k in ks]
        self.tensor_index, self.op_index = {}, {id(trace.ops[k]): j for j, k in enumerate(ks)}
        local: dict[int, int] = {}

        def add(ti: int) -> int:
            if ti not in local:
                local[ti] = len(self.tensors)
                self.tensors.append(trace.tensors[ti])
                self.tensor_index[id(trace.tensors[ti])] = local[ti]
                self.orig_tensor.append(ti)
            return local[ti]

        for k in ks:
            for ti in trace.inputs[k]:
                add(ti)
            for ti in trace.outputs[k]:
                add(ti)
        where = {k: j for j, k in enumerate(ks)}
        self.producer = [where.get(trace.producer[ti], None) for ti in self.orig_tensor]  # type: ignore[arg-type]
        self.outputs = [[local[ti] for ti in trace.outputs[k]] for k in ks]
        self.inputs = [tuple(local[ti] for ti in trace.inputs[k]) for k in ks]
        self.consumers = [[] for _ in self.tensors]
        for j, ins in enumerate(self.inputs):
            for pos, ti in enumerate(ins):
                self.consumers[ti].append((j, pos))
        roots = set(trace.root_indices)
        self.root_indices = [
            j
            for j, ti in enumerate(self.orig_tensor)
            if self.producer[j] is not None
            and (ti in roots or any(c not in inside for c, _ in trace.consumers[ti]) or not trace.consumers[ti])
            and (ends is None or ti in roots or trace.producer[ti] in ends)
        ]
        self.roots = [self.tensors[j] for j in self.root_indices] or [self.tensors[-1]]

    def tensor_kind(self, ti: int) -> str:
        if self.producer[ti] is None and self.tensors[ti]._ctx is not None:
            return "intermediate"  # made outside this part: it comes in
        return super().tensor_kind(ti)


# ---- what each node is -----------------------------------------------------------------------------------
_NOTE = re.compile(r"\+ \d+ |feeds every|reads every|shared by|gathers \d")  # lines a drawing adds to a label


class _Book:
    """The table of the page: entity key -> what the tooltip says, and how each composite opens."""

    def __init__(self, trace: Trace, grads: Any, painter: Painter, expand: Any) -> None:
        self.trace, self.grads, self.painter = trace, grads, painter
        self.info: dict[str, dict[str, Any]] = {}
        self.units: dict[frozenset, str] = {}
        self.specs: dict[str, tuple] = {}  # unit key -> (kind, path, ops, items or None)
        self.base = fit.units(trace, expand)
        self._seq = [getattr(ctx, "seq", k) for k, ctx in enumerate(trace.ops)]

    def _grad(self, ti: int) -> Any:
        return None if self.grads is None else self.grads.grad(self.trace.tensors[ti])

    def _tensor_fields(self, ti: int) -> dict[str, Any]:
        t = self.trace.tensors[ti]
        return {
            "name": L.visible(t.name) if t.name is not None and str(t.name) else "",
            "kind": self.trace.tensor_kind(ti),
            "shape": list(t.shape),
            "dtype": _dtype(t.dtype),
            "data": summary(t.data),
            "grad": summary(self._grad(ti)) if t.requires_grad else None,
        }

    def _op_text(self, k: int) -> str:
        ctx = self.trace.ops[k]
        label = L.op_label(ctx, self.painter.params(k), False, "lecture")
        name = type(ctx).__name__
        return L.visible(label if label == name else f"{label} ({name})")

    def op(self, k: int) -> str:
        key = f"o{k}"
        if key not in self.info:
            ti = self.trace.outputs[k][0]
            d = self._tensor_fields(ti)
            d.update(
                type="op",
                name=d["name"] or L.visible(L.op_label(self.trace.ops[k], self.painter.params(k), False, "lecture")),
                op=self._op_text(k),
                rule=L.visible(L.rule_for(self.trace.ops[k])),
                scope=L.visible(self.trace.scope(k)),
            )
            self.info[key] = d
        return key

    def tensor(self, ti: int) -> str:
        key = f"t{ti}"
        if key not in self.info:
            d = self._tensor_fields(ti)
            k = self.trace.producer[ti]
            d.update(type="tensor", name=d["name"] or f"({d['kind']})")
            if k is not None:
                d.update(op=self._op_text(k), rule=L.visible(L.rule_for(self.trace.ops[k])))
                d["scope"] = L.visible(self.trace.scope(k))
            else:
                d["op"] = d["kind"]
            self.info[key] = d
        return key

    def group(self, tis: list[int]) -> str:
        key = "g" + "_".join(str(ti) for ti in tis)
        if key not in self.info:
            members = [self.info[self.tensor(ti)] for ti in tis]
            self.info[key] = {
                "type": "group",
                "name": ", ".join(m["name"] for m in members),
                "names": [m["name"] for m in members],
                "members": [self.tensor(ti) for ti in tis],
            }
        return key

    def unit(self, kind: str, path: str, ks: list[int], lines: list[str], items: list | None = None) -> str:
        ops = frozenset(ks)
        key = self.units.get(ops)
        if key is not None:
            return key
        key = self.units[ops] = f"u{len(self.units)}"
        self.specs[key] = (kind, path, sorted(ks, key=self._seq.__getitem__), items)
        inside = set(ks)
        outs = [
            ti
            for k in ks
            for ti in self.trace.outputs[k]
            if ti in self.trace.root_indices or any(c not in inside for c, _ in self.trace.consumers[ti])
        ]
        kinds: dict[str, int] = {}
        for k in ks:
            kinds[self.trace.op_name(k)] = kinds.get(self.trace.op_name(k), 0) + 1
        top = sorted(kinds.items(), key=lambda kv: -kv[1])
        rules = []
        for name, _ in top[:6]:
            k = next(k for k in ks if self.trace.op_name(k) == name)
            rules.append(f"{self._op_text(k)}: {L.visible(L.rule_for(self.trace.ops[k]))}")
        lines = [s for s in lines if not _NOTE.match(s)] or lines[:1]  # its name, not the drawing's notes
        d: dict[str, Any] = {
            "type": "unit",
            "name": " ".join(L.visible(s) for s in lines[:2]),
            "op": f"{len(ks)} op{'s' if len(ks) != 1 else ''}: "
            + ", ".join(f"{n}×{c}" for n, c in top[:6])
            + (", …" if len(top) > 6 else ""),
            "scope": ""
            if not path or path.startswith("\x00") or path.rpartition("/")[2] == ELIDED
            else L.visible(path),
            "rules": rules,
            "n_outputs": len(outs),
            "names": self._names(ks),
        }
        if outs:
            d.update(self._tensor_fields(outs[-1]))
            d["name"] = " ".join(L.visible(s) for s in lines[:2])
        self.info[key] = d
        return key

    def _names(self, ks: list[int]) -> list[str]:
        """Names of the tensors ops ks make, and of the leaves they use (their parameters, the data): what the
        search box finds a composite by, when the tensor itself is not drawn."""
        tr, names = self.trace, set()
        for k in ks:
            for ti in tr.outputs[k]:
                names.add(tr.tensors[ti].name)
            for ti in tr.inputs[k]:
                if tr.producer[ti] is None:
                    names.add(tr.tensors[ti].name)
        return sorted(L.visible(n) for n in names if n is not None and str(n))

    # ---- one level down -----------------------------------------------------------------------------------
    def items(self, key: str) -> list[tuple]:
        """What composite `key` holds one level down: ("op", k) and ("unit", kind, path, ks) items, in order."""
        kind, path, ks, given = self.specs[key]
        if given is not None:
            return _chunked(given)
        groups: dict[Any, list[int]] = {}
        if kind == "unit":
            depth = len(scope_parts(path))
            while True:
                groups = {}
                for k in ks:
                    parts = scope_parts(self.trace.scope(k))
                    inner = len(parts) > depth and "/".join(parts[:depth]) == path
                    groups.setdefault("/".join(parts[: depth + 1]) if inner else ("op", k), []).append(k)
                if len(groups) == 1 and isinstance(next(iter(groups)), str) and len(ks) > 1:
                    path, depth = next(iter(groups)), depth + 1  # a module holding one module: look inside
                    continue
                break
        else:  # an elided run of steps or units: the units it stands for
            for k in ks:
                u = self.base[k]
                groups.setdefault(u if u is not None else ("op", k), []).append(k)
        items: list[tuple] = []
        for g, gks in groups.items():
            if len(gks) == 1 or not isinstance(g, str):
                items.append(("op", gks[0]))
            else:
                items.append(("unit", "unit", g, gks))
        items.sort(key=lambda it: min(self._seq[k] for k in _ops(it)))
        return _chunked(items)


def _chunked(items: list[tuple]) -> list[tuple]:
    """More than LEAF items: at most FAN chunks of consecutive ones (each a node that opens in turn)."""
    if len(items) <= LEAF:
        return items
    size = -(-len(items) // FAN)
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    return [c[0] if len(c) == 1 else ("chunk", c) for c in chunks]


def _ops(item: tuple) -> list[int]:
    if item[0] == "op":
        return [item[1]]
    if item[0] == "unit":
        return list(item[3])
    return [k for it in item[1] for k in _ops(it)]


def _step(path: str) -> str | None:
    m = fit.STEP.match(path.rpartition("/")[2])
    return m[1] if m else None


def _chunk_lines(items: list[tuple]) -> list[str]:
    n = sum(len(_ops(it)) for it in items)
    steps = [_step(it[2]) for it in items if it[0] == "unit"]
    if steps and len(steps) == len(items) and None not in steps:
        return [f"t={steps[0]} {ELIDED} t={steps[-1]}", f"{len(items)} steps, {n} ops"]
    return [f"{ELIDED} {n} ops {ELIDED}"] + ([f"in {len(items)} units"] if len(items) != n else [])


def _kind_of(path: str) -> str:
    if path == ELIDED:
        return "run"
    if path.endswith("/" + ELIDED):
        return "steps"
    return "unit"


def _interior(
    book: _Book, key: str, mode: str, painter_args: dict, max_fanout: int | None, rankdir: str
) -> tuple[View, Any, _Part, dict[str, tuple]]:
    """(view, digraph, part) of composite key's interior in mode."""
    items = book.items(key)
    ks = [k for it in items for k in _ops(it)]
    # a row of units (time steps, chunks of a run): what leaves it is what its last unit hands on (each step's h
    # going up to the next layer too would be one more node per step)
    row = sum(it[0] != "op" for it in items) > 2
    part = _Part(book.trace, ks, set(_ops(items[-1])) if row else None)
    local = {k: j for j, k in enumerate(part.orig_op)}
    box_of: list[str | None] = [None] * len(part.ops)
    labels: dict[str, tuple] = {}
    for i, it in enumerate(items):
        if it[0] == "op":
            continue
        if it[0] == "unit":
            path, spec = it[2], ("unit", it[2], it[3], None)
            lines = fit.describe(book.trace, it[2], it[3]) or [it[2].rpartition("/")[2]]
        else:
            path, lines = f"\x00chunk{i}/{ELIDED}", _chunk_lines(it[1])
            spec = ("chunk", path, _ops(it), it[1])
        if it[0] == "unit":
            lines = list(lines) + [f"{len(_ops(it))} ops"]
        labels[path] = (lines, spec)
        for k in _ops(it):
            box_of[local[k]] = path
    view = build(part, mode != "forward", box_of)
    view = _unshare(view, max_fanout, part)
    for nid in view.cluster:
        view.cluster[nid] = ""
    for nid, node in view.nodes.items():
        if node[0] == "box":
            view.labels[nid] = labels[node[1]][0]
    painter = Painter(part, mode, None if mode == "forward" else book.grads, **painter_args)
    g = fit.paint(view, painter, None, rankdir, terse=row)  # numbers as shape and norm, as fitting does
    return view, g, part, labels


def _node_map(book: _Book, view: View, trace: Trace, labels: dict | None = None) -> dict[str, str]:
    """Node id of a drawing -> entity key of the page's table (registering composites as they are met)."""
    op = getattr(trace, "orig_op", None)
    ten = getattr(trace, "orig_tensor", None)
    o = (lambda k: op[k]) if op is not None else (lambda k: k)
    tn = (lambda ti: ten[ti]) if ten is not None else (lambda ti: ti)
    out = {}
    for nid, node in view.nodes.items():
        if node[0] == "op":
            out[nid] = book.op(o(node[1]))
        elif node[0] == "tensor":
            tis = view.groups.get(nid)
            out[nid] = book.group([tn(ti) for ti in tis]) if tis else book.tensor(tn(node[1]))
        else:
            ks = [o(k) for k in node[2]]
            if labels is not None and node[1] in labels:
                lines, spec = labels[node[1]]
                kind, path, _, items = spec
            else:
                path, kind, items = node[1], _kind_of(node[1]), None
                lines = view.labels.get(nid) or [path.rpartition("/")[2]]
            out[nid] = book.unit(kind, path, ks, lines, items)
    return out


# ---- SVG ----------------------------------------------------------------------------------------------------
_NODE = re.compile(r'<g id="[^"]*" class="node">\s*<title>([^<]*)</title>')
_TITLE = re.compile(r"<title>[^<]*</title>\s*")
_IDS = re.compile(r' id="[^"]*"')
_XLINK_TITLE = re.compile(r' xlink:title="[^"]*"')
_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)


def _unescape(s: str) -> str:
    import html

    return html.unescape(s)


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
