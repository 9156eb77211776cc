"""Every benchmark workload in one run: the engine against PyTorch CPU, its peers (MyGrad, micrograd, when installed)
and, for conv2d and the LSTM, the matrix products alone; ratios with their inter-quartile range, and peak memory.

    python -m benchmarks                 # full run (several minutes); writes benchmarks/results.json
    python -m benchmarks --quick         # under a minute (no peak memory)
    python -m benchmarks --threads 1,2 --markdown     # the whole table at 1 thread, then at 2
    python -m benchmarks --json out.json --threads 1 --no-memory

Timing: for each workload the engine's step and every reference's step take turns in this one process (the order
flips every round), so a busy moment of the machine hits them all; each ratio is the median of at least 15 per-round
ratios, printed with its inter-quartile range [q1-q3]. A workload whose spread (IQR / median) of any ratio exceeds
25% is measured once more; if it still does, its row says "noisy".
Threads: NumPy's BLAS (threadpoolctl) and PyTorch (set_num_threads) get the same count, --threads (default 2).
MyGrad and micrograd run on NumPy (micrograd on Python floats) and get no other threads.

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
from benchmarks import conv, floor, models, ops, peers, rnn  # noqa: E402
from benchmarks.timing import paired_times  # noqa: E402

try:
    import torch
except ImportError:
    torch = None

ROUNDS = 15  # paired rounds per measurement, quick or not: fewer make the quartiles meaningless
NOISY_SPREAD = 0.25  # IQR / median of a ratio above which a workload is measured again, then called noisy
FLOOR = "products alone"


@dataclass
class Workload:
    key: str
    name: str
    unit: str  # what one figure means, e.g. "µs/op", "ms"
    scale: object  # scale(quick): seconds of one timed call -> figures in `unit`
    target: float  # the target for engine / PyTorch (None: no target)
    make: object  # make(lib, quick) -> the callable to time (lib is ag or torch)
    memory: bool = False
    peer: object = None  # peer(name, quick) -> the step in MyGrad / micrograd, or None where it has no such op
    floor: object = None  # floor(quick) -> the engine's matrix products alone (benchmarks/floor.py)
    floor_target: float | None = None  # the target for engine / products alone
    memory_target: float | None = None  # the target for the engine's peak memory / PyTorch's


def ms(quick):
    return 1e3


def _conv_maker(index):
    name, x_shape, w_shape, padding = conv.WORKLOADS[index]

    def make(lib, quick):
        rng = np.random.default_rng(0)
        if lib is ag:
            return conv.engine_step(x_shape, w_shape, padding, rng)
        return conv.torch_step(torch, x_shape, w_shape, padding, rng)

    def peer(name, quick):
        if quick and index == 1:  # MyGrad's large conv takes several times the engine's: too slow for --quick
            return None
        return peers.conv_step(name, x_shape, w_shape, padding, np.random.default_rng(0))

    def products(quick):
        return floor.conv_products(x_shape, w_shape, np.random.default_rng(0))

    return make, peer, (products if w_shape is not None else None)


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


def _lstm_products(quick):
    return floor.lstm_products(np.random.default_rng(0))


def _chain_length(quick):
    return 2_000 if quick else 20_000


def _mlp_steps(quick):
    return 20 if quick else 100


def _per_op(quick):
    return 1e6 / (3 * _chain_length(quick))


def _per_step(quick):
    return 1e3 / _mlp_steps(quick)


# A tiny step takes well under a millisecond: timed alone, the timer's and the scheduler's noise would rule. micrograd's
# takes tens of milliseconds, and its graphs are reference cycles that pile up for the collector: it runs one step.
TINY_STEPS = 10


def _repeated(step, calls):
    """step run `calls` times in one timed call; measure() divides by `calls`."""

    def run():
        for _ in range(calls):
            step()

    run.calls = calls
    return run


def _whole(step):
    """A training-step maker for Workload.make: the example's model in the engine, its twin in PyTorch."""
    return lambda lib, quick: step(lib)


_conv = [_conv_maker(i) for i in range(3)]

