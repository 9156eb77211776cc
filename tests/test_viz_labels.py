"""Labels as the lectures write them: op symbols, micrograd's `name | data | grad` records, no dtype unless it
matters, no shape on scalars, totals on nodes and shares on edges, the colour legend; read back from DOT and SVG."""

import html
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter

import numpy as np
import pytest
from dotparse import label_lines, parse

import autograd_core as ag
import viz
from viz.labels import OP_LABELS, op_label

HAS_DOT = shutil.which("dot") is not None
SVG = "{http://www.w3.org/2000/svg}"
GREEN, RED = "#1a7f37", "#cf222e"


def _text(s):
    return html.unescape(re.sub(r"<[^>]+>", "", s)).replace("\\\\", "\\")


def cells(a):
    """The cells of a tensor node's record (name, shape, `data ...`, `grad ...`), as drawn."""
    label = a.get("label", "")
    return [_text(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", label)] if label.startswith("<") else []


def coloured(a, colour):
    """The texts of an edge label written in one colour (green: values, red: gradients)."""
    return [_text(s) for s in re.findall(rf'<font color="{colour}">(.*?)</font>', a.get("label", ""))]


def by_name(nodes):
    """name -> node id, for tensor nodes with a name (their record's first cell)."""
    out = {}
    for nid, a in nodes.items():
        c = cells(a)
        if c and not c[0].startswith(("data ", "(")):
            out[c[0]] = nid
    return out


EVERY_OP = dict(collapse=lambda path: False)  # every op drawn as itself (no scope boxes, no elided runs)


def ops(nodes):
    return {nid: label_lines(a)[0] for nid, a in nodes.items() if a.get("shape") == "ellipse"}


def neuron():
    x1, x2 = ag.tensor(2.0, name="x1"), ag.tensor(0.0, name="x2")
    w1, w2 = ag.tensor(-3.0, requires_grad=True, name="w1"), ag.tensor(1.0, requires_grad=True, name="w2")
    b = ag.tensor(6.8813735870195432, requires_grad=True, name="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    with viz.record_gradients():
        o.backward()
    return o


def test_ops_are_labelled_as_the_lectures_write_them():
    x = ag.tensor([0.5, 2.0], requires_grad=True, name="x")
    w = ag.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    y = ((x @ w).tanh().sigmoid() * x + x / 2 - x).exp().log().relu().sqrt()
    z = (y**2).sum() + (-x).max() + x.abs().mean()
    nodes, _, _ = parse(viz.draw(z, "forward", **EVERY_OP).source)
    assert Counter(ops(nodes).values()) == Counter(
        {
            "@": 1,
            "tanh": 1,
            "σ": 1,
            "*": 2,
            "+": 3,
            "/": 1,
            "-": 2,
            "exp": 1,
            "log": 1,
            "relu": 1,
            "√": 1,
            "**2": 1,
            "sum": 2,
            "max": 1,
            "abs": 1,
            "reshape": 2,
        }
    )
    nodes, _, _ = parse(viz.draw(z, "backward", **EVERY_OP).source)  # backward: a prime, never a class name
    assert all(lab.endswith("′") and lab[:-1] in OP_LABELS.values() or lab[:-1] == "**2" for lab in ops(nodes).values())
    nodes, _, _ = parse(viz.draw(z, "forward", labels="class", **EVERY_OP).source)
    assert {"MatMul", "Tanh", "Sigmoid", "PowScalar", "Sqrt", "Neg"} <= set(ops(nodes).values())
    nodes, _, _ = parse(viz.draw_backward(z, labels="class").source)
    assert "TanhBackward" in ops(nodes).values()
    with pytest.raises(ValueError, match="labels must be one of"):
        viz.draw(z, labels="symbols")
    with pytest.raises(TypeError, match="legend must be True or False"):
        viz.draw(z, "both", legend="no")


def test_every_primitive_class_has_a_lecture_label():
    import importlib
    import pkgutil

    import autograd_core.ops as O
    from autograd_core import Function

    found = set()
    for m in pkgutil.iter_modules(O.__path__):
        mod = importlib.import_module(f"autograd_core.ops.{m.name}")
        found |= {
            c.__name__
            for c in vars(mod).values()
            if isinstance(c, type) and issubclass(c, Function) and c.__module__ == mod.__name__
        }
    named = {
        "Add",
        "Sub",
        "Mul",
        "Div",
        "Neg",
        "PowScalar",
        "Pow",
        "Exp",
        "Log",
        "Sqrt",
        "Abs",
        "Tanh",
        "Sigmoid",
        "Relu",
        "LeakyRelu",
        "Where",
        "Maximum",
        "Cast",
        "Sum",
        "Max",
        "Reshape",
        "Transpose",
        "BroadcastTo",
        "GetItem",
        "ScatterAdd",
        "Concatenate",
        "Pad",
        "MatMul",
        "SlidingWindow",
        "Col2Im",
        "Correlate",
        "LSTMStep",
        "GRUStep",
        "BinaryCrossEntropy",
    }
    assert named <= found and named <= set(OP_LABELS)
    # never a class name: a primitive added later without a label here is drawn in NumPy's lower case
    assert all(OP_LABELS.get(c, c.lower()) != c for c in found)
    assert (OP_LABELS["MatMul"], OP_LABELS["Sigmoid"], OP_LABELS["Sqrt"], OP_LABELS["Mul"]) == ("@", "σ", "√", "*")


def test_power_shows_its_exponent_even_after_backward_freed_the_graph():
    x = ag.tensor(3.0, requires_grad=True, name="x")
    y = x**2
    with viz.record_gradients():
        y.backward()  # frees ctx.p
    assert list(ops(parse(viz.draw(y, "both").source)[0]).values()) == ["**2"]
    z = ag.tensor([1.0, 2.0], requires_grad=True) ** 0.5
    assert list(ops(parse(viz.draw(z).source)[0]).values()) == ["**0.5"]


def test_conv_is_named_by_its_dimensions():
    from autograd_core.ops.correlate import correlate

    x = ag.tensor(np.ones((1, 1, 1, 4, 4)), requires_grad=True)  # (B, G, C, H, W)
    w = ag.tensor(np.ones((1, 2, 1, 3, 3)), requires_grad=True)  # (G, O, C, kh, kw)
    assert "conv2d" in ops(parse(viz.draw(correlate(x, w).sum()).source)[0]).values()
    x1, w1 = ag.tensor(np.ones((1, 1, 1, 5)), requires_grad=True), ag.tensor(np.ones((1, 1, 1, 2)), requires_grad=True)
    assert "conv1d" in ops(parse(viz.draw(correlate(x1, w1).sum()).source)[0]).values()


def test_user_ops_keep_their_class_name():
    class Square(ag.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.a = a
            return a * a

        @staticmethod
        def backward(ctx, g):
            return 2 * g * ctx.a

    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = Square.apply(x).sum()
    assert "Square" in ops(parse(viz.draw(y).source)[0]).values()
    assert "SquareBackward" in ops(parse(viz.draw(y, "backward").source)[0]).values()


def test_no_dtype_by_default_no_shape_on_scalars_dtype_when_mixed_or_asked():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    s = ag.tensor(3.0, requires_grad=True, name="s")
    y = (x * s).sum()
    with viz.record_gradients():
        y.backward()
    for mode in ("forward", "backward", "both"):
        src = viz.draw(y, mode).source
        assert "float32" not in src and "()" not in src
        nodes, _, _ = parse(src)
        names = by_name(nodes)
        assert cells(nodes[names["s"]])[:2] == ["s", "data 3"]  # a scalar: no shape
        assert cells(nodes[names["x"]])[:3] == ["x", "(2,)", "data [1, 2]"]
    nodes, _, _ = parse(viz.draw(y, "both", show_dtype=True).source)
    assert cells(nodes[by_name(nodes)["s"]])[:2] == ["s", "float32"]
    d = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True, name="d")
    z = x.sum() + d.sum()  # float32 and float64 meet: shown
    nodes, _, _ = parse(viz.draw(z, "forward").source)
    assert cells(nodes[by_name(nodes)["d"]])[1] == "(2,) float64"
    assert "float" not in viz.draw(z, "forward", show_dtype=False).source


def test_a_shape_is_never_written_twice_on_one_edge():
    x = ag.tensor(np.ones((3, 4)), requires_grad=True, name="x")
    y = (x.tanh() * 2).sum()
    with viz.record_gradients():
        y.backward()
    for mode in ("backward", "both"):
        _, edges, _ = parse(viz.draw(y, mode).source)
        for _, _, e in edges:
            assert e.get("label", "").count("(3, 4)") <= 1, e


def test_every_tensor_node_shows_value_and_total_gradient_and_each_edge_its_share():
    a = ag.tensor(3.0, requires_grad=True, name="a")
    y = a + a
    with viz.record_gradients():
        y.backward()
    for mode in ("both", "backward"):
        nodes, edges, _ = parse(viz.draw(y, mode).source)
        aid = by_name(nodes)["a"]
        assert cells(nodes[aid]) == ["a", "data 3", "grad 2"]  # the total on the node
        shares = [coloured(e, RED) or [e.get("label")] for t, _, e in edges if t == aid]
        assert shares == [["1"], ["1"]]  # each use's share on its edge
    out = [a for a in parse(viz.draw(y, "both").source)[0].values() if a.get("peripheries") == "2"]
    assert cells(out[0]) == ["data 6", "grad 1"]


def test_inputs_without_grad_show_their_value_and_named_intermediates_their_name():
    o = neuron()
    for mode in ("forward", "backward", "both"):
        nodes, _, _ = parse(viz.draw(o, mode).source)
        names = by_name(nodes)
        assert cells(nodes[names["x1"]]) == ["x1", "data 2"]  # no gradient cell: it needs none
        if mode != "forward":
            assert cells(nodes[names["w1"]]) == ["w1", "data -3", "grad 1"]
    x = ag.tensor([1.0, -1.0], requires_grad=True, name="x")
    h = x * 2
    h.name = "hidden"
    y = (h.tanh() + h).sum()  # hidden is used twice
    with viz.record_gradients():
        y.backward()
    total = 1 - np.tanh(2.0) ** 2 + 1
    for mode in ("forward", "backward", "both"):
        nodes, edges, _ = parse(viz.draw(y, mode).source)
        hid = by_name(nodes)["hidden"]  # a named intermediate is a node in every mode
        assert cells(nodes[hid])[:3] == ["hidden", "(2,)", "data [2, -2]"]
        if mode != "forward":
            assert cells(nodes[hid])[3] == f"grad [{total:.4g}, {total:.4g}]"  # its total
            shares = sorted(
                coloured(e, RED)[0] if e["label"].startswith("<") else e["label"] for a, _, e in edges if a == hid
            )
            assert shares == sorted([f"[{total - 1:.4g}, {total - 1:.4g}]", "[1, 1]"])  # each use's share


def test_legend_in_both_mode_and_legend_false_drops_it():
    o = neuron()
    nodes, _, _ = parse(viz.draw(o, "both").source)
    legend = nodes["legend"]["label"]
    assert coloured(nodes["legend"], GREEN) == ["value (data)"] and coloured(nodes["legend"], RED) == [
        "gradient (grad)"
    ]
    assert legend.index(GREEN) < legend.index(RED)  # value above, gradient below
    assert "legend" not in parse(viz.draw(o, "both", legend=False).source)[0]
    assert "legend" not in parse(viz.draw(o, "forward").source)[0]


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")
def test_the_svg_shows_records_symbols_and_legend():
    o = neuron()
    r = subprocess.run(["dot", "-Tsvg"], input=viz.draw(o, "both").source.encode(), capture_output=True)
    assert r.returncode == 0 and r.stderr == b""
    root = ET.fromstring(r.stdout)
    texts = ["".join(t.itertext()) for t in root.iter(SVG + "text")]
    assert {
        "w1",
        "data -3",
        "grad 1",
        "x1",
        "data 2",
        "tanh",
        "*",
        "+",
        "value (data)",
        "gradient (grad)",
        "data 0.7071",
    } <= set(texts)
    fills = {"".join(t.itertext()): t.get("fill") for t in root.iter(SVG + "text")}
    assert fills["data -3"] == GREEN and fills["grad 1"] == RED
    assert not any("Mul" in t or "float32" in t for t in texts)


def test_op_label_function():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.tanh()
    assert op_label(y._ctx) == "tanh" and op_label(y._ctx, backward=True) == "tanh′"
    assert (
        op_label(y._ctx, style="class") == "Tanh" and op_label(y._ctx, backward=True, style="class") == "TanhBackward"
    )
