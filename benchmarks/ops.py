"""Per-op overhead of the engine (forward + backward, µs/op) and a 1000-step MLP, against PyTorch CPU when installed.

    python benchmarks/ops.py            # full run (about a minute)
    python benchmarks/ops.py --quick    # a few seconds

Also measures what recording scopes costs (`ctx.scope = scope.current` in Function.apply) on the scalar chain.
"""

import argparse
import inspect
import os
import sys
import textwrap
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository root
import autograd_core as ag  # noqa: E402
from autograd_core import function as ag_function  # noqa: E402

try:
    import torch

    torch.set_num_threads(2)
except ImportError:
    torch = None


def best_time(run, repeat, clock=time.perf_counter, warmup=True):
    """The fastest of `repeat` runs, in seconds (the minimum is the least noisy estimate of the cost)."""
    if warmup:
        run()  # first calls pay for lazy initialisation (torch kernels, NumPy's ufunc caches)
    best = float("inf")
    for _ in range(repeat):
        start = clock()
        run()
        best = min(best, clock() - start)
    return best


# ---- workloads: each takes the library (ag or torch) and returns a function that runs it once ----------------


def scalar_chain(lib, n):
    """n rounds of y = tanh(y * 1.0001 + 0.5) on a scalar: 3n ops, then backward."""

    def run():
        x = tensor(lib, 0.1, requires_grad=True)
        y = x
        for _ in range(n):
            y = (y * 1.0001 + 0.5).tanh()
        y.backward()

    return run


def tensor_chain(lib, op, n, size=32):
    """n applications of one op on a (size, size) float32 tensor, then backward with a gradient of ones."""
    rng = np.random.default_rng(0)
    q = np.linalg.qr(rng.standard_normal((size, size)))[0].astype(np.float32)  # orthogonal: the chain stays bounded
    x0 = rng.standard_normal((size, size)).astype(np.float32)
    c = rng.standard_normal((size,)).astype(np.float32)

    def run():
        x = tensor(lib, x0, requires_grad=True)
        w = tensor(lib, q, requires_grad=True)
        b = tensor(lib, c)
        y = x
        for _ in range(n):
            y = OPS[op](y, w, b)
        y.backward(tensor(lib, np.ones((size, size), np.float32)))

    return run


OPS = {
    "add (broadcast row)": lambda y, w, b: y + b,
    "mul (scalar)": lambda y, w, b: y * 0.999,
    "tanh": lambda y, w, b: y.tanh(),
    "sigmoid": lambda y, w, b: y.sigmoid(),
    "relu": lambda y, w, b: y.relu(),
    "matmul 32x32": lambda y, w, b: y @ w,
}


def mlp(lib, steps, batch=64, sizes=(784, 256, 10), lr=0.01):
    """SGD on a 784-256-10 tanh MLP with cross-entropy (log_softmax + integer-index gather), random data."""
    rng = np.random.default_rng(0)
    xs = rng.standard_normal((steps, batch, sizes[0])).astype(np.float32)
    ys = rng.integers(0, sizes[-1], (steps, batch))
    w1_0 = (rng.standard_normal((sizes[0], sizes[1])) / np.sqrt(sizes[0])).astype(np.float32)
    w2_0 = (rng.standard_normal((sizes[1], sizes[2])) / np.sqrt(sizes[1])).astype(np.float32)
    rows = np.arange(batch)
    losses = []

    def run():
        w1, w2 = tensor(lib, w1_0, requires_grad=True), tensor(lib, w2_0, requires_grad=True)
        b1 = tensor(lib, np.zeros(sizes[1], np.float32), requires_grad=True)
        b2 = tensor(lib, np.zeros(sizes[2], np.float32), requires_grad=True)
        params = [w1, b1, w2, b2]
        for i in range(steps):
            x, y = tensor(lib, xs[i]), ys[i]
            logits = (x @ w1 + b1).tanh() @ w2 + b2
            logp = logits.log_softmax(-1)
            idx = (rows, y) if lib is ag else (torch.from_numpy(rows), torch.from_numpy(y))
            loss = -logp[idx].mean()
            for p in params:
                p.grad = None
            loss.backward()
            with no_grad(lib):
                for p in params:
                    if lib is ag:
                        p.data -= lr * p.grad.data
                    else:
                        p -= lr * p.grad  # in place
        losses.append(float(loss.item()))

    return run, losses


def tensor(lib, data, requires_grad=False):
    if lib is ag:
        return ag.tensor(data, requires_grad=requires_grad)  # copies: updates in place must not touch the data
    t = torch.tensor(data, dtype=torch.float32) if not isinstance(data, np.ndarray) else torch.from_numpy(data.copy())
    return t.requires_grad_(requires_grad)


