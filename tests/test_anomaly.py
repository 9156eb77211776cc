"""detect_anomaly: the first op producing NaN/Inf is named, with its scope, shapes and creation site."""

import numpy as np
import pytest

import autograd_core as ag


def test_forward_nan_names_op_scope_shapes_and_user_line():
    x = ag.tensor([1.0, -1.0], requires_grad=True)
    with ag.detect_anomaly(), ag.name_scope("block"):
        with pytest.raises(ag.AnomalyError) as info:
            x.log()
    msg = str(info.value)
    assert "Log" in msg and "block" in msg and "(2,)" in msg and "NaN" in msg
    assert "test_anomaly.py" in msg


def test_backward_inf_names_the_op_that_made_it():
    x = ag.tensor([0.0, 4.0], requires_grad=True)
    with ag.detect_anomaly():
        y = (x.sqrt() * 2).sum()
        with pytest.raises(ag.AnomalyError, match=r"backward produced Inf.*Sqrt"):
            y.backward()
    assert x.grad is None  # the failed backward wrote nothing


def test_off_by_default_and_restored_after_the_block():
    assert not ag.is_anomaly_enabled()
    with ag.detect_anomaly():
        assert ag.is_anomaly_enabled()
    assert not ag.is_anomaly_enabled()
    with np.errstate(all="ignore"):
        y = ag.tensor([-1.0]).log()  # no error outside the mode
    assert np.isnan(y.numpy()).all()


def test_no_creation_stack_is_kept_when_off():
    x = ag.tensor([1.0], requires_grad=True)
    y = x * 2
    assert not hasattr(y._ctx, "creation_stack")
