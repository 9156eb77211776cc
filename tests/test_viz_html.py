"""viz.to_html: one self-contained interactive page of the graph, checked as text and in a real browser.

The pure-Python tests read the page back (viz.html.page_data): nothing fetched, the table's numbers equal
NumPy's, every composite of every drawing has an interior, bad arguments raise naming the argument. The browser
tests open the pages in headless Chromium with selenium: hover shows the tooltip with the node's numbers, a click
opens a composite in place and a click on its header folds it, the wheel, the buttons and dragging change the
view and reset restores it, the search box highlights, the mode buttons switch drawings, a screenshot has the
window's size, and the LSTM x50 and 10,000-op chain pages are drawn in under 2 s. Without chromium, chromedriver
or selenium the browser tests are skipped, unless AG_REQUIRE_TOOLS is set (CI): then they fail.
"""

import os
import re
import shutil
import struct
import time
import warnings

import numpy as np
import pytest
from fit_graphs import GRAPHS, RECORDINGS

import viz
from viz.html import page_data, summary

REQUIRE = bool(os.environ.get("AG_REQUIRE_TOOLS"))
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _need(ok, what):
    if not ok:
        (pytest.fail if REQUIRE else pytest.skip)(f"{what} is not installed")


@pytest.fixture(autouse=True)
def _dot():
    _need(shutil.which("dot") is not None, "Graphviz's dot")


_graphs, _pages = {}, {}


def graph(name):
    if name not in _graphs:
        _graphs[name] = GRAPHS[name]()
    return _graphs[name]


def html_of(name, **kwargs):
    """(text, data, seconds to make) of the page of fit_graphs' graph `name`, made once."""
    key = (name, tuple(sorted(kwargs.items())))
    if key not in _pages:
        loss = graph(name)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = viz.to_html(loss, recording=RECORDINGS.get(id(loss)), **kwargs)
        _pages[key] = (text, page_data(text), time.perf_counter() - start)
    return _pages[key]


def infos_named(data, name):
    return [d for d in data["info"].values() if d.get("type") == "tensor" and d["name"] == name]


def close(a, b):
    return a == pytest.approx(b, rel=1e-12, abs=1e-300)


def check_summary(s, a):
    a = np.asarray(a, dtype=np.float64)
    assert close(s["min"], a.min()) and close(s["max"], a.max())
    assert close(s["mean"], a.mean()) and close(s["norm"], np.sqrt(np.sum(a * a)))
    assert s["shape"] == list(a.shape)
    if a.size <= 16:
        assert s["values"] == pytest.approx(a.reshape(-1).tolist())
    else:
        assert "values" not in s


# ---- the page as text --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["neuron", "cnn", "lstm", "chain"])
def test_page_is_self_contained_and_its_data_parses(name):
    text, data, _ = html_of(name)
    assert not re.search(r"""\b(src|href|action)\s*=\s*["']?\s*(https?:)?//""", text, re.I)
    assert not re.search(r"<link\b|<iframe\b|@import|url\(\s*['\"]?https?:", text, re.I)
    assert "fetch(" not in text and "XMLHttpRequest" not in text
    assert text.count("<script") == 2  # the data and the code, both inline
    assert set(data["drawings"]) == {"forward", "backward", "both"} and data["mode"] == "both"
    for mode, d in data["drawings"].items():
        nids = set(re.findall(r'data-nid="([^"]+)"', d["svg"]))
        assert nids - {"legend"} == set(d["nodes"]), mode  # every node drawn is in the table, and no other
        assert all(ent in data["info"] for ent in d["nodes"].values())
        assert "<title>" not in d["svg"] and not re.search(r'\sid="', d["svg"])  # no native tooltips, no clashing ids


def test_the_main_drawings_are_what_viz_draw_draws():
    loss = graph("lstm")
    _, data, _ = html_of("lstm")
    for mode in ("forward", "both"):
        g = viz.draw(loss, mode, recording=RECORDINGS[id(loss)])
        drawn = set(re.findall(r"^\s*(\w+) \[", g.source, re.M)) - {"node", "edge", "graph", "legend"}
        assert drawn == set(data["drawings"][mode]["nodes"])


