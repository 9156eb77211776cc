"""What a drawing shows: nodes, edges and clusters, after collapsing scopes into boxes.

Two shapes of picture. "Tensor" view (forward): op nodes and tensor nodes, data flowing op -> tensor -> op.
"Wire" view (backward, both): op nodes plus the leaves and the output; every other tensor is the edge from the
op that made it to each op that used it, which is where the lectures write its value and gradient.
"""

from __future__ import annotations

import fnmatch
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast, overload

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Literal

    from .trace import Trace

    ScopeRule = Callable[[str], bool]  # a predicate on scope paths ("lstm/l0/t=3")
    # what a node draws: an op (its index), a box (its scope path and the ops folded into it), a tensor (its index)
    Node = tuple[Literal["op"], int] | tuple[Literal["box"], str, list[int]] | tuple[Literal["tensor"], int]

__all__ = ["Edge", "View", "scope_parts", "collapse_rule", "boxes", "build", "make_view"]


@dataclass
class Edge:
    tail: str
    head: str
    tensor: int  # tensor index the edge carries
    uses: list[tuple[int, int]] = field(default_factory=list)  # (op index, input position) pairs it stands for
    name: str = ""  # what the lecture calls it (h, c), drawn on the edge
    loose: bool = False  # drawn without pulling its head to a later rank
    if TYPE_CHECKING:  # not a field: set by the lecture view on an edge drawn for several tensors
        merged: bool = field(default=False, init=False)


@dataclass
class View:
    nodes: dict[str, Node]  # node id -> ("op", k) | ("box", scope path, [op indices]) | ("tensor", ti)
    cluster: dict[str, str]  # node id -> scope path of the cluster it is drawn in ("" for the top level)
    edges: list[Edge]
    op_node: list[str]  # op index -> node id drawing it (its own or its box's)
    note: str = ""
    shared: dict[str, int] = field(default_factory=dict)  # node id -> how many nodes use it (those edges not drawn)
    # node id -> how many nodes feed it (those edges not drawn)
    gathered: dict[str, int] = field(default_factory=dict)
    # box id -> its lines (lecture view), instead of scope and count
    labels: dict[str, list[str]] = field(default_factory=dict)
    extra: dict[str, list[str]] = field(default_factory=dict)  # node id -> lines added under its label
    # node id -> {tensor kind: ids of leaves it uses, not drawn}
    folded: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    ranks: list[list[str]] = field(default_factory=list)  # groups of node ids drawn in one column (rank)
    groups: dict[str, list[int]] = field(default_factory=dict)  # node id -> tensor indices drawn in it
    if TYPE_CHECKING:  # not a field: set by fit_view on the view it chose, what fitting picked
        fitted: tuple[int, int | None, bool, bool, bool | str, str, tuple[float, float] | None] | None = field(
            default=None, init=False
        )


def scope_parts(path: str) -> list[str]:
    return path.split("/") if path else []


@overload
def collapse_rule(collapse: None) -> None: ...
@overload
def collapse_rule(collapse: str | int | ScopeRule) -> ScopeRule: ...
def collapse_rule(collapse: str | int | ScopeRule | None) -> ScopeRule | None:
    """A predicate on scope paths: a scope for which it holds is drawn as one box."""
    if collapse is None:
        return None
    if callable(collapse):
        return collapse
    if isinstance(collapse, bool) or not isinstance(collapse, (int, str)):
        raise TypeError(f"collapse= takes a scope name or pattern, a depth (int) or a predicate, got {collapse!r}")
    if isinstance(collapse, int):
        if collapse < 0:
            raise ValueError(f"collapse depth must be >= 0, got {collapse}")
        return lambda path: len(scope_parts(path)) == collapse + 1
    return lambda path: (
        path == collapse or fnmatch.fnmatchcase(path, collapse) or fnmatch.fnmatchcase(scope_parts(path)[-1], collapse)
    )


