"""The shortcuts taken for speed (GC policy, shared constants, fused paths) keep the engine's results exact."""

import gc

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import gc_policy


def test_full_collections_relaxed_only_on_request_and_restorable():
    before = gc.get_threshold()
    try:
        gc_policy.relax_full_collections()
        assert gc.get_threshold()[2] >= gc_policy.FULL_COLLECTION_INTERVAL
    finally:
        gc.set_threshold(*before)


def test_float_operands_share_a_read_only_constant():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    a, b = x * 1.5, x * 1.5
    ca, cb = a._ctx.parents[1], b._ctx.parents[1]
    assert ca is cb and not ca.requires_grad
    with pytest.raises(ValueError):
        ca.data[...] = 3.0
    (a + b).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


def test_negative_zero_operand_keeps_its_sign():
    x = ag.tensor([1.0, 2.0])
    assert np.signbit((x * -0.0).numpy()).all()
    assert not np.signbit((x * 0.0).numpy()).any()


# ---- slices send back a Scattered gradient, added in place into one buffer per input -------------------------


def _f64(*shape, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape), dtype="float64", requires_grad=True)


def test_loop_over_slices_gives_the_gradient_of_the_whole():
    x = _f64(6, 3, 4)
    w = np.random.default_rng(1).standard_normal((6, 3, 4))
    total = None
    for t in range(6):
        term = (x[t] * w[t]).tanh().sum()
        total = term if total is None else total + term
    total.backward()
    np.testing.assert_allclose(x.grad.numpy(), w * (1 - np.tanh(x.numpy() * w) ** 2), rtol=1e-12)


def test_scattered_equals_the_scatter_add_composition():
    """The in-place path and ScatterAdd (what create_graph records) give the same numbers, overlaps included."""
    x = _f64(5, 4)

    def f(t):
        return (t[1:4] * t[0:3]).sum() + (t[:, 2] ** 2).sum() + t[4, None].exp().sum() + (t * 3.0).sum()

    (fast,) = ag.grad(f(x), x)
    (recorded,) = ag.grad(f(x), x, create_graph=True)  # GetItem.backward on Tensors: the ScatterAdd primitive
    np.testing.assert_allclose(fast.numpy(), recorded.numpy(), rtol=1e-12)
    assert ag.gradcheck(f, [x])


def test_in_place_accumulation_leaves_shared_gradients_alone():
    """Add sends one array to both inputs; accumulating into one of them must not change the other."""
    x, y = _f64(3, seed=1), _f64(3, seed=2)
    s = x + y
    out = (s * 2.0).sum() + (x * 5.0).sum() + (y[0:2] * 7.0).sum()
    out.backward()
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 7.0, 7.0])
    np.testing.assert_allclose(y.grad.numpy(), [9.0, 9.0, 2.0])


def test_zero_d_contributions_accumulate():
    x = ag.tensor(0.7, dtype="float64", requires_grad=True)
    a = x.tanh()
    (a * a + a.exp() + a * 3.0).backward()
    t = np.tanh(0.7)
    np.testing.assert_allclose(x.grad.numpy(), (2 * t + np.exp(t) + 3) * (1 - t * t))


def test_hook_sees_the_whole_accumulated_slice_gradient():
    x = _f64(4, 2)
    seen = []
    h = x * 1.0
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    (h[0:2].sum() + h[1:3].sum() * 2.0).backward()
    np.testing.assert_allclose(seen[0], [[1, 1], [3, 3], [2, 2], [0, 0]])


def test_malloc_policy_applies_on_glibc_and_releases():
    import platform

    from autograd_core import malloc_policy

    on_glibc = platform.libc_ver()[0] == "glibc"
    assert malloc_policy.keep_freed_memory() == on_glibc
    big = np.ones(1 << 22)  # 32 MiB, freed at once: kept by the process until released
    del big
    malloc_policy.release_freed_memory()  # True only if memory went back; must not fail either way
    assert malloc_policy.keep_freed_memory() == on_glibc


