"""Many-to-many: a GRU predicts the next value of noisy sine waves, trained with truncated backprop through time.

    python examples/sine_forecast.py [--epochs 30] [--chunk 25] [--hidden 32]

Each wave has its own frequency and phase. At every step the GRU reads x_t and a linear layer predicts x_{t+1}.
Training walks each batch of long sequences in chunks of `--chunk` steps: the hidden state is carried from one
chunk to the next but `detach()`ed, so each backward pass stops at the chunk's start (truncated BPTT) and memory
stays bounded however long the sequences are.
"""

import argparse

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F


def waves(n, length, noise=0.05, seed=0):
    """(length, n, 1) float32 noisy sine waves, one column per wave, and the clean ones."""
    rng = np.random.default_rng(seed)
    freq = rng.uniform(0.03, 0.1, n)  # cycles per step
    phase = rng.uniform(0, 2 * np.pi, n)
    t = np.arange(length)[:, None]
    clean = np.sin(2 * np.pi * freq * t + phase)[..., None].astype(np.float32)
    return clean + noise * rng.standard_normal(clean.shape).astype(np.float32), clean


class Forecaster(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.gru = nn.GRU(1, hidden)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x, h=None):  # x: (T, B, 1)
        out, h = self.gru(x, h)  # out: (T, B, H), one hidden state per step
        return self.head(out), h  # (T, B, 1): the prediction of x_{t+1} at every step t


def train(epochs=30, chunk=25, hidden=32, length=200, n_train=64, batch=16, lr=1e-2, seed=0, verbose=True):
    noisy, _ = waves(n_train, length + 1, seed=seed)
    nn.init.manual_seed(seed)
    model = Forecaster(hidden)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        total, count = 0.0, 0
        for cols in np.array_split(rng.permutation(n_train), n_train // batch):
            seq = noisy[:, cols]
            h = None
            for start in range(0, length, chunk):
                x = ag.tensor(seq[start : start + chunk])
                target = ag.tensor(seq[start + 1 : start + chunk + 1])
                pred, h = model(x, h)
                loss = F.mse_loss(pred, target)
                opt.zero_grad()
                loss.backward()
                opt.step()
                h = h.detach()  # keep the state, cut the graph: the next backward ends here
                total, count = total + loss.item(), count + 1
        if verbose and (epoch % max(1, epochs // 6) == 0 or epoch == epochs - 1):
            print(f"epoch {epoch + 1:3d}  train mse {total / count:.4f}")
    return model


def evaluate(model, n=32, length=200, seed=1):
    """Test MSE of the one-step forecasts on new waves, next to 'repeat the last value' and the noise floor."""
    noisy, clean = waves(n, length + 1, seed=seed)
    with ag.no_grad():
        pred, _ = model(ag.tensor(noisy[:-1]))
    burn_in = 10  # the first steps have too little history to know a wave's frequency
    target = noisy[1 + burn_in :]
    return {
        "gru": float(((pred.numpy()[burn_in:] - target) ** 2).mean()),
        "repeat last value": float(((noisy[burn_in:-1] - target) ** 2).mean()),
        "noise floor (clean x_{t+1})": float(((clean[1 + burn_in :] - target) ** 2).mean()),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--chunk", type=int, default=25, help="truncated BPTT: steps per backward pass")
    parser.add_argument("--hidden", type=int, default=32)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    model = train(args.epochs, args.chunk, args.hidden, seed=args.seed)
    scores = evaluate(model)
    for name, mse in scores.items():
        print(f"test mse, {name:<28} {mse:.5f}")
    return scores


if __name__ == "__main__":
    main()
