"""A small CNN trained with Adam on scikit-learn's bundled 8x8 digits (no download); prints test accuracy.

python examples/cnn_digits.py                    # conv-relu-pool twice, then linear
python examples/cnn_digits.py --model resnet     # with the lectures' residual blocks (skip connections)
python examples/cnn_digits.py --model inception  # with inception blocks (parallel 1x1 / 3x3 / 5x5 / pool)
python examples/cnn_digits.py --epochs 3 --train-size 300   # quick run
"""

import argparse
import time

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

try:
    from tqdm import tqdm
except ImportError:  # the progress bar is optional
    tqdm = None


def load_data(seed=0, test_fraction=0.25):
    """Digits as (N, 1, 8, 8) float32 images in [0, 1] and int labels, split into train and test (stratified)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]  # pixel values are 0..16
    return train_test_split(x, digits.target, test_size=test_fraction, random_state=seed, stratify=digits.target)


def make_model(name):
    """(N, 1, 8, 8) -> (N, 10) logits."""
    if name == "cnn":
        return nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (N, 32, 4, 4)
            nn.Conv2d(32, 64, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # (N, 64, 2, 2)
            nn.Flatten(),
            nn.Linear(64 * 2 * 2, 10),
        )
    if name == "resnet":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.ResidualBlock(16),
            nn.MaxPool2d(2),  # (N, 16, 4, 4)
            nn.ResidualBlock(16, 32),
            nn.MaxPool2d(2),  # (N, 32, 2, 2): 1x1 projection skip
            nn.Flatten(),
            nn.Linear(32 * 2 * 2, 10),
        )
    if name == "inception":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.InceptionBlock(16, ch1x1=8, ch3x3=12, ch5x5=4, pool_proj=8, ch3x3red=8, ch5x5red=4),  # 32 ch
            nn.MaxPool2d(2),  # (N, 32, 4, 4)
            nn.InceptionBlock(32, ch1x1=16, ch3x3=24, ch5x5=8, pool_proj=16, ch3x3red=16, ch5x5red=8),  # 64 ch
            nn.MaxPool2d(2),  # (N, 64, 2, 2)
            nn.Flatten(),
            nn.Linear(64 * 2 * 2, 10),
        )
    raise ValueError(f"unknown model {name!r}: expected 'cnn', 'resnet' or 'inception'")


def accuracy(model, x, y, batch_size=256):
    model.eval()
    with ag.no_grad():
        preds = np.concatenate(
            [model(ag.tensor(x[i : i + batch_size])).numpy().argmax(axis=1) for i in range(0, len(x), batch_size)]
        )
    model.train()
    return float((preds == y).mean())


def train(model="cnn", epochs=20, batch_size=32, lr=3e-3, seed=0, train_size=None, progress=True):
    """Train and evaluate; returns a dict with the model, test accuracy, losses and seconds per epoch."""
    x_train, x_test, y_train, y_test = load_data(seed)
    if train_size is not None:
        x_train, y_train = x_train[:train_size], y_train[:train_size]
    nn.init.manual_seed(seed)
    net = make_model(model)
    opt = nn.optim.Adam(net.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    batches = range(0, len(x_train), batch_size)
    losses, epoch_seconds = [], []
    for epoch in range(epochs):
        order = rng.permutation(len(x_train))
        bar = tqdm(batches, desc=f"epoch {epoch + 1}/{epochs}", leave=False) if progress and tqdm else batches
        start, total = time.perf_counter(), 0.0
        for i in bar:
            idx = order[i : i + batch_size]
            loss = F.cross_entropy(net(ag.tensor(x_train[idx])), y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        epoch_seconds.append(time.perf_counter() - start)
        losses.append(total / len(x_train))
        if progress:
            print(f"epoch {epoch + 1}/{epochs}: loss {losses[-1]:.4f}, {epoch_seconds[-1]:.2f} s")
    return {
        "model": net,
        "test_accuracy": accuracy(net, x_test, y_test),
        "losses": losses,
        "seconds_per_epoch": float(np.mean(epoch_seconds)),
        "n_train": len(x_train),
        "n_test": len(x_test),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["cnn", "resnet", "inception"], default="cnn")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-size", type=int, default=None, help="use only the first N training images")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar or per-epoch lines")
    args = parser.parse_args(argv)
    result = train(
        args.model, args.epochs, args.batch_size, args.lr, args.seed, args.train_size, progress=not args.no_progress
    )
    print(
        f"{args.model}: test accuracy {result['test_accuracy']:.4f} on {result['n_test']} images "
        f"(trained on {result['n_train']}), {result['seconds_per_epoch']:.2f} s per epoch"
    )
    return result


if __name__ == "__main__":
    main()
