"""Every default drawing fits a slide: at most 2,000 x 1,200 px at 96 dpi, text of at least 10 px, not scaled down.

For each graph of tests/fit_graphs.py (the lecture neuron, a 1,000-op MLP, the CNN of examples/cnn_digits.py, a
2-layer LSTM over 50 steps, a 2-layer bidirectional GRU over 30 steps, a 1,000-step RNN, a 10,000-op chain) and
each mode, the drawing is rendered to SVG with `dot` and its size and font sizes read back.
"""

import re
import shutil
import subprocess
import time
import warnings

import dotparse
import pytest
from fit_graphs import GRAPHS, RECORDINGS

import viz

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
MODES = ("forward", "backward", "both")
_cache = {}


def graph(name):
    if name not in _cache:
        _cache[name] = GRAPHS[name]()
    return _cache[name]


def draw(name, mode="forward", **kwargs):
    loss = graph(name)
    return viz.draw(loss, mode, recording=RECORDINGS.get(id(loss)), **kwargs)


def svg_of(g):
    return subprocess.run(
        ["dot", "-Tsvg"], input=g.source.encode(), capture_output=True, check=True, timeout=60
    ).stdout.decode()


def size_px(svg):
    m = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg)
    return float(m[1]) * 96 / 72, float(m[2]) * 96 / 72


def min_font_px(svg):
    return min(float(f) for f in re.findall(r'font-size="([\d.]+)"', svg)) * 96 / 72


@needs_dot
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(GRAPHS))
def test_every_default_drawing_fits_a_slide_without_being_scaled_down(name, mode):
    graph(name)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        g = draw(name, mode)
    assert not [w for w in caught if "viz:" in str(w.message)], [str(w.message) for w in caught]  # no "shrink"
    svg = svg_of(g)
    seconds = time.perf_counter() - start
    w, h = size_px(svg)
    print(f"{name} {mode}: {w:.0f} x {h:.0f} px, {seconds:.2f} s, fit {getattr(g, 'viz_fit', None)}")
    assert w <= 2000 and h <= 1200, (name, mode, w, h)
    assert min_font_px(svg) >= 10
    assert not re.search(r"\b(size|ratio)=", g.source)  # never shrunk to fit
    assert seconds < 20  # under 5 s measured; generous here, so a busy machine never fails it


@needs_dot
@pytest.mark.parametrize("mode", MODES)
def test_a_long_rnn_is_a_row_of_cells_with_the_middle_steps_elided_and_counted(mode):
    src = draw("rnn", mode).source
    assert "RNN cell t=0" in src and "RNN cell t=999" in src
    kept = {int(t) for t in re.findall(r"RNN cell t=(\d+)", src)}
    n = int(re.search(r"(\d+) steps", src)[1])
    assert n == 1000 - len(kept) and 0 in kept and 999 in kept


@needs_dot
def test_lstm_layers_are_stacked_with_equal_steps_in_one_column_and_h_c_edges_labelled():
    g = draw("lstm", "backward")
    src = g.source
    for layer in (0, 1):
        assert re.search(rf"LSTM cell t=0\\nlayer {layer}", src) and re.search(rf"LSTM cell t=49\\nlayer {layer}", src)
    assert re.search(r"46 steps|47 steps|48 steps", src)
    assert "rank=same" in src
    assert re.search(r'label="?<?<?b?>?h\b', src) or 'label="h' in src or "<b>h</b>" in src
    assert "<b>c</b>" in src or re.search(r'label="?c\b', src) or "c\\n" in src


@needs_dot
@pytest.mark.parametrize("mode", MODES)
def test_a_long_chain_shows_its_ends_and_says_how_many_ops_were_left_out(mode):
    src = draw("chain", mode).source
    n = int(re.search(r"(\d+) ops", src)[1])
    nodes, edges, _ = dotparse.parse(src)
    ops = [a for a in nodes.values() if a.get("shape") == "ellipse"]
    assert n + len(ops) == 10000


