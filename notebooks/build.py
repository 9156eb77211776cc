"""Write the lesson notebooks from the Python strings below, without outputs, so that they stay reviewable.

    python notebooks/build.py            # (re)write notebooks/*.ipynb
    python notebooks/build.py --check    # exit 1 if a stored notebook differs from what this file writes

Edit the cells here, not in Jupyter, then run this script. Every notebook reads SMALL from the environment
(AG_NOTEBOOK_SMALL=1, set by tests/test_notebooks.py) to run a small setting in seconds.
"""
import pathlib
import sys

import nbformat

HERE = pathlib.Path(__file__).resolve().parent

# Shared by every notebook: the SMALL switch and the examples/ folder on the import path (the notebooks reuse the
# example scripts' functions; Jupyter starts in notebooks/, the test does too).
SETUP = '''\
import os
import pathlib
import sys

SMALL = os.environ.get("AG_NOTEBOOK_SMALL") == "1"   # a few seconds instead of a few minutes
ROOT = next(p for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents] if (p / "examples").is_dir())
sys.path.insert(0, str(ROOT / "examples"))
print("small setting" if SMALL else "full setting")'''

NEURON = [
    ("md", """\
# 1. The computational graph and the chain rule

**What this teaches:** how one neuron, `o = tanh(x1*w1 + x2*w2 + b)`, is a graph of small operations; how the
chain rule gives every gradient by multiplying *local gradients* backwards from the output; and that the
engine's `o.backward()` gives exactly the numbers we compute by hand. The neuron and its numbers are the lecture's
(x1 = 2, x2 = 0, w1 = -3, w2 = 1, b = 6.8813735870195432, chosen so that n = 0.8814 and o = tanh(n) = 0.7071)."""),
    ("code", SETUP),
    ("md", """\
## The forward pass

Every operation records its inputs, so `o` knows the whole graph that made it. The intermediate results are
named so the drawing can show them. We use float64 so the printed numbers are exact."""),
    ("code", '''\
import numpy as np
import autograd_core as ag
import viz

def leaf(value, name):
    return ag.tensor(value, dtype="float64", requires_grad=True, name=name)

x1, x2 = leaf(2.0, "x1"), leaf(0.0, "x2")
w1, w2 = leaf(-3.0, "w1"), leaf(1.0, "w2")
b = leaf(6.8813735870195432, "b")
x1w1 = x1 * w1; x1w1.name = "x1*w1"
x2w2 = x2 * w2; x2w2.name = "x2*w2"
s = x1w1 + x2w2; s.name = "x1*w1 + x2*w2"
n = s + b; n.name = "n"
o = n.tanh(); o.name = "o"
print(f"n = {n.item():.4f}, o = tanh(n) = {o.item():.4f}")'''),
    ("md", """\
## The backward pass by hand

Start at the output with do/do = 1 and walk back, multiplying by each operation's local gradient:

* `o = tanh(n)`: do/dn = 1 - tanh(n)² = 1 - o²
* `n = s + b`: a sum passes the gradient on unchanged to both inputs, so do/ds = do/db = do/dn
* `s = x1w1 + x2w2`: the same, do/d(x1w1) = do/d(x2w2) = do/dn
* `x1w1 = x1 * w1`: a product sends each input the *other* input times the upstream gradient:
  do/dx1 = w1 · do/d(x1w1) and do/dw1 = x1 · do/d(x1w1); the same for x2, w2."""),
    ("code", '''\
do_dn = 1 - o.item() ** 2
hand = {"n": do_dn, "b": do_dn,
        "x1": w1.item() * do_dn, "w1": x1.item() * do_dn,
        "x2": w2.item() * do_dn, "w2": x2.item() * do_dn}
for name, g in hand.items():
    print(f"by hand:     do/d{name:<2} = {g:+.4f}")'''),
    ("md", """\
## The same numbers from `o.backward()`

`viz.record_gradients()` also keeps the gradients of the intermediate tensors (normally only leaves keep a
`.grad`), for the drawings below."""),
    ("code", '''\
with viz.record_gradients():
    o.backward()
engine = {"b": b, "x1": x1, "w1": w1, "x2": x2, "w2": w2}
for name, t in engine.items():
    print(f"o.backward(): do/d{name:<2} = {t.grad.item():+.4f}")
    assert np.isclose(t.grad.item(), hand[name]), name
print("the engine agrees with the hand computation")'''),
    ("md", """\
## The graph, with values and gradients

Forward values above, gradients below each edge; with `chain_rule=True` every backward edge reads
`local gradient × upstream gradient = gradient sent`. A `graphviz.Digraph` shows as SVG in Jupyter when
Graphviz's `dot` program is installed; without it we print the same graph as text."""),
    ("code", '''\
import shutil
from IPython.display import display

HAVE_DOT = shutil.which("dot") is not None
graph = viz.draw(o, mode="both", chain_rule=True)
if HAVE_DOT:
    display(graph)
else:
    print("(Graphviz's dot is not installed: the graph as text)")
    print(viz.to_text(o))'''),
    ("md", """\
## The backward pass step by step

The engine processes the operations in reverse topological order; each step receives the gradient from above,
multiplies it by its local gradient and sends the result to its inputs. In each picture the current operation is
highlighted and only the gradients known so far are drawn. `viz.render_backward_steps(o, "out/steps")` writes
the same pictures with an `index.html` to click through them."""),
    ("code", '''\
steps = viz.backward_steps(o, mode="both")
for caption, picture in steps:
    print(caption)
    if HAVE_DOT and not SMALL:
        display(picture)
if HAVE_DOT:
    display(steps[-1][1])   # the last step: every gradient is known'''),
    ("md", """\
## The same graph, interactive

`viz.to_html(o)` makes one self-contained page (nothing is fetched): hover a node for its value, gradient and local
rule, drag to pan, wheel to zoom, switch between forward, backward and both; on a network, click a layer or a time
step to open it. It is embedded below; `viz.to_html(o, "neuron.html")` writes it to open in a browser."""),
    ("code", '''\
import html
from IPython.display import HTML

if HAVE_DOT:
    page = viz.to_html(o)
    frame = f'<iframe srcdoc="{html.escape(page)}" style="width: 100%; height: 480px; border: 1px solid #ccc"></iframe>'
    display(HTML(frame))'''),
]