def boxes(trace: Trace, rule: ScopeRule | None) -> list[str | None]:
    """op index -> the scope path of the box it is drawn in (the outermost scope the rule picks), or None."""
    if rule is None:
        return [None] * len(trace.ops)
    cache: dict[str, str | None] = {}
    out: list[str | None] = []
    for k in range(len(trace.ops)):
        s = trace.scope(k)
        if s not in cache:
            parts, cache[s] = scope_parts(s), None
            for n in range(1, len(parts) + 1):
                prefix = "/".join(parts[:n])
                if rule(prefix):
                    cache[s] = prefix
                    break
        out.append(cache[s])
    return out


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def build(trace: Trace, wire: bool, box_of: Sequence[str | None]) -> View:
    """The View of trace: box_of[k] is the scope path op k is folded into (None: drawn as itself)."""
    nodes: dict[str, Node] = {}
    cluster: dict[str, str] = {}
    edges: list[Edge] = []
    index: dict[tuple[str, str, int, tuple[int, int] | None], Edge] = {}
    op_node: list[str] = []
    box_ids: dict[str, str] = {}
    boxed: dict[str, list[int]] = {}  # box id -> the ops in it (the list in its node)
    for k in range(len(trace.ops)):
        b = box_of[k]
        if b is None:
            nid = f"op{k}"
            nodes[nid], cluster[nid] = ("op", k), trace.scope(k)
        else:
            nid = box_ids.setdefault(b, f"box{len(box_ids)}")
            if nid not in nodes:
                boxed[nid] = []
                nodes[nid], cluster[nid] = ("box", b, boxed[nid]), _parent(b)
            boxed[nid].append(k)
        op_node.append(nid)
    roots = set(trace.root_indices)

    def add_edge(tail: str, head: str, ti: int, use: tuple[int, int] | None) -> None:
        # x * x draws two arrows into Mul; into a box, one arrow per tensor stands for all its uses there
        key = (tail, head, ti, use if use is not None and nodes[head][0] == "op" else None)
        e = index.get(key)
        if e is None:
            e = index[key] = Edge(tail, head, ti)
            edges.append(e)
        if use is not None:
            e.uses.append(use)

    for ti in range(len(trace.tensors)):
        maker = trace.producer[ti]
        if maker is not None and ti not in roots:
            if wire and (trace.tensors[ti].name is None or not str(trace.tensors[ti].name)):
                continue  # an intermediate is the wire between its producer and its users, unless named
            if box_of[maker] is not None and all(op_node[c] == op_node[maker] for c, _ in trace.consumers[ti]):
                continue  # made and used inside one box: hidden in it
        nid = f"t{ti}"
        nodes[nid] = ("tensor", ti)
        cluster[nid] = "" if maker is None else cluster[op_node[maker]]  # beside the op (or box) that made it
        if maker is not None:
            add_edge(op_node[maker], nid, ti, None)
    for k, ins in enumerate(trace.inputs):
        head = op_node[k]
        for pos, ti in enumerate(ins):
            tail = f"t{ti}" if f"t{ti}" in nodes else op_node[cast(int, trace.producer[ti])]  # not a node: made
            if tail != head:
                add_edge(tail, head, ti, (k, pos))
    return View(nodes, cluster, edges, op_node)


def make_view(
    trace: Trace,
    wire: bool,
    collapse: str | int | ScopeRule | None = None,
    max_nodes: int | None = 500,
    max_fanout: int | None = 8,
) -> View:
    """The view to draw; above max_nodes, scopes are collapsed by depth (deepest first) and the view says so."""
    user_rule = collapse_rule(collapse)
    view = _unshare(build(trace, wire, boxes(trace, user_rule)), max_fanout, trace)
    if max_nodes is None or len(view.nodes) <= max_nodes:
        return view
    n = len(view.nodes)
    depth = max((len(scope_parts(trace.scope(k))) for k in range(len(trace.ops))), default=0)
    for d in range(depth - 1, -1, -1):
        depth_rule = collapse_rule(d)
        rule = depth_rule if user_rule is None else (lambda p, r=depth_rule: user_rule(p) or r(p))
        view = _unshare(build(trace, wire, boxes(trace, rule)), max_fanout, trace)
        if len(view.nodes) <= max_nodes:
            view.note = (
                f"{n} nodes > max_nodes={max_nodes}: scopes deeper than {d} drawn as boxes "
                "(choose with collapse=, or max_nodes=None)"
            )
            break
    else:
        view = _truncate(trace, view, max_nodes)
        view.note = (
            f"{n} nodes > max_nodes={max_nodes} even with every scope collapsed: only the "
            f"{max_nodes} nodes nearest the output are drawn (name_scope() groups ops; max_nodes=None)"
        )
    warnings.warn("viz: " + view.note, stacklevel=3)
    return view


