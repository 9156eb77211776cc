"""viz.draw_gradcheck: each op's own backward against central differences, drawn green or red."""

import numpy as np
import pytest
from dotparse import label_lines, parse

import autograd_core as ag
import viz
from autograd_core import Function


class WrongSquare(ag.Function):
    """x**2 with a backward that forgot the factor 2: the kind of bug the check must point at."""

    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g * ctx.x


def inputs(seed=0):
    rng = np.random.default_rng(seed)
    return [
        ag.tensor(rng.standard_normal((3, 4)), requires_grad=True, name="x"),
        ag.tensor(rng.standard_normal((4, 2)), requires_grad=True, name="w"),
    ]


def model(x, w):
    h = (x @ w).tanh().reshape(2, 3).transpose(1, 0)[1:, :]  # ops with parameters: shape, axes, index
    # (max over a row of maximum(x, 0.1) would tie where a row is all below 0.1: not differentiable there)
    return (h.exp().sum(axis=0) ** 2).mean() + ag.maximum(x, 0.1).sum() + x.max(axis=1).sum()


def test_correct_ops_are_all_green():
    g = viz.draw_gradcheck(model, inputs())
    results = g.gradcheck
    assert len(results) >= 10 and all(r.ok for r in results.values())
    assert {r.op for r in results.values()} >= {
        "MatMul",
        "Tanh",
        "Reshape",
        "Transpose",
        "GetItem",
        "Exp",
        "Sum",
        "PowScalar",
        "Maximum",
        "Max",
    }
    nodes, _, _ = parse(g.source)
    ops = [a for a in nodes.values() if a.get("shape") == "ellipse"]
    assert len(ops) == len(results) and all(a["fillcolor"] == "#8fd19e" for a in ops)
    assert f"{len(results)} of {len(results)} ops pass" in g.source


def test_a_wrong_backward_is_the_one_red_node_labelled_with_its_error():
    g = viz.draw_gradcheck(lambda x, w: WrongSquare.apply(x @ w).tanh().sum(), inputs())
    bad = [r for r in g.gradcheck.values() if not r.ok]
    assert [r.op for r in bad] == ["WrongSquare"]
    nodes, _, _ = parse(g.source)
    (red,) = [a for a in nodes.values() if a.get("fillcolor") == "#f1948a"]
    assert label_lines(red)[0] == "WrongSquare" and label_lines(red)[1] == f"max err {bad[0].max_error:.2g}"
    assert bad[0].max_error > 0.01 and "failing WrongSquare" in g.source
    # the whole-function check agrees that something is off, but cannot say where
    with pytest.raises(ag.GradcheckError):
        ag.gradcheck(lambda x, w: WrongSquare.apply(x @ w).tanh().sum(), inputs())


def test_runs_in_float64_samples_large_inputs_and_restores_apply():
    original = Function.__dict__["apply"]
    x = ag.tensor(np.random.default_rng(1).standard_normal((40, 40)), requires_grad=True)
    trace, results = viz.check_ops(lambda t: t.sigmoid().sum(), [x], max_elements=16)
    assert all(t.dtype == np.float64 for t in trace.tensors if t.dtype.kind == "f")
    assert [r.checked for r in results.values()] == [16, 16]  # 1600 elements each: a sample of 16
    assert Function.__dict__["apply"] is original
    with pytest.raises(ZeroDivisionError):
        viz.check_ops(lambda t: 1 / 0, [x])
    assert Function.__dict__["apply"] is original
