"""The matrix products alone: the floor under the engine's conv and LSTM times, whatever the engine does around them.

    python benchmarks/floor.py [--threads N]

For conv2d 64x16x32x32 (32 filters 3x3, pad 1) and conv2d 32x3x32x32 (16 filters) it times the three products a
training step needs (output, weight gradient, input-gradient windows) with the shapes ag.correlate gives NumPy;
for the LSTM (T=50, batch 32, input 64, hidden 128) the 3 x 50 per-step products and the 3 of the input projection.
With PyTorch installed it prints PyTorch's whole forward + backward step beside them: when the products alone take
more than 1.5x that, no engine built on NumPy's matmul meets a 1.5x target on this machine.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root
from autograd_core.ops.correlate import CHUNK_BYTES  # noqa: E402
from benchmarks import conv, rnn  # noqa: E402


def conv_products(x_shape, w_shape, rng):
    """Per chunk of images, as ag.correlate does: W @ cols, g @ cols^T summed over images, W^T @ g."""
    (n, c, h, w), (o, _, k, _) = x_shape, w_shape
    columns = (h - 1) * (w + 2) + w  # the stride-1 layout's columns (pad 1, 3x3: output h x w, row pitch w + 2)
    per_image = c * k * k * columns * 4
    b = max(1, CHUNK_BYTES // per_image)
    wm = rng.standard_normal((1, o, c * k * k)).astype(np.float32)
    cols = rng.standard_normal((b, 1, c * k * k, columns)).astype(np.float32)
    g = rng.standard_normal((b, 1, o, columns)).astype(np.float32)

    def run():
        for _ in range(-(-n // b)):
            np.matmul(wm, cols)
            np.matmul(g, cols.swapaxes(-1, -2)).sum(axis=0)
            np.matmul(wm.swapaxes(-1, -2), g)

    return run


def lstm_products(rng):
    T, B, I, H = rnn.T, rnn.B, rnn.I, rnn.H
    h = rng.standard_normal((B, H)).astype(np.float32)
    w = rng.standard_normal((H, 4 * H)).astype(np.float32)
    dg = rng.standard_normal((B, 4 * H)).astype(np.float32)
    x = rng.standard_normal((T * B, I + 1)).astype(np.float32)
    wi = rng.standard_normal((I + 1, 4 * H)).astype(np.float32)
    dgs = rng.standard_normal((T * B, 4 * H)).astype(np.float32)

    def run():
        for _ in range(T):
            h @ w, dg @ w.T, h.T @ dg  # gates, gradient to h, gradient to W_hh
        x @ wi, dgs @ wi.T, x.T @ dgs  # the input projection, forward and its two gradients

    return run


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    from threadpoolctl import threadpool_limits

    threadpool_limits(args.threads)
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    rows = [
        (name, conv_products(xs, ws, rng), lambda xs=xs, ws=ws, p=p: conv.torch_step(torch, xs, ws, p, rng))
        for name, xs, ws, p in conv.WORKLOADS
        if ws is not None
    ]
    rows.append(
        (
            "LSTM T=50, batch 32, 64 -> 128",
            lstm_products(rng),
            lambda: rnn.forward_backward(
                torch.nn.LSTM(rnn.I, rnn.H),
                torch.from_numpy(rng.standard_normal((rnn.T, rnn.B, rnn.I)).astype(np.float32)),
            ),
        )
    )
    print(f"{args.threads} thread(s); ms, median of 7")
    print(f"{'workload':45s}{'products alone':>16}{'PyTorch step':>14}{'products / PyTorch':>20}")
    for name, products, torch_maker in rows:
        ours = rnn.median_ms(products, 7)
        line = f"{name:45s}{ours:16.2f}"
        if torch is not None:
            theirs = rnn.median_ms(torch_maker(), 7)
            line += f"{theirs:14.2f}{ours / theirs:20.2f}"
        print(line)


if __name__ == "__main__":
    main()