def leaves(t):
    """name -> leaf tensor of the graph that computed t."""
    out, stack, seen = {}, [t], set()
    while stack:
        t = stack.pop()
        if id(t) not in seen:
            seen.add(id(t))
            if t._ctx is None:
                out[t.name] = t
            else:
                stack.extend(t._ctx.parents)
    return out


def test_summaries_are_numpys_numbers():
    o = graph("neuron")
    _, data, _ = html_of("neuron")
    for name, t in leaves(o).items():
        (d,) = infos_named(data, name)
        check_summary(d["data"], t.data)
        if t.requires_grad:
            check_summary(d["grad"], t.grad.data)
        else:
            assert d["grad"] is None  # no gradient asked for
    out = [d for d in data["info"].values() if d.get("kind") == "output"]
    assert out and close(out[0]["data"]["values"][0], float(o.data))
    # a large graph: each parameter's data and gradient, min / max / mean / norm in float64
    loss = graph("lstm")
    _, data, _ = html_of("lstm")
    params = {name: t for name, t in leaves(loss).items() if t.requires_grad}
    assert len(params) == 8
    for name, p in params.items():
        (d,) = infos_named(data, name)
        check_summary(d["data"], p.data)
        check_summary(d["grad"], p.grad.data)
        assert d["kind"] == "parameter" and d["shape"] == list(p.shape) and d["dtype"] == str(p.dtype)


def test_summary_of_odd_arrays():
    assert summary(None) is None
    assert "min" not in summary(np.zeros((0, 3)))
    s = summary(np.array([1.0, np.inf, np.nan]))
    assert s["max"] in ("inf", "nan") and s["norm"] in ("inf", "nan")  # JSON has no Infinity: strings
    s = summary(np.array([3 + 4j]))
    assert s["of"] == "abs" and s["values"] == [5.0]
    assert summary(np.array([True, False]))["mean"] == 0.5


def test_op_nodes_carry_the_ops_rule_and_scope():
    _, data, _ = html_of("lstm")
    ops = [d for d in data["info"].values() if d.get("type") == "op"]
    cells = [d for d in ops if d["op"] == "lstm_cell (LSTMStep)"]
    from autograd_core.ops.recurrent import LSTMStep

    assert len(cells) == 100 and all(d["rule"] == LSTMStep.rule for d in cells)
    assert {d["scope"] for d in cells} == {f"LSTM/l{layer}/t={t}" for layer in (0, 1) for t in range(50)}
    _, data, _ = html_of("chain")
    tanh = [d for d in data["info"].values() if d.get("type") == "op" and d["op"].startswith("tanh")]
    assert tanh and all(d["rule"] == "g * (1 - out²)" for d in tanh)


@pytest.mark.parametrize("name", ["neuron", "cnn", "mlp", "lstm", "chain"])
def test_every_composite_has_an_interior(name):
    _, data, _ = html_of(name)
    kinds = set()
    for mode, d in data["drawings"].items():
        for nid, ent in d["nodes"].items():
            if ent.startswith("u"):
                it = data["interiors"].get(f"{mode}|{ent}")
                assert it is not None, (mode, nid, data["info"][ent]["name"])
                assert len(it["nodes"]) >= 2 and set(re.findall(r'data-nid="([^"]+)"', it["svg"])) == set(it["nodes"])
                kinds.add(data["info"][ent]["name"])
    # nested composites open too, as long as the budget lasts; the others are known to the page as closed
    for key, it in data["interiors"].items():
        mode = key.partition("|")[0]
        for ent in it["nodes"].values():
            assert not ent.startswith("u") or f"{mode}|{ent}" in data["interiors"] or data["closed_note"]
    expected = {
        "neuron": set(),
        "cnn": {"Conv2d 1→32 3x3", "cross_entropy"},
        "mlp": {"Linear 4→4", "Tanh", "… 985 ops …"},
        "lstm": {"LSTM cell t=0 layer 0", "… 46 steps … layer 1"},
        "chain": {"… 9984 ops …"},
    }[name]
    assert all(any(k.startswith(e) for k in kinds) for e in expected), kinds


