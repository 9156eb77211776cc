"""Graphs are freed by reference counting alone (no cycles) and backward frees saved arrays."""

import gc
import weakref

import numpy as np

import autograd_core as ag


def _engine_objects_in_cycles(fn):
    gc.collect()
    gc.disable()
    try:
        gc.set_debug(gc.DEBUG_SAVEALL)
        fn()
        gc.collect()
        found = [o for o in gc.garbage if isinstance(o, (ag.Tensor, ag.Function))]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return found


def test_a_training_step_leaves_no_engine_objects_in_cycles():
    w = ag.tensor(np.random.default_rng(0).standard_normal((4, 3)), requires_grad=True)

    def step():
        for _ in range(5):
            x = ag.randn(8, 4, rng=1)
            h = (x @ w).tanh()
            h.retain_grad()
            h.register_hook(lambda g: g * 1.0)
            loss = (h * h).mean()
            loss.backward()
            w.grad = None

    assert _engine_objects_in_cycles(step) == []


def test_graph_is_released_when_the_output_goes():
    x = ag.tensor(np.ones(3), requires_grad=True)
    y = (x * 2).exp()
    node = weakref.ref(y._ctx)
    mid = weakref.ref(y._ctx.parents[0])
    del y
    assert node() is None and mid() is None


def test_backward_frees_saved_arrays_unless_retained():
    x = ag.tensor(np.ones(3), requires_grad=True)
    y = (x * x).sum()
    mul = y._ctx.parents[0]._ctx
    y.backward(retain_graph=True)
    assert hasattr(mul, "x")
    y.backward()
    assert not hasattr(mul, "x") and mul.freed
