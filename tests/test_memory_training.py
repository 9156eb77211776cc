"""A small LSTM trained for 2,000 steps: memory per step stays flat and no engine object ends up in a cycle."""

import gc
import tracemalloc

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

STEPS = 2000


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 4)
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[-1])


def _engine_objects(objects):
    kinds = (ag.Tensor, ag.Function, nn.Module)
    return [o for o in objects if issubclass(type(o), kinds)]  # type(): isinstance would run other libraries' hooks


def _train(steps, keep=None):
    """Train with Adam and clipping under tracemalloc. Returns the peak of each step above the memory at its
    start, and every 200 steps the memory held after a full collection and the number of live engine objects."""
    model = Classifier()
    opt = nn.optim.Adam(model.parameters(), lr=1e-2)
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 2, 2)), dtype=np.float32)  # (T, B, I): tiny
    y = np.array([0, 1])
    held, live = np.zeros(steps // 200), np.zeros(steps // 200)  # preallocated: a growing list looks like a leak
    peak = np.zeros(steps)
    for i in range(steps):
        start = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if keep is not None:
            keep(loss)
        peak[i] = tracemalloc.get_traced_memory()[1] - start
        if (i + 1) % 200 == 0:
            gc.collect()  # with DEBUG_SAVEALL on, anything in a cycle is kept in gc.garbage for the caller to see
            held[i // 200] = tracemalloc.get_traced_memory()[0]
            live[i // 200] = len(_engine_objects(gc.get_objects()))
    return held, live, peak


def _train_watched(steps=STEPS, keep=None):
    """_train with the collector off between checkpoints; also returns the engine objects found in cycles."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # everything the collector frees lands in gc.garbage, where we can look
    tracemalloc.start()
    try:
        held, live, peak = _train(steps, keep)
        cycles = _engine_objects(gc.garbage)
    finally:
        tracemalloc.stop()
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return held, live, peak, cycles


def test_two_thousand_lstm_steps_keep_memory_flat_and_make_no_cycles():
    held, live, peak, cycles = _train_watched()
    assert cycles == [], f"{len(cycles)} engine objects were only reachable through cycles: {cycles[:5]}"
    assert (live == live[0]).all(), f"live Tensors, Functions and Modules every 200 steps: {live}"
    early, late = np.median(peak[100:300]), np.median(peak[-200:])  # the first steps fill caches and Adam's state
    assert late <= early * 1.02 + 1024, f"peak per step grew from {early:.0f} B to {late:.0f} B"
    # CPython and NumPy keep a few small blocks (shape tuples) per step for a while: about 7 B a step, slowing
    # down; one leaked graph node per step would be hundreds
    growth = held[-1] - held[1]
    assert growth < 32_000, f"memory held between steps grew by {growth:.0f} B from step 400 to {STEPS}: {held}"


def test_the_memory_check_sees_a_leak_of_one_graph_per_step():
    """The checks above can fail: keeping each step's loss (and so its graph's nodes) shows as growth."""
    kept = []
    held, live, _, _ = _train_watched(600, keep=kept.append)
    assert live[-1] > live[0] + 1000 and held[-1] - held[1] > 200_000
