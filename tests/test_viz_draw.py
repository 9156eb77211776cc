"""viz drawings read back from their DOT text: nodes, edges, values, gradients, clusters, collapse, max_nodes."""

import re
import subprocess
import sys
import warnings
from collections import Counter

import numpy as np
import pytest
from dotparse import label_lines, parse
from test_viz_labels import GREEN, RED, by_name, cells, coloured

import autograd_core as ag
import viz
from viz.examples import lstm


def neuron(record=True, retain=None):
    """tanh(x1*w1 + x2*w2 + b), micrograd's numbers; n (the pre-activation) keeps its .grad for comparison."""
    x1, x2 = ag.tensor(2.0, name="x1"), ag.tensor(0.0, name="x2")
    w1, w2 = ag.tensor(-3.0, requires_grad=True, name="w1"), ag.tensor(1.0, requires_grad=True, name="w2")
    b = ag.tensor(6.8813735870195432, requires_grad=True, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.retain_grad()
    o = n.tanh()
    if record:
        with viz.record_gradients():
            o.backward(retain_graph=retain)
    return o, dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, n=n)


def fmt(v):
    return f"{float(np.asarray(v).reshape(-1)[0]):.4g}"


def test_forward_neuron_has_exactly_the_expected_ops_tensors_and_edges():
    o, t = neuron(record=False)
    nodes, edges, clusters = parse(viz.draw_forward(o).source)
    ops = {nid: label_lines(a)[0] for nid, a in nodes.items() if a.get("shape") == "ellipse"}
    assert Counter(ops.values()) == Counter({"*": 2, "+": 2, "tanh": 1})  # as the lecture writes them
    assert len(nodes) - len(ops) == 10  # 5 leaves + 5 op outputs
    assert len(edges) == 9 + 5 and clusters == []  # 9 op inputs, 5 op outputs
    into = {nid: sorted(cells(nodes[a])[0] for a, b, _ in edges if b == nid) for nid in ops}
    names = by_name(nodes)
    mul_inputs = sorted(tuple(v) for k, v in into.items() if ops[k] == "*")
    assert mul_inputs == [("w1", "x1"), ("w2", "x2")]
    # every op makes exactly one tensor
    assert all(sum(1 for a, _, _ in edges if a == k) == 1 for k in ops)
    # values on the labels are the engine's numbers
    assert cells(nodes[names["b"]]) == ["b", "data " + fmt(t["b"].data)]
    out = [nid for nid, a in nodes.items() if a.get("peripheries") == "2"]
    assert len(out) == 1 and cells(nodes[out[0]]) == ["data " + fmt(o.data)] == ["data 0.7071"]
    # inputs, parameters and constants are styled apart
    fill = {n: nodes[names[n]].get("fillcolor") for n in ("x1", "x2", "w1", "w2", "b")}
    assert fill["x1"] == fill["x2"] != fill["w1"] == fill["w2"] == fill["b"]  # data apart from weights
    one = ag.tensor(1.0)
    nodes, _, _ = parse(viz.draw_forward(o * one).source)
    const = [a for a in nodes.values() if cells(a) == ["data 1"]]
    assert len(const) == 1 and "dashed" in const[0]["style"]  # an unnamed constant
    nodes, _, _ = parse(viz.draw_forward(o, labels="class").source)
    assert Counter(label_lines(a)[0] for a in nodes.values() if a.get("shape") == "ellipse") == Counter(
        {"Mul": 2, "Add": 2, "Tanh": 1}
    )  # class names on request