CONV = [
    ("md", """\
# 2. Convolutions: output sizes, hand-computed filters and pooling

**What this teaches:** the size of a convolution's or pooling's output, `W = (N + 2P - F)/S + 1`, and what a
convolution computes: slide the filter over the image and take a dot product at each place (no flipping, as in
the slides and PyTorch); then max, average and sum pooling. The numbers are the lectures' examples, computed by
the functions of `examples/lecture_convolutions.py` (imported, not copied), which run `nn.functional`."""),
    ("code", SETUP),
    ("code", '''\
import numpy as np
import nn.functional as F
import lecture_convolutions as lc

np.set_printoptions(precision=3, suppress=True)'''),
    ("md", """\
## Output sizes

`F.conv_output_size(N, F, S, P)` is the formula; `lc.activation_map` also runs a `Conv2d` on an input of that
size and checks the shape. A stride that does not fit (7x7 input, 3x3 filter, stride 3) is an error."""),
    ("code", '''\
print("W = (N + 2P - F)/S + 1 =", F.conv_output_size(32, 5, 1, 2), "for N=32, F=5, S=1, P=2")
for question, answer in lc.output_sizes().items():
    print(f"{question} -> {answer}")'''),
    ("md", """\
## An X-shaped filter on a 5x5 image, then 2x2 max pooling

Each output number is the dot product of the filter with the 3x3 patch under it: the top-left one is
1+1+1+1 = 4 (the image's ones under the filter's ones)."""),
    ("code", '''\
ex = lc.cross_filter_example()
print("image:", np.array(ex["image"]), "filter:", np.array(ex["kernel"]), sep="\\n")
print("convolved feature:", ex["feature"], "2x2 max pooling, stride 1:", ex["max_pool"], sep="\\n")
patch = np.array(ex["image"])[:3, :3]
print("top-left by hand:", (patch * np.array(ex["kernel"])).sum())'''),
    ("md", """\
## Two pattern filters on a 6x6 image (stride 1 and 2, max pooling)"""),
    ("code", '''\
ex = lc.pattern_filters_example()
for name in ex["filters"]:
    print(name, np.array(ex["filters"][name]), sep="\\n")
    for what in ("stride 1", "stride 2", "max_pool"):
        print(f"  {what}:", ex[name][what], sep="\\n")'''),
    ("md", """\
## Convolution, then max, average and sum pooling"""),
    ("code", '''\
ex = lc.conv_then_pool_example()
for what in ("feature", "max", "average", "sum"):
    print(what, ex[what], sep="\\n")'''),
    ("md", """\
## Padding and stride on an integer image

Padding 2 gives the *full* convolution (bigger than the image), padding 1 the *same* size, no padding the
*valid* part only."""),
    ("code", '''\
ex = lc.padding_and_stride_example()
for what, value in ex.items():
    print(what, np.asarray(value), sep="\\n")'''),
]

