"""The backward pass's gradient recorder hook (autograd_core.graph.recording), used by viz."""

import numpy as np

import autograd_core as ag
from autograd_core import graph


def _recording():
    seen = []

    def on_grad(t, g, input_grads):
        seen.append((t, np.array(g), input_grads))

    return seen, on_grad


def test_recorder_sees_every_tensor_once_with_its_complete_gradient():
    x = ag.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    y = x * x  # x used twice: its gradient is complete only after both uses
    z = (y + x).sum()
    seen, on_grad = _recording()
    with graph.recording(on_grad):
        z.backward()
    by_tensor = {id(t): (g, ig) for t, g, ig in seen}
    assert len(seen) == len(by_tensor) == 4  # z, y+x, y, x
    np.testing.assert_allclose(by_tensor[id(x)][0], 2 * x.data + 1)
    np.testing.assert_allclose(by_tensor[id(x)][0], x.grad.data)
    assert by_tensor[id(x)][1] is None  # a leaf sends nothing further
    gy, (gx1, gx2) = by_tensor[id(y)]
    np.testing.assert_allclose(gy, np.ones(3))
    np.testing.assert_allclose(gx1, x.data)  # Mul's contribution to each input
    np.testing.assert_allclose(gx2, x.data)
    assert [t for t, _, _ in seen][0] is z  # reverse topological order: the output first


def test_no_recorder_means_no_calls_and_same_gradients():
    x = ag.tensor([0.5, -1.0], dtype="float64", requires_grad=True)
    (x.tanh() * 3).sum().backward()
    np.testing.assert_allclose(x.grad.data, 3 * (1 - np.tanh(x.data) ** 2))
    assert ag.state.recorders.get() == ()