def test_backward_neuron_edges_carry_the_engines_gradients():
    o, t = neuron()
    nodes, edges, _ = parse(viz.draw_backward(o).source)
    names = by_name(nodes)
    assert all(a["label"].endswith("′") for a in nodes.values() if a.get("shape") == "ellipse")  # tanh′, not
    assert not any("Backward" in a["label"] for a in nodes.values())  # TanhBackward
    grad_of = {
        cells(nodes[a])[0]: e["label"]
        for a, b, e in edges
        if a in nodes and "label" in e and nodes[a].get("shape") == "box"
    }
    for leaf in ("w1", "w2", "b"):
        assert grad_of[leaf] == fmt(t[leaf].grad.data)
        assert f"grad {fmt(t[leaf].grad.data)}" in cells(nodes[names[leaf]])
    assert fmt(t["w1"].grad.data) == "1" and fmt(t["b"].grad.data) == "0.5"
    # the edge into Tanh carries dL/dn, the gradient the engine kept on n
    tanh = next(nid for nid, a in nodes.items() if a["label"] == "tanh′")
    (into_tanh,) = [e for a, b, e in edges if b == tanh]
    assert into_tanh["label"] == fmt(t["n"].grad.data)
    assert all(e.get("dir") == "back" for _, _, e in edges)
    # constants get no gradient: drawn dashed, no number
    assert all("label" not in e for a, _, e in edges if a in nodes and cells(nodes[a])[:1] in (["x1"], ["x2"]))


def test_both_mode_puts_value_above_and_gradient_below_on_every_edge():
    o, t = neuron()
    nodes, edges, _ = parse(viz.draw(o, mode="both").source)
    names = by_name(nodes)
    for leaf in ("w1", "w2", "b"):
        # a leaf is a node: its record holds data and total gradient, its edge the gradient of that use
        assert cells(nodes[names[leaf]]) == [leaf, "data " + fmt(t[leaf].data), "grad " + fmt(t[leaf].grad.data)]
        (e,) = [e for a, _, e in edges if a == names[leaf]]
        assert coloured(e, GREEN) == [] and coloured(e, RED) == [fmt(t[leaf].grad.data)]
    tanh = next(nid for nid, a in nodes.items() if a["label"] == "tanh")
    (e,) = [e for _, b, e in edges if b == tanh]
    assert coloured(e, GREEN) == [fmt(t["n"].data)] and coloured(e, RED) == [fmt(t["n"].grad.data)]
    assert e["label"].index(GREEN) < e["label"].index(RED)  # green value above, red gradient below


def test_fan_out_edges_carry_each_use_and_sum_to_the_gradient():
    x = ag.tensor([0.5, -2.0], dtype="float64", requires_grad=True, name="x")
    y = (x * x + x.exp()).sum()
    with viz.record_gradients():
        y.backward()
    nodes, edges, _ = parse(viz.draw(y, "both", max_values=2).source)
    xid = by_name(nodes)["x"]
    grads = [coloured(e, RED)[0] for a, _, e in edges if a == xid]
    assert len(grads) == 3  # two inputs of Mul, one of Exp
    parsed = [np.array([float(v) for v in g.strip("[]").split(", ")]) for g in grads]
    np.testing.assert_allclose(sum(parsed), x.grad.data, rtol=1e-3)


def test_draw_backward_runs_the_backward_pass_itself_on_a_live_graph_without_touching_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = (x * 3).sum()
    viz.record._recent.clear()
    nodes, edges, _ = parse(viz.draw_backward(y).source)
    assert x.grad is None  # leaves' .grad left alone
    assert "grad [3, 3]" in cells(nodes[by_name(nodes)["x"]])
    y.backward()  # the graph is still usable
    np.testing.assert_allclose(x.grad.data, [3, 3])


def test_after_a_plain_backward_only_leaf_gradients_are_known_and_a_warning_says_how_to_get_all():
    o, t = neuron(record=False)
    o.backward()
    viz.record._recent.clear()
    with pytest.warns(UserWarning, match="record_gradients"):
        nodes, edges, _ = parse(viz.draw_backward(o).source)
    assert f"grad {fmt(t['w1'].grad.data)}" in cells(nodes[by_name(nodes)["w1"]])
    tanh = next(nid for nid, a in nodes.items() if a["label"] == "tanh′")
    assert [e["label"] for _, b, e in edges if b == tanh] == ["?"]