def test_a_long_run_opens_in_chunks_down_to_its_ops():
    """The 10,000-op chain's elided run opens into 16 chunks of about 624 ops, each into 16 more; every interior
    drawing stays small. In a 600-op chain (every interior made), every op of the run is reachable."""
    _, data, _ = html_of("chain")
    (run,) = [k for k in data["drawings"]["forward"]["nodes"].values() if data["info"][k]["name"].startswith("…")]
    chunks = [e for e in data["interiors"][f"forward|{run}"]["nodes"].values() if e.startswith("u")]
    assert len(chunks) == 16 and re.fullmatch(r"… 62\d ops …", data["info"][chunks[0]]["name"])
    for ent in chunks:
        inner = data["interiors"][f"forward|{ent}"]["nodes"].values()
        assert len([e for e in inner if e.startswith("u")]) == 16
    assert all(len(it["nodes"]) <= 2 * 64 + 2 for it in data["interiors"].values())
    GRAPHS.setdefault("chain600", lambda: GRAPHS["chain"](600))
    _, data, _ = html_of("chain600", max_interior_nodes=100000)
    (run,) = [k for k in data["drawings"]["forward"]["nodes"].values() if data["info"][k]["name"].startswith("…")]
    level, seen = [run], set()
    while level:
        its = [data["interiors"][f"forward|{ent}"]["nodes"].values() for ent in level]
        seen |= {e for it in its for e in it if e.startswith("o")}
        level = [e for it in its for e in it if e.startswith("u")]
    n = int(data["info"][run]["name"].split()[1])
    assert len(seen) >= n  # every op of the run, in some interior


def test_generation_time_and_size_of_the_large_pages():
    for name in ("lstm", "chain"):
        text, data, seconds = html_of(name)
        size = len(text.encode())
        print(f"{name}: made in {seconds:.2f} s, {size / 1e6:.2f} MB, {len(data['interiors'])} interiors")
        assert seconds < 30 and size < 5e6, (name, seconds, size)


def test_to_html_writes_the_file_or_returns_the_text(tmp_path):
    o = graph("neuron")
    rec = RECORDINGS[id(o)]
    text = viz.to_html(o, mode="forward", recording=rec)
    assert isinstance(text, str) and text.startswith("<!doctype html>")
    assert page_data(text)["mode"] == "forward"
    path = viz.to_html(o, tmp_path / "sub" / "neuron.html", title="the neuron </script><!--", recording=rec)
    assert path == tmp_path / "sub" / "neuron.html" and path.read_text().startswith("<!doctype html>")
    back = page_data(path.read_text())
    assert back["title"] == "the neuron </script><!--"
    assert "to_html" in viz.__all__ and viz.to_html is viz.html.to_html


def test_a_lone_tensor_without_gradients():
    import autograd_core as ag

    x = ag.tensor([1.0, 2.0], name="x")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing asks for a gradient: no warning that none was recorded
        data = page_data(viz.to_html([x]))
    (d,) = infos_named(data, "x")
    assert d["grad"] is None and d["data"]["values"] == [1.0, 2.0] and list(data["info"]) == ["t0"]


