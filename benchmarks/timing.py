"""Interleaved timing, shared by benchmarks/run.py and benchmarks/split.py."""

import gc
import time


def paired_times(steps, rounds):
    """Seconds of each step over `rounds` rounds; steps take turns and the order flips every round."""
    for step in steps:
        step()  # warm-up: lazy imports, first-call allocations
    times = [[] for _ in steps]
    for r in range(rounds):
        order = range(len(steps)) if r % 2 == 0 else reversed(range(len(steps)))
        for i in order:
            # Garbage of the other library's step is not this step's cost: collect the young generation, where it
            # is. Not a full gc.collect(): with PyTorch imported that walks ~170k objects and leaves the caches
            # cold for the timed step, which no training loop does.
            gc.collect(0)
            t0 = time.perf_counter()
            steps[i]()
            times[i].append(time.perf_counter() - t0)
    return times
