"""A View (nodes, edges, clusters) -> graphviz.Digraph, with the labels and colours of each mode."""
import html

import numpy as np

from . import labels as L

TENSOR_STYLE = {  # kind -> node attributes: inputs, parameters and constants are told apart at a glance
    "input": dict(shape="box", style="filled", fillcolor="#fff3bf"),
    "parameter": dict(shape="box", style="filled", fillcolor="#cfe2ff"),
    "constant": dict(shape="box", style="dashed", fontcolor="#555555", color="#888888"),
    "intermediate": dict(shape="box", style="rounded"),
    "output": dict(shape="box", style="rounded,bold", peripheries="2"),
}
VALUE_COLOUR, GRAD_COLOUR, HIGHLIGHT = "#1a7f37", "#cf222e", "#ff8c00"


class Painter:
    """Labels for one drawing: which mode, which gradients are known, what is highlighted or checked."""

    def __init__(self, trace, mode, grads=None, max_values=6, precision=4, show_saved=False,
                 known_ops=None, known_tensors=None, highlight=None, op_status=None):
        self.trace, self.mode, self.grads = trace, mode, grads
        self.max_values, self.precision, self.show_saved = max_values, precision, show_saved
        self.known_ops, self.known_tensors = known_ops, known_tensors
        self.highlight, self.op_status = highlight, op_status or {}

    # ---- numbers ----------------------------------------------------------------------------
    def tensor_grad(self, ti):
        if self.grads is None or (self.known_tensors is not None and ti not in self.known_tensors):
            return None
        return self.grads.grad(self.trace.tensors[ti])

    def use_grad(self, k, pos):
        """The gradient op k sent back to its input number pos."""
        if self.grads is None or (self.known_ops is not None and k not in self.known_ops):
            return None
        return self.grads.input_grad(self.trace.tensors[self.trace.outputs[k][0]], pos)

    def edge_grad(self, e):
        if not e.uses:
            return self.tensor_grad(e.tensor)
        parts = [self.use_grad(k, pos) for k, pos in e.uses]
        if any(p is None for p in parts):
            # a leaf feeding only this op: its gradient is the one contribution (all .grad tells us)
            only = len(self.trace.consumers[e.tensor]) == 1 and self.trace.producer[e.tensor] is None
            return self.tensor_grad(e.tensor) if only and (self.known_ops is None) else None
        return sum(parts[1:], parts[0])

    def value(self, ti):
        t = self.trace.tensors[ti]
        small = L.array_text(t.data, self.max_values, self.precision)
        return small if small is not None else L.shape_text(t.shape)

    def grad(self, g):
        return L.grad_text(g, self.max_values, self.precision)

    # ---- nodes ------------------------------------------------------------------------------
    def op_attrs(self, k):
        name = self.trace.op_name(k) + ("Backward" if self.mode == "backward" else "")
        lines = [name]
        attrs = dict(shape="ellipse", style="filled", fillcolor="#eeeeee")
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

    def box_attrs(self, path, ks, outs):
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

    def tensor_attrs(self, ti):
        t, kind = self.trace.tensors[ti], self.trace.tensor_kind(ti)
        attrs = dict(TENSOR_STYLE[kind])
        lines = [t.name] if t.name is not None and str(t.name) else []
        lines.append(f"{L.shape_text(t.shape)} {t.dtype}")
        if self.mode == "forward":
            small = L.array_text(t.data, self.max_values, self.precision)
            if small is not None:
                lines.append("= " + small)
        if self.mode == "backward" and t.requires_grad:
            g = self.tensor_grad(ti)
            lines.append("grad " + self.grad(g))
            if "filled" not in attrs["style"]:
                attrs["style"] += ",filled"
            attrs["fillcolor"] = L.grad_colour(g)
        if self.mode == "both" and ti in self.trace.root_indices:
            lines.append("= " + self.value(ti) + "   grad " + self.grad(self.tensor_grad(ti)))
        return self._finish(attrs, lines, False)

    @staticmethod
    def _finish(attrs, lines, highlighted):
        attrs["label"] = "\\n".join(_escape(s) for s in lines)
        if highlighted:
            attrs.update(color=HIGHLIGHT, penwidth="4")
        return attrs

    # ---- edges ------------------------------------------------------------------------------
    def edge_attrs(self, e):
        if self.mode == "forward":
            return {}
        if not self.trace.tensors[e.tensor].requires_grad:   # a constant: no gradient flows back into it
            if self.mode == "backward":
                return dict(style="dashed", color="#999999", dir="back")
            return dict(label=Html(f'<<font color="{VALUE_COLOUR}">{_html(self.value(e.tensor))}</font>>'))
        g = self.grad(self.edge_grad(e))
        if self.mode == "backward":
            return dict(label=_escape(g), fontcolor=GRAD_COLOUR, color=GRAD_COLOUR, dir="back")
        label = (f'<<font color="{VALUE_COLOUR}">{_html(self.value(e.tensor))}</font><br/>'
                 f'<font color="{GRAD_COLOUR}">{_html(g)}</font>>')
        return dict(label=Html(label))


