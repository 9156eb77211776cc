"""viz.to_text on big and deep graphs: capped at max_nodes (and says so), linear in the graph, depth marked."""

import re
import time

import autograd_core as ag
import viz
from viz.text import MAX_INDENT

TREE_LINE = re.compile(r"^(?P<prefix>.*?)#(?P<n>\d+) ")  # a tensor written out (not a `-> #n` reference)


def chain(n):
    """y = x * c1 * c2 * ... (n Muls): 2n + 1 tensors, n + 1 of them on one path from the output down to x."""
    y = ag.tensor(1.0, requires_grad=True, name="x")
    for _ in range(n):
        y = y * ag.tensor(1.0001)
    return y


def written(text):
    return [m for m in map(TREE_LINE.match, text.splitlines()) if m and "-> #" not in m["prefix"]]


def test_a_100000_op_chain_is_written_quickly_and_stops_at_max_nodes():
    y = chain(100_000)
    start = time.perf_counter()
    text = viz.to_text(y)
    assert time.perf_counter() - start < 5
    lines = text.splitlines()
    assert len(lines) == 500 + 1 and len(text) < 500 * 200
    shown = len(written(text))
    assert lines[-1].startswith("... stopped at max_nodes=500 lines")
    assert f": {200_001 - shown} of 200001 tensors not shown" in lines[-1]


def test_without_a_cap_every_line_stays_short_however_deep_the_chain():
    text = viz.to_text(chain(20_000), max_nodes=None, grads=False)
    lines = text.splitlines()
    assert len(lines) == 40_001 and len(written(text)) == 40_001
    assert max(map(len, lines)) < 3 * MAX_INDENT + 120


def test_text_grows_linearly_with_the_chain():
    short, long = (len(viz.to_text(chain(n), max_nodes=None)) for n in (1_000, 4_000))
    assert long < 4.5 * short  # quadratic indentation would make it ~16 times longer


def test_levels_deeper_than_the_indentation_cap_say_their_depth():
    n = MAX_INDENT + 10
    text = viz.to_text(chain(n), max_nodes=None)
    depth = {}
    for m in written(text):
        k = int(m["n"])
        if k <= n:  # #k is the output of the (n - k)th Mul, k levels below the output
            depth[k] = m["prefix"]
    assert sorted(depth) == list(range(n + 1))
    for k, prefix in depth.items():
        if k <= MAX_INDENT:
            assert len(prefix) == 3 * k and "[" not in prefix
        else:
            assert len(prefix) < 3 * MAX_INDENT + 12 and prefix.endswith(f"[{k}] ├─ ")


def test_the_cap_counts_lines_and_says_how_many_tensors_were_left_out():
    y = chain(50)  # 101 tensors
    lines = viz.to_text(y, max_nodes=10).splitlines()
    assert len(lines) == 11 and len(written("\n".join(lines[:-1]))) == 10
    assert lines[-1] == ("... stopped at max_nodes=10 lines: 91 of 101 tensors not shown (max_nodes=None shows all)")
    full = viz.to_text(y, max_nodes=None)
    assert "max_nodes" not in full and len(written(full)) == 101
    assert viz.to_text(y, max_nodes=101) == full  # one line per tensor: 101 lines fit exactly


def test_a_small_graph_is_the_same_text_with_or_without_a_cap():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * x + x.exp()).sum()
    text = viz.to_text(y)
    assert text == viz.to_text(y, max_nodes=None) and "max_nodes" not in text
    assert len(text.splitlines()) == 7 and text.count("-> #") == 2  # x written once, referenced twice
