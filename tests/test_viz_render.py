"""Rendering with Graphviz's `dot`: SVG/PNG/PDF, the step-by-step folder, the command line; and without `dot`."""

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from dotparse import parse

import viz
from viz.__main__ import main
from viz.examples import lstm, neuron
from viz.steps import backward_steps

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
SVG = "{http://www.w3.org/2000/svg}"


def svg_nodes(path):
    root = ET.parse(path).getroot()  # valid XML, or this raises
    return [g for g in root.iter(SVG + "g") if g.get("class") == "node"]


@needs_dot
@pytest.mark.parametrize("mode", ["forward", "backward", "both"])
def test_svg_is_valid_xml_with_one_node_group_per_node(tmp_path, mode):
    loss, _ = lstm(steps=3)
    g = viz.draw(loss, mode)
    path = viz.render(g, tmp_path / "graph.svg")
    assert len(svg_nodes(path)) == len(parse(g.source)[0])
    path = viz.render(loss, tmp_path / "collapsed.svg", mode=mode, collapse="t=*")
    assert len(svg_nodes(path)) == len(parse(viz.draw(loss, mode, collapse="t=*").source)[0])


@needs_dot
def test_render_takes_the_painters_options(tmp_path):
    o = neuron()
    texts = lambda p: {"".join(t.itertext()) for t in ET.parse(p).getroot().iter(SVG + "text")}
    lecture = texts(viz.render(o, tmp_path / "lecture.svg", mode="both"))
    assert {"tanh", "*", "+", "value (data)"} <= lecture and "Tanh" not in lecture
    named = texts(viz.render(o, tmp_path / "class.svg", mode="backward", labels="class"))
    assert {"TanhBackward", "MulBackward", "AddBackward"} <= named
    chain = texts(viz.render(o, tmp_path / "chain.svg", mode="both", chain_rule=True, legend=False))
    assert "(1 - 0.7071²) × 1 = 0.5" in chain and "value (data)" not in chain
    forced = texts(viz.render(o, tmp_path / "dtype.svg", show_dtype=True))
    assert "float32" in forced and not any("float32" in t for t in lecture)


@needs_dot
def test_png_and_pdf_by_suffix(tmp_path):
    o = neuron()
    assert viz.render(o, tmp_path / "n.png", mode="both").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert viz.render(o, tmp_path / "n.pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(ValueError, match=r"\.svg"):
        viz.render(o, tmp_path / "n.jpeg")


def test_without_dot_the_error_says_how_to_install_and_the_source_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    o = neuron()
    with pytest.raises(viz.DotNotFoundError, match="apt-get install graphviz"):
        viz.render(o, tmp_path / "graph.svg", mode="both")
    assert (tmp_path / "graph.gv").read_text() == viz.draw(o, "both").source
    assert not (tmp_path / "graph.svg").exists()


def test_each_step_shows_only_the_gradients_known_so_far():
    o = neuron()
    steps = backward_steps(o)
    assert [c.split(": ")[1].split()[0] for c, _ in steps] == ["tanh", "+", "+", "*", "*"]
    known = []
    for caption, g in steps:
        nodes, edges, _ = parse(g.source)
        highlighted = [nid for nid, a in nodes.items() if a.get("penwidth") == "4"]
        assert len(highlighted) == 1 and caption.split(": ")[1].startswith(nodes[highlighted[0]]["label"].rstrip("′"))
        assert caption not in g.source and "step " not in g.source  # the page shows it, not the picture
        known.append(sum(1 for _, _, e in edges if e.get("label") not in (None, "?")))
    # the output's edge first; then each step adds the gradients the op sent to its inputs that need one
    assert known == [2, 4, 6, 7, 8]  # Tanh: 1 edge; outer Add: 2; inner Add: 2; each Mul: 1 (x is a constant)
    last_nodes, last_edges, _ = parse(steps[-1][1].source)
    assert all(e.get("label") != "?" for _, _, e in last_edges)


@needs_dot
def test_step_folder_has_one_picture_per_backward_step_and_a_working_index(tmp_path):
    loss, _ = lstm(steps=2)
    n_ops = len(viz.trace.Trace(loss).ops)
    index = viz.render_backward_steps(loss, tmp_path / "steps", collapse=None)
    pictures = sorted(p.name for p in (tmp_path / "steps").glob("step_*.svg"))
    assert len(pictures) == n_ops and pictures[0] == "step_000.svg"
    page = index.read_text()
    steps = json.loads(re.search(r"const steps = (\[.*?\]);\n", page).group(1))  # captions may hold "];"
    assert [s["src"] for s in steps] == pictures
    assert all((tmp_path / "steps" / s["src"]).exists() for s in steps)
    assert 'type="range"' in page and 'id="prev"' in page and 'id="next"' in page
    # each picture at its natural size in a box that scrolls, with zoom buttons
    assert "max-width:none" in page and "overflow:auto" in page and 'id="zoomin"' in page and 'id="zoomout"' in page
    assert "max-width:100%" not in page
    assert "http" not in page  # nothing is fetched from the network
    for p in pictures[:3]:
        svg_nodes(tmp_path / "steps" / p)


@needs_dot
@pytest.mark.parametrize("example", ["neuron", "mlp", "conv", "lstm"])
def test_command_line_renders_each_example(tmp_path, example, capsys):
    assert main(["--example", example, "--mode", "both", "--out", str(tmp_path)]) == 0
    out = tmp_path / f"{example}_both.svg"
    assert capsys.readouterr().out.strip() == str(out) and svg_nodes(out)


def test_command_line_without_dot_prints_the_source(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["--example", "neuron", "--mode", "backward", "--out", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert "install" in captured.err and captured.out.startswith("digraph")
