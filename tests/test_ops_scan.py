"""Products, scans, sorting, top-k, median, norms, any/all: forward == NumPy, gradcheck and gradgradcheck in float64,
PyTorch's values, indices and gradients where it is installed."""

import numpy as np
import pytest
from core_cases import check_op, values

import autograd_core as ag

try:
    import torch
except ImportError:
    torch = None


def _t(a):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


@pytest.mark.parametrize("shape, axis", [((5,), None), ((3, 4), 0), ((3, 4), 1), ((2, 3, 4), -1), ((3, 4), None)])
def test_prod_cumsum_cumprod(shape, axis):
    a = values(shape)
    check_op(lambda t: t.prod(axis), lambda x: np.prod(x, axis=axis), a)
    check_op(lambda t: t.cumsum(axis), lambda x: np.cumsum(x, axis=axis), a)
    check_op(lambda t: t.cumprod(axis), lambda x: np.cumprod(x, axis=axis), a)
    check_op(lambda t: ag.prod(t, axis, keepdims=True), lambda x: np.prod(x, axis=axis, keepdims=True), a)


def test_prod_and_cumprod_gradients_are_exact_at_zeros():
    a = np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 5.0], [1.0, 2.0, 4.0]])
    x = _t(a)
    x.prod(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 6, 0], [0, 0, 0], [8, 4, 2]])
    assert ag.gradcheck(lambda t: t.cumprod(1), [_t(a)])
    assert ag.gradgradcheck(lambda t: t.prod(1), [_t(a)])
    assert ag.prod(ag.zeros(0)).item() == 1.0 and ag.zeros(2, 0).prod(1).shape == (2,)


@pytest.mark.parametrize("name", ["cummax", "cummin"])
def test_cummax_cummin_values_and_gradient_to_the_element_picked(name):
    a = np.array([[1.0, 3.0, 2.0, 3.0, 5.0], [4.0, 1.0, 4.0, 0.0, -1.0]])
    x = _t(a)
    r = getattr(x, name)(1)
    acc = np.maximum if name == "cummax" else np.minimum
    np.testing.assert_array_equal(r.values.numpy(), acc.accumulate(a, axis=1))
    np.testing.assert_array_equal(np.take_along_axis(a, r.indices.numpy(), 1), r.values.numpy())
    assert ag.gradcheck(lambda t: getattr(t, name)(1).values, [_t(values((3, 5), "distinct"))])
    if torch is not None:
        tr = getattr(torch.tensor(a), name)(1)
        np.testing.assert_array_equal(r.indices.numpy(), tr.indices.numpy())


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_sort_argsort_topk(axis, descending):
    a = values((4, 5), "distinct")
    want = np.sort(a, axis=axis)
    want = np.flip(want, axis) if descending else want
    check_op(lambda t: t.sort(axis, descending), lambda x: want, a)
    r = _t(a).sort(dim=axis, descending=descending)
    np.testing.assert_array_equal(np.take_along_axis(a, r.indices.numpy(), axis), r.values.numpy())
    np.testing.assert_array_equal(_t(a).argsort(axis, descending).numpy(), r.indices.numpy())
    k = 2
    top = _t(a).topk(k, dim=axis)
    np.testing.assert_array_equal(top.values.numpy(), np.take(np.flip(np.sort(a, axis), axis), range(k), axis=axis))
    low = _t(a).topk(k, dim=axis, largest=False)
    np.testing.assert_array_equal(low.values.numpy(), np.take(np.sort(a, axis), range(k), axis=axis))
    np.testing.assert_array_equal(np.take_along_axis(a, low.indices.numpy(), axis), low.values.numpy())
    check_op(
        lambda t: t.topk(k, dim=axis).values, lambda x: np.take(np.flip(np.sort(x, axis), axis), range(k), axis=axis), a
    )


def test_sort_is_stable_and_topk_checks_k():
    a = np.array([2.0, 1.0, 2.0, 1.0])
    np.testing.assert_array_equal(_t(a).argsort().numpy(), [1, 3, 0, 2])
    with pytest.raises(ValueError, match="topk: k"):
        _t(a).topk(5)


