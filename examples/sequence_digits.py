"""Many-to-one: classify scikit-learn's 8x8 digits read row by row, a sequence of 8 steps of 8 pixels.

    python examples/sequence_digits.py [--cell lstm gru] [--epochs 15] [--hidden 64]

The recurrent layer reads the image top to bottom; its last hidden state h_T goes through a linear layer to
10 class scores. Data: scikit-learn's bundled `load_digits` (nothing is downloaded).
"""

import argparse

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def load(seed=0, test_fraction=0.25):
    """(N, 8, 8) images in [0, 1] as float32 and their labels, split into train and test."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)  # (N, 8 rows = 8 steps, 8 pixels per step)
    y = digits.target
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(len(x) * test_fraction)
    test, train = order[:n_test], order[n_test:]
    return (x[train], y[train]), (x[test], y[test])


class SequenceClassifier(nn.Module):
    def __init__(self, cell="lstm", hidden=64, classes=10):
        super().__init__()
        self.rnn = CELLS[cell](8, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):  # x: (B, 8, 8)
        _, h = self.rnn(x)
        h = h[0] if isinstance(h, tuple) else h  # LSTM returns (h_n, c_n)
        return self.head(h[-1])  # h_n[-1]: the last layer's final state, (B, H) -> (B, 10)


def _progress(iterable, enabled, desc):
    """A tqdm progress bar when tqdm is installed (and wanted); the plain iterable otherwise."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, desc=desc, leave=False)


def accuracy(model, x, y, batch=512):
    model.eval()
    with ag.no_grad():
        pred = np.concatenate([model(ag.tensor(x[i : i + batch])).numpy().argmax(-1) for i in range(0, len(x), batch)])
    model.train()
    return float((pred == y).mean())


def train(cell="lstm", hidden=64, epochs=15, batch=32, lr=1e-2, seed=0, progress=True, verbose=True):
    """Train one classifier; returns (model, test accuracy)."""
    (xtr, ytr), (xte, yte) = load(seed)
    nn.init.manual_seed(seed)
    model = SequenceClassifier(cell, hidden)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    for epoch in range(epochs):
        order = rng.permutation(len(xtr))
        batches = [order[i : i + batch] for i in range(0, len(order), batch)]
        for group in opt.param_groups:  # decay the step size: large steps early, fine ones at the end
            group["lr"] = lr * 0.8**epoch
        total = 0.0
        for idx in _progress(batches, progress, f"{cell} epoch {epoch + 1}/{epochs}"):
            loss = F.cross_entropy(model(ag.tensor(xtr[idx])), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        if verbose:
            print(
                f"{cell} epoch {epoch + 1:2d}  train loss {total / len(xtr):.4f}  "
                f"test accuracy {accuracy(model, xte, yte):.3f}"
            )
    return model, accuracy(model, xte, yte)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", nargs="+", choices=sorted(CELLS), default=["lstm", "gru"])
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-progress", action="store_true", help="no tqdm progress bar")
    args = parser.parse_args(argv)
    results = {}
    for cell in args.cell:
        _, acc = train(cell, args.hidden, args.epochs, seed=args.seed, progress=not args.no_progress)
        results[cell] = acc
        print(f"{cell}: test accuracy {acc:.3f}")
    return results


if __name__ == "__main__":
    main()
