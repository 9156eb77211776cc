"""Every benchmark workload in one run: engine vs PyTorch CPU time, their ratio, the target, and peak memory.

    python -m benchmarks                 # full run (a few minutes); writes benchmarks/results.json
    python -m benchmarks --quick         # under a minute
    python -m benchmarks --json out.json --threads 1 --no-memory

Timing: for each workload the engine's step and PyTorch's step take turns (the order flips every round), so a busy
moment of the machine hits both; the table shows medians and the ratio is the median of the per-round ratios.
"spread" is the half inter-quartile range of those ratios, relative to the ratio: a wide one means a noisy machine.
Threads: NumPy's BLAS (threadpoolctl) and PyTorch (set_num_threads) get the same count, --threads (default 2).

Memory (conv and LSTM workloads): each library runs its step in a fresh subprocess, after a warm-up step; the
figure is the growth of the process's peak resident memory (VmHWM, reset through /proc/self/clear_refs) during one
step, so both libraries are measured the same way. tracemalloc sees NumPy's buffers but not PyTorch's, so the
engine's tracemalloc peak is reported alongside as a check on the RSS figure.
"""
import argparse
import ctypes
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import autograd_core as ag  # noqa: E402
import nn  # noqa: E402
from benchmarks import conv, ops, rnn  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


@dataclass
class Workload:
    key: str
    name: str
    unit: str        # what one figure means, e.g. "µs/op", "ms"
    scale: float     # seconds of one timed call -> figures in `unit`
    target: float    # the target for engine / torch
    make: object     # make(lib, quick) -> the callable to time (lib is ag or torch)
    memory: bool = False


def _conv_maker(index):
    name, x_shape, w_shape, padding = conv.WORKLOADS[index]

    def make(lib, quick):
        rng = np.random.default_rng(0)
        if lib is ag:
            return conv.engine_step(x_shape, w_shape, padding, rng)
        return conv.torch_step(torch, x_shape, w_shape, padding, rng)
    return make


def _rnn_maker(kind, torch_form):
    """Engine layer vs PyTorch's fused layer (torch_form='layer') or its loop over the cell ('cells')."""
    def make(lib, quick):
        x = np.random.default_rng(0).standard_normal((rnn.T, rnn.B, rnn.I)).astype(np.float32)
        if lib is ag:
            return rnn.forward_backward(getattr(nn, kind)(rnn.I, rnn.H), ag.tensor(x))
        if torch_form == "cells":
            return rnn.torch_cell_loop(torch, kind, x)
        return rnn.forward_backward(getattr(torch.nn, kind)(rnn.I, rnn.H), torch.from_numpy(x))
    return make


def _chain_length(quick):
    return 2_000 if quick else 20_000


def _mlp_steps(quick):
    return 20 if quick else 100


def _make_chain(lib, quick):
    return ops.scalar_chain(lib, _chain_length(quick))


def _make_mlp(lib, quick):
    return ops.mlp(lib, _mlp_steps(quick))[0]


WORKLOADS = [
    Workload("scalar_chain", "scalar op chain (mul/add/tanh)", "µs/op", None, 0.7, _make_chain),
    Workload("mlp", "MLP step 784-256-10, batch 64", "ms", None, 0.9, _make_mlp),
    Workload("conv_small", conv.WORKLOADS[0][0], "ms", 1e3, 1.5, _conv_maker(0), memory=True),
    Workload("conv_large", conv.WORKLOADS[1][0], "ms", 1e3, 1.5, _conv_maker(1), memory=True),
    Workload("max_pool", conv.WORKLOADS[2][0], "ms", 1e3, 1.0, _conv_maker(2), memory=True),
    Workload("lstm_cells", "LSTM T=50 vs LSTMCell loop", "ms", 1e3, 1.0, _rnn_maker("LSTM", "cells"), memory=True),
    Workload("lstm_layer", "LSTM T=50 vs nn.LSTM", "ms", 1e3, 1.5, _rnn_maker("LSTM", "layer")),
    Workload("gru_layer", "GRU T=50 vs nn.GRU", "ms", 1e3, 1.2, _rnn_maker("GRU", "layer")),
]


