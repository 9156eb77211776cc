"""A View (nodes, edges, clusters) -> graphviz.Digraph, with the labels and colours of each mode."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Protocol, SupportsFloat

import numpy as np

from . import labels as L
from .record import _numbers as saved_numbers

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Mapping, Sequence

    import graphviz

    from autograd_core import Function
    from autograd_core.types import Array

    from .record import Grads
    from .trace import Trace
    from .view import Edge, View

    class PainterLike(Protocol):
        """What to_digraph asks of a painter: a Painter, or one that wraps it (the lecture view's)."""

        trace: Trace
        mode: str
        legend: bool
        show_saved: bool

        def op_attrs(self, k: int) -> dict[str, str]: ...
        def box_attrs(self, path: str, ks: Sequence[int], outs: Sequence[int]) -> dict[str, str]: ...
        def tensor_attrs(self, ti: int, notes: Iterable[str] = ()) -> dict[str, str]: ...
        def legend_label(self) -> Html: ...
        def edge_attrs(self, e: Edge) -> dict[str, str]: ...


__all__ = ["Painter", "Html", "saved_bytes", "total_saved", "to_digraph"]

# kind -> node attributes: inputs, parameters and constants are told apart at a glance
TENSOR_STYLE: dict[str, dict[str, str]] = {
    "input": dict(shape="box", style="filled", fillcolor="#fff3bf"),
    "parameter": dict(shape="box", style="filled", fillcolor="#cfe2ff"),
    "constant": dict(shape="box", style="dashed", fontcolor="#555555", color="#888888"),
    "intermediate": dict(shape="box", style="rounded"),
    "output": dict(shape="box", style="rounded,bold", peripheries="2"),
}
VALUE_COLOUR, GRAD_COLOUR, HIGHLIGHT = "#1a7f37", "#cf222e", "#ff8c00"


class Painter:
    """Labels for one drawing: which mode, which gradients are known, what is highlighted or checked.

    labels: "lecture" (ops as the lectures write them: `+ * tanh σ @`) or "class" (the primitive's class name).
    show_dtype: None shows dtypes only when the graph mixes them. legend: a key to the colours in "both" mode.
    chain_rule: each backward edge says local gradient × upstream gradient = what is sent.
    """

    def __init__(
        self,
        trace: Trace,
        mode: str,
        grads: Grads | None = None,
        max_values: int = 6,
        precision: int = 4,
        show_saved: bool = False,
        known_ops: Collection[int] | None = None,
        known_tensors: Collection[int] | None = None,
        highlight: int | None = None,
        op_status: dict[int, tuple[bool, float]] | None = None,
        labels: str = "lecture",
        show_dtype: bool | None = None,
        legend: bool = True,
        chain_rule: bool = False,
    ) -> None:
        self.trace, self.mode, self.grads = trace, mode, grads
        self.max_values, self.precision, self.show_saved = max_values, precision, show_saved
        self.known_ops, self.known_tensors = known_ops, known_tensors
        self.highlight = highlight
        self.op_status: dict[int, tuple[bool, float]] = op_status or {}
        self.labels, self.legend, self.chain_rule = labels, legend, chain_rule
        if show_dtype is None:
            show_dtype = len({str(t.dtype) for t in trace.tensors}) > 1
        self.show_dtype: bool = show_dtype

    # ---- numbers ----------------------------------------------------------------------------
    def tensor_grad(self, ti: int) -> Array | None:
        if self.grads is None or (self.known_tensors is not None and ti not in self.known_tensors):
            return None
        return self.grads.grad(self.trace.tensors[ti])

    def use_grad(self, k: int, pos: int) -> Array | None:
        """The gradient op k sent back to its input number pos."""
        if self.grads is None or (self.known_ops is not None and k not in self.known_ops):
            return None
        return self.grads.input_grad(self.trace.tensors[self.trace.outputs[k][0]], pos)

    def edge_grad(self, e: Edge) -> Array | None:
        if not e.uses:
            return self.tensor_grad(e.tensor)
        parts = [self.use_grad(k, pos) for k, pos in e.uses]
        known = [p for p in parts if p is not None]
        if len(known) < len(parts):
            # a leaf feeding only this op: its gradient is the one contribution (all .grad tells us)
            only = len(self.trace.consumers[e.tensor]) == 1 and self.trace.producer[e.tensor] is None
            return self.tensor_grad(e.tensor) if only and (self.known_ops is None) else None
        return sum(known[1:], known[0])

    def num(self, v: SupportsFloat) -> str:
        return L.number(v, self.precision)

    def value(self, ti: int, with_shape: bool = True) -> str:
        """A tensor's value when small; else its shape (once) and norm. Scalars never show their shape ()."""
        t = self.trace.tensors[ti]
        small = L.array_text(t.data, self.max_values, self.precision)
        if small is None:
            small = (L.shape_text(t.shape) + " " if with_shape else "") + L.norm_text(t.data)
        return small

    def grad(self, g: Array | None, with_shape: bool = True) -> str:
        if g is None:
            return "?"
        small = L.array_text(g, self.max_values, self.precision)
        if small is not None:
            return small
        return (L.shape_text(g.shape) + " " if with_shape else "") + L.norm_text(g)

    def params(self, k: int) -> dict[str, float]:
        """The numbers op k's forward saved (PowScalar's p), kept by the recording after backward freed them."""
        ctx = self.trace.ops[k]
        grads = self.grads
        return grads.params(ctx) if grads is not None and hasattr(grads, "params") else saved_numbers(ctx)

    def op_label(self, k: int) -> str:
        return L.op_label(self.trace.ops[k], self.params(k), self.mode == "backward", self.labels)

    # ---- nodes ------------------------------------------------------------------------------
    def op_attrs(self, k: int) -> dict[str, str]:
        lines = [self.op_label(k)]
        attrs = dict(shape="ellipse", style="filled", fillcolor="#eeeeee")
        if len(lines[0]) <= 2:  # `+ * @ σ` in a small round node, as the lectures draw them
            attrs.update(margin="0.02", width="0.35")
        if self.mode == "backward":
            attrs["fillcolor"] = L.grad_colour(self.tensor_grad(self.trace.outputs[k][0]))
        if self.show_saved:
            lines.append("saved " + L.nbytes_text(saved_bytes(self.trace.ops[k])))
        if k in self.op_status:
            ok, err = self.op_status[k]
            attrs["fillcolor"] = "#8fd19e" if ok else "#f1948a"
            if not ok:
                lines.append(f"max err {err:.2g}")
        return self._finish(attrs, lines, k == self.highlight)

    def box_attrs(self, path: str, ks: Sequence[int], outs: Sequence[int]) -> dict[str, str]:
        lines = [path.rpartition("/")[2], f"{len(ks)} ops"]
        attrs = dict(shape="box3d", style="filled", fillcolor="#e7e7f7", tooltip=_tooltip(path))
        if self.mode == "backward":
            gs = [g for g in (self.tensor_grad(ti) for ti in outs) if g is not None]
            attrs["fillcolor"] = L.grad_colour(max(gs, key=L.rms) if gs else None)
        if self.show_saved:
            lines.append("saved " + L.nbytes_text(sum(saved_bytes(self.trace.ops[k]) for k in ks)))
        bad = [self.op_status[k][1] for k in ks if k in self.op_status and not self.op_status[k][0]]
        if any(k in self.op_status for k in ks):
            attrs["fillcolor"] = "#f1948a" if bad else "#8fd19e"
            if bad:
                lines.append(f"max err {max(bad):.2g}")
        return self._finish(attrs, lines, self.highlight in ks)

    def tensor_cells(self, ti: int) -> list[tuple[str, str | None]]:
        """micrograd's record, as (text, colour) cells: name | shape dtype | data | grad (each only when known)."""
        t = self.trace.tensors[ti]
        cells: list[tuple[str, str | None]] = [(str(t.name), None)] if t.name is not None and str(t.name) else []
        about = [L.shape_text(t.shape)] if t.ndim else []
        if self.show_dtype:
            about.append(str(t.dtype))
        if about:
            cells.append((" ".join(about), None))
        cells.append(("data " + self.value(ti, with_shape=False), VALUE_COLOUR))
        if self.mode != "forward" and t.requires_grad:
            cells.append(("grad " + self.grad(self.tensor_grad(ti), with_shape=False), GRAD_COLOUR))
        return cells

    def tensor_attrs(self, ti: int, notes: Iterable[str] = ()) -> dict[str, str]:
        t, kind = self.trace.tensors[ti], self.trace.tensor_kind(ti)
        attrs = dict(TENSOR_STYLE[kind], margin="0.04")
        if self.mode == "backward" and t.requires_grad:
            if "filled" not in attrs["style"]:
                attrs["style"] += ",filled"
            attrs["fillcolor"] = L.grad_colour(self.tensor_grad(ti))
        attrs["label"] = Html(_record(self.tensor_cells(ti), notes))
        return attrs

    @staticmethod
    def _finish(attrs: dict[str, str], lines: list[str], highlighted: bool) -> dict[str, str]:
        attrs["label"] = "\\n".join(_escape(s) for s in lines)
        if highlighted:
            attrs.update(color=HIGHLIGHT, penwidth="4")
        return attrs

    def legend_label(self) -> Html:
        rows = [("value (data)", VALUE_COLOUR), ("gradient (grad)", GRAD_COLOUR)]
        if self.chain_rule:
            rows.append(("local × upstream = sent", GRAD_COLOUR))
        cells = "".join(f'<tr><td align="left"><font color="{c}">{_html(s)}</font></td></tr>' for s, c in rows)
        return Html(f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">{cells}</table>>')

    # ---- the chain rule on an edge ---------------------------------------------------------
    def chain_text(self, e: Edge) -> str | None:
        """`local × upstream = sent` for a scalar use, `rule = sent` (or its norm) otherwise; None if unknown."""
        if len(e.uses) != 1:
            return None
        k, pos = e.uses[0]
        up, sent = self.tensor_grad(self.trace.outputs[k][0]), self.use_grad(k, pos)
        if up is None or sent is None:
            return None
        if np.size(up) == 1 and np.size(sent) == 1 and self.trace.tensors[e.tensor].size == 1:
            u, s = float(np.reshape(up, -1)[0]), float(np.reshape(sent, -1)[0])
            local = self.local_text(k, pos, None if u == 0 else s / u)
            return f"{local} × {self.num(u)} = {self.num(s)}"
        rule = self.rule_text(k, pos)
        small = L.array_text(sent, self.max_values, self.precision)
        return f"{rule} = {small}" if small is not None else f"{rule}  {L.norm_text(sent)}"

    def rule_text(self, k: int, pos: int) -> str:
        """The op's rule for input pos, with the inputs' names where they have one (`g @ Wᵀ`)."""
        ctx = self.trace.ops[k]
        rule = L.rule_for(ctx, pos)
        names = {}
        for sym, i in (("x", 0), ("y", 1)):
            if i < len(ctx.parents) and isinstance(ctx.parents[i].name, str) and ctx.parents[i].name:
                names[sym] = L.visible(ctx.parents[i].name)
        if names and L.is_builtin(ctx) and type(ctx).__name__ in ("Mul", "Div", "MatMul", "Pow", "PowScalar"):
            # ᵀ is a letter to re's \w: name the ASCII word characters
            rule = re.sub(r"(?<![A-Za-z0-9_.])[xy](?![A-Za-z0-9_])", lambda m: names.get(m[0], m[0]), rule)
        return rule

    def local_text(self, k: int, pos: int, local: float | None) -> str:
        """The local gradient of a scalar op as the lectures write it, numbers put in: `(1 - 0.7071²)`, `x2`."""
        ctx, tr = self.trace.ops[k], self.trace
        name = type(ctx).__name__ if L.is_builtin(ctx) else None
        out = float(np.reshape(tr.tensors[tr.outputs[k][0]].data, -1)[0])
        ins = [p.data for p in ctx.parents]
        v = [float(np.reshape(a, -1)[0]) if np.size(a) == 1 else None for a in ins]
        n = self.num
        text: str | None = None
        value: float | None = None
        if name == "Tanh":
            text, value = f"(1 - {n(out)}²)", 1 - out * out
        elif name == "Sigmoid":
            text, value = f"{n(out)} × (1 - {n(out)})", out * (1 - out)
        elif name == "Exp":
            text, value = n(out), out
        elif name in ("Add", "Sub", "Neg", "Relu") and local is not None:
            text = n(local)
        elif name == "Mul" and (w := v[1 - pos]) is not None:
            other = ctx.parents[1 - pos]
            text = L.visible(other.name) if isinstance(other.name, str) and other.name else n(w)
            value = w
        elif name == "Log" and v[0] is not None:
            text, value = f"1/{n(v[0])}", 1 / v[0] if v[0] else None
        elif name == "Div" and (x := v[0]) is not None and (y := v[1]) is not None:
            text = f"1/{n(y)}" if pos == 0 else f"-{n(x)}/{n(y)}²"
            value = (1 / y if pos == 0 else -x / y**2) if y else None
        elif name == "PowScalar" and v[0] is not None and "p" in self.params(k):
            p = self.params(k)["p"]
            text, value = f"{n(p)} × {n(v[0])}^{n(p - 1)}", p * v[0] ** (p - 1) if v[0] or p >= 1 else None
        if text is None:
            value = local if local is not None else value
            return n(value) if value is not None else "?"
        return text

    # ---- edges ------------------------------------------------------------------------------
    def edge_attrs(self, e: Edge) -> dict[str, str]:
        if self.mode == "forward":
            return {}
        t = self.trace.tensors[e.tensor]
        # a named intermediate is a wire in these modes: its name goes on the wire
        if self.mode == "both" and e.head == f"t{e.tensor}":
            return {}  # into the tensor's own record, which says it all
        from_node = e.tail == f"t{e.tensor}"  # a tensor drawn as a node shows its value there, not again here
        named = not from_node and t.name is not None and str(t.name)
        head = f"{_html(str(t.name))}<br/>" if named else ""
        if not t.requires_grad:  # a constant: no gradient flows back into it
            if self.mode == "backward":
                return dict(style="dashed", color="#999999", dir="back")
            if from_node:
                return dict(style="dashed", color="#777777")
            return dict(label=Html(f'<{head}<font color="{VALUE_COLOUR}">{_html(self.edge_value(e))}</font>>'))
        chain = self.chain_text(e) if self.chain_rule else None
        g = chain if chain is not None else self.grad(self.edge_grad(e), with_shape=self.mode == "backward")
        if self.mode == "backward":
            return dict(
                label=Html(f'<{head}<font color="{GRAD_COLOUR}">{_html(g)}</font>>') if head or chain else _escape(g),
                fontcolor=GRAD_COLOUR,
                color=GRAD_COLOUR,
                dir="back",
            )
        if from_node:
            g = chain if chain is not None else self.grad(self.edge_grad(e))
            return dict(label=Html(f'<<font color="{GRAD_COLOUR}">{_html(g)}</font>>'))
        label = (
            f'<{head}<font color="{VALUE_COLOUR}">{_html(self.edge_value(e))}</font><br/>'
            f'<font color="{GRAD_COLOUR}">{_html(g)}</font>>'
        )
        return dict(label=Html(label))

    def edge_value(self, e: Edge) -> str:
        t = self.trace.tensors[e.tensor]
        v = self.value(e.tensor)
        return v + (f" {t.dtype}" if self.show_dtype else "")


def _record(cells: Sequence[tuple[str, str | None]], notes: Iterable[str] = ()) -> str:
    """An HTML-like label: one row of cells separated by lines, micrograd's `name | data | grad`; notes below."""
    tds = []
    for i, (text, colour) in enumerate(cells):
        body = _html(text)
        if colour:
            body = f'<font color="{colour}">{body}</font>'
        side = ' sides="l" border="1"' if i else ""
        tds.append(f"<td{side}>{body}</td>")
    rows = "".join(f'<tr><td colspan="{len(tds)}" sides="t" border="1">{_html(n)}</td></tr>' for n in notes)
    return f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="3"><tr>{"".join(tds)}</tr>{rows}</table>>'


class Html(str):
    """An HTML-like label viz made itself. Every other attribute is passed to Graphviz as plain text, so a name
    such as `<b>x</b>` is drawn as written."""


def _escape(s: object) -> str:
    """Text for a quoted DOT label, drawn as written: Graphviz reads backslashes as escapes (\\N: the node's
    name) and &...; as entities."""
    return L.visible(s).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def _tooltip(s: object) -> str:
    """Text for a tooltip. Graphviz versions disagree on how often they unescape one (2.43 does it twice, and
    expands \\L), so no backslash is written: it is shown as the look-alike U+29F5."""
    return L.visible(s).replace("\\", "\u29f5").replace('"', '\\"').replace("&", "&amp;")


def _html(s: object) -> str:
    """Text inside an HTML-like label. Graphviz expands backslash escapes there too (\\N: the node's name), even
    written as &#92;, so each backslash is doubled; a cell holding only ] (or ]]) runs into the next cell in
    Graphviz's SVG unless written as &#93;."""
    return html.escape(L.visible(s), quote=False).replace("\\", "\\\\").replace("]", "&#93;")


def _plain(attrs: Mapping[str, str]) -> dict[str, str]:
    import graphviz

    return {k: v if isinstance(v, Html) else graphviz.nohtml(v) for k, v in attrs.items()}


def _saved_arrays(ctx: Function, into: dict[int, np.ndarray]) -> dict[int, np.ndarray]:
    # the engine's own fields live in slots; the instance __dict__ holds exactly what forward saved
    for v in vars(ctx).values():
        for a in v if isinstance(v, (tuple, list)) else (v,):
            if isinstance(a, np.ndarray):
                into[id(a)] = a
    return into


def saved_bytes(ctx: Function) -> int:
    """Bytes of the arrays a context keeps for its backward (0 once backward() freed them)."""
    return sum(a.nbytes for a in _saved_arrays(ctx, {}).values())


def total_saved(trace: Trace) -> int:
    """The graph's total, each array counted once however many ops keep it."""
    arrays: dict[int, np.ndarray] = {}
    for ctx in trace.ops:
        _saved_arrays(ctx, arrays)
    return sum(a.nbytes for a in arrays.values())


def to_digraph(view: View, painter: PainterLike, title: object = None, rankdir: str = "LR") -> graphviz.Digraph:
    """The graphviz.Digraph of a view; scopes become nested clusters."""
    import graphviz

    trace = painter.trace
    g = graphviz.Digraph(
        "autograd",
        graph_attr=dict(
            rankdir=rankdir, fontname="Helvetica", labelloc="t", fontsize="12", nodesep="0.25", ranksep="0.35"
        ),
        node_attr=dict(fontname="Helvetica", fontsize="10", height="0.3"),
        edge_attr=dict(fontname="Helvetica", fontsize="9", arrowsize="0.6"),
    )
    box_outs: dict[str, set[int]] = {}
    for e in view.edges:
        if view.nodes.get(e.tail, ("",))[0] == "box":
            box_outs.setdefault(e.tail, set()).add(e.tensor)
    attrs = {}
    for nid, node in view.nodes.items():
        if node[0] == "op":
            attrs[nid] = painter.op_attrs(node[1])
        elif node[0] == "box":
            attrs[nid] = painter.box_attrs(node[1], node[2], sorted(box_outs.get(nid, ())))
        notes = []
        if nid in view.shared:
            notes.append(f"shared by {view.shared[nid]} nodes (edges not drawn)")
        if nid in view.gathered:
            notes.append(f"gathers {view.gathered[nid]} nodes (edges not drawn)")
        if node[0] == "tensor":
            attrs[nid] = painter.tensor_attrs(node[1], notes)
        elif notes:
            attrs[nid]["label"] += "".join("\\n" + n for n in notes)
    _emit_clusters(g, view, attrs)
    if painter.mode == "both" and painter.legend:
        g.node("legend", **_plain(dict(shape="plaintext", label=painter.legend_label())))
    for e in view.edges:
        g.edge(e.tail, e.head, **_plain(painter.edge_attrs(e)))
    caption: list[object] = [title] if title is not None and str(title) else []
    if view.note:
        caption.append(view.note)
    if painter.mode == "backward":
        caption.append(L.GRAD_LEGEND)
    if painter.show_saved:
        caption.append("saved for backward in total: " + L.nbytes_text(total_saved(trace)))
    if caption:
        g.attr(**_plain(dict(label="\\n".join(_escape(n) for n in caption))))
    return g


def _emit_clusters(g: graphviz.Digraph, view: View, attrs: dict[str, dict[str, str]]) -> None:
    members: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for nid in view.nodes:
        path = view.cluster[nid]
        members.setdefault(path, []).append(nid)
        while path:  # register every enclosing scope
            parent = path.rpartition("/")[0]
            kids = children.setdefault(parent, [])
            if path in kids:
                break
            kids.append(path)
            path = parent
    ids: dict[str, int] = {}

    def emit(
        container: graphviz.Digraph, path: str
    ) -> None:  # recursion depth = scope nesting depth (a handful), not graph size
        for nid in members.get(path, ()):
            container.node(nid, **_plain(attrs[nid]))
        for child in children.get(path, ()):
            ids[child] = len(ids)
            with container.subgraph(name=f"cluster_{ids[child]}") as c:
                c.attr(
                    **_plain(
                        dict(
                            label=_escape(child.rpartition("/")[2]),
                            tooltip=_tooltip(child),
                            style="rounded",
                            color="#999999",
                            fontcolor="#555555",
                        )
                    )
                )
                emit(c, child)

    emit(g, "")