WORKLOADS = [
    Workload(
        "scalar_chain",
        "scalar op chain (mul/add/tanh)",
        "µs/op",
        _per_op,
        0.6,
        lambda lib, quick: ops.scalar_chain(lib, _chain_length(quick)),
        peer=lambda name, quick: peers.scalar_chain(name, _chain_length(quick)),
    ),
    Workload(
        "mlp",
        "MLP step 784-256-10, batch 64",
        "ms",
        _per_step,
        0.8,
        lambda lib, quick: ops.mlp(lib, _mlp_steps(quick))[0],
        peer=lambda name, quick: peers.mlp(name, _mlp_steps(quick)),
    ),
    Workload(
        "tiny_mlp",
        "tiny MLP step 2-16-16-1, batch 16, float64",
        "ms",
        ms,
        None,
        lambda lib, quick: _repeated(peers.tiny_mlp_engine(lib), TINY_STEPS),
        peer=lambda name, quick: _repeated(peers.tiny_mlp(name), 1 if name == "micrograd" else TINY_STEPS),
    ),
    Workload(
        "conv_small",
        conv.WORKLOADS[0][0],
        "ms",
        ms,
        1.3,
        _conv[0][0],
        memory=True,
        peer=_conv[0][1],
        floor=_conv[0][2],
        floor_target=1.2,
    ),
    Workload(
        "conv_large",
        conv.WORKLOADS[1][0],
        "ms",
        ms,
        1.8,
        _conv[1][0],
        memory=True,
        peer=_conv[1][1],
        floor=_conv[1][2],
        floor_target=1.2,
    ),
    Workload(
        "max_pool", conv.WORKLOADS[2][0], "ms", ms, 1.0, _conv[2][0], memory=True, peer=_conv[2][1], memory_target=2.0
    ),
    Workload(
        "lstm_cells",
        "LSTM T=50 vs LSTMCell loop",
        "ms",
        ms,
        1.0,
        _rnn_maker("LSTM", "cells"),
        memory=True,
        floor=_lstm_products,
    ),
    Workload(
        "lstm_layer",
        "LSTM T=50 vs nn.LSTM",
        "ms",
        ms,
        1.5,
        _rnn_maker("LSTM", "layer"),
        floor=_lstm_products,
        floor_target=1.2,
    ),
    Workload("gru_layer", "GRU T=50 vs nn.GRU", "ms", ms, 1.2, _rnn_maker("GRU", "layer")),
    Workload(
        "cnn_digits",
        "training step: examples/cnn_digits.py (Adam, batch 32)",
        "ms",
        ms,
        1.3,
        _whole(models.cnn_digits_step),
    ),
    Workload(
        "mnist_style",
        "training step: examples/mnist_style.py (Adadelta, batch 64)",
        "ms",
        ms,
        1.3,
        _whole(models.mnist_style_step),
    ),
    Workload(
        "word_lm", "training step: word LM, LSTM 2x200, batch 20, bptt 35", "ms", ms, 1.5, _whole(models.word_lm_step)
    ),
]


# ---- statistics ---------------------------------------------------------------------------------------------


def quartiles(xs):
    """(q1, median, q3) of xs."""
    q = statistics.quantiles(xs, n=4) if len(xs) > 1 else [xs[0]] * 3
    return q[0], statistics.median(xs), q[2]


def spread(q):
    """Inter-quartile range relative to the median: how far one run's figure can be trusted."""
    lo, mid, hi = q
    return (hi - lo) / mid if mid else float("inf")


def measure(steps, rounds=ROUNDS, timer=paired_times):
    """steps: {name: step}, the engine's first; a step with a `calls` attribute is that many steps (times are
    divided by it). Returns ({name: per-round seconds}, {reference: ratio quartiles},
    attempts, the references whose ratio stayed noisy). A noisy measurement is repeated once, not kept: two draws
    and keeping the better would bias the figure."""
    names = list(steps)
    for attempt in (1, 2):  # noqa: B007 (returned: how many runs it took)
        runs = timer([steps[n] for n in names], rounds)
        times = {n: [t / getattr(steps[n], "calls", 1) for t in ts] for n, ts in zip(names, runs)}
        ratios = {n: quartiles([a / b for a, b in zip(times[names[0]], times[n])]) for n in names[1:]}
        noisy = [n for n, q in ratios.items() if spread(q) > NOISY_SPREAD]
        if not noisy:
            break
    return times, ratios, attempt, noisy


