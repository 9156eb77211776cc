"""Any name, scope, module name or title is drawn as written, and the DOT text always renders with `dot`."""

import json
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import autograd_core as ag
import nn
import viz

HAS_DOT = shutil.which("dot") is not None
SVG, XLINK = "{http://www.w3.org/2000/svg}", "{http://www.w3.org/1999/xlink}"
NASTY = '"\\<>&;#/*?[] \n\r\t\x00\x01\x1b\x1f\x7f\x85\u2028\ufeff\uffffσ∂∇🙂'
names = st.one_of(
    st.text(),
    st.text(alphabet=NASTY, min_size=1),
    st.sampled_from(
        ["<b>x</b>", "<...>", "<", ">", "a\\", '"', "\\N", "&amp;", "&#38;", "∂L/∂w", "σ", "👨\u200d👩\u200d👧"]
    ),
)


def shown(s):
    """How the drawing must show s: control characters as Python escapes, everything else unchanged."""
    out = []
    for c in s:
        if unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff":
            out.append(f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}")
        else:
            out.append(c)
    return "".join(out)


def check_source(source):
    """The DOT text holds no raw control character; with `dot`, it renders without a word on stderr.
    Returns (texts drawn, tooltips) of the SVG, or None without `dot`."""
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", source)
    if not HAS_DOT:
        return None
    r = subprocess.run(["dot", "-Tsvg"], input=source.encode("utf-8"), capture_output=True, timeout=60)
    assert r.returncode == 0 and r.stderr == b"", r.stderr.decode(errors="replace")
    root = ET.fromstring(r.stdout)
    # Graphviz writes the second of two spaces as &#160; so that SVG keeps both
    texts = {"".join(t.itertext()).replace("\xa0", " ") for t in root.iter(SVG + "text")}
    tips = {a.get(XLINK + "title").replace("\xa0", " ") for a in root.iter(SVG + "a") if a.get(XLINK + "title")}
    return texts, tips


def assert_drawn(drawn, text, where):
    """Drawn as written: a text of its own, or (a numbered scope named by its ops) the "0: ..." of a box label."""
    if drawn is not None and text:  # an empty label draws nothing
        want = shown(text).replace("\xa0", " ")
        assert want in drawn or any(d.startswith(want + ": ") for d in drawn), (where, text, sorted(drawn))


def assert_tooltip(tips, text, where):
    """Tooltips show a backslash as U+29F5 (Graphviz versions unescape tooltips a different number of times)."""
    if tips is not None and text:
        assert shown(text).replace("\\", "\u29f5").replace("\xa0", " ") in tips, (where, text, sorted(tips))


@given(name=names, scope=names, title=names)
@example(name="<b>x</b>", scope="<...>", title="a\\")
@example(name="]", scope="]]", title="]")  # Graphviz runs a cell holding only ] into the next one
@example(name="l1\nl2\x00\x7f", scope='q"&amp;', title="<b>bold?</b>")
@example(name="", scope="0", title="")  # a numbered scope no module kind names: "0: Mul, Tanh, Sum"
def test_any_tensor_name_scope_and_title_is_drawn_as_written_in_every_mode(name, scope, title):
    x = ag.tensor([1.0, 2.0], requires_grad=True, name=name)
    with ag.name_scope("outer"), ag.name_scope(scope):
        y = (x * 3.0).tanh().sum()
    path = "outer/" + scope
    first = "outer/" + scope.split("/")[0]
    for mode in ("forward", "backward", "both"):
        for collapse in (None, 1, lambda p: p == path):
            drawn = check_source(viz.draw(y, mode, collapse=collapse, title=title).source)
            if drawn is None:
                continue
            texts, tips = drawn
            assert_drawn(texts, name, "tensor label")
            assert_drawn(texts, title, "title")
            if collapse is None:  # a cluster per scope part, its full path as the tooltip
                assert_drawn(texts, scope.rpartition("/")[2], "cluster label")
                assert_tooltip(tips, path, "cluster tooltip")
            elif collapse == 1:  # one box for the first part of the scope
                assert_drawn(texts, first.rpartition("/")[2], "box label")
                assert_tooltip(tips, first, "box tooltip")
            else:
                assert_drawn(texts, scope.rpartition("/")[2], "box label")
                assert_tooltip(tips, path, "box tooltip")


