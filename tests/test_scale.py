"""An LSTM unrolled over 10,000 steps backpropagates (no recursion) in memory proportional to its graph."""

import sys
import tracemalloc

import numpy as np

import autograd_core as ag
import nn


def _peak_of_forward_backward(lstm, steps):
    """tracemalloc peak (bytes) of one forward + backward over `steps` steps, batch 1."""
    x = ag.tensor(np.random.default_rng(steps).standard_normal((steps, 1, 4)), dtype=np.float32)  # no grad needed
    lstm.zero_grad()
    tracemalloc.start()
    try:
        out, (h, c) = lstm(x)
        (out[-1].sum() + c.sum()).backward()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak


def test_lstm_over_ten_thousand_steps_backpropagates_in_linear_memory():
    lstm = nn.LSTM(4, 32)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)  # Python's default: recursion anywhere (toposort, backward, freeing) would fail
    try:
        peaks = {t: _peak_of_forward_backward(lstm, t) for t in (2500, 5000, 10000)}
    finally:
        sys.setrecursionlimit(limit)
    for name, p in lstm.named_parameters():
        assert p.grad is not None and np.isfinite(p.grad.numpy()).all(), name
    per_step = {t: p / t for t, p in peaks.items()}
    print("tracemalloc peak per step (B):", per_step)  # visible with -s
    assert 1.8 < peaks[5000] / peaks[2500] < 2.2, peaks
    assert 1.8 < peaks[10000] / peaks[5000] < 2.2, peaks
    assert per_step[10000] < 64_000, per_step  # a few kB of nodes and (1, 32)-sized arrays per step
