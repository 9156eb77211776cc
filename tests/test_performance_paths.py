"""The shortcuts taken for speed (GC policy, shared constants, fused paths) keep the engine's results exact."""
import gc

import numpy as np
import pytest

import autograd_core as ag
from autograd_core import gc_policy


def test_full_collections_relaxed_on_import_and_restorable():
    young, middle, full = gc.get_threshold()
    assert full >= gc_policy.FULL_COLLECTION_INTERVAL
    try:
        gc_policy.restore_python_gc()
        assert gc.get_threshold() == gc_policy._before
    finally:
        gc_policy.relax_full_collections()
    assert gc.get_threshold()[2] >= gc_policy.FULL_COLLECTION_INTERVAL


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