def _unshare(view: View, max_fanout: int | None, trace: Trace | None = None) -> View:
    """A node feeding more than max_fanout others (a weight, or its transpose, shared by every time step), or fed
    by more than max_fanout others (the stack of every step's output), is drawn without those edges: dozens of
    long edges at one node make a picture unreadable and take Graphviz minutes to route."""
    if max_fanout is None:
        return view
    fan_out: dict[str, set[str]] = {}
    fan_in: dict[str, set[str]] = {}
    for e in view.edges:
        fan_out.setdefault(e.tail, set()).add(e.head)
        fan_in.setdefault(e.head, set()).add(e.tail)
    view.shared = {nid: len(heads) for nid, heads in fan_out.items() if len(heads) > max_fanout}
    view.gathered = {nid: len(tails) for nid, tails in fan_in.items() if len(tails) > max_fanout}
    if view.shared or view.gathered:
        view.edges = [e for e in view.edges if e.tail not in view.shared and e.head not in view.gathered]
        if trace is not None:
            _fold_gathered_leaves(trace, view, fan_out)
    return view


def _fold_gathered_leaves(trace: Trace, view: View, fan_out: dict[str, set[str]]) -> None:
    """A leaf (a parameter, the data) whose only users gather too many inputs to draw their edges would be a box
    without edges: it is not drawn, and the node it feeds says how many of each kind it uses."""
    drawn = {e.tail for e in view.edges} | {e.head for e in view.edges}
    counts: dict[str, dict[str, int]] = {}
    for nid, heads in fan_out.items():
        node = view.nodes.get(nid)
        if node is None or node[0] != "tensor" or trace.producer[node[1]] is not None or nid in drawn:
            continue
        if not heads or not all(h in view.gathered for h in heads):
            continue
        kind = trace.tensor_kind(node[1])
        for h in heads:
            counts.setdefault(h, {}).setdefault(kind, 0)
            counts[h][kind] += 1
            view.gathered[h] -= 1
        del view.nodes[nid]
        view.cluster.pop(nid, None)
    for h, kinds in counts.items():
        view.extra.setdefault(h, []).extend(
            f"+ {n} {kind}{'s' if n != 1 else ''} (not drawn)" for kind, n in sorted(kinds.items())
        )
        if view.gathered[h] <= 0:
            del view.gathered[h]


def _truncate(trace: Trace, view: View, max_nodes: int) -> View:
    """Keep the max_nodes nodes first found from the output (a breadth-first walk against the edges)."""
    into: dict[str, list[str]] = {}
    for e in view.edges:
        into.setdefault(e.head, []).append(e.tail)
    keep: dict[str, bool] = {}
    queue = [f"t{ti}" for ti in trace.root_indices if f"t{ti}" in view.nodes]
    queue += [view.op_node[k] for k in (trace.producer[ti] for ti in trace.root_indices) if k is not None]
    i = 0
    while i < len(queue) and len(keep) < max_nodes:
        nid = queue[i]
        i += 1
        if nid not in keep:
            keep[nid] = True
            queue.extend(into.get(nid, ()))
    view.nodes = {nid: v for nid, v in view.nodes.items() if nid in keep}
    view.edges = [e for e in view.edges if e.tail in keep and e.head in keep]
    return view