def _scale(w, quick):
    """Seconds of one call -> the unit's figure (per op, per step)."""
    if w.key == "scalar_chain":
        return 1e6 / (3 * _chain_length(quick))
    if w.key == "mlp":
        return 1e3 / _mlp_steps(quick)
    return w.scale


# ---- timing -------------------------------------------------------------------------------------------------

def paired_times(steps, repeats):
    """Seconds of each step over `repeats` rounds; steps take turns and the order flips every round."""
    for step in steps:
        step()  # warm-up: lazy imports, first-call allocations
    times = [[] for _ in steps]
    for r in range(repeats):
        order = range(len(steps)) if r % 2 == 0 else reversed(range(len(steps)))
        for i in order:
            # Garbage of the other library's step is not this step's cost: collect the young generation, where it
            # is. Not a full gc.collect(): with PyTorch imported that walks ~170k objects (~90 ms) and leaves the
            # caches cold for the timed step, which no training loop does (it made max pooling's ratio 0.82 instead
            # of 0.45-0.55 at 1 thread; the conv ratios moved by under 3%).
            gc.collect(0)
            t0 = time.perf_counter()
            steps[i]()
            times[i].append(time.perf_counter() - t0)
    return times


def _quartiles(xs):
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    return q[0], statistics.median(xs), q[2]


def import_time_ms(repeats):
    """Median wall milliseconds of `python -c "import autograd_core, nn"` in fresh processes."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import autograd_core, nn"], cwd=ROOT, check=True,
                       env=dict(os.environ, PYTHONPATH=ROOT))
        times.append((time.perf_counter() - t0) * 1e3)
    return _quartiles(times)


# ---- memory -------------------------------------------------------------------------------------------------

def _rss_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def measure_memory(key, lib_name, quick):
    """Peak RSS growth (MiB) of one step of workload `key`, in this process; plus tracemalloc's peak for the engine."""
    w = next(w for w in WORKLOADS if w.key == key)
    lib = ag if lib_name == "engine" else torch
    step = w.make(lib, quick)
    step()  # warm-up
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # give freed heap pages back, so that the step must take them again
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak-RSS mark (VmHWM) to the current RSS
    base = _rss_kb("VmRSS")
    step()
    result = {"rss_peak_mib": (_rss_kb("VmHWM") - base) / 1024}
    if lib is ag:
        gc.collect()
        tracemalloc.start()
        step()
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
    return result


def memory_in_subprocess(key, lib_name, quick, threads):
    cmd = [sys.executable, "-m", "benchmarks.run", "--memory-probe", key, lib_name, "--threads", str(threads)]
    out = subprocess.run(cmd + (["--quick"] if quick else []), cwd=ROOT, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=ROOT))
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the run ------------------------------------------------------------------------------------------------

