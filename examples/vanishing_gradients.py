"""Vanishing and exploding gradients through time: the norm of dL/dh_t at every step of a T = 100 sequence.

    python examples/vanishing_gradients.py [--steps 100] [--gate-bias 3] [--out gradients.png]

Backpropagation through time multiplies the gradient by the step Jacobian dh_t/dh_{t-1} = diag(tanh') W_hh once
per step, so ||dL/dh_t|| behaves like rho^(T-1-t), rho the spectral radius of W_hh (the largest |eigenvalue|):
it vanishes for rho < 1 and explodes for rho > 1. L = u . h_{T-1} with ||u|| = 1, so ||dL/dh_{T-1}|| = 1.
The script shows, as a table and (with --out) as a figure of three panels:
  1. a vanilla RNN, an LSTM and a GRU at PyTorch's initialisation;
  2. the gated cells with their "keep" gate biased open (LSTM forget gate f, GRU update gate z: h' = (1-z) n + z h,
     so z near 1 keeps the state): the additive memory path lets the gradient through;
  3. a vanilla RNN whose W_hh is an orthogonal matrix scaled to rho = 0.9 and rho = 1.1, in tanh's linear range
     (no bias, tiny inputs), next to the prediction rho^(T-1-t);
and then trains that rho = 1.1 RNN with SGD: without clipping the loss goes to inf/nan, with
`nn.utils.clip_grad_norm_` it stays finite.
"""

import argparse
import pathlib

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

COLUMNS = (0, 10, 25, 50, 75, 90, 150)  # time steps shown in the table, besides the last one
HIDDEN = 32
COLOURS = {"RNN": "tab:blue", "LSTM": "tab:orange", "GRU": "tab:green", 0.9: "tab:purple", 1.1: "tab:red"}
MEASURED = dict(linestyle="none", markersize=3.5)  # dots on the prediction's dashed line
PREDICTED = dict(color="black", marker="", linestyle="--", lw=1)


def hidden_grads(cell, x):
    """[dL/dh_t for t = 0..T-1] as arrays, L = u . h_{T-1}; the cell is stepped by hand so every h_t is a node."""
    hs, state = [], None
    for t in range(x.shape[0]):
        state = cell(x[t], state)
        hs.append(state[0] if isinstance(state, tuple) else state)
    u = np.full(hs[-1].shape, 1 / np.sqrt(hs[-1].size), dtype=np.float32)  # ||u|| = 1
    grads = ag.grad((hs[-1] * ag.tensor(u)).sum(), hs)  # one backward pass gives the gradient at every step
    return [g.numpy() for g in grads]


def norms(grads):
    """In float64: squaring a float32 gradient of 1e-27 would underflow to a norm of 0 that is not there."""
    return np.array([np.linalg.norm(np.asarray(g, dtype=np.float64)) for g in grads])


