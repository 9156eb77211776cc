"""examples/draw_graphs.py on a small setting, and viz's built-in example graphs."""

import importlib.util
import pathlib
import shutil

import numpy as np
import pytest
from dotparse import parse

import viz
from viz.examples import EXAMPLES, lstm

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load_example():
    spec = importlib.util.spec_from_file_location("draw_graphs", ROOT / "examples" / "draw_graphs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_draw_graphs_example_writes_every_drawing(tmp_path):
    pytest.importorskip("sklearn")
    written = load_example().main(tmp_path, steps=6)
    names = {p.name for p in written}
    suffix = ".svg" if shutil.which("dot") else ".gv"
    for stem in (
        "neuron_forward",
        "neuron_backward",
        "neuron_both",
        "mlp_both",
        "mlp_forward",
        "conv_backward",
        "conv_forward",
        "lstm5_both",
        "lstm6_backward",
    ):
        assert stem + suffix in names and (tmp_path / (stem + suffix)).stat().st_size > 0
    text = (tmp_path / ("lstm6_backward" + suffix)).read_text()
    assert "t=5" in text and "t=6" not in text  # collapsed steps 0..5 are labelled


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_builtin_examples_record_their_gradients(name):
    loss = EXAMPLES[name]()
    rec = viz.record._recent[-1]
    assert loss in rec and rec.grad(loss) is not None
    _, edges, _ = parse(viz.draw(loss, "backward").source)
    assert edges and all(e.get("label") != "?" for _, _, e in edges)  # every gradient is known


def test_scope_grads_is_the_norm_of_what_each_step_hands_on():
    loss, hs = lstm(steps=6)
    rec = viz.record._recent[-1]
    per_step = viz.scope_grads(loss)
    assert [p for p, _ in per_step] == [f"lstm/l0/t={t}" for t in range(6)]
    # the last step hands on only h_T; earlier steps hand on h_t and c_t
    np.testing.assert_allclose(per_step[-1][1], np.linalg.norm(rec.grad(hs[-1])), rtol=1e-6)
    assert all(n >= np.linalg.norm(rec.grad(h)) * (1 - 1e-6) for (_, n), h in zip(per_step, hs))
