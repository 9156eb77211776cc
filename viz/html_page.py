"""The page of viz.to_html: its HTML, CSS and JavaScript (no library, nothing fetched), around the embedded data."""

from __future__ import annotations

import html

__all__ = ["render_page"]

CSS = """
html,body{margin:0;height:100%;font-family:Helvetica,Arial,sans-serif;font-size:13px;color:#222}
#bar{position:fixed;top:0;left:0;right:0;height:40px;display:flex;gap:6px;align-items:center;padding:0 8px;
 background:#f6f8fa;border-bottom:1px solid #d0d7de;z-index:3;box-sizing:border-box;white-space:nowrap}
#bar .title{font-weight:bold;margin-right:6px;overflow:hidden;text-overflow:ellipsis;max-width:22em}
#bar button{font:inherit;padding:3px 9px;border:1px solid #d0d7de;border-radius:5px;background:#fff;cursor:pointer}
#bar button.on{background:#0969da;color:#fff;border-color:#0969da}
#bar .sep{width:1px;height:22px;background:#d0d7de;margin:0 4px}
#search{font:inherit;padding:3px 6px;width:12em;border:1px solid #d0d7de;border-radius:5px}
#search-count{color:#57606a;min-width:5em}
#hint{color:#57606a;overflow:hidden;text-overflow:ellipsis;flex:1;min-width:0}
#stage{position:fixed;top:40px;left:0;right:0;bottom:0;overflow:hidden;background:#fff;cursor:grab}
#stage.dragging{cursor:grabbing}
#viewport{position:absolute;left:0;top:0;transform-origin:0 0}
#viewport svg{overflow:visible;display:block}
#stepbar{position:fixed;top:40px;left:0;right:0;display:none;gap:6px;align-items:center;padding:4px 8px;
 background:#fffbe6;border-bottom:1px solid #e6d9a8;z-index:2}
#stepbar.show{display:flex} #step-slider{flex:0 0 16em} #step-caption{overflow:hidden;text-overflow:ellipsis}
g.node{cursor:default} g.node.expandable{cursor:pointer}
g.node.expandable :is(polygon,ellipse,path){stroke:#0969da;stroke-width:1.6px}
g.node.expandable:hover :is(polygon,ellipse,path){stroke-width:3px}
g.node.open{opacity:.15}
g.node.hit :is(polygon,ellipse,path){stroke:#ff8c00!important;stroke-width:4px!important}
g.node.hit text{font-weight:bold}
g.interior > rect.frame{fill:#fff;stroke:#57606a;stroke-width:1.2;filter:drop-shadow(0 2px 6px rgba(0,0,0,.35))}
g.interior > g.head{cursor:pointer} g.interior > g.head rect{fill:#ddf4ff;stroke:#57606a;stroke-width:1}
g.interior > g.head text{font:bold 11px Helvetica,Arial,sans-serif;fill:#0550ae}
#tooltip{position:fixed;display:none;z-index:5;background:#fff;border:1px solid #57606a;border-radius:6px;
 box-shadow:0 3px 12px rgba(0,0,0,.25);padding:7px 9px;max-width:460px;font-size:12px;line-height:1.35;
 pointer-events:none}
#tooltip .name{font-weight:bold;font-size:13px} #tooltip .op{color:#57606a}
#tooltip table{border-collapse:collapse;margin-top:3px} #tooltip td{padding:0 6px 0 0;vertical-align:top}
#tooltip td.k{color:#57606a} #tooltip .data{color:#1a7f37} #tooltip .grad{color:#cf222e}
#tooltip code{font-family:Menlo,Consolas,monospace;font-size:11px;overflow-wrap:anywhere}
#tooltip .note{color:#57606a;font-style:italic;margin-top:3px}
"""