def test_import_loads_nothing_heavy():
    """`import autograd_core, nn` stays fast: no numpy.random (made on first use), no plotting, no torch."""
    import subprocess
    import sys

    code = (
        "import sys, autograd_core, nn; print(sorted(m for m in ('numpy.random', 'graphviz', 'matplotlib', "
        "'torch', 'ctypes.util') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_gradient_recorders_see_a_slice_gradient_as_an_array():
    from autograd_core import graph

    seen = {}

    def record(t, g, input_grads):
        seen[id(t)] = input_grads

    x = _f64(4, 2)
    y = x * 1.0
    s = y[1:3]
    with graph.recording(record):
        (s * 2.0).sum().backward()
    sent = seen[id(s)][0]
    assert isinstance(sent, np.ndarray)
    np.testing.assert_array_equal(sent, [[0, 0], [2, 2], [2, 2], [0, 0]])


def test_getitem_backward_called_directly_gives_a_whole_array():
    """Tools that call an op's backward themselves (viz.check) get an ndarray; only the pass uses Scattered."""
    from autograd_core.ops.movement import GetItem

    x = _f64(3, 2)
    y = x[1:]
    g = np.ones((2, 2))
    dense = GetItem.backward(y._ctx, g)
    assert isinstance(dense, np.ndarray)
    np.testing.assert_array_equal(dense, GetItem.sparse_backward(y._ctx, g).dense())


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_rnn_one_matmul_projection_equals_the_per_step_one(kind, batch_first):
    """Layers project all steps in one matmul; under detect_anomaly step by step: same outputs and gradients."""
    import nn

    nn.init.manual_seed(0)
    layer = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, batch_first=batch_first).double()
    xs = np.random.default_rng(0).standard_normal((5, 2, 3))

    def run():
        x = ag.tensor(xs, dtype="float64", requires_grad=True)
        out = layer(x)[0]
        (out * out).sum().backward()
        grads = [x.grad.numpy()] + [p.grad.numpy().copy() for p in layer.parameters()]
        layer.zero_grad()
        return out.numpy(), grads

    fused = run()
    with ag.detect_anomaly():
        per_step = run()
    np.testing.assert_allclose(fused[0], per_step[0], rtol=1e-12, atol=1e-14)
    for a, b in zip(fused[1], per_step[1]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


# ---- a leaf's .grad is its own array: never another leaf's, the caller's, a hook's or a retained graph's -------


def test_leaves_given_one_array_get_their_own_copies():
    a, b = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0, 4.0], requires_grad=True)
    ((a + b) * 2.0).sum().backward()  # Mul makes a fresh array, Add hands that one array to both
    a.grad.data *= 10
    np.testing.assert_array_equal(b.grad.numpy(), [2.0, 2.0])
    assert not np.shares_memory(a.grad.data, b.grad.data)


def test_the_callers_gradient_and_a_hooks_copy_are_never_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    upstream = np.array([5.0, 6.0])
    seen = []
    x.register_hook(lambda g: seen.append(g))
    (x + 0).backward(upstream)  # Add passes the caller's array straight through
    x.grad.data[...] = 0
    np.testing.assert_array_equal(upstream, [5.0, 6.0])
    np.testing.assert_array_equal(seen[0].numpy(), [5.0, 6.0])


def test_a_gradient_taken_as_grad_is_not_reused_by_a_retained_graph():
    x = ag.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    w = ag.tensor(np.ones((3, 2)), requires_grad=True)
    z = (x @ w).sum()
    z.backward(retain_graph=True)
    first = x.grad.numpy().copy()
    x.grad.data *= 0  # in place, as an optimizer or clipping would
    w.grad.data *= 0
    z.backward()
    np.testing.assert_array_equal(x.grad.numpy(), first)
    np.testing.assert_array_equal(w.grad.numpy(), [[3.0, 3.0], [5.0, 5.0], [7.0, 7.0]])