def orthogonal(n, rho, rng):
    """rho * Q with Q orthogonal: every eigenvalue has |lambda| = rho, and ||Q v|| = ||v||."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (rho * q).astype(np.float32)


def keep_gate(cell, bias):
    """Set the total bias of the LSTM's forget gate / the GRU's update gate (2nd block of each) to `bias`."""
    h = cell.hidden_size
    cell.bias_ih.data[h : 2 * h] = bias
    cell.bias_hh.data[h : 2 * h] = 0
    return cell


def cells_at_init(steps, gate_bias=3.0, inputs=8, seed=0):
    """({cell name: grads} at PyTorch's init, {cell name: grads} with the keep gate biased open to gate_bias)."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((steps, 1, inputs)).astype(np.float32))
    nn.init.manual_seed(seed)
    cells = {"RNN": nn.RNNCell, "LSTM": nn.LSTMCell, "GRU": nn.GRUCell}
    default = {name: hidden_grads(Cell(inputs, HIDDEN), x) for name, Cell in cells.items()}
    biased = {name: hidden_grads(keep_gate(cells[name](inputs, HIDDEN), gate_bias), x) for name in ("LSTM", "GRU")}
    return default, biased


def spectral_radius_rows(steps, rhos=(0.9, 1.1), seed=0):
    """{rho: (grads, spectral radius of W_hh)} of a bias-free RNN with W_hh = rho * Q on inputs so small that
    even h_{T-1} (grown by up to max(rho)^T) stays where tanh(a) = a: there ||dL/dh_t|| = rho^(T-1-t) exactly."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(1e-6 * max(rhos) ** -steps * rng.standard_normal((steps, 1, 8)).astype(np.float32))
    rows = {}
    for rho in rhos:
        cell = nn.RNNCell(8, HIDDEN, bias=False)
        cell.weight_hh.data = orthogonal(HIDDEN, rho, rng)
        radius = np.abs(np.linalg.eigvals(cell.weight_hh.numpy())).max()  # measured, not assumed
        rows[rho] = hidden_grads(cell, x), radius
    return rows


def predicted(rho, steps):
    return rho ** np.arange(steps - 1, -1, -1.0)  # rho^(T-1-t), t = 0..T-1


def train_exploding(clip, steps=40, seq_len=100, hidden=32, lr=0.2, max_norm=1.0, seed=0):
    """SGD on an RNN with W_hh = 1.1 * Q (predict a scaled sum of the inputs); returns (loss, grad norm) per step."""
    rng = np.random.default_rng(seed)
    nn.init.manual_seed(seed)
    rnn, head = nn.RNN(1, hidden, bias=False), nn.Linear(hidden, 1)
    rnn.weight_hh_l0.data = orthogonal(hidden, 1.1, rng)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = nn.optim.SGD(params, lr=lr)
    history = []
    for _ in range(steps):
        x = 0.01 * rng.standard_normal((seq_len, 16, 1)).astype(np.float32)
        _, h_n = rnn(ag.tensor(x))
        loss = F.mse_loss(head(h_n[-1]), ag.tensor(10 * x.sum(axis=0)))
        opt.zero_grad()
        loss.backward()
        # clip_grad_norm_ returns the norm before clipping; max_norm=inf measures without changing anything
        norm = nn.utils.clip_grad_norm_(params, max_norm if clip else float("inf"))
        opt.step()
        history.append((loss.item(), norm.item()))
    return history


def panels(steps, gate_bias=3.0):
    """[(title, [(label, gradient or predicted norm per time step, matplotlib style)])]: the figure, in order."""
    default, biased = cells_at_init(steps, gate_bias)
    keep = 1 / (1 + np.exp(-gate_bias))  # the gate's value when input and state add little
    gated = [
        (f"LSTM, forget-gate bias {gate_bias:+g} (f ≈ {keep:.2f})", biased["LSTM"], dict(color=COLOURS["LSTM"])),
        (f"GRU, update-gate bias {gate_bias:+g} (z ≈ {keep:.2f})", biased["GRU"], dict(color=COLOURS["GRU"])),
    ]
    linear = []
    for rho, (grads, radius) in spectral_radius_rows(steps).items():
        linear += [
            (f"measured, ρ(W_hh) = {radius:.2f}", grads, dict(MEASURED, color=COLOURS[rho])),
            (f"predicted {rho}^(T-1-t)", predicted(rho, steps), PREDICTED),
        ]
    return [
        (
            "RNN vs LSTM vs GRU at PyTorch's default initialisation",
            [(name, grads, dict(color=COLOURS[name])) for name, grads in default.items()],
        ),
        (f"LSTM forget-gate and GRU update-gate bias {gate_bias:+g}: f, z near 1 keep the state", gated),
        ("Linear RNN, spectral radius ρ(W_hh) = 0.9 and 1.1: measured vs predicted ρ^(T-1-t)", linear),
    ]


def print_table(curves, steps):
    cols = sorted({t for t in COLUMNS if t < steps} | {steps - 1})
    width = max(len(label) for label, _, _ in curves) + 2
    print(f"{'||dL/dh_t|| at t =':<{width}}" + "".join(f"{t:>10}" for t in cols))
    for label, grads, _ in curves:
        print(f"{label:<{width}}" + "".join(f"{n:10.2e}" for n in norms(grads)[cols]))


def figure(panels, steps, path=None):
    """One panel per (title, curves), each curve drawn with viz.plot_grad_over_time."""
    import matplotlib  # imported only when a figure is asked for

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import viz

    fig, axes = plt.subplots(len(panels), 1, figsize=(9, 3.8 * len(panels)), squeeze=False)
    axes = axes[:, 0]
    if len(axes) > 1:
        axes[1].sharey(axes[0])  # panels 1 and 2 on one scale: the gap between them is what the gates do
    for ax, (title, curves) in zip(axes, panels):
        for label, grads, style in curves:
            viz.plot_grad_over_time(grads, title=title, label=label, ax=ax, **style)
    fig.suptitle(f"||∂L/∂h_t|| through time, T = {steps} steps, L = u·h_(T-1) with ||u|| = 1", fontweight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.98))
    if path is not None:
        fig.savefig(path)
        print(f"wrote {path}")
    return fig


def figure_path(out):
    out = pathlib.Path(out)
    return out / "vanishing_gradients.png" if out.is_dir() or not out.suffix else out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="sequence length T")
    parser.add_argument(
        "--gate-bias",
        type=float,
        default=3.0,
        help="bias of the LSTM forget gate and the GRU update gate in panel 2 (default 3: 0.95 open)",
    )
    parser.add_argument("--train-steps", type=int, default=40)
    parser.add_argument(
        "--out",
        "--plot",
        metavar="PATH",
        dest="out",
        help="also draw the figure (matplotlib): a .png/.svg/.pdf path, or a folder",
    )
    args = parser.parse_args(argv)
    if args.steps < 1:
        parser.error(f"--steps must be >= 1, got {args.steps}")

    shown = panels(args.steps, args.gate_bias)
    for i, (title, curves) in enumerate(shown, 1):
        print(f"{i}. {title}")
        print_table(curves, args.steps)
        print()

    print(f"4. SGD on the rho = 1.1 RNN (T = {args.steps}): loss (gradient norm before clipping)")
    with np.errstate(over="ignore", invalid="ignore"):  # the unclipped run overflows: that is the point
        runs = {clip: train_exploding(clip, args.train_steps, args.steps) for clip in (False, True)}
    every = range(0, args.train_steps, max(1, args.train_steps // 8))
    for clip, history in runs.items():
        label = "clip_grad_norm_(1.0)" if clip else "no clipping"
        print(f"{label:<22}" + "  ".join(f"{history[i][0]:.3g} ({history[i][1]:.2g})" for i in every))
    fig = None
    if args.out:
        path = figure_path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fig = figure(shown, args.steps, path)
        except ImportError:
            print("matplotlib is not installed: no figure")
    return shown, runs, fig


if __name__ == "__main__":
    main()
