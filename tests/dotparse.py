"""A small parser of the DOT text viz writes (one statement per line), for tests that read the drawings."""

import re

_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<.*>|[^\s\]]+)')
_NODE = re.compile(r"^\s*(\w+) \[(.*)\]$")
_EDGE = re.compile(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$")


def attrs(text):
    out = {}
    for k, v in _ATTR.findall(text or ""):
        if v.startswith('"'):
            v = v[1:-1].replace('\\"', '"')
        out[k] = v
    return out


def parse(source):
    """(nodes: {id: attrs}, edges: [(tail, head, attrs)], clusters: [attrs of each cluster, in order])."""
    nodes, edges, clusters = {}, [], []
    in_cluster_header = False
    for line in source.splitlines():
        if line.strip().startswith("subgraph cluster_"):
            clusters.append({})
            in_cluster_header = True
            continue
        m = _EDGE.match(line)
        if m:
            edges.append((m.group(1), m.group(2), attrs(m.group(3))))
            continue
        m = _NODE.match(line)
        if m and m.group(1) not in ("graph", "node", "edge"):
            nodes[m.group(1)] = attrs(m.group(2))
            in_cluster_header = False
            continue
        if in_cluster_header and m and m.group(1) == "graph":
            clusters[-1].update(attrs(m.group(2)))
        elif in_cluster_header and "=" in line and "[" not in line:
            clusters[-1].update(attrs(line))
    return nodes, edges, clusters


def label_lines(a):
    return a.get("label", "").split("\\n")


def edge_value_grad(a):
    """(value text, gradient text) of a 'both' mode edge label: green above, red below."""
    parts = re.findall(r"<font color=\"[^\"]+\">(.*?)</font>", a.get("label", ""))
    return (parts + [None, None])[:2]