def test_bad_arguments_say_which(tmp_path):
    o = graph("neuron")
    with pytest.raises(ValueError, match="mode must be one of"):
        viz.to_html(o, mode="sideways")
    with pytest.raises(TypeError, match="viz.to_html: t must be a Tensor"):
        viz.to_html(3.0)
    with pytest.raises(TypeError, match="path must be a file name"):
        viz.to_html(o, 42)
    with pytest.raises(ValueError, match="is a directory"):
        viz.to_html(o, tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file, not a directory"):
        viz.to_html(o, tmp_path / "file" / "page.html")
    with pytest.raises(OSError, match="viz.to_html: cannot write path"):
        viz.to_html(o, "/proc/ag-no-such-dir/page.html", recording=RECORDINGS[id(o)])
    with pytest.raises(ValueError, match="max_interior_nodes must be >= 0"):
        viz.to_html(o, max_interior_nodes=-1)
    with pytest.raises(ValueError, match="labels must be one of"):
        viz.to_html(o, labels="fancy")
    with pytest.raises(TypeError, match="unexpected keyword"):
        viz.to_html(o, colour="red")
    with pytest.raises(ValueError, match="not a page made by viz.to_html"):
        page_data("<html></html>")


def test_render_backward_steps_html_is_the_page_with_a_stepper(tmp_path):
    o = graph("neuron")
    rec = RECORDINGS[id(o)]
    index = viz.render_backward_steps(o, tmp_path / "steps", fmt="html", title="steps", recording=rec)
    assert index == tmp_path / "steps" / "index.html"
    assert sorted(p.name for p in (tmp_path / "steps").iterdir()) == ["index.html"]  # the pictures are inside
    data = page_data(index.read_text())
    steps = viz.backward_steps(o, recording=rec)
    assert data["mode"] == "steps" and len(data["steps"]) == len(steps)
    assert [s["caption"] for s in data["steps"]] == [c for c, _ in steps]
    assert set(data["drawings"]) == {"forward", "backward", "both"}
    assert all("<svg" in s["svg"] for s in data["steps"]) and data["step_nodes"]
    with pytest.raises(ValueError, match="fmt must be one of .*'html'"):
        viz.render_backward_steps(o, tmp_path / "x", fmt="gif")
    with pytest.raises(ValueError, match="mode must be 'backward' or 'both'"):
        viz.render_backward_steps(o, tmp_path / "x", mode="forward", fmt="html")


# ---- in a browser ------------------------------------------------------------------------------------------
W, H = 1280, 800


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        webdriver = None
    _need(webdriver is not None, "selenium")
    _need(os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER), "chromium / chromium-driver")
    options = webdriver.ChromeOptions()
    for a in (
        "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
        "--disable-component-update --disable-sync --no-first-run"
    ).split():
        options.add_argument(a)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    options.add_argument(f"--window-size={W},{H}")
    options.binary_location = CHROMIUM
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_window_size(W, H)  # then grow the window by its frame, so that the page's viewport is W x H
    inner = d.execute_script("return [window.innerWidth, window.innerHeight]")
    d.set_window_size(2 * W - inner[0], 2 * H - inner[1])
    d.pages = tmp_path_factory.mktemp("pages")
    yield d
    d.quit()


def open_page(driver, name, **kwargs):
    """Open the page of graph name; returns the ms from navigation start until the drawing was in the page."""
    path = driver.pages / f"{name}.html"
    if not path.exists():
        path.write_text(html_of(name, **kwargs)[0], encoding="utf-8")
    driver.get(path.as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.body.dataset.ready"))
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.body.dataset.unpacked"))
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    return float(driver.execute_script("return document.body.dataset.ready"))


def css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def node(driver, name, scope="#drawing"):
    """The drawn node whose table entry is called name."""
    ent = driver.execute_script(
        "for (const g of document.querySelectorAll(arguments[1] + ' g.node[data-ent]'))"
        "  if (DATA.info[g.dataset.ent].name === arguments[0]) return g;"
        "return null;",
        name,
        scope,
    )
    assert ent is not None, name
    return ent


def hover(driver, el):
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).move_to_element(el).perform()
    tip = css(driver, "#tooltip")[0]
    assert tip.is_displayed()
    return tip.text


def numbers(text, label):
    """{min, max, mean, norm} as written in the tooltip's line for data or grad."""
    m = re.search(label + r"\s+min (\S+)\s+max (\S+)\s+mean (\S+)\s+‖·‖ (\S+)", text)
    assert m, text
    return dict(zip(("min", "max", "mean", "norm"), map(float, m.groups())))


def transform(driver):
    return driver.execute_script("return document.getElementById('viewport').style.transform")


