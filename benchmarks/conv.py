"""conv2d and max pooling, forward + backward in float32: the engine against PyTorch CPU (when installed).

    python benchmarks/conv.py [--repeats 10] [--threads 2]
    OPENBLAS_NUM_THREADS=1 python benchmarks/conv.py --threads 1     # one core each, steadier on a busy machine

Prints the median time of each workload in milliseconds for the engine and for PyTorch, and their ratio.
The engine's matrix products run in NumPy's BLAS, whose thread count comes from OPENBLAS_NUM_THREADS (read when
NumPy is imported); on a machine whose cores are busy, BLAS threads that wait for a core can make the small
products here several times slower, so compare one thread with one thread there.
"""

import argparse
import os
import statistics
import time

import numpy as np

import autograd_core as ag
import nn.functional as F

# name, input shape, weight shape (None: 2x2 max pooling), padding (the conv outputs keep the input's size)
WORKLOADS = [
    ("conv2d 32x3x32x32, 16 filters 3x3, pad 1", (32, 3, 32, 32), (16, 3, 3, 3), 1),
    ("conv2d 64x16x32x32, 32 filters 3x3, pad 1", (64, 16, 32, 32), (32, 16, 3, 3), 1),
    ("max_pool2d 2x2 on 32x16x32x32", (32, 16, 32, 32), None, 0),
]


def median_ms(steps, repeats):
    """Median milliseconds of each step; the steps take turns, so that a busy moment of the machine hits both."""
    for step in steps:
        step()  # warm-up: first-call allocations and imports
    times = [[] for _ in steps]
    for _ in range(repeats):
        for step, ts in zip(steps, times):
            t0 = time.perf_counter()
            step()
            ts.append(time.perf_counter() - t0)
    return [1e3 * statistics.median(ts) for ts in times]


def upstream_gradient(x_shape, w_shape):
    """A fixed random gradient of the output, as a loss further on would send back (y.sum() would send a
    broadcast array of ones, which neither library sees in training)."""
    out_shape = (
        (x_shape[0], x_shape[1], x_shape[2] // 2, x_shape[3] // 2)
        if w_shape is None
        else (x_shape[0], w_shape[0]) + x_shape[2:]
    )
    return np.random.default_rng(1).standard_normal(out_shape).astype(np.float32)


def engine_step(x_shape, w_shape, padding, rng):
    x = ag.tensor(rng.standard_normal(x_shape).astype(np.float32), requires_grad=True)
    w = None if w_shape is None else ag.tensor(rng.standard_normal(w_shape).astype(np.float32), requires_grad=True)
    b = None if w_shape is None else ag.tensor(np.zeros(w_shape[0], np.float32), requires_grad=True)
    g = ag.tensor(upstream_gradient(x_shape, w_shape))

    def step():
        y = F.max_pool2d(x, 2) if w is None else F.conv2d(x, w, b, padding=padding)
        y.backward(g)
        for t in (x, w, b):
            if t is not None:
                t.grad = None

    return step


def torch_step(torch, x_shape, w_shape, padding, rng):
    x = torch.tensor(rng.standard_normal(x_shape).astype(np.float32), requires_grad=True)
    w = None if w_shape is None else torch.tensor(rng.standard_normal(w_shape).astype(np.float32), requires_grad=True)
    b = None if w_shape is None else torch.zeros(w_shape[0], requires_grad=True)
    g = torch.tensor(upstream_gradient(x_shape, w_shape))

    def step():
        y = torch.nn.functional.max_pool2d(x, 2) if w is None else torch.nn.functional.conv2d(x, w, b, padding=padding)
        y.backward(g)
        for t in (x, w, b):
            if t is not None:
                t.grad = None

    return step


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads")
    args = parser.parse_args(argv)
    try:
        import torch

        torch.set_num_threads(args.threads)
    except ImportError:
        torch = None
    rng = np.random.default_rng(0)
    print(
        f"PyTorch threads: {args.threads if torch else '-'}; "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset (all cores)')}"
    )
    print(f"{'workload':45s} {'engine ms':>10s} {'torch ms':>10s} {'ratio':>7s}")
    results = []
    for name, x_shape, w_shape, padding in WORKLOADS:
        steps = [engine_step(x_shape, w_shape, padding, rng)]
        if torch:
            steps.append(torch_step(torch, x_shape, w_shape, padding, rng))
        ours, theirs = (median_ms(steps, args.repeats) + [None])[:2]
        ratio = f"{ours / theirs:7.2f}" if theirs else "      -"
        print(f"{name:45s} {ours:10.2f} {theirs if theirs else float('nan'):10.2f} {ratio}")
        results.append((name, ours, theirs))
    return results


if __name__ == "__main__":
    main()
