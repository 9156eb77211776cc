"""Benchmark: LSTM and GRU forward+backward (T=50, batch 32, input 64, hidden 128, float32) vs PyTorch CPU.

Prints the median milliseconds of each and the ratios engine / PyTorch. PyTorch is optional: without it only
the engine's figures are printed. PyTorch runs on 2 threads; NumPy's BLAS uses what OPENBLAS_NUM_THREADS (or
OMP_NUM_THREADS) allows. Run: `python benchmarks/rnn.py [--repeats N]`.
"""

import argparse
import statistics
import time

import numpy as np

import autograd_core as ag
import nn

T, B, I, H = 50, 32, 64, 128


def median_ms(fn, repeats):
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def forward_backward(layer, x):
    """One training step's worth of work: output of every step, summed, then backward to the weights."""

    def step():
        layer.zero_grad()
        out, _ = layer(x)
        out.sum().backward()

    return step


def torch_cell_loop(torch, kind, x):
    """What our engine does, in PyTorch: a Python loop over the cell, one step at a time."""
    cell = getattr(torch.nn, kind + "Cell")(I, H)
    xt = torch.from_numpy(x)

    def step():
        cell.zero_grad()
        h = torch.zeros(B, H)
        state = (h, h) if kind == "LSTM" else h
        outs = []
        for t in range(T):
            state = cell(xt[t], state)
            outs.append(state[0] if kind == "LSTM" else state)
        torch.stack(outs).sum().backward()

    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(2)
    except ImportError:
        torch = None
        print("torch is not installed: engine figures only")
    x = np.random.default_rng(0).standard_normal((T, B, I)).astype(np.float32)
    print(f"forward+backward, T={T}, batch {B}, input {I}, hidden {H}, float32, median of {args.repeats}")
    print(f"{'':6}{'engine ms':>11}{'torch layer':>13}{'torch cells':>13}{'vs layer':>10}{'vs cells':>10}")
    for kind in ("LSTM", "GRU"):
        ours = median_ms(forward_backward(getattr(nn, kind)(I, H), ag.tensor(x)), args.repeats)
        row = f"{kind:6}{ours:11.2f}"
        if torch is not None:
            layer = median_ms(forward_backward(getattr(torch.nn, kind)(I, H), torch.from_numpy(x)), args.repeats)
            cells = median_ms(torch_cell_loop(torch, kind, x), args.repeats)
            row += f"{layer:13.2f}{cells:13.2f}{ours / layer:9.2f}x{ours / cells:9.2f}x"
        print(row)


if __name__ == "__main__":
    main()