def test_clusters_match_scopes():
    x = ag.tensor(np.ones((2, 3)), requires_grad=True, name="x")
    with ag.name_scope("block"):
        h = x.tanh()
        with ag.name_scope("inner"):
            h = h * 2
    with ag.name_scope("head"):
        y = h.sum()
    nodes, _, clusters = parse(viz.draw_forward(y, detail="ops").source)  # every primitive, in its scope
    assert sorted(c["tooltip"] for c in clusters) == ["block", "block/inner", "head"]
    assert sorted(c["label"] for c in clusters) == ["block", "head", "inner"]
    source = viz.draw_forward(y, detail="ops").source
    inner = source[source.index('tooltip="block/inner"') :]
    assert re.search(r'\[label="\*"', inner.split("}")[0])  # the Mul is drawn inside block/inner


def test_collapse_by_name_depth_or_predicate_reduces_nodes_to_one_box_per_scope():
    loss, _ = lstm(steps=5)
    full, _, full_clusters = parse(viz.draw(loss, "both", detail="ops").source)
    assert sum(1 for c in full_clusters if c["label"].startswith("t=")) == 5
    for collapse in ("t=*", 2, lambda path: path.rpartition("/")[2].startswith("t=")):
        nodes, edges, clusters = parse(viz.draw(loss, "both", collapse=collapse).source)
        boxes = [a for a in nodes.values() if a.get("shape") == "box3d"]
        assert len(boxes) == 5 and len(nodes) < len(full)
        assert sorted(label_lines(a)[0] for a in boxes) == [f"t={i}" for i in range(5)]
        assert not any(c["label"].startswith("t=") for c in clusters)
    nodes, _, _ = parse(viz.draw(loss, "forward", collapse="lstm").source)
    assert [label_lines(a)[0] for a in nodes.values() if a.get("shape") == "box3d"] == ["lstm"]


def test_collapse_rejects_what_it_cannot_use():
    loss, _ = lstm(steps=2)
    with pytest.raises(TypeError, match="collapse"):
        viz.draw(loss, collapse=1.5)
    with pytest.raises(ValueError, match="depth"):
        viz.draw(loss, collapse=-1)
    with pytest.raises(ValueError, match="mode"):
        viz.draw(loss, mode="sideways")


def test_max_nodes_collapses_by_depth_and_says_so():
    loss, _ = lstm(steps=20)
    with pytest.warns(UserWarning, match="max_nodes=120"):
        g = viz.draw(loss, "backward", max_nodes=120, detail="ops")
    nodes, _, _ = parse(g.source)
    assert len(nodes) <= 120
    assert "max_nodes=120" in g.source and sum(1 for a in nodes.values() if a.get("shape") == "box3d") == 20
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(parse(viz.draw(loss, "backward", max_nodes=None, detail="ops").source)[0]) > 120


def test_max_nodes_without_scopes_draws_the_part_nearest_the_output():
    x = ag.tensor(1.0, requires_grad=True, name="x")
    y = x
    for _ in range(300):
        y = y * 1.001
    with pytest.warns(UserWarning, match="nearest the output"):
        nodes, edges, _ = parse(viz.draw(y, "forward", max_nodes=50, detail="ops").source)
    assert len(nodes) == 50 and all(a in nodes and b in nodes for a, b, _ in edges)


def test_shared_weights_are_drawn_once_without_their_many_edges():
    loss, _ = lstm(steps=10)
    nodes, edges, _ = parse(viz.draw(loss, "both", collapse="t=*").source)
    w = by_name(nodes)["lstm.l0.weight_hh"]
    assert "shared by 10 nodes" in nodes[w]["label"] and not any(a == w for a, _, _ in edges)


def test_show_saved_labels_each_op_with_its_bytes_and_the_total():
    x = ag.tensor(np.ones((4, 5)), dtype="float64", requires_grad=True)
    y = (x.exp() * x).sum()  # Exp keeps its output (160 B); Mul keeps both inputs
    src = viz.draw_forward(y, show_saved=True).source
    nodes, _, _ = parse(src)
    saved = {label_lines(a)[0]: label_lines(a)[1] for a in nodes.values() if a.get("shape") == "ellipse"}
    assert saved["exp"] == "saved 160 B" and saved["*"] == "saved 320 B" and saved["sum"] == "saved 0 B"
    assert "in total: 320 B" in src  # Mul keeps Exp's output and x: each array counted once
    y.backward()
    assert "in total: 0 B" in viz.draw_forward(y, show_saved=True).source  # freed by backward()


