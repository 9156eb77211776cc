"""ag.grad and second (and third) derivatives: the backward pass recorded with create_graph=True."""

import numpy as np
import pytest
from core_cases import values

import autograd_core as ag


def f64(a, requires_grad=True):
    return ag.tensor(a, dtype="float64", requires_grad=requires_grad)


SECOND = {  # f, f'' in closed form
    "tanh": (lambda x: x.tanh(), lambda a: -2 * np.tanh(a) * (1 - np.tanh(a) ** 2)),
    "sigmoid": (lambda x: x.sigmoid(), lambda a: (s := 1 / (1 + np.exp(-a))) * (1 - s) * (1 - 2 * s)),
    "exp": (lambda x: x.exp(), np.exp),
    "log": (lambda x: x.log(), lambda a: -1 / a**2),
    "sqrt": (lambda x: x.sqrt(), lambda a: -0.25 * a**-1.5),
    "x**3": (lambda x: x**3, lambda a: 6 * a),
    "1/x": (lambda x: 1 / x, lambda a: 2 / a**3),
}


@pytest.mark.parametrize("name", list(SECOND))
def test_second_derivative_in_closed_form(name):
    f, f2 = SECOND[name]
    a = values((5,), "pos")
    x = f64(a)
    (g,) = ag.grad(f(x).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = ag.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), f2(a), rtol=1e-10)


def test_second_derivative_of_matmul_is_the_other_factor():
    a, b = values((2, 3)), values((3, 4))
    x, w = f64(a), f64(b)
    (gx,) = ag.grad((x @ w).sum(), x, create_graph=True)  # = ones @ w.T: depends on w only
    (gw,) = ag.grad((gx * gx).sum(), w)
    ones = np.ones((2, 4))
    np.testing.assert_allclose(gw.numpy(), 2 * (ones @ b.T).T @ ones, rtol=1e-12)


def test_third_derivative():
    x = f64([0.3, -0.8])
    (g1,) = ag.grad((x**4).sum(), x, create_graph=True)
    (g2,) = ag.grad(g1.sum(), x, create_graph=True)
    (g3,) = ag.grad(g2.sum(), x)
    np.testing.assert_allclose(g3.numpy(), 24 * x.numpy())


COMPOSITES = {
    "tanh(x@w)": (lambda x, w: (x @ w).tanh(), ((2, 3), (3, 2))),
    "sigmoid*exp": (lambda x, w: x.sigmoid() * w.exp(), ((2, 3), (3,))),
    "softmax": (lambda x, w: (x * w).softmax(-1), ((2, 3), (3,))),
    "log_softmax": (lambda x, w: (x @ w).log_softmax(0), ((2, 3), (3, 2))),
    "logsumexp": (lambda x, w: (x * w).logsumexp(1), ((2, 3), (3,))),
    "var": (lambda x, w: (x * w).var(0), ((2, 3), (3,))),
    "max*": (lambda x, w: (x * w).max(1) * w.sum(), ((2, 3), (3,))),
    "getitem": (lambda x, w: (x[:, np.array([0, 0, 2])] * w) ** 2, ((2, 3), (3,))),
    "pad+window": (lambda x, w: ag.sliding_window(ag.pad(x * x, 1), 2, 2) * w[:2], ((2, 3), (3,))),
    "concat": (lambda x, w: ag.concatenate([x * w, x.exp()], axis=0) ** 2, ((2, 3), (3,))),
    "maximum": (lambda x, w: ag.maximum(x, w) * x, ((2, 3), (3,))),
    "where": (lambda x, w: ag.where(x.data > 0, x * w, w * w), ((2, 3), (3,))),
}


@pytest.mark.parametrize("name", list(COMPOSITES))
def test_gradgradcheck_composites(name):
    f, shapes = COMPOSITES[name]
    ts = [f64(values(s, "distinct")) for s in shapes]
    assert ag.gradgradcheck(f, ts)


def test_grad_returns_tuple_and_leaves_dot_grad_untouched():
    x, w = f64([1.0, 2.0]), f64([3.0, 4.0])
    y = (x * w).sum()
    gx, gw = ag.grad(y, [x, w])
    np.testing.assert_allclose(gx.numpy(), [3, 4])
    np.testing.assert_allclose(gw.numpy(), [1, 2])
    assert x.grad is None and w.grad is None
    assert isinstance(ag.grad((x * 2).sum(), x), tuple)


def test_grad_outputs_for_non_scalar_and_multiple_outputs():
    x = f64([1.0, 2.0])
    (g,) = ag.grad(x * 3, x, grad_outputs=ag.tensor([1.0, -1.0], dtype="float64"))
    np.testing.assert_allclose(g.numpy(), [3, -3])
    (g,) = ag.grad([x * 3, x * x], x, grad_outputs=[np.ones(2), np.array([1.0, 0.0])])
    np.testing.assert_allclose(g.numpy(), [3 + 2, 3])
    with pytest.raises(ValueError, match="grad_outputs"):
        ag.grad([x * 3, x * x], x, grad_outputs=[np.ones(2)])
    with pytest.raises(RuntimeError, match="scalar"):
        ag.grad(x * 3, x)


def test_grad_allow_unused():
    x, z = f64([1.0]), f64([2.0])
    with pytest.raises(RuntimeError, match="allow_unused"):
        ag.grad((x * 2).sum(), [x, z])
    gx, gz = ag.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert gz is None and gx.item() == 2


def test_grad_retain_graph():
    x = f64([1.0, 2.0])
    y = (x.exp()).sum()
    ag.grad(y, x, retain_graph=True)
    (g,) = ag.grad(y, x)
    np.testing.assert_allclose(g.numpy(), np.exp([1.0, 2.0]))
    with pytest.raises(RuntimeError, match="retain_graph"):
        ag.grad(y, x)


def test_grad_create_graph_retains_the_graph_by_default():
    x = f64([1.0, 2.0])
    y = (x**3).sum()
    ag.grad(y, x, create_graph=True)
    (g,) = ag.grad(y, x)  # no error: create_graph implies retain_graph
    np.testing.assert_allclose(g.numpy(), 3 * x.numpy() ** 2)


def test_grad_with_respect_to_non_leaf():
    x = f64([1.0, 2.0])
    h = x * x
    y = (h.tanh()).sum()
    gh, gx = ag.grad(y, [h, x])
    np.testing.assert_allclose(gh.numpy(), 1 - np.tanh(h.numpy()) ** 2)
    np.testing.assert_allclose(gx.numpy(), gh.numpy() * 2 * x.numpy())


def test_grad_input_not_requiring_grad_raises():
    x, c = f64([1.0]), f64([1.0], requires_grad=False)
    with pytest.raises(RuntimeError, match="input 1"):
        ag.grad((x * c).sum(), [x, c])


def test_backward_create_graph_gives_differentiable_dot_grad():
    x = f64([0.5, -1.0])
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    (g2,) = ag.grad(x.grad.sum(), x)
    np.testing.assert_allclose(g2.numpy(), 6 * x.numpy())


def test_hook_under_create_graph_receives_a_differentiable_tensor():
    x = f64([0.5, 2.0])
    x.register_hook(lambda g: g * x)  # the replaced gradient depends on x itself
    (g,) = ag.grad((x * x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 2 * x.numpy() ** 2)
    (gg,) = ag.grad(g.sum(), x)  # d(2x^2)/dx = 4x, and the hook fires again on it (as in PyTorch): 4x^2
    np.testing.assert_allclose(gg.numpy(), 4 * x.numpy() ** 2)
