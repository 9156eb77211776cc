"""The chain rule made visible: each backward edge says local gradient × upstream gradient = what is sent, with
the lecture's numbers on its neuron; the op's rule and the norm for arrays; step captions that use the rule."""

import numpy as np
import pytest
from dotparse import label_lines, parse
from test_viz_labels import RED, by_name, cells, coloured

import autograd_core as ag
import viz


def neuron():
    """micrograd's neuron, every leaf with a gradient: o = tanh(x1 w1 + x2 w2 + b)."""
    leaves = dict(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=6.8813735870195432)
    t = {k: ag.tensor(v, requires_grad=True, name=k) for k, v in leaves.items()}
    n = t["x1"] * t["w1"] + t["x2"] * t["w2"] + t["b"]
    n.retain_grad()
    o = n.tanh()
    with viz.record_gradients():
        o.backward()
    return o, n, t


def chain_labels(g):
    """{(tail's name or op label, head's label): the red text of the edge}."""
    nodes, edges, _ = parse(g.source)
    names = {v: k for k, v in by_name(nodes).items()}
    out = {}
    for a, b, e in edges:
        tail = names.get(a, label_lines(nodes[a])[0])
        out.setdefault((tail, label_lines(nodes[b])[0]), []).extend(coloured(e, RED) or [e.get("label")])
    return out


def test_the_lecture_neuron_reads_the_chain_rule_on_every_edge():
    o, n, t = neuron()
    assert f"{float(o.data):.4f}" == "0.7071"
    # the lecture's numbers, from the engine
    assert [
        f"{float(v):.4g}"
        for v in (n.grad.data, t["w1"].grad.data, t["x1"].grad.data, t["w2"].grad.data, t["x2"].grad.data)
    ] == ["0.5", "1", "-1.5", "0", "0.5"]
    labels = chain_labels(viz.draw(o, mode="both", chain_rule=True))
    assert labels[("+", "tanh")] == ["(1 - 0.7071²) × 1 = 0.5"]  # do/dn = 1 - o²
    assert labels[("w1", "*")] == ["x1 × 0.5 = 1"]  # the other factor times upstream
    assert labels[("x1", "*")] == ["w1 × 0.5 = -1.5"]
    assert labels[("w2", "*")] == ["x2 × 0.5 = 0"]
    assert labels[("x2", "*")] == ["w2 × 0.5 = 0.5"]
    assert labels[("b", "+")] == ["1 × 0.5 = 0.5"]
    assert sorted(labels[("*", "+")]) == ["1 × 0.5 = 0.5", "1 × 0.5 = 0.5"]
    nodes, _, _ = parse(viz.draw(o, mode="both", chain_rule=True).source)
    assert cells(nodes[by_name(nodes)["x1"]]) == ["x1", "data 2", "grad -1.5"]
    assert "local × upstream = sent" in nodes["legend"]["label"]
    # backward mode says the same; without chain_rule only the gradient
    assert chain_labels(viz.draw_backward(o, chain_rule=True))[("w1", "*′")] == ["x1 × 0.5 = 1"]
    assert chain_labels(viz.draw(o, mode="both"))[("w1", "*")] == ["1"]


def test_local_gradient_comes_from_the_ops_values_when_the_upstream_is_zero():
    x = ag.tensor(1.0, requires_grad=True, name="x")
    y = x.tanh() * 0.0
    with viz.record_gradients():
        y.backward()
    labels = chain_labels(viz.draw(y, "both", chain_rule=True))
    assert labels[("x", "tanh")] == [f"(1 - {np.tanh(1.0):.4g}²) × 0 = 0"]


def test_four_significant_digits_and_other_scalar_ops():
    a, b = ag.tensor(1.0, requires_grad=True, name="a"), ag.tensor(3.0, requires_grad=True, name="b")
    y = (a / b).exp()
    with viz.record_gradients():
        y.backward()
    labels = chain_labels(viz.draw(y, "both", chain_rule=True))
    e = np.exp(1 / 3)
    assert labels[("/", "exp")] == [f"{e:.4g} × 1 = {e:.4g}"]  # d exp = exp
    assert labels[("a", "/")] == [f"1/3 × {e:.4g} = {e / 3:.4g}"]
    assert labels[("b", "/")] == [f"-1/3² × {e:.4g} = {-e / 9:.4g}"]


def test_arrays_get_the_ops_rule_in_symbols_and_the_norm_of_the_result():
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((4, 3)), requires_grad=True, name="x")
    w = ag.tensor(rng.standard_normal((3, 5)), requires_grad=True, name="W")
    y = (x @ w).tanh().sum()
    with viz.record_gradients():
        y.backward()
    labels = chain_labels(viz.draw(y, "both", chain_rule=True))
    assert labels[("x", "@")] == [f"g @ Wᵀ  ‖·‖={np.linalg.norm(x.grad.data):.3g}"]
    assert labels[("W", "@")] == [f"xᵀ @ g  ‖·‖={np.linalg.norm(w.grad.data):.3g}"]
    (into_tanh,) = labels[("@", "tanh")]
    assert into_tanh.startswith("g * (1 - out²)  ‖·‖=")


def test_an_op_without_a_rule_shows_its_class_name():
    class Square(ag.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.a = a
            return a * a

        @staticmethod
        def backward(ctx, g):
            return 2 * g * ctx.a

    assert Square.rule is None
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    y = Square.apply(x).sum()
    with viz.record_gradients():
        y.backward()
    assert chain_labels(viz.draw(y, "both", chain_rule=True))[("x", "Square")] == ["Square = [2, 4]"]


def test_step_captions_use_the_rule():
    o, n, t = neuron()
    captions = [c for c, _ in viz.backward_steps(o)]
    assert captions[0] == "step 1/5: tanh receives 1, local gradient 1 - out² = 0.5, sends 0.5"
    assert captions[-1] == (
        "step 5/5: * receives 0.5; to x1: local gradient w1 = -3, sends -1.5; to w1: local gradient x1 = 2, sends 1"
    )
    last_picture = viz.backward_steps(o, mode="both", chain_rule=True)[-1][1]
    assert chain_labels(last_picture)[("w1", "*")] == ["x1 × 0.5 = 1"]
    x = ag.tensor(np.ones((3, 4)), requires_grad=True, name="x")
    w = ag.tensor(np.ones((4, 2)), requires_grad=True, name="W")
    y = (x @ w).sum()
    with viz.record_gradients():
        y.backward()
    last = [c for c, _ in viz.backward_steps(y)][-1]
    assert "to x: sends g @ Wᵀ = (3, 4) ‖·‖=" in last and "to W: sends xᵀ @ g = (4, 2) ‖·‖=" in last


def test_chain_rule_must_be_a_bool():
    o, _, _ = neuron()
    with pytest.raises(TypeError, match="chain_rule must be True or False"):
        viz.draw(o, "both", chain_rule="yes")
