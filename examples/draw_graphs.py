"""Draw the lectures' computational graphs, forward, backward and both, into a folder of SVG files.

    python examples/draw_graphs.py [--out out/graphs] [--steps 50]

The neuron tanh(x1*w1 + x2*w2 + b) in the three modes, with its backward pass step by step; a 2-layer MLP; a
conv-pool-linear net on two scikit-learn digits; an LSTM unrolled over 5 steps (a cluster per step) and over
`--steps` steps (2 layers, each step collapsed into one box), with plots of the gradient flow. Without
Graphviz's `dot` program the DOT sources (.gv) are written instead.
"""

import argparse
import pathlib
import time

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F
import viz
from viz.examples import neuron


def mlp(seed=0):
    rng = np.random.default_rng(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    x = ag.tensor(rng.standard_normal((5, 4)), dtype="float32", name="x")
    return F.cross_entropy(model(x), ag.tensor(rng.integers(0, 3, 5))), model


def conv_net():
    from sklearn.datasets import load_digits  # bundled with scikit-learn: nothing is downloaded

    digits = load_digits()
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 10)
    )
    x = ag.tensor(digits.images[:2, None] / 16.0, dtype="float32", name="digits")
    return F.cross_entropy(model(x), ag.tensor(digits.target[:2])), model


def lstm_net(steps, layers, seed=0):
    """nn.LSTM over `steps` steps of a batch of one; it records scopes LSTM/l<layer>/t=<step>."""
    rng = np.random.default_rng(seed)
    model = nn.LSTM(3, 8, num_layers=layers)
    out, _ = model(ag.tensor(rng.standard_normal((steps, 1, 3)), dtype="float32", name="x"))
    return (out[-1] ** 2).sum(), model  # the loss reads the last step only: watch dL/dh_t fade going back


def save(g, path):
    """SVG with `dot`, else the DOT source."""
    try:
        return viz.render(g, path)
    except viz.DotNotFoundError:
        return path.with_suffix(".gv")  # render() wrote it


def main(out="out/graphs", steps=50):
    out = pathlib.Path(out)
    written = []
    o = neuron()  # records its own backward
    for mode in ("forward", "backward", "both"):
        written.append(save(viz.draw(o, mode), out / f"neuron_{mode}.svg"))
    try:
        written.append(viz.render_backward_steps(o, out / "neuron_steps", mode="both"))
    except viz.DotNotFoundError:
        pass
    for name, build, mode in (("mlp", mlp, "both"), ("conv", conv_net, "backward")):
        loss, model = build()
        # before backward(): the arrays each op keeps for it are still there to be counted
        written.append(save(viz.draw(loss, "forward", show_saved=True), out / f"{name}_forward.svg"))
        with viz.record_gradients():
            loss.backward()
        written.append(save(viz.draw(loss, mode), out / f"{name}_{mode}.svg"))
    loss, _ = lstm_net(5, layers=1)
    with viz.record_gradients():
        loss.backward()
    written.append(save(viz.draw(loss, "both"), out / "lstm5_both.svg"))
    loss, model = lstm_net(steps, layers=2)
    with viz.record_gradients():
        loss.backward()
    start = time.perf_counter()
    written.append(save(viz.draw(loss, "backward", collapse="t=*"), out / f"lstm{steps}_backward.svg"))
    print(f"{steps}-step 2-layer LSTM, collapsed: drawn and laid out in {time.perf_counter() - start:.2f} s")
    try:
        import matplotlib

        matplotlib.use("Agg")
        per_step = viz.scope_grads(loss, "t=*")
        ax = None
        for layer in ("l0", "l1"):
            norms = [n for path, n in per_step if f"/{layer}/" in path]
            fig = viz.plot_grad_over_time(
                norms, title="||∂L/∂(h_t, c_t)|| per time step", label=layer, ax=ax, ylabel="||∂L/∂(h_t, c_t)||"
            )
            ax = fig.axes[0]
        fig.savefig(out / "lstm_grad_over_time.png")
        written.append(out / "lstm_grad_over_time.png")
        viz.plot_grad_flow(model.named_parameters(), path=out / "lstm_grad_flow.png")
        written.append(out / "lstm_grad_flow.png")
    except ImportError as e:
        print(e)
    print("\n".join(str(p) for p in written))
    return written


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="out/graphs")
    ap.add_argument("--steps", type=int, default=50)
    args = ap.parse_args()
    main(args.out, args.steps)
