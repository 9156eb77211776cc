"""Vanishing and exploding gradients through time: the norm of dL/dh_t at every step of a T = 100 sequence.

    python examples/vanishing_gradients.py [--steps 100] [--plot gradients.png]

Backpropagation through time multiplies the gradient by the step Jacobian dh_t/dh_{t-1} = diag(tanh') W_hh once
per step, so ||dL/dh_t|| behaves like rho^(T-t), rho the spectral radius of W_hh (the largest |eigenvalue|):
it vanishes for rho < 1 and explodes for rho > 1. The script shows
  1. a vanilla RNN, an LSTM and a GRU at PyTorch's initialisation, and the gated cells with their "keep" gate
     biased open (LSTM forget gate, GRU update gate): the additive memory path lets the gradient through;
  2. a vanilla RNN whose W_hh is an orthogonal matrix scaled to rho = 0.9 and rho = 1.1, in tanh's linear range
     (no bias, tiny inputs), next to the prediction rho^(T-1-t) ||dL/dh_T||;
  3. training that rho = 1.1 RNN with SGD: without clipping the loss goes to inf/nan, with
     `nn.utils.clip_grad_norm_` it stays finite.
"""
import argparse

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

COLUMNS = (0, 10, 25, 50, 75, 90)  # time steps shown in the table, besides the last one


def grad_norms(cell, x):
    """||dL/dh_t|| for t = 0..T-1, with L = sum(h_{T-1}); the cell is stepped by hand so every h_t is a node."""
    hs, state = [], None
    for t in range(x.shape[0]):
        state = cell(x[t], state)
        hs.append(state[0] if isinstance(state, tuple) else state)
    grads = ag.grad(hs[-1].sum(), hs)  # one backward pass gives the gradient at every step
    return np.array([np.linalg.norm(g.numpy()) for g in grads])


def orthogonal(n, rho, rng):
    """rho * Q with Q orthogonal: every eigenvalue has |lambda| = rho, and ||Q v|| = ||v||."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (rho * q).astype(np.float32)


def cells_at_init(steps, inputs=8, hidden=32, seed=0):
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((steps, 1, inputs)).astype(np.float32))
    nn.init.manual_seed(seed)
    rows = {}
    for name, Cell in (("RNN", nn.RNNCell), ("LSTM", nn.LSTMCell), ("GRU", nn.GRUCell)):
        rows[f"{name} (PyTorch init)"] = grad_norms(Cell(inputs, hidden), x)
    for name, Cell in (("LSTM", nn.LSTMCell), ("GRU", nn.GRUCell)):
        cell = Cell(inputs, hidden)
        cell.bias_ih.data[hidden:2 * hidden] += 3  # 2nd gate block: LSTM f, GRU z; sigmoid(3) = 0.95 keeps memory
        gate = "forget" if name == "LSTM" else "update"
        rows[f"{name} ({gate} gate bias +3)"] = grad_norms(cell, x)
    return rows


def spectral_radius_rows(steps, rhos=(0.9, 1.1), hidden=32, seed=0):
    """A bias-free RNN with W_hh = rho * Q on inputs of size 1e-6, where tanh(a) = a and the theory is exact."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(1e-6 * rng.standard_normal((steps, 1, 8)).astype(np.float32))
    rows = {}
    for rho in rhos:
        cell = nn.RNNCell(8, hidden, bias=False)
        cell.weight_hh.data = orthogonal(hidden, rho, rng)
        radius = np.abs(np.linalg.eigvals(cell.weight_hh.numpy())).max()
        norms = grad_norms(cell, x)
        rows[f"RNN, rho(W_hh) = {radius:.2f}"] = norms
        rows[f"  predicted {rho}^(T-1-t) |g_T|"] = norms[-1] * rho ** np.arange(steps - 1, -1, -1.0)
    return rows


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


def print_table(rows, steps):
    cols = [t for t in COLUMNS if t < steps] + [steps - 1]
    width = max(len(k) for k in rows) + 2
    print(f"{'||dL/dh_t|| at t =':<{width}}" + "".join(f"{t:>10}" for t in cols))
    for name, norms in rows.items():
        print(f"{name:<{width}}" + "".join(f"{norms[t]:10.2e}" for t in cols))


def plot(rows, path):
    import matplotlib  # imported only when a plot is asked for
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5))
    for name, norms in rows.items():
        ax.semilogy(norms, label=name.strip(), linestyle="--" if "predicted" in name else "-")
    ax.set_xlabel("time step t")
    ax.set_ylabel("||dL/dh_t||  (L depends on h_T only)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    print(f"wrote {path}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="sequence length T")
    parser.add_argument("--train-steps", type=int, default=40)
    parser.add_argument("--plot", metavar="PATH", help="also draw the norms with matplotlib (if installed)")
    args = parser.parse_args(argv)

    rows = cells_at_init(args.steps)
    print("1. gated cells keep the gradient alive")
    print_table(rows, args.steps)
    spectral = spectral_radius_rows(args.steps)
    print("\n2. vanilla RNN in tanh's linear range: the spectral radius of W_hh decides")
    print_table(spectral, args.steps)

    print(f"\n3. SGD on the rho = 1.1 RNN (T = {args.steps}): loss (gradient norm before clipping)")
    with np.errstate(over="ignore", invalid="ignore"):  # the unclipped run overflows: that is the point
        runs = {clip: train_exploding(clip, args.train_steps, args.steps) for clip in (False, True)}
    shown = range(0, args.train_steps, max(1, args.train_steps // 8))
    for clip, history in runs.items():
        label = "clip_grad_norm_(1.0)" if clip else "no clipping"
        print(f"{label:<22}" + "  ".join(f"{history[i][0]:.3g} ({history[i][1]:.2g})" for i in shown))
    if args.plot:
        try:
            plot({**rows, **spectral}, args.plot)
        except ImportError:
            print("matplotlib is not installed: no plot")
    return rows, spectral, runs


if __name__ == "__main__":
    main()
