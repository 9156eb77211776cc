"""An opt-in garbage-collection policy: CPython's full collections made 10x rarer (never set on import; revertible).

Why: every recorded op leaves a few long-lived Python objects (its node, its output Tensor, the tuple of its
inputs). A long graph makes CPython collect its oldest generation again and again, and each full collection walks
every object of the process: the graph, and everything imported (PyTorch alone adds ~150k objects). Measured on a
60k-op scalar chain: forward 7.8 µs/op with CPython's default thresholds, 2.4 µs/op with full collections after
100 middle-generation collections instead of 10 (benchmarks/run.py; the backward pass showed no GC cost, so a
policy scoped to backward would not help). Graphs hold no reference cycles (tests/test_memory.py), so rarer full
collections delay nothing the engine makes; young-generation collections are left as CPython sets them.
Importing the engine changes no process setting, so a program opts in by calling `relax_full_collections()`;
`restore_python_gc()` puts back the thresholds found when autograd_core was imported. Past a few million objects
CPython still collects whenever the old generation grew by 25%, which no threshold changes: a 1e6-op chain's forward
takes 4.1 s with this policy, 5.7 s without, 1.9 s with the collector off (gc.disable / gc.freeze are the user's call).
"""

from __future__ import annotations

import gc

__all__ = ["relax_full_collections", "restore_python_gc"]

FULL_COLLECTION_INTERVAL = 100  # CPython's default third threshold is 10
_before = gc.get_threshold()


def relax_full_collections(interval: int = FULL_COLLECTION_INTERVAL) -> None:
    """Collect the oldest generation at most every `interval` middle-generation collections."""
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, interval))


def restore_python_gc() -> None:
    """CPython's thresholds as they were before autograd_core was imported."""
    gc.set_threshold(*_before)
