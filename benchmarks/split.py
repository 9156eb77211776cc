"""Two cores for convolution: is splitting the batch across two threads faster than one thread, or BLAS's two?

    python benchmarks/split.py [--rounds 15]

For benchmarks/conv.py's two conv2d workloads it runs ag.correlate's forward and backward (its chunks of images,
its window matrices and products) three ways, taking turns in this one process: the chunks one after another with
BLAS on 1 thread, the same with BLAS on 2, and the chunks shared by two Python threads (NumPy lets go of the GIL in
its copies, adds and products) with BLAS on 1 each. It also times what the chunks are made of apart, one thread
against two on halves of the same arrays: a copy, an add and a tanh of 32 MB, and of 128 KB, where each handoff to a
thread costs more than the work.
"""

import argparse
import os
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root
from autograd_core.ops.correlate import _chunks, _layout  # noqa: E402
from benchmarks import conv  # noqa: E402
from benchmarks.timing import paired_times  # noqa: E402

POOL = ThreadPoolExecutor(2)


def correlate_step(x_shape, w_shape, threaded):
    """Correlate's forward and backward for conv2d with padding 1, chunk by chunk, optionally on two threads.

    The loops of Correlate.forward and Correlate.backward (autograd_core/ops/correlate.py), written out here so that
    the chunks can be handed to a thread pool: the engine's own loop has no such hook, and a hot path should not
    carry one for a benchmark."""
    rng = np.random.default_rng(0)
    x = np.pad(rng.standard_normal(x_shape).astype(np.float32), ((0, 0), (0, 0), (1, 1), (1, 1)))[:, None]
    w = rng.standard_normal(w_shape).astype(np.float32)[None]
    out_sizes = tuple(n - 2 for n in x.shape[3:])
    layout = _layout(x, w, (1, 1), (1, 1), out_sizes)
    wm = w.reshape(w.shape[:2] + (-1,))
    grad = rng.standard_normal(x.shape[:1] + w.shape[:2] + out_sizes).astype(np.float32)
    chunks = _chunks(x, w, layout.columns)
    run = (lambda f: list(POOL.map(f, chunks))) if threaded else (lambda f: [f(c) for c in chunks])

    def step():
        y = np.empty(grad.shape, np.float32)
        dx = np.zeros(x.shape, np.float32)

        def forward(c):
            y[c] = layout.output(np.matmul(wm, layout.cols(x[c])))

        def backward(c):
            g = layout.columns_of(grad[c])
            layout.add_back(np.matmul(wm.swapaxes(-1, -2), g), dx[c])
            return np.matmul(g, layout.cols(x[c]).swapaxes(-1, -2)).sum(axis=0)

        run(forward)
        sum(run(backward))

    return step


def with_blas(step, threads):
    """step run with NumPy's BLAS on `threads` threads."""

    def run():
        with threadpool_limits(threads):
            step()

    return run


def paired_ms(steps, rounds):
    """Median milliseconds of each step, the steps taking turns (benchmarks/timing.py)."""
    return [1e3 * statistics.median(ts) for ts in paired_times(steps, rounds)]


def on_halves(op, n):
    """op(a, b, rows) on all 8 rows of (8, n) float32 arrays, and on rows 0-3 and 4-7 in the two threads."""
    a = np.random.default_rng(0).random((8, n), dtype=np.float32)
    b = np.empty_like(a)
    return lambda: op(a, b, slice(0, 8)), lambda: list(POOL.map(lambda s: op(a, b, s), [slice(0, 4), slice(4, 8)]))


PARTS = {
    "copy": lambda a, b, s: np.copyto(b[s], a[s]),
    "add": lambda a, b, s: np.add(b[s], a[s], out=b[s]),
    "tanh": lambda a, b, s: np.tanh(a[s], out=b[s]),
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    print(f"ms, median of {args.rounds} interleaved rounds")
    print(f"{'conv2d forward + backward':45s}{'1 thread':>10}{'BLAS 2':>10}{'2 Python threads':>18}")
    for name, x_shape, w_shape, _ in conv.WORKLOADS:
        if w_shape is None:
            continue
        serial, threaded = correlate_step(x_shape, w_shape, False), correlate_step(x_shape, w_shape, True)
        one, blas2, split = paired_ms([with_blas(serial, 1), with_blas(serial, 2), with_blas(threaded, 1)], args.rounds)
        print(f"{name:45s}{one:10.2f}{blas2:10.2f}{split:18.2f}")
    print(f"{'the parts, on halves':45s}{'1 thread':>10}{'2 threads':>10}")
    for n, size in ((2**20, "32 MB"), (2**12, "128 KB")):
        for kind, op in PARTS.items():
            one, two = paired_ms(list(on_halves(op, n)), args.rounds)
            print(f"{kind + ' of ' + size:45s}{one:10.3f}{two:10.3f}")


if __name__ == "__main__":
    main()