@pytest.mark.parametrize("shape, axis", [((5,), None), ((4,), None), ((3, 4), 1), ((3, 5), 0)])
def test_median_numpy_style_averages_the_two_middle_values(shape, axis):
    a = values(shape, "distinct")
    check_op(lambda t: t.median(axis), lambda x: np.median(x, axis=axis), a)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("n", [4, 5])
def test_median_with_dim_is_pytorchs_lower_median_and_index(n):
    a = values((3, n), "distinct")
    r = _t(a).median(dim=1)
    tr = torch.tensor(a).median(dim=1)
    np.testing.assert_array_equal(r.values.numpy(), tr.values.numpy())
    np.testing.assert_array_equal(r.indices.numpy(), tr.indices.numpy())


@pytest.mark.parametrize("p", [1, 2, 3, 2.5])
@pytest.mark.parametrize("axis", [None, 0, 1, (0, 1)])
def test_p_norms(p, axis):
    a = values((3, 4), "away")
    ref = lambda x: np.sum(np.abs(x) ** p, axis=axis) ** (1 / p)
    check_op(lambda t: t.norm(p, axis), ref, a)
    check_op(
        lambda t: ag.norm(t, p=p, dim=axis, keepdim=True),
        lambda x: np.sum(np.abs(x) ** p, axis=axis, keepdims=True) ** (1 / p),
        a,
        gradgrad=False,
    )


def test_inf_zero_and_fro_norms_and_the_gradient_at_zero():
    a = values((3, 4), "distinct")
    x = _t(a)
    assert x.norm(np.inf).item() == np.abs(a).max() and x.norm(-np.inf).item() == np.abs(a).min()
    assert x.norm(0).item() == np.count_nonzero(a)
    np.testing.assert_allclose(x.norm("fro").item(), np.linalg.norm(a))
    z = ag.zeros(3, dtype="float64", requires_grad=True)
    z.norm().backward()
    np.testing.assert_array_equal(z.grad.numpy(), [0.0, 0.0, 0.0])  # PyTorch's subgradient, not NaN
    with pytest.raises(ValueError, match="norm: ord"):
        x.norm(0.5)
    with pytest.raises(TypeError):
        x.norm(2, p=2)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_norm_and_prod_gradients_equal_pytorchs():
    a = np.array([[2.0, 0.0, -3.0], [0.0, 0.0, 0.0]])
    for ours, theirs in [
        (lambda t: t.norm(dim=1).sum(), lambda t: t.norm(dim=1).sum()),
        (lambda t: t.prod(1).sum(), lambda t: t.prod(1).sum()),
        (lambda t: t.cumprod(1).sum(), lambda t: t.cumprod(1).sum()),
    ]:
        x, tx = _t(a), torch.tensor(a, requires_grad=True)
        ours(x).backward()
        theirs(tx).backward()
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())


def test_amax_amin_share_ties_and_any_all():
    x = _t([[1.0, 3.0, 3.0], [0.0, -1.0, 2.0]])
    x.amax(1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0.5, 0.5], [0, 0, 1]])
    assert x.amin(dim=0).shape == (3,)
    b = ag.tensor([[True, False], [True, True]])
    assert not b.all().item() and b.any().item()
    np.testing.assert_array_equal(b.all(dim=1).numpy(), [False, True])
    np.testing.assert_array_equal(ag.any(b, axis=0).numpy(), [True, True])


def test_empty_tensors_flow_through_scans_and_sorts():
    e = ag.zeros(0, 3, dtype="float64", requires_grad=True)
    for make in (
        lambda: e.sort(0),
        lambda: e.cumsum(0),
        lambda: e.cumprod(0),
        lambda: e.cummax(0).values,
        lambda: e.topk(0, dim=0).values,
        lambda: e.prod(1),
    ):
        y = make()
        assert y.size == 0
        y.sum().backward()
        assert e.grad.shape == (0, 3)
    assert e.prod(0).shape == (3,) and (e.prod(0).numpy() == 1).all()
    assert e.norm().item() == 0.0 and e.argmax(dim=1).shape == (0,)
    with pytest.raises(ValueError, match="empty"):
        e.argmax(dim=0)