def test_hover_shows_the_nodes_numbers(driver):
    open_page(driver, "lstm")
    _, data, _ = html_of("lstm")
    text = hover(driver, node(driver, "sequence"))
    (d,) = infos_named(data, "sequence")
    assert text.startswith("sequence") and f"({d['shape'][0]}, {d['shape'][1]}) float32" in text
    got = numbers(text, "data")
    for k in got:
        assert got[k] == pytest.approx(d["data"][k], rel=1e-3)
    # a composite: its ops, the rules of its ops, its output's numbers
    text = hover(driver, node(driver, "LSTM outputs"))
    assert "ops:" in text and "rules" in text and "click to open in place" in text
    assert numbers(text, "grad")["norm"] > 0
    driver.save_screenshot("/tmp/ag_html_tooltip.png") if os.environ.get("AG_SCREENSHOTS") else None
    open_page(driver, "neuron")
    text = hover(driver, node(driver, "w1"))
    assert re.search(r"data\s+min -3 ", text) and "[-3]" in text
    assert numbers(text, "grad")["min"] == pytest.approx(
        float(infos_named(html_of("neuron")[1], "w1")[0]["grad"]["min"]), rel=1e-3
    )
    text = hover(driver, node(driver, "tanh"))
    assert "rule" in text and "g * (1 - out²)" in text


def test_click_opens_a_composite_in_place_and_a_click_folds_it(driver):
    from selenium.webdriver.support.ui import WebDriverWait

    open_page(driver, "lstm")
    before = len(css(driver, "g.node"))
    cell = node(driver, "LSTM cell t=0 layer 0")
    assert "expandable" in cell.get_attribute("class")
    cell.click()
    WebDriverWait(driver, 5).until(lambda d: css(d, "g.interior"))
    (inside,) = css(driver, "g.interior")
    assert inside.is_displayed() and inside.size["width"] > cell.size["width"]
    opened = len(css(driver, "g.node"))
    assert opened > before + 5  # the cell's ops and tensors
    assert "open" in cell.get_attribute("class")
    # the interior's own nodes have tooltips too
    inner = [g for g in css(driver, "g.interior g.node[data-ent^='o']") if 0 < g.rect["x"] < W - 50]
    assert inner and "rule" in hover(driver, inner[0])
    css(driver, "g.interior > g.head")[0].click()
    assert not css(driver, "g.interior") and len(css(driver, "g.node")) == before
    assert "open" not in cell.get_attribute("class")
    # an elided run of steps opens into its steps, which open in turn (nested)
    node(driver, "… 46 steps … layer 1").click()
    WebDriverWait(driver, 5).until(lambda d: css(d, "g.interior"))
    steps = css(driver, "g.interior g.node.expandable")
    assert len(steps) == 46
    visible = [g for g in steps if 0 < g.rect["x"] and g.rect["x"] + g.rect["width"] < W]
    visible[0].click()
    WebDriverWait(driver, 5).until(lambda d: len(css(d, "g.interior")) == 2)
    css(driver, "g.interior g.interior > g.head")[0].click()
    assert len(css(driver, "g.interior")) == 1


def test_zoom_pan_and_reset(driver):
    from selenium.webdriver.common.action_chains import ActionChains, ScrollOrigin

    open_page(driver, "lstm")
    home = transform(driver)
    assert "scale(" in home
    css(driver, "#zoom-in")[0].click()
    zoomed = transform(driver)
    assert zoomed != home
    scale = lambda t: float(re.search(r"scale\(([\d.e-]+)\)", t)[1])
    assert scale(zoomed) == pytest.approx(scale(home) * 1.25)
    css(driver, "#zoom-out")[0].click()
    assert scale(transform(driver)) == pytest.approx(scale(home))
    stage = css(driver, "#stage")[0]
    ActionChains(driver).scroll_from_origin(ScrollOrigin.from_element(stage, 100, 50), 0, -300).perform()
    assert scale(transform(driver)) > scale(home) * 1.2  # the wheel zooms in, around the cursor
    ActionChains(driver).move_to_element_with_offset(stage, 0, 300).click_and_hold().move_by_offset(
        120, -40
    ).release().perform()
    dragged = transform(driver)
    assert dragged != home and scale(dragged) > scale(home) * 1.2
    css(driver, "#zoom-reset")[0].click()
    assert transform(driver) == home