class Net(nn.Module):
    def __init__(self, child):
        super().__init__()
        setattr(self, child, nn.Linear(2, 2))
        self.child = child

    def forward(self, x):
        return getattr(self, self.child)(x)


def usable_attribute(s):  # Module attribute names the test's Net can hold (its own names, private ones excluded)
    return s and "." not in s and not s.startswith("_") and not hasattr(Net, s) and s != "child"


@given(child=names.filter(usable_attribute))
def test_module_names_are_drawn_as_written(child):
    loss = Net(child)(ag.tensor(np.ones((1, 2)), dtype="float32", name="x")).sum()
    for mode in ("forward", "backward"):
        drawn = check_source(viz.draw(loss, mode).source)
        if drawn is not None:
            texts, tips = drawn
            assert_drawn(texts, f"{child}.weight", "parameter name")
            assert_tooltip(tips, f"Net/{child}", "cluster tooltip")


def odd_function(name):
    """A user op with any class name whose backward is wrong (twice the true gradient)."""

    def forward(ctx, a):
        ctx.a = a
        return a * a

    def backward(ctx, g):
        return 4 * g * ctx.a

    return type(name, (ag.Function,), dict(forward=staticmethod(forward), backward=staticmethod(backward)))


@given(op=names.filter(lambda s: "\x00" not in s))  # Python refuses NUL in a class name
@example(op="<b>Op</b>")
def test_op_class_names_are_drawn_as_written_and_listed_by_draw_gradcheck(op):
    f = odd_function(op)
    x = ag.tensor([0.5, -1.0], dtype="float64", requires_grad=True, name="x")
    y = f.apply(x).sum()
    for mode, label in (("forward", op), ("backward", op + "Backward"), ("both", op)):
        assert_drawn((check_source(viz.draw(y, mode).source) or [None])[0], label, "op label")
    g = viz.draw_gradcheck(lambda a: f.apply(a).sum(), [x])
    assert [r.ok for r in g.gradcheck.values()].count(False) == 1
    drawn = check_source(g.source)
    assert_drawn(drawn and drawn[0], op, "op label")
    assert_drawn(drawn and drawn[0], f"gradcheck: 1 of 2 ops pass: failing {op}", "title")


@given(name=names, scope=names)
def test_to_text_writes_one_line_per_tensor_whatever_the_names(name, scope):
    x = ag.tensor([1.0, 2.0], requires_grad=True, name=name)
    with ag.name_scope(scope):
        y = (x * 2.0).sum()
    lines = viz.to_text(y).split("\n")
    assert len(lines) == 4  # Sum, Mul, x, the constant 2
    assert not re.search("[\x00-\x1f\x7f-\x9f]", "".join(lines))
    assert repr(name) in lines[2] or not name
    assert scope == "" or f"[{shown(scope)}]" in lines[0]


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot program is not installed")
@pytest.mark.parametrize("scope", ["</script><script>alert(1)</script>", "<!-- & -->", "\u2028\x00'\"`${x}"])
def test_step_page_shows_captions_as_text_and_cannot_be_broken_by_a_scope(tmp_path, scope):
    x = ag.tensor([1.0, 2.0], requires_grad=True, name="x")
    with ag.name_scope(scope):
        y = (x * 2.0).sum()
    page = viz.render_backward_steps(y, tmp_path / "steps").read_text()
    assert page.count("<script") == 1 and page.count("</script>") == 1 and page.count("<!--") == 0
    data = page[page.index("const steps = ") + len("const steps = ") : page.index(";\nlet i")]
    captions = [s["caption"] for s in json.loads(data)]
    assert len(captions) == 2 and all(f"[{shown(scope)}]" in c for c in captions)


@pytest.mark.parametrize("name", ["$x$", "$\\alpha$ and $", "a\x00b\nc", "\\$5"])
def test_plot_labels_show_parameter_names_and_titles_as_written(tmp_path, name):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    w = ag.tensor([1.0, -2.0], requires_grad=True)
    (w * w).sum().backward()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text in the SVG
        viz.plot_grad_flow([(name, w)], path=tmp_path / "flow.svg", title=name)
        viz.plot_grad_over_time([w.grad], path=tmp_path / "time.svg", title=name, label=name)
    for f in ("flow.svg", "time.svg"):
        texts = ["".join(t.itertext()) for t in ET.parse(tmp_path / f).getroot().iter(SVG + "text")]
        assert texts.count(shown(name)) >= 2, texts  # the title, and a tick label or the legend