def no_grad(lib):
    return ag.no_grad() if lib is ag else torch.no_grad()


# ---- the cost of recording scopes -------------------------------------------------------------------------------


def apply_without_scopes():
    """Function.apply with its `ctx.scope = scope.current` line removed (None if that line is not found)."""
    src = textwrap.dedent(inspect.getsource(ag.Function.apply.__func__))
    line = "ctx.scope = scope.current"
    if line not in src:
        return None
    src = src.replace("@classmethod\n", "").replace(line, "pass")
    namespace = dict(vars(ag_function))
    exec(src, namespace)
    return classmethod(namespace["apply"])


def apply_loop(n):
    """n recorded multiplications whose graphs are dropped at once: Function.apply's cost alone."""

    def run():
        x, c = ag.tensor(0.5, requires_grad=True), ag.tensor(2.0)
        for _ in range(n):
            x * c

    return run


def scope_overhead(workload, repeat):
    """CPU seconds of workload() with and without scope recording, interleaved so that load drifts hit both."""
    patched = apply_without_scopes()
    if patched is None:
        return None
    original = ag.Function.__dict__["apply"]
    with_scopes = without = float("inf")
    try:
        for _ in range(repeat):  # CPU time: this process is single-threaded, and other processes disturb it less
            ag.Function.apply = original
            with_scopes = min(with_scopes, best_time(workload, 1, time.process_time, warmup=False))
            ag.Function.apply = patched
            without = min(without, best_time(workload, 1, time.process_time, warmup=False))
    finally:
        ag.Function.apply = original
    return with_scopes, without


# ---- report ------------------------------------------------------------------------------------------------------


def row(name, engine_us, torch_us, unit="µs/op"):
    if torch_us is None:
        print(f"  {name:<28} {engine_us:10.2f} {unit}")
    else:
        print(f"  {name:<28} {engine_us:10.2f} {unit}   torch {torch_us:9.2f}   ratio {engine_us / torch_us:6.2f}x")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, runs in seconds")
    args = parser.parse_args(argv)
    n_chain, n_tensor, steps, repeat = (2_000, 50, 20, 3) if args.quick else (20_000, 200, 1000, 7)
    libs = [ag] + ([torch] if torch is not None else [])
    reference = f"PyTorch {torch.__version__} CPU (2 threads)" if torch else "nothing (torch not installed)"
    print(f"autograd_core vs {reference}; numpy {np.__version__}; forward + backward, best of {repeat}")

    print(f"\nScalar chain: y = tanh(y * 1.0001 + 0.5), {n_chain} rounds = {3 * n_chain} ops")
    t = {lib: best_time(scalar_chain(lib, n_chain), repeat) / (3 * n_chain) * 1e6 for lib in libs}
    row("scalar mul/add/tanh", t[ag], t.get(torch))

    print(f"\nOne op applied {n_tensor} times to a 32x32 float32 tensor, then backward")
    for op in OPS:
        t = {lib: best_time(tensor_chain(lib, op, n_tensor), repeat) / n_tensor * 1e6 for lib in libs}
        row(op, t[ag], t.get(torch))

    print(f"\nMLP 784-256-10, batch 64, SGD, cross-entropy = log_softmax + gather: {steps} steps")
    per_step, final_loss = {}, {}
    for lib in libs:
        run, losses = mlp(lib, steps)
        per_step[lib] = best_time(run, 2, warmup=False) / steps * 1e3
        final_loss[lib] = losses[-1]
    row("ms/step", per_step[ag], per_step.get(torch), unit="ms/step")
    print(
        f"  {'final loss (same work)':<28} {final_loss[ag]:10.4f}"
        + (f"           torch {final_loss[torch]:9.4f}" if torch else "")
    )
    print(
        f"  {'total for the steps':<28} {per_step[ag] * steps / 1e3:10.2f} s"
        + (f"     torch {per_step[torch] * steps / 1e3:8.2f} s" if torch else "")
    )

    print("\nCost of recording scopes (ctx.scope = scope.current in Function.apply), scalar chain")
    for name, workload, n_ops in [
        ("scalar chain, fwd+bwd", scalar_chain(ag, n_chain), 3 * n_chain),
        ("Function.apply alone", apply_loop(10 * n_chain), 10 * n_chain),
    ]:
        res = scope_overhead(workload, 3 * repeat)
        if res is None:
            print("  n/a: Function.apply no longer has that line")
            break
        with_s, without = res
        print(
            f"  {name:<22} with {with_s / n_ops * 1e6:.2f} µs/op, without {without / n_ops * 1e6:.2f} µs/op"
            f" (CPU time): overhead {100 * (with_s - without) / without:+.1f}%"
        )


if __name__ == "__main__":
    main()