CNN = [
    ("md", """\
# 3. A CNN on handwritten digits

**What this teaches:** training a small convolutional net (conv-relu-pool twice, then a linear layer) with Adam
on scikit-learn's 8x8 digits (bundled, nothing is downloaded): the training loop (forward, loss, `zero_grad`,
`backward`, `step`), a progress bar per epoch and the loss curve. The data and the model come from
`examples/cnn_digits.py`. The full setting trains 10 epochs on all 1347 training images; SMALL trains 2 epochs
on 200."""),
    ("code", SETUP),
    ("code", '''\
import numpy as np
from tqdm.auto import tqdm
import autograd_core as ag
import nn
import nn.functional as F
from cnn_digits import accuracy, load_data, make_model

EPOCHS, TRAIN_SIZE, BATCH = (2, 200, 32) if SMALL else (10, None, 32)
x_train, x_test, y_train, y_test = load_data(seed=0)
x_train, y_train = x_train[:TRAIN_SIZE], y_train[:TRAIN_SIZE]
print(f"train {x_train.shape}, test {x_test.shape}")

nn.init.manual_seed(0)
model = make_model("cnn")
print(model)'''),
    ("md", """\
## The training loop"""),
    ("code", '''\
opt = nn.optim.Adam(model.parameters(), lr=3e-3)
rng = np.random.default_rng(0)
losses = []                              # one per batch
for epoch in range(EPOCHS):
    order = rng.permutation(len(x_train))
    for i in tqdm(range(0, len(x_train), BATCH), desc=f"epoch {epoch + 1}/{EPOCHS}"):
        idx = order[i:i + BATCH]
        loss = F.cross_entropy(model(ag.tensor(x_train[idx])), y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print(f"epoch {epoch + 1}: last batch loss {losses[-1]:.4f}")
print(f"test accuracy {accuracy(model, x_test, y_test):.3f} on {len(x_test)} images")'''),
    ("md", """\
## The loss curve"""),
    ("code", '''\
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.5))
ax.plot(losses, lw=1)
ax.set(xlabel="batch", ylabel="cross-entropy loss", title="CNN on 8x8 digits")
plt.show()'''),
]