def import_time_ms(repeats):
    """Quartiles of the wall milliseconds of `python -c "import autograd_core, nn"`, each in a fresh process, as an
    installed package imports: from its cached bytecode (written by an untimed first run even where the environment
    sets PYTHONDONTWRITEBYTECODE, which would make every run compile the sources again)."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = [sys.executable, "-c", "import autograd_core, nn"]
    subprocess.run(command, cwd=ROOT, check=True, env=env)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, env=env)
        times.append((time.perf_counter() - t0) * 1e3)
    return quartiles(times)


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
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def memory_in_subprocess(key, lib_name, quick, threads):
    cmd = [sys.executable, "-m", "benchmarks.run", "--memory-probe", key, lib_name, "--threads", str(threads)]
    out = subprocess.run(
        cmd + (["--quick"] if quick else []),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}"}
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- the run ------------------------------------------------------------------------------------------------


def references(w, quick):
    """{name: step} of every reference this workload has here: PyTorch, the peers installed, the products alone."""
    refs = {}
    if torch is not None:
        refs["PyTorch"] = w.make(torch, quick)
    for name in peers.available():
        step = w.peer(name, quick) if w.peer else None
        if step is not None:
            refs[name] = step
    if w.floor:
        refs[FLOOR] = w.floor(quick)
    return refs


def run_workload(w, quick, threads, memory):
    steps = {"engine": w.make(ag, quick), **references(w, quick)}
    times, ratios, attempts, noisy = measure(steps)
    scale = w.scale(quick)
    row = {
        "key": w.key,
        "workload": w.name,
        "unit": w.unit,
        "target": w.target,
        "floor_target": w.floor_target,
        "memory_target": w.memory_target,
        "rounds": ROUNDS,
        "attempts": attempts,
        "noisy": noisy,
        "engine": quartiles([t * scale for t in times["engine"]]),
        "times": {n: quartiles([t * scale for t in ts]) for n, ts in times.items() if n != "engine"},
        "ratios": ratios,
    }
    if memory and w.memory:
        row["memory"] = {
            name: memory_in_subprocess(w.key, name, quick, threads)
            for name in (["engine", "torch"] if torch is not None else ["engine"])
        }
    return row


def run_all(quick, threads, memory, only=None):
    rows = []
    for w in WORKLOADS:
        if only and w.key not in only:
            continue
        rows.append(run_workload(w, quick, threads, memory))
        print_row(rows[-1])
    if not only or "import" in only:
        q = import_time_ms(5 if quick else 11)
        rows.append(
            {
                "key": "import",
                "workload": 'python -c "import autograd_core, nn"',
                "unit": "ms",
                "target_ms": 150.0,
                "engine": q,
                "noisy": ["engine"] if spread(q) > NOISY_SPREAD else [],
            }
        )
        print_row(rows[-1])
    return rows


# ---- tables -------------------------------------------------------------------------------------------------

REF_COLUMNS = ["PyTorch", FLOOR, "MyGrad", "micrograd"]


def fmt_ratio(q):
    digits = 2 if q[1] >= 0.1 else 3  # micrograd's ratios are thousandths
    lo, mid, hi = (f"{x:.{digits}f}" for x in q)
    return f"{mid} [{lo}-{hi}]"


def fmt_time(x):
    return f"{x:.2f}" if x < 100 else f"{x:.1f}"


def met(row):
    if row["key"] == "import":
        return "yes" if row["engine"][1] <= row["target_ms"] else "no"
    if row["target"] is None or "PyTorch" not in row.get("ratios", {}):
        return ""
    ok = row["ratios"]["PyTorch"][1] <= row["target"]
    if row.get("floor_target") is not None and FLOOR in row["ratios"]:
        ok = ok and row["ratios"][FLOOR][1] <= row["floor_target"]
    peaks = {k: m.get("rss_peak_mib") for k, m in row.get("memory", {}).items()}
    if row.get("memory_target") is not None and peaks.get("engine") is not None and peaks.get("torch"):
        ok = ok and peaks["engine"] <= row["memory_target"] * peaks["torch"]
    return "yes" if ok else "no"


def note(row):
    return f"noisy ({', '.join(row['noisy'])})" if row.get("noisy") else ""


def _memory_text(row, digits):
    mem = row.get("memory", {})
    return " / ".join(
        f"{mem[k]['rss_peak_mib']:.{digits}f}" for k in ("engine", "torch") if k in mem and "rss_peak_mib" in mem[k]
    )


HEADER = (
    f"{'workload':60} {'unit':>6} {'engine':>8} {'PyTorch':>8} "
    + " ".join(f"{'eng/' + c.split()[0]:>18}" for c in REF_COLUMNS)
    + f" {'target':>6} {'met':>4} "
    f" note / peak MiB engine / torch"
)


def format_row(row):
    """One line of the console table."""
    e = row["engine"][1]
    if row["key"] == "import":  # an absolute target; the IQR is that of the engine's own times
        lo, _, hi = row["engine"]
        line = (
            f"{row['workload']:60} {row['unit']:>6} {e:8.1f} {f'[{lo:.0f}-{hi:.0f}]':>8} "
            + " ".join(f"{'':>18}" for _ in REF_COLUMNS)
            + f" {'<=150':>6} {met(row):>4}  {note(row)}"
        )
        return line.rstrip()
    torch_t = row["times"].get("PyTorch")
    line = f"{row['workload']:60} {row['unit']:>6} {fmt_time(e):>8} {fmt_time(torch_t[1]) if torch_t else '-':>8} "
    line += " ".join(f"{fmt_ratio(row['ratios'][c]) if c in row['ratios'] else '-':>18}" for c in REF_COLUMNS)
    target = "-" if row["target"] is None else f"{row['target']:.1f}"
    line += f" {target:>6} {met(row):>4}  {note(row)}"
    mem = _memory_text(row, 1)
    if mem:
        line += f" {mem}"
        engine_mem = row["memory"].get("engine", {})
        if "tracemalloc_peak_mib" in engine_mem:
            line += f" ({engine_mem['tracemalloc_peak_mib']:.1f})"
    return line.rstrip()


def print_row(row):
    print(format_row(row), flush=True)


def markdown(rows):
    """The table as Markdown, for the README: medians, each ratio with its inter-quartile range."""
    lines = [
        "| workload | engine | PyTorch | engine / PyTorch [IQR] | engine / products alone | engine / MyGrad | "
        "engine / micrograd | target | peak memory engine / PyTorch (MiB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        e = row["engine"][1]
        if row["key"] == "import":
            lo, _, hi = row["engine"]
            lines.append(
                f"| `{row['workload']}` (median of fresh processes) | {e:.0f} ms [{lo:.0f}-{hi:.0f}] | | | "
                f"| | | <= 150 ms | {note(row)} |"
            )
            continue
        torch_t = row["times"].get("PyTorch")
        cells = [
            fmt_ratio(row["ratios"][c]) + (" noisy" if c in row["noisy"] else "") if c in row["ratios"] else ""
            for c in REF_COLUMNS
        ]
        target = "" if row["target"] is None else f"<= {row['target']}"
        if row.get("floor_target") is not None:
            target += f" (products <= {row['floor_target']})"
        if row.get("memory_target") is not None:
            target += f", memory <= {row['memory_target']:g}x"
        lines.append(
            f"| {row['workload']} | {fmt_time(e)} {row['unit']} | {fmt_time(torch_t[1]) if torch_t else ''} "
            f"| {' | '.join(cells)} | {target} | {_memory_text(row, 0)} |"
        )
    return "\n".join(lines)


def parse_threads(text):
    """'1', '2' or '1,2' -> [1], [2], [1, 2]."""
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"--threads takes counts >= 1 separated by commas, got {text!r}")
    return counts


def set_threads(n):
    from threadpoolctl import threadpool_limits

    threadpool_limits(n)
    if torch is not None:
        torch.set_num_threads(n)


def commit():
    """The tree's commit, so that a table can say what it measured (None outside a git checkout)."""
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return (out.stdout.strip() or None) if out.returncode == 0 else None