def test_search_highlights_by_name(driver):
    open_page(driver, "lstm")
    box = css(driver, "#search")[0]
    box.send_keys("sequence")
    hits = css(driver, "#drawing g.node.hit")
    name = lambda g: driver.execute_script("return DATA.info[arguments[0].dataset.ent].name", g)
    (own,) = [g for g in hits if name(g) == "sequence"]
    assert css(driver, "#search-count")[0].text == f"{len(hits)} found"
    r = own.rect
    assert 0 <= r["x"] + r["width"] / 2 <= W and 0 <= r["y"] + r["height"] / 2 <= H  # brought into view
    # a parameter the drawing folds into the node that uses it: that node is found
    box.clear()
    box.send_keys("weight_ih_l1")
    hits = css(driver, "#drawing g.node.hit")
    assert len(hits) == 1 and "layer 1" in name(hits[0])
    box.send_keys("zzz")
    assert not css(driver, "#drawing g.node.hit") and css(driver, "#search-count")[0].text == "0 found"


def test_mode_buttons_switch_between_forward_backward_and_both(driver):
    open_page(driver, "neuron")
    grad_text = (
        "return [...document.querySelectorAll('#drawing text')].filter(t => t.textContent.startsWith('grad')).length"
    )
    assert driver.execute_script("return document.getElementById('drawing').dataset.mode") == "both"
    assert driver.execute_script(grad_text) > 0 and "on" in css(driver, "#mode-both")[0].get_attribute("class")
    css(driver, "#mode-forward")[0].click()
    assert driver.execute_script("return document.getElementById('drawing').dataset.mode") == "forward"
    assert driver.execute_script(grad_text) == 0  # no gradient anywhere in the forward drawing
    assert "on" in css(driver, "#mode-forward")[0].get_attribute("class")
    assert "on" not in css(driver, "#mode-both")[0].get_attribute("class")
    css(driver, "#mode-backward")[0].click()
    assert driver.execute_script("return document.getElementById('drawing').dataset.mode") == "backward"
    assert driver.execute_script("return document.querySelectorAll('#drawing g.node').length") > 0


def test_stepper_tab(driver, tmp_path):
    o = graph("neuron")
    index = viz.render_backward_steps(o, tmp_path / "steps", fmt="html", recording=RECORDINGS[id(o)])
    driver.get(index.as_uri())
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.body.dataset.ready"))
    assert css(driver, "#stepbar")[0].is_displayed()
    first = css(driver, "#step-caption")[0].text
    assert first.startswith("step 1/")
    css(driver, "#step-next")[0].click()
    assert css(driver, "#step-caption")[0].text.startswith("step 2/")
    assert "rule" in hover(driver, css(driver, "#drawing g.node[data-ent^='o']")[0])
    css(driver, "#mode-both")[0].click()
    assert not css(driver, "#stepbar")[0].is_displayed()


def test_screenshot_has_the_windows_size(driver):
    open_page(driver, "cnn")
    png = driver.get_screenshot_as_png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight, window.devicePixelRatio]")
    assert (width, height) == (round(inner[0] * inner[2]), round(inner[1] * inner[2]))
    assert (width, height) == (W, H)
    if os.environ.get("AG_SCREENSHOTS"):
        open(os.path.join(os.environ["AG_SCREENSHOTS"], "cnn.png"), "wb").write(png)


@pytest.mark.parametrize("name", ["lstm", "chain"])
def test_large_pages_open_in_under_2_seconds(driver, name):
    ready = open_page(driver, name)
    timing = driver.execute_script(
        "const t = performance.timing; return [t.domContentLoadedEventEnd - t.navigationStart,"
        " t.loadEventEnd - t.navigationStart, parseFloat(document.body.dataset.unpacked)]"
    )
    n = len(css(driver, "#drawing g.node"))
    print(f"{name}: drawn at {ready:.0f} ms, DOMContentLoaded {timing[0]} ms, load {timing[1]} ms, interiors "
          f"unpacked at {timing[2]:.0f} ms, {n} nodes")  # fmt: skip
    assert n > 10
    assert ready < 2000 and timing[1] < 2000, f"{name} page took {ready:.0f} ms to draw (load {timing[1]} ms)"