@needs_dot
@pytest.mark.parametrize("mode", MODES)
def test_auto_collapse_never_leaves_a_parameter_without_edges(mode):
    for name in ("mlp", "cnn", "lstm", "gru", "rnn"):
        src = draw(name, mode).source
        nodes, edges, _ = dotparse.parse(src)
        touched = {t for t, _, _ in edges} | {h for _, h, _ in edges}
        params = [nid for nid, a in nodes.items() if "weight" in a.get("label", "") or "bias" in a.get("label", "")]
        # the recurrent fits may fold them (each node says how many) to keep a clean row of cells
        assert params or name in ("gru", "lstm"), name
        assert all(p in touched for p in params), (name, mode, [p for p in params if p not in touched])


def test_the_elided_middle_of_an_mlp_counts_the_parameters_it_does_not_draw():
    src = draw("mlp", "forward").source
    m = re.search(r"\+ (\d+) parameters \(not drawn\)", src)
    drawn = len(re.findall(r"\b\d+\.weight\b", src)) + len(re.findall(r"\b\d+\.bias\b", src))
    assert m and int(m[1]) + drawn == 500


def test_modules_and_composites_are_single_nodes_named_like_the_lecture():
    src = draw("cnn", "forward").source
    for label in (
        "Conv2d 1→32 3x3",
        "Conv2d 32→64 3x3",
        "MaxPool2d 2x2",
        "ReLU",
        "Flatten",
        "Linear 256→10",
        "cross_entropy",
    ):
        assert label in src, label
    assert "Correlate" not in src and "SlidingWindow" not in src and " ops\\n" not in src
    nodes, _, clusters = dotparse.parse(src)
    labels = [a.get("label", "") for a in nodes.values()] + [c.get("label", "") for c in clusters]
    assert not any(re.fullmatch(r"\d+", lab) for lab in labels)
    assert not any("1 ops" in lab for lab in labels)


def test_detail_ops_is_every_primitive_and_expand_opens_a_composite():
    loss = graph("cnn")
    ops = viz.draw(loss, "forward", detail="ops").source
    assert "Correlate" in ops or "SlidingWindow" in ops or "conv" in ops.lower()
    opened = viz.draw(loss, "forward", expand="Sequential/0").source
    assert "Conv2d 1→32 3x3" not in opened and "Linear 256→10" in opened and "shape=ellipse" in opened
    with pytest.raises(ValueError, match="detail"):
        viz.draw(loss, detail="everything")
    with pytest.raises(TypeError, match="expand"):
        viz.draw(loss, expand=3)


def test_slide_style_and_dpi_reach_the_dot_graph():
    g = draw("neuron", "forward", style="slide", dpi=150)
    assert "rankdir=TB" in g.source and "dpi=150" in g.source
    assert re.search(r"fontsize=1[4-9]", g.source)
    with pytest.raises(ValueError, match="style"):
        draw("neuron", style="poster")
    with pytest.raises(ValueError, match="dpi"):
        draw("neuron", dpi=0)


def test_viz_fit_does_not_import_nn():
    import viz.fit

    assert "nn" not in viz.fit.__dict__


@pytest.mark.parametrize("mode", ["forward", "backward", "both"])
def test_an_lstm_layer_hands_the_layer_above_its_h_not_its_c(mode):
    nodes, edges, _ = dotparse.parse(draw("lstm", mode).source)
    edges = [e for e in edges if e[2].get("style") != "invis"]  # the columns' ordering edges
    label = {nid: a.get("label", "") for nid, a in nodes.items()}
    between = [
        (t, h, a)
        for t, h, a in edges
        if "layer 0" in label.get(t, "")
        and "layer 1" in label.get(h, "")
        and re.search(r"t=\d+", label[t])
        and re.search(r"t=\d+", label[t])[0] == re.search(r"t=\d+", label[h])[0]
    ]
    between += [
        (h, t, a)
        for t, h, a in edges
        if "layer 1" in label.get(t, "")
        and "layer 0" in label.get(h, "")
        and re.search(r"t=\d+", label[t])
        and re.search(r"t=\d+", label[t])[0] == re.search(r"t=\d+", label[h])[0]
    ]
    assert between, "no edge between the layers at one time step"
    for _, _, attrs in between:
        text = attrs.get("label", "") + attrs.get("xlabel", "")
        assert re.match(r"<?<?b?>?h\b", text.strip('"')) or text.startswith("h"), text