class Html(str):
    """An HTML-like label viz made itself. Every other attribute is passed to Graphviz as plain text, so a name
    such as `<b>x</b>` is drawn as written."""


def _escape(s):
    """Text for a quoted DOT label, drawn as written: Graphviz reads backslashes as escapes (\\N: the node's
    name) and &...; as entities."""
    return L.visible(s).replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def _tooltip(s):
    """Text for a tooltip. Graphviz versions disagree on how often they unescape one (2.43 does it twice, and
    expands \\L), so no backslash is written: it is shown as the look-alike U+29F5."""
    return L.visible(s).replace("\\", "\u29f5").replace('"', '\\"').replace("&", "&amp;")


def _html(s):
    return html.escape(L.visible(s), quote=False)


def _plain(attrs):
    import graphviz
    return {k: v if isinstance(v, Html) else graphviz.nohtml(v) for k, v in attrs.items()}


def _saved_arrays(ctx, into):
    # the engine's own fields live in slots; the instance __dict__ holds exactly what forward saved
    for v in vars(ctx).values():
        for a in (v if isinstance(v, (tuple, list)) else (v,)):
            if isinstance(a, np.ndarray):
                into[id(a)] = a
    return into


def saved_bytes(ctx):
    """Bytes of the arrays a context keeps for its backward (0 once backward() freed them)."""
    return sum(a.nbytes for a in _saved_arrays(ctx, {}).values())


def total_saved(trace):
    """The graph's total, each array counted once however many ops keep it."""
    arrays = {}
    for ctx in trace.ops:
        _saved_arrays(ctx, arrays)
    return sum(a.nbytes for a in arrays.values())


def to_digraph(view, painter, title=None, rankdir="LR"):
    """The graphviz.Digraph of a view; scopes become nested clusters."""
    import graphviz

    trace = painter.trace
    g = graphviz.Digraph("autograd", graph_attr=dict(rankdir=rankdir, fontname="Helvetica", labelloc="t",
                                                     fontsize="12", nodesep="0.25", ranksep="0.35"),
                         node_attr=dict(fontname="Helvetica", fontsize="10", height="0.3"),
                         edge_attr=dict(fontname="Helvetica", fontsize="9", arrowsize="0.6"))
    box_outs = {}
    for e in view.edges:
        if view.nodes.get(e.tail, ("",))[0] == "box":
            box_outs.setdefault(e.tail, set()).add(e.tensor)
    attrs = {}
    for nid, node in view.nodes.items():
        if node[0] == "op":
            attrs[nid] = painter.op_attrs(node[1])
        elif node[0] == "box":
            attrs[nid] = painter.box_attrs(node[1], node[2], sorted(box_outs.get(nid, ())))
        else:
            attrs[nid] = painter.tensor_attrs(node[1])
        if nid in view.shared:
            attrs[nid]["label"] += f"\\nshared by {view.shared[nid]} nodes (edges not drawn)"
        if nid in view.gathered:
            attrs[nid]["label"] += f"\\ngathers {view.gathered[nid]} nodes (edges not drawn)"
    _emit_clusters(g, view, attrs)
    for e in view.edges:
        g.edge(e.tail, e.head, **_plain(painter.edge_attrs(e)))
    notes = [title] if title is not None and str(title) else []
    if view.note:
        notes.append(view.note)
    if painter.mode == "backward":
        notes.append(L.GRAD_LEGEND)
    if painter.show_saved:
        notes.append("saved for backward in total: " + L.nbytes_text(total_saved(trace)))
    if notes:
        g.attr(**_plain(dict(label="\\n".join(_escape(n) for n in notes))))
    return g


def _emit_clusters(g, view, attrs):
    members, children = {}, {}
    for nid in view.nodes:
        path = view.cluster[nid]
        members.setdefault(path, []).append(nid)
        while path:                                        # register every enclosing scope
            parent = path.rpartition("/")[0]
            kids = children.setdefault(parent, [])
            if path in kids:
                break
            kids.append(path)
            path = parent
    ids = {}

    def emit(container, path):  # recursion depth = scope nesting depth (a handful), not graph size
        for nid in members.get(path, ()):
            container.node(nid, **_plain(attrs[nid]))
        for child in children.get(path, ()):
            ids[child] = len(ids)
            with container.subgraph(name=f"cluster_{ids[child]}") as c:
                c.attr(**_plain(dict(label=_escape(child.rpartition("/")[2]), tooltip=_tooltip(child),
                                     style="rounded", color="#999999", fontcolor="#555555")))
                emit(c, child)
    emit(g, "")
