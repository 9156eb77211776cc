"""The lecture view: modules and composites as single nodes, long sequences elided, every picture sized for a slide.

A *unit* is what one node of the picture stands for: a module call or a functional composite (the leaf scope
that holds its ops), one time step of a recurrent layer (`.../l0/t=3`), or an op outside every scope. Long
sequences are elided: of a recurrent layer's steps the first few and the last are drawn, the rest are one node
saying how many ("… 45 steps …"); of a long run of units (an MLP of 250 layers, a chain of 10,000 ops) the
first and last few, the middle as one node saying how many ops, modules and parameters it holds. Leaves used only
inside an elided node (its parameters, constants) are not drawn and it says how many.

`fit_view` lays each candidate out with `dot` (when installed) and keeps the most detailed one that fits
SLIDE (2,000 x 1,200 px at 96 dpi), so no picture needs to be scaled down; if none fits, it warns.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import warnings
from typing import TYPE_CHECKING, Any, cast, overload

from .view import Edge, _unshare, build, scope_parts

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable, Sequence
    from typing import Literal

    import graphviz

    from autograd_core import Tensor

    from .dot import Painter
    from .trace import Trace
    from .view import ScopeRule, View

    # expand=: a scope name or glob, several of them, or a predicate on unit paths
    Expand = str | list[str] | tuple[str, ...] | set[str] | ScopeRule | None
    Units = list[str | None]  # op index -> the path of the unit it is drawn in (None: drawn as itself)
    Column = tuple[str, int | str]  # (recurrent module scope, time step or ELIDED)
    Size = tuple[float, float]  # (width, height) in px at 96 dpi
    Beside = bool | str  # edge labels: on the edge (False), beside it (True), a named edge's name only ("names")
    PaintFn = Callable[[View, bool, Beside, str], graphviz.Digraph]  # paint(view, terse, beside, rankdir)

__all__ = ["expand_rule", "units", "elide_steps", "elide_run", "lecture_view", "describe", "layout_size", "fits",
           "fit_view", "paint", "apply_style", "name_numbered_boxes", "name_numbered_clusters", "draw_fitted",
           "check_options"]  # fmt: skip

SLIDE = (2000, 1200)  # px at 96 dpi
STEP = re.compile(r"t=(\d+)$")
ELIDED = "\u2026"  # the last part of an elision unit's path
# nn.functional's composites record their ops under their own name: inside a module they belong to its node
COMPOSITES = {
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool1d",
    "avg_pool2d",
    "mse_loss",
    "nll_loss",
    "cross_entropy",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax",
    "log_softmax",
    "linear",
    "batch_norm",
}
GLUE_OPS = {
    "Reshape",
    "Transpose",
    "Concatenate",
    "GetItem",
    "Stack",
    "Squeeze",
    "Unsqueeze",
    "Expand",
    "BroadcastTo",
    "Pad",
    "Split",
    "Copy",
}


def _step_of(parts: Sequence[str]) -> int | None:
    """Index of the first `t=<n>` part of a scope, or None."""
    for i, p in enumerate(parts):
        if STEP.match(p):
            return i
    return None


def expand_rule(expand: Expand) -> ScopeRule:
    """A predicate on unit paths: the units for which it holds are drawn op by op."""
    if expand is None:
        return lambda path: False
    if callable(expand) and not isinstance(expand, (str, list, tuple, set)):
        return expand
    if not isinstance(expand, (str, list, tuple, set)):
        raise TypeError(f"expand= takes a scope name or glob, a list of them or a predicate, got {expand!r}")
    items = [expand] if isinstance(expand, str) else list(expand)
    for it in items:
        if not isinstance(it, str):
            raise TypeError(f"expand= takes a scope name or glob, a list of them or a predicate, got {it!r}")

    def rule(path: str) -> bool:
        parts = scope_parts(path)
        return any(
            path == it
            or fnmatch.fnmatchcase(path, it)
            or any(fnmatch.fnmatchcase(p, it) for p in parts)
            or path.startswith(it + "/")
            for it in items
        )

    return rule


def units(trace: Trace, expand: Expand = None) -> Units:
    """op index -> unit path (None: the op is drawn as itself). A recurrent layer's glue outside its steps
    (the projection of every step's input, the concatenation of its outputs) joins the layer it feeds."""
    rule = expand_rule(expand)
    unit: Units = []
    for k in range(len(trace.ops)):
        parts = scope_parts(trace.scope(k))
        i = _step_of(parts)
        if i is None:
            i = next((j for j, p in enumerate(parts) if p in COMPOSITES), None)
            if i is not None and i > 0:
                i -= 1
        u = "/".join(parts[: i + 1] if i is not None else parts) or None
        unit.append(None if u is not None and rule(u) else u)
    rnn_scopes = {
        "/".join(scope_parts(u)[:-2]) for u in unit if u and STEP.match(scope_parts(u)[-1]) and len(scope_parts(u)) >= 2
    }
    layer_scopes = {u.rpartition("/")[0] for u in unit if u and STEP.match(u.rpartition("/")[2])}
    for k, u in enumerate(unit):
        if u is not None and (u in rnn_scopes or u in layer_scopes):
            unit[k] = _glue_unit(trace, k, unit, u, layer_scopes)
    return unit


def _glue_unit(trace: Trace, k: int, unit: Units, u: str, layer_scopes: set[str]) -> str:
    """The layer whose steps op k (glue of a recurrent module) feeds: `<layer>/input`; else `<u>/output`."""
    seen, todo = {k}, [k]
    while todo:
        j = todo.pop()
        for ti in trace.outputs[j]:
            for c, _ in trace.consumers[ti]:
                uc = unit[c]
                if uc and STEP.match(uc.rpartition("/")[2]) and uc.rpartition("/")[0] in layer_scopes:
                    return uc.rpartition("/")[0] + "/input"
                if c not in seen and uc is not None and (uc == u or uc.startswith(u + "/")):
                    seen.add(c)
                    todo.append(c)
    return u + "/output"


def elide_steps(unit: Units, first: int = 3, last: int = 1) -> tuple[Units, dict[str, int]]:
    """Of each layer's time steps keep the first `first` and the last `last`; the others become one unit."""
    steps: dict[str, set[int]] = {}
    for u in unit:
        if u:
            layer, _, part = u.rpartition("/")
            m = STEP.match(part)
            if m:
                steps.setdefault(layer, set()).add(int(m[1]))
    gone: dict[str | None, str] = {}
    for layer, found in steps.items():
        ts = sorted(found)
        if len(ts) > first + last + 1:
            for t in ts[first : len(ts) - last]:
                gone[f"{layer}/t={t}"] = f"{layer}/{ELIDED}"
    return [gone.get(u, u) for u in unit], {layer: len(ts) for layer, ts in steps.items()}


def elide_run(trace: Trace, unit: Units, keep: int) -> Units:
    """Units in the order they were recorded; when more than 2 * keep + 1, the middle ones become one unit."""
    first: dict[str | tuple[str, int], int] = {}
    for k, u in enumerate(unit):
        key = u if u is not None else ("op", k)
        s = getattr(trace.ops[k], "seq", k)
        if key not in first or s < first[key]:
            first[key] = s
    order = sorted(first, key=first.__getitem__)
    if len(order) <= 2 * keep + 1:
        return unit
    middle = set(order[keep : len(order) - keep])
    return [ELIDED if (u if u is not None else ("op", k)) in middle else u for k, u in enumerate(unit)]


def _elided(trace: Trace, unit: Units, first: int, last: int, keep: int | None) -> tuple[Units, dict[str, int]]:
    unit, n_steps = elide_steps(unit, first, last)
    if keep is not None:
        unit = elide_run(trace, unit, keep)
    return unit, n_steps


def lecture_view(
    trace: Trace,
    wire: bool,
    expand: Expand = None,
    first: int = 3,
    last: int = 1,
    keep: int | None = None,
    max_fanout: int | None = 8,
    fold_params: bool = False,
    base: Units | tuple[Units, dict[str, int]] | None = None,
) -> View:
    """The View of detail="lecture"; keep: units kept at each end of a long run (None: no run elided)."""
    if isinstance(base, tuple):  # (units, steps per layer) already elided by the caller
        unit, n_steps = base
    else:
        unit, n_steps = _elided(trace, units(trace, expand) if base is None else base, first, last, keep)
    view = build(trace, wire, unit)
    if not wire:
        _wire_boxes(trace, view)
    for nid in view.cluster:  # flat: clusters would keep equal time steps out of one column
        view.cluster[nid] = ""
    _merge_parallel(view)
    _fold_leaves(trace, view)
    _columns(view)
    view = _unshare(view, None if max_fanout is None else max(max_fanout, 12))
    _fold_loose(trace, view)
    if fold_params:
        _fold_params(trace, view)
    _group_params(trace, view)
    _one_edge_per_layer(view)
    _label(trace, view, n_steps)
    return view


def _layer_of(view: View, nid: str) -> str | None:
    node = view.nodes.get(nid)
    return node[1].rpartition("/")[0] if node and node[0] == "box" and _is_step(node[1]) else None


def _one_edge_per_layer(view: View) -> None:
    """A node feeding every step of a layer (its weights, the projection of all inputs) is drawn with one edge,
    into the layer's first step; a node reading every step (the stack of outputs), with one, from the last.
    The node says so."""

    def order(nid: str) -> tuple[int, int | str]:
        c = cast("Column", _column(view, nid))[1]  # nid: a step
        return (1, 0) if isinstance(c, str) else (0, c) if c < 3 else (2, c)  # the one str is ELIDED

    for end, other in (("head", "tail"), ("tail", "head")):
        groups: dict[tuple[str, str], list[Edge]] = {}
        for e in view.edges:
            layer = _layer_of(view, getattr(e, end))
            if layer is not None and _layer_of(view, getattr(e, other)) is None:
                groups.setdefault((getattr(e, other), layer), []).append(e)
        drop: set[int] = set()
        layers: dict[str, list[str]] = {}
        for (nid, layer), es in groups.items():
            steps = {getattr(e, end) for e in es}
            if len(steps) < 2:
                continue
            pick = (min if end == "head" else max)(steps, key=order)
            drop |= {id(e) for e in es if getattr(e, end) != pick}
            layers.setdefault(nid, []).append(layer)
        for nid, ls in layers.items():
            what = "feeds" if end == "head" else "reads"
            view.extra.setdefault(nid, []).append(
                f"{what} every step (1 edge drawn)"
                if len(ls) == 1
                else f"{what} every step of {len(ls)} layers (1 edge each)"
            )
        view.edges = [e for e in view.edges if id(e) not in drop]


def _wire_boxes(trace: Trace, view: View) -> None:
    """Forward mode: a tensor a module's node made is the edge out of it (its value written on the edge), as in
    the lectures' layer diagrams; tensors made by single ops stay nodes, as in the lectures' neuron."""
    made: dict[str, str] = {}
    for e in view.edges:
        if not e.uses and view.nodes[e.tail][0] == "box" and view.nodes[e.head][0] == "tensor":
            ti = _tensor_index(view, e.head)
            if ti not in trace.root_indices and not trace.tensors[ti].name:
                made[e.head] = e.tail
    if not made:
        return
    edges = []
    for e in view.edges:
        if e.head in made and not e.uses:
            continue
        if e.tail in made:
            e.tail = made[e.tail]
            if e.tail == e.head:
                continue  # made and used again inside the same node (between elided steps)
        edges.append(e)
    view.edges = edges
    for nid in made:
        del view.nodes[nid]
        view.cluster.pop(nid, None)


def _merge_parallel(view: View) -> None:
    """More than two tensors from one node to another (every elided step's output into the next layer) are
    drawn as one edge that says how many; one or two (h and c) each keep their own."""
    groups: dict[tuple[str, str], list[Edge]] = {}
    for e in view.edges:
        groups.setdefault((e.tail, e.head), []).append(e)
    keep = []
    for e in view.edges:
        g = groups[(e.tail, e.head)]
        tail = view.nodes[e.tail]
        boxes = tail[0] == "box" or view.nodes[e.head][0] == "box"
        if len(g) == 1 or not boxes or len(g) == 2 and _is_step(tail[1] if tail[0] == "box" else ""):
            keep.append(e)
        elif e is g[0]:
            e.merged = True
            keep.append(e)
    view.edges = keep


def _quiet_constant(trace: Trace, ti: int) -> bool:
    """An unnamed constant that says nothing (a scalar, zeros, ones): not drawn in the lecture view."""
    t = trace.tensors[ti]
    if t.name or trace.tensor_kind(ti) != "constant":
        return False
    a = t.data
    return a.size <= 1 or bool((a == a.reshape(-1)[0]).all())


def _leaf_nodes(trace: Trace, view: View) -> list[str]:
    return [nid for nid, n in view.nodes.items() if n[0] == "tensor" and trace.producer[n[1]] is None]


def _tensor_index(view: View, nid: str) -> int:
    """The tensor a tensor node draws."""
    return cast(int, view.nodes[nid][1])


def _is_elided_box(view: View, nid: str) -> bool:
    node = view.nodes[nid]
    return node[0] == "box" and node[1].endswith(ELIDED)


def _fold_leaves(trace: Trace, view: View) -> None:
    """Leaves (parameters, constants) used only by elided units are not drawn; the unit says how many."""
    into: dict[str, set[str]] = {}
    for e in view.edges:
        into.setdefault(e.tail, set()).add(e.head)
    drop = {
        nid
        for nid in _leaf_nodes(trace, view)
        if _quiet_constant(trace, _tensor_index(view, nid))
        and into.get(nid)
        and all(view.nodes[h][0] == "box" for h in into[nid])
    }  # glue inside modules
    for nid in _leaf_nodes(trace, view):
        heads = into.get(nid, set())
        if nid in drop:
            continue
        if heads and all(_is_elided_box(view, h) for h in heads):
            drop.add(nid)
            for h in heads:
                _count(trace, view, h, nid)
    _drop(view, drop)


def _fold_loose(trace: Trace, view: View) -> None:
    """Leaves whose every edge was left out (they feed a node that gathers too many) are not drawn either."""
    drawn = {e.tail for e in view.edges} | {e.head for e in view.edges}
    drop = {nid for nid in _leaf_nodes(trace, view) if nid not in drawn and len(view.nodes) > 1}
    for nid in drop:
        ti = _tensor_index(view, nid)
        for k, _ in trace.consumers[ti]:
            _count(trace, view, view.op_node[k], nid)
    _drop(view, drop)


PARAM_GROUP = re.compile(r"^(.*?)(?:_?(l\d+(?:_reverse)?))$")


def _group_key(name: object) -> str | None:
    """Parameters drawn in one node: a module's (`0.weight`, `0.bias`: `0`), a recurrent layer's
    (`weight_ih_l0`, `bias_hh_l0`: `l0`)."""
    if not name:
        return None
    name = str(name)
    m = PARAM_GROUP.match(name)
    if m and m[2]:
        return name.rpartition(".")[0] + "." + m[2] if "." in name else m[2]
    return name.rpartition(".")[0] or None


def _group_params(trace: Trace, view: View) -> None:
    """One node per module's (or recurrent layer's) parameters: a table of them, their edges merged."""
    groups: dict[str, list[str]] = {}
    for nid in _leaf_nodes(trace, view):
        ti = _tensor_index(view, nid)
        if trace.tensor_kind(ti) == "parameter":
            key = _group_key(trace.tensors[ti].name)
            if key is not None:
                groups.setdefault(key, []).append(nid)
    rename: dict[str, str] = {}
    for nids in groups.values():
        if len(nids) > 1:
            view.groups[nids[0]] = [_tensor_index(view, n) for n in nids]
            for n in nids[1:]:
                rename[n] = nids[0]
    if not rename:
        return
    for e in view.edges:
        e.tail = rename.get(e.tail, e.tail)
    for n in rename:
        del view.nodes[n]
        view.cluster.pop(n, None)
    seen: dict[tuple[str, str], Edge] = {}
    keep: list[Edge] = []
    for e in view.edges:
        if e.tail in view.groups:
            first = seen.get((e.tail, e.head))
            if first is not None:
                first.merged = True
                continue
            seen[(e.tail, e.head)] = e
        keep.append(e)
    view.edges = keep


def _fold_params(trace: Trace, view: View) -> None:
    """Parameters are not drawn; each node they feed says how many it uses."""
    drop = {nid for nid in _leaf_nodes(trace, view) if trace.tensor_kind(_tensor_index(view, nid)) == "parameter"}
    counted = set()
    for e in view.edges:
        if e.tail in drop and e.tail not in counted:  # said once, where it is first used
            counted.add(e.tail)
            _count(trace, view, e.head, e.tail)
    _drop(view, drop)


def _count(trace: Trace, view: View, head: str, nid: str) -> None:
    kind = trace.tensor_kind(_tensor_index(view, nid))
    folded = view.folded.setdefault(head, {})
    folded.setdefault(kind, set()).add(nid)


def _drop(view: View, drop: Collection[str]) -> None:
    if drop:
        for nid in drop:
            del view.nodes[nid]
            view.cluster.pop(nid, None)
        view.edges = [e for e in view.edges if e.tail not in drop and e.head not in drop]


# ---- labels ---------------------------------------------------------------------------------------------
def _params(trace: Trace, ks: Iterable[int]) -> list[Tensor]:
    out: list[Tensor] = []
    seen: set[int] = set()
    for k in ks:
        for ti in trace.inputs[k]:
            if ti not in seen and trace.producer[ti] is None and trace.tensor_kind(ti) == "parameter":
                seen.add(ti)
                out.append(trace.tensors[ti])
    return out


@overload
def describe(trace: Trace, path: str, ks: Sequence[int], fallback: Literal[True] = True) -> list[str]: ...
@overload
def describe(trace: Trace, path: str, ks: Sequence[int], fallback: bool) -> list[str] | None: ...
def describe(trace: Trace, path: str, ks: Sequence[int], fallback: bool = True) -> list[str] | None:
    """A lecture label for the unit `path` made of ops ks: `Conv2d 1→32 3x3`, `LSTM cell t=3`, `Linear 4→4`."""
    names = [trace.op_name(k) for k in ks]
    parts = scope_parts(path)
    role = parts[-1] if parts else ""
    if STEP.match(role):
        cell = _cell_kind(names)
        layer = parts[-2] if len(parts) > 1 else ""
        return [f"{cell} cell {role}", _layer_text(layer)]
    if role in ("input", "output") and len(parts) > 1:
        layer = _layer_text(parts[-2])
        return [f"{layer}: x·W_ih + b, all steps" if role == "input" else f"{parts[-2]} outputs"]
    params = _params(trace, ks)
    w = [p for p in params if p.ndim >= 2]
    kind: str | None = None
    if w and ("Correlate" in names or "SlidingWindow" in names or "Tensordot" in names) and w[0].ndim in (3, 4):
        o, i = w[0].shape[:2]
        kind = f"Conv{w[0].ndim - 2}d {i}→{o} " + "x".join(str(n) for n in w[0].shape[2:])
    elif w and "MatMul" in names and w[0].ndim == 2:
        o, i = w[0].shape
        kind = f"Linear {i}→{o}"
    elif "WindowMax" in names:  # the fused max over windows: its node keeps the window
        window = next(trace.ops[k].window for k in ks if names[ks.index(k)] == "WindowMax")
        kind = f"MaxPool{len(window)}d " + "x".join(str(n) for n in window)
    elif "SlidingWindow" in names and ("Max" in names or "Mean" in names):
        win = next(trace.tensors[trace.outputs[k][0]].shape for k in ks if names[ks.index(k)] == "SlidingWindow")
        dims = len(win) // 2 - 1 if len(win) >= 4 else 1
        kind = f"{'Max' if 'Max' in names else 'Avg'}Pool{dims}d " + "x".join(str(n) for n in win[-dims:])
    elif params and any(n in names for n in ("Var", "Sqrt", "Rsqrt")):
        kind = f"BatchNorm {params[0].shape[0]}"
    elif set(names) <= {"Reshape"} and names:
        kind = "Flatten"
    else:
        real = [n for n in names if n not in GLUE_OPS] or names
        if len(set(real)) == 1:
            kind = {"Relu": "ReLU"}.get(real[0], real[0])
    if role and not role.isdigit():
        return [role if kind is None else kind if role.lower() == kind.split()[0].lower() else f"{role}: {kind}"]
    if kind is None and not fallback:
        return None
    if kind is None:
        order = sorted(range(len(ks)), key=lambda i: getattr(trace.ops[ks[i]], "seq", i))
        real = [names[i] for i in order if names[i] not in GLUE_OPS] or [names[i] for i in order]
        kind = ", ".join({"Relu": "ReLU"}.get(n, n) for n in dict.fromkeys(real[:3]))
        if role:  # a numbered scope (a Sequential's child, or the user's) that no module kind names: keep its number
            kind = f"{role}: {kind}"
    return [kind]


def _cell_kind(names: Sequence[str]) -> str:
    """LSTM, GRU or RNN, from the ops of one step: the fused steps, or the gates of a cell made of primitives."""
    if "LSTMStep" in names:
        return "LSTM"
    if "GRUStep" in names:
        return "GRU"
    gates = names.count("Sigmoid")
    return "LSTM" if gates >= 3 else "GRU" if gates == 2 else "RNN"


def _layer_text(layer: str) -> str:
    m = re.fullmatch(r"l(\d+)(_reverse)?", layer)
    if not m:
        return layer
    return f"layer {m[1]}" + (" reverse" if m[2] else "")


def _label(trace: Trace, view: View, n_steps: dict[str, int]) -> None:
    for nid, node in view.nodes.items():
        if node[0] != "box":
            continue
        path, ks = node[1], node[2]
        if path == ELIDED:
            mods = {trace.scope(k) for k in ks if trace.scope(k)}
            lines = [f"{ELIDED} {len(ks)} ops {ELIDED}"]
            if mods:
                lines.append(f"in {len(mods)} modules")
        elif path.endswith("/" + ELIDED):
            layer = path.rpartition("/")[0]
            steps = {_step_text(trace.scope(k)) for k in ks}
            lines = [f"{ELIDED} {len(steps)} steps {ELIDED}", _layer_text(layer.rpartition("/")[2])]
        else:
            lines = describe(trace, path, ks)
        for kind, nids in sorted(view.folded.get(nid, {}).items()):
            lines.append(f"+ {len(nids)} {kind}{'s' if len(nids) != 1 else ''} (not drawn)")
        lines += view.extra.pop(nid, [])
        view.labels[nid] = [s for s in lines if s]
    for nid, kinds in view.folded.items():
        if view.nodes.get(nid, ("",))[0] == "op":
            view.extra.setdefault(nid, []).extend(
                f"+ {len(n)} {kind}{'s' if len(n) != 1 else ''} (not drawn)" for kind, n in sorted(kinds.items())
            )
    for e in view.edges:  # h and c between a layer's time steps
        head, tail = view.nodes.get(e.head), view.nodes.get(e.tail)
        if head and tail and head[0] == "box" and tail[0] == "box" and _is_step(head[1]) and _is_step(tail[1]):
            e.name = _state_name(trace, e, head[2])


def _step_text(scope: str) -> str:
    """The time step of an op of an elided step: "3" in `lstm/l0/t=3`."""
    parts = scope_parts(scope)
    return cast("re.Match[str]", STEP.match(parts[cast(int, _step_of(parts))]))[1]


def _state_name(trace: Trace, e: Edge, head_ops: Iterable[int]) -> str:
    """h or c: what the edge between two steps of a layer carries. The cell state of an LSTM is the one the next
    step does not multiply by a weight (or the fused step's third input)."""
    ops = [(trace.op_name(k), pos) for k, pos in e.uses]
    if any(trace.op_name(k) == "LSTMStep" for k in head_ops):  # fused: c is its third input; the layer below's
        return "c" if any(name == "LSTMStep" and pos == 2 for name, pos in ops) else "h"  # h reaches it as x
    if _cell_kind([trace.op_name(k) for k in head_ops]) == "LSTM" and not any(n == "MatMul" for n, _ in ops):
        return "c"
    return "h"


def _is_step(path: str) -> bool:
    last = path.rpartition("/")[2]
    return bool(STEP.match(last)) or last == ELIDED and "/" in path


def _column(view: View, nid: str) -> Column | None:
    """(recurrent module scope, time step or ELIDED) of a step node, else None."""
    node = view.nodes.get(nid)
    if not node or node[0] != "box" or not _is_step(node[1]):
        return None
    layer, _, last = node[1].rpartition("/")
    m = STEP.match(last)
    return layer.rpartition("/")[0], int(m[1]) if m else ELIDED


def _columns(view: View) -> None:
    """Equal time steps of every layer in one column. A layer's input from the layer below is drawn as the
    lectures draw it, an `h` edge from each step to the same step above, instead of through the projection of
    all steps at once (which keeps its edges to the steps it feeds, loose: they do not push a layer right)."""
    cols: dict[Column, list[str]] = {}
    for nid in view.nodes:
        c = _column(view, nid)
        if c is not None:
            cols.setdefault(c, []).append(nid)
    view.ranks = [nids for _, nids in sorted(cols.items(), key=lambda kv: str(kv[0])) if len(nids) > 1]
    into: dict[str, list[Edge]] = {}
    out_of: dict[str, list[Edge]] = {}
    for e in view.edges:
        into.setdefault(e.head, []).append(e)
        out_of.setdefault(e.tail, []).append(e)
    drop: set[int] = set()
    new: list[Edge] = []
    is_input = {nid for nid, node in view.nodes.items() if node[0] == "box" and node[1].endswith("/input")}
    for nid in is_input:
        # the steps below, directly or through another layer's input (a bidirectional layer's two directions
        # share the concatenation of the layer below)
        below = [e for e in into.get(nid, ()) if _column(view, e.tail) is not None]
        for e in into.get(nid, ()):
            if e.tail in is_input:
                below += [b for b in into.get(e.tail, ()) if _column(view, b.tail) is not None]
                if below:
                    drop.add(id(e))
        above = [e for e in out_of.get(nid, ()) if _column(view, e.head) is not None]
        for e in above:
            e.loose = True
        for e in below:
            drop.add(id(e))
            for a in above:
                if _column(view, a.head) == _column(view, e.tail):
                    new.append(Edge(e.tail, a.head, e.tensor, [], name="h"))
    view.edges = [e for e in view.edges if id(e) not in drop] + new
    inputs = {nid for nid, node in view.nodes.items() if node[0] == "box" and node[1].endswith("/input")}
    for e in view.edges:  # weights and the projection sit in the first column, beside step 0
        if (e.head in inputs or _column(view, e.head) is not None) and view.nodes[e.tail][0] == "tensor" and cols:
            e.loose = True
    for e in view.edges:  # a reverse layer runs against the columns: its edges must not reorder them
        layer = _layer_of(view, e.tail)
        if layer is not None and layer.endswith("_reverse") and _layer_of(view, e.head) == layer:
            e.loose = True


def _flat(groups: Iterable[Iterable[str]]) -> set[str]:
    return {n for g in groups for n in g}


# ---- fitting --------------------------------------------------------------------------------------------
# (steps kept at the start of each layer, units kept at each end of a long run, parameters folded into the node
# they feed): most detailed first. For each, full labels, then terse ones, then named edges (h, c) with their name
# only, then labels set beside the edges (xlabel: they take no room in the layout, but may overlap nodes).
SCHEDULE: list[tuple[int, int | None, bool]] = [
    (3, None, False),
    (3, None, True),
    (2, None, False),
    (2, None, True),
    (1, None, False),
    (1, None, True),
] + [(1, k, fold) for k in (8, 5, 3, 2, 1) for fold in (False, True)]
LABELS: list[tuple[bool, Beside]] = [(False, False), (True, False), (True, "names"), (True, True)]


def layout_size(g: graphviz.Digraph) -> Size | None:
    """(width, height) in px at 96 dpi of g as `dot` lays it out, or None without `dot`."""
    if shutil.which("dot") is None:
        return None
    try:
        out = subprocess.run(["dot", "-Tplain"], input=g.source.encode(), capture_output=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    first = out.split(b"\n", 1)[0].split()
    if len(first) < 4 or first[0] != b"graph":
        return None
    scale, w, h = float(first[1]), float(first[2]), float(first[3])
    return w * scale * 96, h * scale * 96


PAD = 8 * 96 / 72  # dot's pad (4 pt on each side) is in the SVG/PNG size, not in -Tplain's


def fits(size: Size | None, slide: tuple[float, float] = SLIDE) -> bool:
    return size is None or (size[0] + PAD <= slide[0] and size[1] + PAD <= slide[1])


def fit_view(
    trace: Trace,
    wire: bool,
    paint: PaintFn,
    expand: Expand = None,
    max_fanout: int | None = 8,
    slide: tuple[float, float] = SLIDE,
    rankdirs: Sequence[str] = ("LR",),
) -> tuple[View, graphviz.Digraph]:
    """The most detailed lecture view whose drawing `paint(view, terse, beside, rankdir)` fits the slide, trying
    each of rankdirs; returns (view, digraph). Without `dot` the first candidate is taken (it cannot be measured)."""
    size: Size | None = None
    tried: set[tuple[tuple[str | None, ...], bool, bool, Sequence[str]]] = set()
    base = units(trace, expand)
    # A recurrent net is a row of cells in the lectures: fewer steps in a row before a column. Labels beside their
    # edges may overlap nodes: every candidate with labels on their edges comes first.
    rows = any(u is not None and _is_step(u) for u in base)
    passes = [(False, rankdirs[:1]), (False, rankdirs), (True, rankdirs)] if rows else [(True, rankdirs)]
    for first, keep, fold, beside_ok, allowed in [c + p for p in passes for c in SCHEDULE]:
        unit, n_steps = _elided(trace, base, first, 1, keep)
        key = (tuple(unit), fold, beside_ok, allowed)
        if key in tried:
            continue  # the same picture as one that did not fit
        tried.add(key)
        n_units = len(set(unit)) + sum(u is None for u in unit)
        if n_units > 300 and (first, keep, fold) != SCHEDULE[-1]:
            continue  # hopeless: do not build it or ask dot to lay it out
        view = lecture_view(
            trace,
            wire,
            expand,
            first=first,
            last=1,
            keep=keep,
            max_fanout=max_fanout,
            fold_params=fold,
            base=(unit, n_steps),
        )
        order = (
            [(lab, rd) for rd in allowed for lab in LABELS] if rows else [(lab, rd) for lab in LABELS for rd in allowed]
        )
        for (terse, beside), rankdir in order:
            if beside is True and not beside_ok:
                continue
            g = paint(view, terse, beside, rankdir)
            size = layout_size(g)
            if fits(size, slide):
                view.fitted = (first, keep, fold, terse, beside, rankdir, size)
                return view, g
    width, height = cast("Size", size)  # measured: without dot, the first candidate fits
    warnings.warn(
        f"viz: the drawing is {width:.0f} x {height:.0f} px, more than a slide ({slide[0]} x "
        f"{slide[1]}); dot would have to shrink it: draw part of the graph, or collapse=/expand= scopes",
        stacklevel=3,
    )
    return view, g


# ---- painting (the painter's own to_digraph, with the lecture view's labels, edge names and columns) ---------
STYLES = ("default", "slide")


class _LecturePainter:
    """The painter of the drawing, with the lecture view's box labels, notes, edge names and loose edges."""

    def __init__(self, painter: Painter, view: View, beside: Beside = False) -> None:
        # beside: True sets edge labels beside their edges; "names": a named edge (h, c) shows its name alone
        self._p, self._view, self._beside, self._names_only = painter, view, beside is True, beside == "names"
        self._box_label = {node[1]: view.labels[nid] for nid, node in view.nodes.items() if nid in view.labels}
        self._groups = {view.nodes[nid][1]: tis for nid, tis in view.groups.items()}
        self._op_extra = {
            node[1]: view.extra[nid] for nid, node in view.nodes.items() if node[0] == "op" and nid in view.extra
        }
        self._box_extra = {
            node[1]: view.extra[nid]
            for nid, node in view.nodes.items()
            if node[0] == "box" and nid in view.extra and nid not in view.labels
        }
        self._tensor_extra = {
            node[1]: view.extra[nid] for nid, node in view.nodes.items() if node[0] == "tensor" and nid in view.extra
        }

    def __getattr__(self, name: str) -> Any:
        return getattr(self._p, name)

    def box_attrs(self, path: str, ks: Sequence[int], outs: Sequence[int]) -> dict[str, str]:
        from .dot import _escape

        attrs = self._p.box_attrs(path, ks, outs)
        lines = self._box_label.get(path)
        if lines is None and path in self._box_extra:
            attrs["label"] += "".join("\\n" + _escape(x) for x in self._box_extra[path])
        if lines is not None:
            attrs["label"] = "\\n".join(_escape(s) for s in lines)
            if path.endswith(ELIDED):
                attrs.update(shape="box", style="dashed,rounded", fillcolor="white")
        return attrs

    def tensor_attrs(self, ti: int, notes: Iterable[str] = ()) -> dict[str, str]:
        from .dot import Html, _html

        lines = list(notes) + self._tensor_extra.get(ti, [])
        attrs = self._p.tensor_attrs(ti, lines)
        members = self._groups.get(ti)
        if members:
            rows = "".join(
                f'<tr><td align="left" border="1" sides="b">{str(self._p.tensor_attrs(m)["label"])[1:-1]}</td></tr>'
                for m in members
            )
            rows += "".join(f"<tr><td>{_html(n)}</td></tr>" for n in lines)
            attrs["label"] = Html(f'<<table border="0" cellborder="0" cellspacing="0" cellpadding="0">{rows}</table>>')
            attrs.pop("fillcolor", None) if self._p.mode == "backward" else None
            if self._p.mode == "backward":
                attrs["style"] = attrs.get("style", "").replace(",filled", "").replace("filled", "")
        return attrs

    def op_attrs(self, k: int) -> dict[str, str]:
        from .dot import _escape

        attrs = self._p.op_attrs(k)
        for s in self._op_extra.get(k, ()):
            attrs["label"] += "\\n" + _escape(s)
        return attrs

    def edge_attrs(self, e: Edge) -> dict[str, str]:
        from .dot import Html, _escape, _html

        attrs = dict(self._p.edge_attrs(e))
        if (
            self._p.mode == "forward"
            and "label" not in attrs
            and self._view.nodes[e.tail][0] == "box"
            and self._view.nodes[e.head][0] != "tensor"
        ):
            attrs["label"] = _escape(self._p.value(e.tensor))
        if getattr(e, "merged", False):
            attrs.pop("label", None)  # each tensor's numbers are on the nodes at its ends
        if e.name:
            label = attrs.get("label")
            if label is None or self._names_only:
                attrs["label"] = e.name
            elif isinstance(label, Html):
                attrs["label"] = Html(f"<<b>{_html(e.name)}</b><br/>{label[1:]}")
            else:
                attrs["label"] = _escape(e.name) + "\\n" + label
        if e.loose:
            attrs["constraint"] = "false"
        if self._beside and "label" in attrs:
            attrs["xlabel"] = attrs.pop("label")
        return attrs


def _without_shape(method: Callable[..., str], painter: Painter) -> Callable[..., str]:
    def call(x: Any, with_shape: bool = True) -> str:
        try:
            return method(painter, x, with_shape=False)
        except TypeError:
            return method(painter, x)

    return call


def paint(
    view: View,
    painter: Painter,
    title: object = None,
    rankdir: str = "LR",
    style: str = "default",
    dpi: float | None = None,
    terse: bool = False,
    beside: Beside = False,
) -> graphviz.Digraph:
    """view -> graphviz.Digraph with the painter, plus the lecture view's columns, the style and dpi.
    terse: arrays as shape and norm, numbers with 3 digits (what the painter shows when space is short)."""
    import copy

    from .dot import to_digraph

    if terse:
        painter = copy.copy(painter)
        painter.max_values, painter.precision = min(painter.max_values, 1), min(painter.precision, 3)
        for name in ("grad", "value"):  # a norm without the shape: the shape is on the nodes
            if hasattr(type(painter), name):
                setattr(painter, name, _without_shape(getattr(type(painter), name), painter))
    g = to_digraph(view, _LecturePainter(painter, view, beside), title, rankdir)
    for group in view.ranks:
        with g.subgraph() as s:
            s.attr(rank="same")
            ordered = sorted(group, key=lambda n: view.nodes[n][1])  # the order data flows: layer 0 first
            for nid in ordered:
                s.node(nid)
            for a, b in zip(ordered, ordered[1:]):
                s.edge(a, b, style="invis")
    apply_style(g, style, dpi)
    return g


def apply_style(g: graphviz.Digraph, style: str = "default", dpi: float | None = None) -> graphviz.Digraph:
    if style == "slide":
        g.graph_attr.update(rankdir="TB", fontsize="16", nodesep="0.3", ranksep="0.4")
        g.node_attr.update(fontsize="14")
        g.edge_attr.update(fontsize="12")
    if dpi is not None:
        g.graph_attr["dpi"] = f"{dpi:g}"
    return g


def _ops_by_scope(trace: Trace) -> dict[str, list[int]]:
    ops_in: dict[str, list[int]] = {}
    for k in range(len(trace.ops)):
        parts = scope_parts(trace.scope(k))
        for n in range(1, len(parts) + 1):
            ops_in.setdefault("/".join(parts[:n]), []).append(k)
    return ops_in


def name_numbered_boxes(trace: Trace, view: View) -> View:
    """detail="ops": a box whose scope is a number (a Sequential's child) is named by what it holds
    (`Conv2d 1→32 3x3`), never `0`, `1`, `2`."""
    for nid, node in view.nodes.items():
        if node[0] == "box" and node[1].rpartition("/")[2].isdigit():
            kind = describe(trace, node[1], node[2], fallback=False)
            if kind:  # a module viz recognises; otherwise the number stays, it is all there is
                view.labels.setdefault(nid, kind + [f"{len(node[2])} ops"])
    return view


_CLUSTER = re.compile(r'label=(?:"\d+"|\d+) (.*?)tooltip=("[^"]*"|\S+)')


def name_numbered_clusters(trace: Trace, g: graphviz.Digraph) -> graphviz.Digraph:
    """The same for the clusters of a drawing (their tooltip holds the scope path)."""
    from .dot import _escape

    ops_in = None
    for i, line in enumerate(g.body):
        m = _CLUSTER.search(line)
        if m and "->" not in line:
            ops_in = _ops_by_scope(trace) if ops_in is None else ops_in
            path = m[2][1:-1] if m[2].startswith('"') else m[2]
            kind = describe(trace, path, ops_in.get(path, []), fallback=False)
            if not kind:
                continue
            label = _escape(kind[0])
            g.body[i] = line[: m.start()] + f'label="{label}" {m[1]}tooltip={m[2]}' + line[m.end() :]
    return g


def draw_fitted(
    trace: Trace,
    mode: str,
    painter: Painter,
    title: object = None,
    rankdir: str = "LR",
    expand: Expand = None,
    max_fanout: int | None = 8,
    style: str = "default",
    dpi: float | None = None,
) -> graphviz.Digraph:
    """The default drawing (detail="lecture"): the most detailed lecture view that fits a slide."""
    if style == "slide":
        rankdir = "TB"
    rankdirs = (rankdir, "TB") if rankdir == "LR" else (rankdir,)
    view, g = fit_view(
        trace,
        mode != "forward",
        lambda v, terse, beside, rd: paint(v, painter, title, rd, style, dpi, terse, beside),
        expand,
        max_fanout,
        rankdirs=rankdirs,
    )
    g.viz_fit = getattr(view, "fitted", None)  # what fitting chose: (steps, run kept, terse, beside, rankdir, px)
    return g


DETAILS = ("lecture", "ops")


def check_options(who: str, detail: str, expand: Expand, style: str, dpi: float | None) -> None:
    if not isinstance(detail, str) or detail not in DETAILS:
        raise ValueError(f"{who}: detail must be one of {DETAILS}, got {detail!r}")
    if not isinstance(style, str) or style not in STYLES:
        raise ValueError(f"{who}: style must be one of {STYLES}, got {style!r}")
    if dpi is not None:
        from .args import positive

        positive(dpi, "dpi", who)
    expand_rule(expand)
