"""In-place safety: version counters, errors when a saved tensor was changed, parameter updates still work."""

import numpy as np
import pytest

import autograd_core as ag


def test_inplace_ops_bump_the_version():
    c = ag.tensor([1.0, 2.0])
    assert c.version == 0
    c += 1
    c *= 2
    c -= 1
    c /= 2
    c[0] = 5.0
    assert c.version == 5
    np.testing.assert_allclose(c.numpy(), [5.0, 2.5])


def test_backward_through_a_modified_saved_input_raises_naming_the_op():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0], name="c")
    y = (w * c).sum()
    c *= 2
    with pytest.raises(RuntimeError, match=r"'c'.*Mul saved for its backward was modified in place"):
        y.backward()


def test_backward_through_a_modified_saved_output_raises():
    x = ag.tensor([0.5, 1.0], requires_grad=True)
    y = x.tanh()
    loss = y.sum()  # Sum saves nothing, so only Tanh's saved output is at stake
    with ag.no_grad():
        y += 1
    with pytest.raises(RuntimeError, match="output tensor.*Tanh"):
        loss.backward()


def test_modifying_an_input_the_backward_does_not_need_is_fine():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    y = (w + c).sum()  # Add saves no arrays
    c += 1
    y.backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 1.0])


def test_modification_through_a_detached_view_is_seen():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    d = w.detach()
    d += 1
    assert w.version == 1
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_inplace_on_a_leaf_that_requires_grad_raises_outside_no_grad():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="no_grad"):
        w += 1
    with pytest.raises(RuntimeError, match="no_grad"):
        w[0] = 3.0
    np.testing.assert_allclose(w.numpy(), [1.0, 2.0])


def test_parameter_update_under_no_grad_works_and_keeps_identity():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    data_before = w.data
    with ag.no_grad():
        w -= 0.5 * w.grad
    assert w.data is data_before  # really in place
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0])
    (w * 3).sum().backward()  # a new graph after the update is fine


def test_inplace_with_a_tensor_that_requires_grad_is_recorded_out_of_place():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0])
    c_before = c
    c += w * w
    assert c is not c_before and c.requires_grad
    c.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), [2.0, 4.0])
    np.testing.assert_allclose(c_before.numpy(), [3.0, 4.0])


def test_bad_inplace_names_shapes_and_dtypes():
    c = ag.tensor([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2, 3\)"):
        c += np.ones((2, 3))
    i = ag.tensor([1, 2])
    with pytest.raises(TypeError, match="int64"):
        i += 0.5
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        c[0:2] = np.ones(3)
