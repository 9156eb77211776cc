"""The table of an interactive page (viz.html) and the interiors its composites open to.

Every node drawn gets an entry: a tensor's name, shape, dtype and the summary of its data and gradient (`summary`:
min / max / mean / L2 norm in float64, the values when small), an op's rule, a composite's op counts. A composite's
interior is the part of the graph it holds one level down (`_Part`, a Trace of its own), drawn like any graph;
more than LEAF units are cut into at most FAN chunks that open in turn.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from . import fit
from . import labels as L
from .dot import Painter
from .trace import Trace
from .view import View, _unshare, build, scope_parts

__all__ = ["summary"]

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