def test_small_values_in_full_large_ones_as_shape():
    x = ag.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True, name="big")  # arrays keep their dtype
    s = ag.tensor([1.0, 2.0], requires_grad=True, name="small")
    y = x.sum() + s.sum()
    nodes, _, _ = parse(viz.draw_forward(y, max_values=4).source)
    names = by_name(nodes)
    # float64 meets float32 here, so dtypes are shown; a large array is its shape (once) and its norm
    assert cells(nodes[names["big"]]) == ["big", "(3, 4) float64", f"data ‖·‖={np.linalg.norm(np.arange(12)):.3g}"]
    assert cells(nodes[names["small"]]) == ["small", "(2,) float32", "data [1, 2]"]
    with viz.record_gradients():
        y.backward()
    nodes, _, _ = parse(viz.draw_backward(y, max_values=4).source)
    assert cells(nodes[by_name(nodes)["big"]])[-1] == f"grad ‖·‖={np.sqrt(12):.3g}"


def test_gradient_colours_show_vanishing_and_exploding_on_a_log_scale():
    from viz.labels import grad_colour

    assert grad_colour(np.ones(3)) == "#ffffff"
    assert grad_colour(np.full(3, 1e-8)) == "#4073ff" and grad_colour(np.full(3, 1e5)) == "#ff3333"
    assert grad_colour(np.zeros(3)) == "#bbbbbb" and grad_colour(np.array([np.nan])) == "#ff00ff"


def test_to_text_prints_the_tree_with_values_gradients_and_shared_nodes():
    o, t = neuron()
    x = ag.tensor(3.0, requires_grad=True, name="x")
    sq = x * x
    with viz.record_gradients():
        sq.backward()
    text = viz.to_text(sq)
    assert text.splitlines()[0] == "#0 Mul  () float32  = 9  grad 1"
    assert "#1 parameter  'x'  () float32  = 3  grad 6" in text and text.splitlines()[-1].endswith("-> #1")
    lines = viz.to_text(o).splitlines()
    assert len(lines) == 10 and lines[0].startswith("#0 Tanh") and "grad 1" in lines[0]
    assert any("'w1'" in ln and f"grad {fmt(t['w1'].grad.data)}" in ln for ln in lines)


def test_a_list_of_outputs_is_drawn_as_one_graph():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    a, b = x.exp().sum(), (x * 2).sum()
    nodes, _, _ = parse(viz.draw([a, b], "backward").source)
    assert sum(1 for v in nodes.values() if v.get("peripheries") == "2") == 2


def test_viz_never_imports_nn():
    code = "import sys, viz, viz.examples, viz.__main__; sys.exit('nn' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_an_explicit_recording_is_used_and_bad_inputs_are_named():
    x = ag.tensor([1.0, -1.0], requires_grad=True, name="x")
    y = (x * 5).sum()
    with viz.record_gradients() as rec:
        y.backward()
    viz.record._recent.clear()
    nodes, _, _ = parse(viz.draw_backward(y, recording=rec).source)
    assert "grad [5, 5]" in cells(nodes[by_name(nodes)["x"]])
    assert len(rec) == 3 and rec.grad(x).tolist() == [5, 5] and rec.input_grad(y, 0).tolist() == [1, 1]
    with pytest.raises(TypeError, match="Tensors, got list"):
        viz.draw([[1.0]])


def test_a_node_gathering_many_inputs_is_drawn_without_those_edges():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = ag.concatenate([x * float(i) for i in range(12)]).sum()
    nodes, edges, _ = parse(viz.draw(y, "forward", detail="ops").source)
    (cat,) = [nid for nid, a in nodes.items() if a["label"].startswith("concat")]
    assert "gathers 12 nodes" in nodes[cat]["label"] and not any(b == cat for _, b, _ in edges)
    nodes, edges, _ = parse(viz.draw(y, "forward", max_fanout=None, detail="ops").source)
    assert sum(1 for _, b, _ in edges if b == cat) == 12 and "gathers" not in nodes[cat]["label"]
