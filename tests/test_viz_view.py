"""The view layer: what is drawn. Module calls named by type and role in every detail, never by a bare number."""

import re

import numpy as np
from dotparse import parse

import autograd_core as ag
import nn
import nn.functional as F
import viz


def cnn_loss():
    nn.init.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16, 2))
    x = ag.tensor(np.random.default_rng(0).random((2, 1, 4, 4)), dtype="float32", name="image")
    return F.cross_entropy(net(x), np.array([0, 1]))


def test_ops_detail_names_numbered_clusters_and_boxes_by_what_they_hold():
    loss = cnn_loss()
    nodes, _, clusters = parse(viz.draw(loss, "forward", detail="ops").source)
    labels = [c.get("label", "") for c in clusters]
    assert "Conv2d 1→4 3x3" in labels and "Linear 16→2" in labels and "MaxPool2d 2x2" in labels
    assert not any(re.fullmatch(r"\d+", lab) for lab in labels)
    nodes, _, _ = parse(viz.draw(loss, "forward", collapse="Sequential/*").source)
    boxes = [a["label"] for a in nodes.values() if a.get("shape") == "box3d"]
    assert boxes and not any(re.match(r"\d+\\n", b) for b in boxes), boxes


def test_lecture_detail_draws_the_data_input_with_its_name():
    src = viz.draw(cnn_loss(), "forward").source
    assert ">image<" in src or "image" in src
    lstm = nn.LSTM(3, 4)
    out, _ = lstm(ag.tensor(np.ones((6, 1, 3)), dtype="float32", name="sequence"))
    assert "sequence" in viz.draw((out**2).sum(), "forward").source


def test_an_unnamed_scope_number_stays_when_viz_cannot_tell_what_it_holds():
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    with ag.name_scope("7"):
        y = (x * 3.0).tanh().sum()
    _, _, clusters = parse(viz.draw(y, "forward", detail="ops").source)
    assert [c["label"] for c in clusters] == ["7"]


def test_ops_detail_auto_collapse_leaves_no_parameter_without_edges_and_counts_the_ones_it_folds():
    nn.init.manual_seed(0)
    net = nn.Sequential(*[m for _ in range(150) for m in (nn.Linear(3, 3), nn.Tanh())])
    loss = (net(ag.tensor(np.ones((2, 3)), dtype="float32", name="x")) ** 2).mean()
    src = viz.draw(loss, "forward", detail="ops").source
    nodes, edges, _ = parse(src)
    touched = {a for a, _, _ in edges} | {b for _, b, _ in edges}
    assert all(n in touched for n in nodes), [n for n in nodes if n not in touched]
    assert "+ 300 parameters (not drawn)" in src and "gathers" not in src