def versions():
    out = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "torch": torch.__version__ if torch is not None else None,
    }
    out.update({name: peers.version(name) for name in peers.available()})
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller sizes, no peak-memory subprocesses (each imports PyTorch): under a minute",
    )
    parser.add_argument(
        "--threads",
        type=parse_threads,
        default=[2],
        help="BLAS threads for NumPy and intra-op threads for torch; '1,2' runs the table at each",
    )
    parser.add_argument("--json", default=os.path.join(ROOT, "benchmarks", "results.json"), help="where to write")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument(
        "--only", nargs="+", help="workload keys to run: " + " ".join(w.key for w in WORKLOADS) + " import"
    )
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--memory-probe", nargs=2, metavar=("KEY", "LIB"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.memory_probe:
        set_threads(args.threads[0])
        print(json.dumps(measure_memory(*args.memory_probe, args.quick)))
        return None

    runs = []
    for threads in args.threads:
        set_threads(threads)
        meta = {
            "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
            "mode": "quick" if args.quick else "full",
            "threads": threads,
            "commit": commit(),
            **versions(),
            "cpus": os.cpu_count(),
            "load_avg_at_start": os.getloadavg(),
        }
        print()
        print(header_line(meta))
        print(HEADER)
        rows = run_all(args.quick, threads, not (args.no_memory or args.quick), args.only)
        meta["load_avg_at_end"] = os.getloadavg()
        runs.append({"meta": meta, "rows": rows})
        if args.markdown:
            print("\n" + header_line(meta) + "\n\n" + markdown(rows))
    with open(args.json, "w") as f:
        json.dump({"runs": runs}, f, indent=1)
    print(f"written: {args.json}")
    return runs


def header_line(meta):
    refs = [f"PyTorch {meta['torch']} CPU"] if meta["torch"] else ["PyTorch (not installed)"]
    refs += [f"{name} {meta[name]}" for name in peers.available()]
    return (
        f"{meta['date_utc']} UTC, {meta['mode']} run at {meta['commit']}: autograd_core (NumPy {meta['numpy']}, Python "
        f"{meta['python']}) vs {', '.join(refs)}; {meta['threads']} thread(s) each, {meta['cpus']} CPUs; "
        f"medians of {ROUNDS} interleaved rounds, ratio = median of the paired ratios [q1-q3]; "
        f"load average {meta['load_avg_at_start'][0]:.1f}"
    )


if __name__ == "__main__":
    main()