RNN = [
    ("md", """\
# 4. RNN, LSTM and GRU on "hello", and vanishing gradients

**What this teaches:** a recurrent net reads a sequence one step at a time and carries a hidden state; trained
on "hell" -> "ello", it must remember how far into the word it is (after the first l comes l, after the
second o). Then why a vanilla RNN forgets: backpropagation through time multiplies the gradient by
dh_t/dh_(t-1) once per step, so ||dL/dh_t|| shrinks or grows like ρ^(T-1-t), ρ the spectral radius of W_hh; the
LSTM's and GRU's additive memory path lets it through, and gradient clipping tames the explosion. The code is
`examples/char_rnn_hello.py` and `examples/vanishing_gradients.py`, imported."""),
    ("code", SETUP),
    ("code", '''\
import numpy as np
import char_rnn_hello as hello
import vanishing_gradients as vg

STEPS = 60 if SMALL else 300     # training steps on "hello"
T = 100                          # sequence length for the gradient flow (fast: one backward pass per curve)'''),
    ("md", """\
## Next-character prediction on "hello", with each cell"""),
    ("code", '''\
for cell in ("rnn", "lstm", "gru"):
    model, loss = hello.train(cell, steps=STEPS, verbose=False)
    print(f"{cell:>4}: final loss {loss:.4f}; after 'h', 'he', 'hel', 'hell' it predicts "
          f"{hello.predict(model)!r} (target 'ello'); a sample: {hello.sample(model, seed=0)!r}")'''),
    ("md", """\
## ||dL/dh_t|| through time

Three panels: the cells at PyTorch's initialisation; the LSTM and GRU with their keep gate biased open; a linear
RNN with ρ(W_hh) = 0.9 and 1.1 next to the prediction ρ^(T-1-t)."""),
    ("code", '''\
shown = vg.panels(T)
for i, (title, curves) in enumerate(shown, 1):
    print(f"{i}. {title}")
    vg.print_table(curves, T)'''),
    ("code", '''\
from IPython.display import display
import matplotlib.pyplot as plt

fig = vg.figure(shown, T)    # each curve drawn by viz.plot_grad_over_time
%matplotlib inline
display(fig)                 # figure() switched matplotlib to its file backend (Agg): back inline to show it
plt.close(fig)'''),
    ("md", """\
## Exploding gradients and clipping

SGD on the ρ = 1.1 RNN: without clipping the loss overflows to inf/nan; with `nn.utils.clip_grad_norm_` it stays
finite. Each entry is the loss, and the gradient norm before clipping in parentheses."""),
    ("code", '''\
with np.errstate(over="ignore", invalid="ignore"):   # the unclipped run overflows: that is the point
    runs = {clip: vg.train_exploding(clip, steps=40, seq_len=T) for clip in (False, True)}
for clip, history in runs.items():
    label = "clip_grad_norm_(1.0)" if clip else "no clipping"
    print(f"{label:<22}" + "  ".join(f"{loss:.3g} ({norm:.2g})" for loss, norm in history[::4]))'''),
]

NOTEBOOKS = {
    "01_graph_and_chain_rule.ipynb": NEURON,
    "02_convolutions.ipynb": CONV,
    "03_cnn_digits.ipynb": CNN,
    "04_rnn_and_vanishing_gradients.ipynb": RNN,
}


def notebook(cells):
    """An nbformat v4 notebook without outputs or execution counts; cell ids are fixed so rebuilding is stable."""
    nb = nbformat.v4.new_notebook()
    make = {"md": nbformat.v4.new_markdown_cell, "code": nbformat.v4.new_code_cell}
    nb.cells = [make[kind](source, id=f"cell-{i}") for i, (kind, source) in enumerate(cells)]
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                   "language_info": {"name": "python"}}
    return nb


def text(cells):
    return nbformat.writes(notebook(cells)) + "\n"


def main(argv=None):
    check = "--check" in (argv if argv is not None else sys.argv[1:])
    stale = []
    for name, cells in NOTEBOOKS.items():
        path = HERE / name
        if check:
            if not path.exists() or path.read_text() != text(cells):
                stale.append(name)
        else:
            path.write_text(text(cells))
            print(f"wrote {path}")
    if stale:
        print(f"out of date (run python notebooks/build.py): {', '.join(stale)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