JS = r"""
"use strict";
const DATA = JSON.parse(document.getElementById("ag-data").textContent);
const SVGNS = "http://www.w3.org/2000/svg";
const $ = id => document.getElementById(id);
const stage = $("stage"), viewport = $("viewport"), tip = $("tooltip");
let mode = DATA.mode, view = {x: 0, y: 0, s: 1}, home = {x: 0, y: 0, s: 1}, step = 0;

function parseSvg(text) {           // an <svg> element from a drawing's text (the HTML parser makes SVG elements)
  const box = document.createElement("div");
  box.innerHTML = text;
  return box.querySelector("svg");
}
const KEYS = new Set(DATA.interior_keys || []);
DATA.interiors = DATA.interiors || {};
function hasInterior(m, ent) { return KEYS.has(m + "|" + ent); }
async function unpack() {          // the interiors (and the rows only they show) come gzipped: see viz/html.py
  if (!DATA.packed) return;
  const bin = atob(DATA.packed), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"))).text();
  const more = JSON.parse(text);
  DATA.interiors = more.interiors;
  Object.assign(DATA.info, more.info);
  document.body.dataset.unpacked = String(performance.now());
}
function tag(svg, nodes, m) {      // each node: its entry in the table, and whether it opens
  for (const g of svg.querySelectorAll("g.node")) {
    if (g.dataset.ent !== undefined) continue;
    const ent = nodes[g.dataset.nid];
    if (ent === undefined) continue;
    g.dataset.ent = ent;
    g.dataset.mode = m;
    if (ent[0] === "u" && hasInterior(m, ent)) g.classList.add("expandable");
  }
  return svg;
}
function size(svg) {
  const vb = (svg.getAttribute("viewBox") || "0 0 100 100").split(/[\s,]+/).map(Number);
  return {w: vb[2], h: vb[3]};
}
function current() { return viewport.querySelector(":scope > svg"); }
function show(m) {
  mode = m;
  for (const b of document.querySelectorAll("#bar button[data-mode]")) b.classList.toggle("on", b.dataset.mode === m);
  if ($("stepbar")) $("stepbar").classList.toggle("show", m === "steps");
  stage.style.top = m === "steps" ? "72px" : "40px";
  viewport.textContent = "";
  let svg;
  if (m === "steps") {
    const s = DATA.steps[step];
    svg = tag(parseSvg(s.svg), DATA.step_nodes || {}, "steps");
    $("step-caption").textContent = s.caption;
    $("step-count").textContent = (step + 1) + " / " + DATA.steps.length;
    $("step-slider").value = step;
  } else {
    const d = DATA.drawings[m];
    svg = tag(parseSvg(d.svg), d.nodes, m);
  }
  svg.id = "drawing";
  svg.dataset.mode = m;
  viewport.appendChild(svg);
  search();
  fitHome();
}
function apply() {
  viewport.style.transform = `translate(${view.x}px, ${view.y}px) scale(${view.s})`;
  $("zoom-reset").textContent = Math.round(view.s * 100) + "%";
}
function fitHome() {                // the whole drawing in the window, never magnified, centred
  const svg = current(); if (!svg) return;
  const r = svg.getBoundingClientRect(), w = r.width / view.s, h = r.height / view.s;
  const W = stage.clientWidth, H = stage.clientHeight;
  const s = Math.min(1, (W - 20) / w, (H - 20) / h);
  home = {x: (W - w * s) / 2, y: Math.max(10, (H - h * s) / 2), s: s};
  view = Object.assign({}, home);
  apply();
}
function zoomAt(f, cx, cy) {
  const s = Math.min(20, Math.max(0.02, view.s * f));
  f = s / view.s;
  view.x = cx - (cx - view.x) * f; view.y = cy - (cy - view.y) * f; view.s = s;
  apply();
}
stage.addEventListener("wheel", e => {
  e.preventDefault();
  const r = stage.getBoundingClientRect();
  zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
}, {passive: false});
let drag = null, moved = false;
stage.addEventListener("mousedown", e => {
  if (e.button !== 0) return;
  drag = {x: e.clientX, y: e.clientY, vx: view.x, vy: view.y}; moved = false;
});
window.addEventListener("mousemove", e => {
  if (!drag) return;
  const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
  if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
  moved = true; stage.classList.add("dragging");
  view.x = drag.vx + dx; view.y = drag.vy + dy; apply();
});
window.addEventListener("mouseup", () => { drag = null; stage.classList.remove("dragging"); });
$("zoom-in").onclick = () => zoomAt(1.25, stage.clientWidth / 2, stage.clientHeight / 2);
$("zoom-out").onclick = () => zoomAt(1 / 1.25, stage.clientWidth / 2, stage.clientHeight / 2);
$("zoom-reset").onclick = () => { view = Object.assign({}, home); apply(); };

// ---- open a composite in place, fold it again ----
async function expand(g) {
  await READY;
  const m = g.dataset.mode, it = DATA.interiors[m + "|" + g.dataset.ent];
  if (!it || g.classList.contains("open")) return null;
  const inner = tag(parseSvg(it.svg), it.nodes, m), sz = size(inner), bb = g.getBBox();
  const head = 18, pad = 4, info = DATA.info[g.dataset.ent] || {};
  const x = bb.x + bb.width / 2 - sz.w / 2, y = bb.y + bb.height / 2 - (sz.h + head) / 2 + head;
  const holder = document.createElementNS(SVGNS, "g");
  holder.setAttribute("class", "interior");
  holder.dataset.ent = g.dataset.ent;
  const frame = document.createElementNS(SVGNS, "rect");
  frame.setAttribute("class", "frame");
  for (const [k, v] of [["x", x - pad], ["y", y - head - pad], ["width", sz.w + 2 * pad], ["height", sz.h + head + 2 * pad], ["rx", 4]])
    frame.setAttribute(k, v);
  const hg = document.createElementNS(SVGNS, "g");
  hg.setAttribute("class", "head");
  const hr = document.createElementNS(SVGNS, "rect");
  for (const [k, v] of [["x", x - pad], ["y", y - head - pad], ["width", sz.w + 2 * pad], ["height", head], ["rx", 4]])
    hr.setAttribute(k, v);
  const ht = document.createElementNS(SVGNS, "text");
  ht.setAttribute("x", x + 2); ht.setAttribute("y", y - pad - 5);
  ht.textContent = "\u25be " + (info.name || "") + "  (click here to fold)";
  hg.append(hr, ht);
  inner.setAttribute("x", x); inner.setAttribute("y", y);
  inner.setAttribute("width", sz.w); inner.setAttribute("height", sz.h);
  holder.append(frame, hg, inner);
  holder._node = g;
  g._interior = holder;
  g.classList.add("open");
  g.parentNode.appendChild(holder);   // drawn last: on top of its neighbours
  search();
  reveal(holder);
  return holder;
}
function reveal(el) {               // pan, and zoom out (not below 35%), to show el whole, or its start
  const r = el.getBoundingClientRect(), s = stage.getBoundingClientRect(), m = 12;
  const f = Math.max(Math.min(1, (s.width - 2 * m) / r.width, (s.height - 2 * m) / r.height), Math.min(1, 0.35 / view.s));
  if (f < 1) zoomAt(f, r.left + r.width / 2 - s.left, r.top + r.height / 2 - s.top);
  const q = el.getBoundingClientRect();
  let dx = 0, dy = 0;
  if (q.width > s.width - 2 * m || q.left < s.left + m) dx = s.left + m - q.left; else if (q.right > s.right - m) dx = s.right - m - q.right;
  if (q.height > s.height - 2 * m || q.top < s.top + m) dy = s.top + m - q.top; else if (q.bottom > s.bottom - m) dy = s.bottom - m - q.bottom;
  view.x += dx; view.y += dy; apply();
}
function fold(g) {
  if (!g._interior) return;
  g._interior.remove(); g._interior = null; g.classList.remove("open");
}
stage.addEventListener("click", e => {
  if (moved) { moved = false; return; }
  const head = e.target.closest("g.interior > g.head");
  if (head) { fold(head.parentNode._node); return; }
  const g = e.target.closest("g.node");
  if (!g) return;
  if (g.classList.contains("open")) fold(g); else if (g.classList.contains("expandable")) expand(g);
});

// ---- tooltip ----
function esc(s) { return String(s).replace(/[&<>"]/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]); }
function num(v) { return typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+(e|$)/, "$1")) : String(v); }
function shape(sh) { return "(" + sh.join(", ") + (sh.length === 1 ? ",)" : ")"); }
function stats(s, cls, label) {
  if (!s) return `<tr><td class="k">${label}</td><td class="${cls}">\u2014</td></tr>`;
  if (s.min === undefined) return `<tr><td class="k">${label}</td><td class="${cls}">empty</td></tr>`;
  let t = `<tr><td class="k">${label}</td><td class="${cls}">min ${num(s.min)} &nbsp;max ${num(s.max)} &nbsp;mean ${num(s.mean)} &nbsp;\u2016\u00b7\u2016 ${num(s.norm)}${s.of ? " (of |\u00b7|)" : ""}`;
  if (s.values) t += `<br><code>[${s.values.map(num).join(", ")}]</code>`;
  return t + "</td></tr>";
}
function describe(ent, m) {
  const d = DATA.info[ent]; if (!d) return "";
  if (d.type === "group") return d.members.map(describe).join('<hr style="border:0;border-top:1px solid #ddd">');
  let t = `<div class="name">${esc(d.name)}</div>`;
  if (d.op) t += `<div class="op">${esc(d.op)}</div>`;
  t += "<table>";
  if (d.shape) t += `<tr><td class="k">shape</td><td>${shape(d.shape)} ${esc(d.dtype)}</td></tr>`;
  if (d.scope) t += `<tr><td class="k">scope</td><td>${esc(d.scope)}</td></tr>`;
  if (d.data !== undefined) t += stats(d.data, "data", "data");
  if (d.data !== undefined) t += stats(d.grad, "grad", "grad");
  if (d.rule) t += `<tr><td class="k">rule</td><td><code>${esc(d.rule)}</code></td></tr>`;
  if (d.rules) t += `<tr><td class="k">rules</td><td>${d.rules.map(r => "<code>" + esc(r) + "</code>").join("<br>")}</td></tr>`;
  t += "</table>";
  if (d.type === "unit") {
    if (d.n_outputs > 1) t += `<div class="note">${d.n_outputs} outputs; numbers above: the last</div>`;
    if (m !== undefined && m !== "steps") t += `<div class="note">${hasInterior(m, ent) ? "click to open in place" : esc(DATA.closed_note)}</div>`;
  }
  return t;
}
function placeTip(e) {
  const w = tip.offsetWidth, h = tip.offsetHeight;
  let x = e.clientX + 14, y = e.clientY + 14;
  if (x + w > window.innerWidth - 4) x = Math.max(4, e.clientX - w - 14);
  if (y + h > window.innerHeight - 4) y = Math.max(44, e.clientY - h - 14);
  tip.style.left = x + "px"; tip.style.top = y + "px";
}
stage.addEventListener("mouseover", e => {
  const g = e.target.closest("g.node[data-ent]");
  if (!g || drag && moved) return;
  tip.innerHTML = describe(g.dataset.ent, g.dataset.mode);
  tip.dataset.ent = g.dataset.ent;
  tip.style.display = "block";
  placeTip(e);
});
stage.addEventListener("mousemove", e => { if (tip.style.display === "block") placeTip(e); });
stage.addEventListener("mouseout", e => {
  const g = e.target.closest("g.node[data-ent]");
  if (g && !g.contains(e.relatedTarget)) { tip.style.display = "none"; tip.dataset.ent = ""; }
});

// ---- search ----
function names(ent) {
  const d = DATA.info[ent]; if (!d) return [];
  return [d.name || ""].concat(d.names || []);
}
function search() {                // nodes named so first, then composites that make or use such a tensor
  const q = $("search").value.trim().toLowerCase();
  const own = [], within = [];
  for (const g of viewport.querySelectorAll("g.node[data-ent]")) {
    const n = q === "" ? [] : names(g.dataset.ent).map(s => s.toLowerCase());
    const hit = n.some(s => s.includes(q));
    g.classList.toggle("hit", hit);
    if (hit) (n[0].includes(q) && DATA.info[g.dataset.ent].type !== "unit" ? own : within).push(g);
  }
  const hits = own.concat(within);
  $("search-count").textContent = q ? hits.length + " found" : "";
  return hits;
}
$("search").addEventListener("input", () => {
  const hits = search();
  if (!hits.length) return;
  const r = hits[0].getBoundingClientRect(), s = stage.getBoundingClientRect();
  if (view.s < 0.6) zoomAt(0.8 / view.s, r.left + r.width / 2 - s.left, r.top + r.height / 2 - s.top);
  const r2 = hits[0].getBoundingClientRect();
  view.x += stage.clientWidth / 2 - (r2.left + r2.width / 2 - s.left);
  view.y += stage.clientHeight / 2 - (r2.top + r2.height / 2 - s.top);
  apply();
});

// ---- modes and steps ----
for (const b of document.querySelectorAll("#bar button[data-mode]")) b.onclick = () => show(b.dataset.mode);
if (DATA.steps) {
  const go = n => { step = Math.max(0, Math.min(DATA.steps.length - 1, n)); show("steps"); };
  $("step-prev").onclick = () => go(step - 1);
  $("step-next").onclick = () => go(step + 1);
  $("step-slider").oninput = e => go(parseInt(e.target.value, 10));
  document.addEventListener("keydown", e => {
    if (mode !== "steps" || e.target === $("search")) return;
    if (e.key === "ArrowLeft") go(step - 1);
    if (e.key === "ArrowRight") go(step + 1);
  });
}
window.addEventListener("resize", fitHome);
show(mode);
document.body.dataset.ready = String(performance.now());
const READY = new Promise(r => setTimeout(r, 0)).then(unpack);
"""