def run_all(quick, threads, memory, only=None):
    repeats = 5 if quick else 15
    rows = []
    for w in WORKLOADS:
        if only and w.key not in only:
            continue
        libs = [ag] + ([torch] if torch is not None else [])
        n = max(3, repeats // 3) if w.key in ("scalar_chain", "mlp") else repeats
        times = paired_times([w.make(lib, quick) for lib in libs], n)
        scale = _scale(w, quick)
        row = {"key": w.key, "workload": w.name, "unit": w.unit, "target": w.target, "repeats": n,
               "engine": _quartiles([t * scale for t in times[0]])}
        if torch is not None:
            row["torch"] = _quartiles([t * scale for t in times[1]])
            row["ratio"] = _quartiles([a / b for a, b in zip(*times)])
        if memory and w.memory:
            row["memory"] = {name: memory_in_subprocess(w.key, name, quick, threads)
                             for name in (["engine", "torch"] if torch is not None else ["engine"])}
        rows.append(row)
        print_row(row)
    if not only or "import" in only:
        row = {"key": "import", "workload": 'python -c "import autograd_core, nn"', "unit": "ms",
               "target_ms": 150.0, "engine": import_time_ms(5 if quick else 11)}
        rows.append(row)
        print_row(row)
    return rows


HEADER = f"{'workload':44} {'unit':>6} {'engine':>9} {'torch':>9} {'ratio':>6} {'spread':>7} {'target':>7} " \
         f"{'met':>4}  {'peak MiB engine / torch (engine tracemalloc)':s}"


def print_row(row):
    lo, e, hi = row["engine"]
    if row["key"] == "import":  # an absolute target; the spread is that of the engine's own times
        met = "yes" if e <= row["target_ms"] else "no"
        print(f"{row['workload']:44} {row['unit']:>6} {e:9.1f} {'':>9} {'':>6} {100 * (hi - lo) / 2 / e:6.0f}% "
              f"{'<=150ms':>7} {met:>4}")
        return
    line = f"{row['workload']:44} {row['unit']:>6} {e:9.2f}"
    if "torch" in row:
        lo, r, hi = row["ratio"]
        met = "yes" if r <= row["target"] else "no"
        line += f" {row['torch'][1]:9.2f} {r:6.2f} {100 * (hi - lo) / 2 / r:6.0f}% {row['target']:7.1f} {met:>4}"
    mem = row.get("memory")
    if mem:
        def fmt(m):
            return "err" if "error" in m else f"{m['rss_peak_mib']:.1f}"
        line += f"  {fmt(mem['engine'])}"
        if "torch" in mem:
            line += f" / {fmt(mem['torch'])}"
        if "tracemalloc_peak_mib" in mem["engine"]:
            line += f" ({mem['engine']['tracemalloc_peak_mib']:.1f})"
    print(line, flush=True)


def markdown(rows):
    """The table as Markdown, for the README."""
    lines = ["| workload | engine | PyTorch | ratio (spread) | target | peak memory engine / PyTorch |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in rows:
        e = row["engine"][1]
        if row["key"] == "import":
            lines.append(f"| `{row['workload']}` | {e:.0f} ms | | | <= 150 ms | |")
            continue
        digits = 2 if e < 100 else 1
        torch_ms = f"{row['torch'][1]:.{digits}f}" if "torch" in row else "-"
        ratio = ""
        if "ratio" in row:
            lo, r, hi = row["ratio"]
            ratio = f"{r:.2f} (±{100 * (hi - lo) / 2 / r:.0f}%)"
        mem = row.get("memory", {})
        mem_text = " / ".join(f"{mem[k]['rss_peak_mib']:.0f} MiB" for k in ("engine", "torch")
                              if k in mem and "rss_peak_mib" in mem[k])
        lines.append(f"| {row['workload']} | {e:.{digits}f} {row['unit']} | {torch_ms} | {ratio} | "
                     f"<= {row['target']} | {mem_text} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats: under a minute")
    parser.add_argument("--threads", type=int, default=2, help="BLAS threads for NumPy and intra-op threads for torch")
    parser.add_argument("--json", default=os.path.join(ROOT, "benchmarks", "results.json"), help="where to write")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--only", nargs="+", help="workload keys to run: " + " ".join(w.key for w in WORKLOADS)
                        + " import")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--memory-probe", nargs=2, metavar=("KEY", "LIB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)
    if torch is not None:
        torch.set_num_threads(args.threads)
    if args.memory_probe:
        print(json.dumps(measure_memory(*args.memory_probe, args.quick)))
        return None

    meta = {"date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()), "mode": "quick" if args.quick else "full",
            "threads": args.threads, "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__ if torch is not None else None, "cpus": os.cpu_count(),
            "load_avg_at_start": os.getloadavg()}
    print(f"autograd_core vs PyTorch {meta['torch'] or '(not installed)'} CPU; numpy {meta['numpy']}; "
          f"{args.threads} thread(s) each; medians, ratio = median of paired ratios; load {meta['load_avg_at_start']}")
    print(HEADER)
    rows = run_all(args.quick, args.threads, not args.no_memory, args.only)
    meta["load_avg_at_end"] = os.getloadavg()
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
    print(f"written: {args.json}")
    if args.markdown:
        print(markdown(rows))
    return rows


if __name__ == "__main__":
    main()