def render_page(data_json: str, title: str, n_steps: int | None = None) -> str:
    """The page: a bar of controls, the stage the drawing is panned and zoomed in, the tooltip, the data."""
    steps = ""
    step_bar = ""
    if n_steps is not None:
        steps = '<button data-mode="steps" id="mode-steps">steps</button>'
        step_bar = (
            '<div id="stepbar"><button id="step-prev">&larr;</button>'
            f'<input id="step-slider" type="range" min="0" max="{max(n_steps - 1, 0)}" value="0">'
            '<button id="step-next">&rarr;</button><span id="step-count"></span><span id="step-caption"></span></div>'
        )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{CSS}</style></head>
<body>
<div id="bar"><span class="title">{html.escape(title)}</span>
<button data-mode="forward" id="mode-forward">forward</button>
<button data-mode="backward" id="mode-backward">backward</button>
<button data-mode="both" id="mode-both">both</button>{steps}
<span class="sep"></span>
<button id="zoom-out" title="zoom out">&minus;</button><button id="zoom-reset" title="fit the window">100%</button>
<button id="zoom-in" title="zoom in">+</button>
<span class="sep"></span>
<input id="search" type="search" placeholder="find a tensor by name" autocomplete="off"><span id="search-count"></span>
<span id="hint">drag to pan, wheel to zoom, hover for numbers, click a bold node to open it</span></div>
{step_bar}
<div id="stage"><div id="viewport"></div></div>
<div id="tooltip"></div>
<script type="application/json" id="ag-data">{data_json}</script>
<script>{JS}</script>
</body></html>
"""
