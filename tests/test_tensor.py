"""Tensor basics: creation, dtypes (default float32, preservation through ops), array protocol, repr."""

import numpy as np
import pytest

import autograd_core as ag


@pytest.fixture
def default_float64():
    ag.set_default_dtype(np.float64)
    yield
    ag.set_default_dtype(np.float32)


def test_array_like_properties():
    t = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert isinstance(t.numpy(), np.ndarray) and t.numpy() is t.data
    np.testing.assert_array_equal(np.asarray(t), t.data)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert t.tolist() == [[1, 2, 3], [4, 5, 6]]
    assert ag.tensor(2.5).item() == 2.5 and float(ag.tensor(2.5)) == 2.5 and int(ag.tensor(3)) == 3
    assert [r.shape for r in t] == [(3,), (3,)]
    with pytest.raises(ValueError, match="one element"):
        t.item()
    with pytest.raises(TypeError, match="0-d"):
        len(ag.tensor(1.0))


def test_default_dtype_is_float32_and_settable(default_float64):
    assert ag.get_default_dtype() == np.float64
    assert ag.tensor([1.0]).dtype == np.float64
    ag.set_default_dtype(np.float32)
    assert ag.tensor([1.0]).dtype == np.float32 and ag.tensor(1.5).dtype == np.float32
    assert ag.zeros(2, 3).dtype == np.float32 and ag.randn(2, rng=0).dtype == np.float32
    with pytest.raises(TypeError, match="floating"):
        ag.set_default_dtype(np.int32)


def test_arrays_and_explicit_dtypes_keep_their_dtype():
    assert ag.tensor(np.zeros(2)).dtype == np.float64
    assert ag.tensor([1, 2]).dtype.kind == "i"
    assert ag.tensor([1.0], dtype="float64").dtype == np.float64
    assert ag.tensor(np.float64(0.1)).dtype == np.float64
    assert ag.tensor([True, False]).dtype == bool


def test_creation_functions():
    np.testing.assert_array_equal(ag.zeros((2, 3)).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(ag.ones(2, 3).numpy(), np.ones((2, 3)))
    np.testing.assert_array_equal(ag.full((2,), 7.0).numpy(), [7, 7])
    np.testing.assert_array_equal(ag.full(3, 1.5).numpy(), [1.5] * 3)
    x = ag.tensor(np.ones((2, 2)))
    assert ag.zeros_like(x).dtype == np.float64 and ag.ones_like(x).shape == (2, 2)
    assert ag.arange(5).dtype.kind == "i" and ag.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_array_equal(ag.arange(2, 5).numpy(), [2, 3, 4])
    np.testing.assert_array_equal(ag.randn(3, 2, rng=1).numpy(), ag.randn((3, 2), rng=1).numpy())
    r = ag.rand(100, rng=0).numpy()
    assert r.min() >= 0 and r.max() < 1
    assert ag.zeros(2, requires_grad=True).requires_grad


def test_tensor_copies_a_tensor_or_an_array():
    a = ag.tensor([1.0, 2.0])
    b = ag.tensor(a)
    b.data[0] = 9
    assert a.data[0] == 1
    arr = np.zeros(2)
    w = ag.tensor(arr, requires_grad=True)
    w.data -= 1.0  # an SGD step in place
    assert arr[0] == 0 and w.data[0] == -1


def test_integer_and_bool_tensors_cannot_require_grad():
    for data in ([1, 2], [True, False]):
        with pytest.raises(TypeError, match="floating"):
            ag.tensor(data, requires_grad=True)
        with pytest.raises(TypeError, match="floating"):
            ag.tensor(data).requires_grad_()


@pytest.mark.parametrize(
    "op",
    [
        lambda x: x * 2,
        lambda x: 2 * x,
        lambda x: x + 1,
        lambda x: 1 - x,
        lambda x: x / 3,
        lambda x: 3 / x,
        lambda x: x**2,
        lambda x: x**0.5,
        lambda x: 2**x,
        lambda x: x.exp(),
        lambda x: x.sigmoid(),
        lambda x: x.mean(),
        lambda x: x.var(),
        lambda x: x.softmax(),
        lambda x: x.leaky_relu(),
        lambda x: x.clip(0, 1),
        lambda x: ag.maximum(x, 0.5),
        lambda x: ag.where(x.data > 1, x, 0.0),
        lambda x: ag.pad(x, 1, 2.0),
        lambda x: x @ x,
    ],
)
def test_float32_stays_float32_with_python_scalars_and_grads_match(op):
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = op(x)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32


def test_integer_tensor_ops_and_int_float_mix():
    i = ag.tensor([1, 2, 3])
    assert (i + 1).dtype.kind == "i" and (i * 2).dtype.kind == "i"
    x = ag.tensor([1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    y = (x * i).sum()
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1, 2, 3])
    assert x.grad.dtype == np.float64


def test_mixed_precision_grads_take_each_params_dtype():
    a = ag.tensor([1.0, 2.0], dtype="float32", requires_grad=True)
    b = ag.tensor([3.0, 4.0], dtype="float64", requires_grad=True)
    y = a * b
    assert y.dtype == np.float64
    y.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64


def test_comparisons_return_bool_tensors_without_grad():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for r, expected in [
        (x < 2, [1, 0, 0]),
        (x <= 2, [1, 1, 0]),
        (x > 2, [0, 0, 1]),
        (x >= 2, [0, 1, 1]),
        (x == 2, [0, 1, 0]),
        (x != 2, [1, 0, 1]),
        (x > ag.tensor([0.0, 5.0, 1.0]), [1, 0, 1]),
    ]:
        assert r.dtype == bool and not r.requires_grad
        np.testing.assert_array_equal(r.numpy(), expected)
    assert x[x > 1].shape == (2,)
    assert bool(ag.tensor(1.0) > 0)
    assert {x: 1}[x] == 1  # hashable by identity


def test_ndarray_on_the_left_defers_to_tensor():
    x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    for y in (
        np.array([2.0, 3.0]) * x,
        np.array([2.0, 3.0]) + x,
        np.array([2.0, 3.0]) - x,
        np.array([2.0, 3.0]) / x,
        np.array([[1.0, 2.0]]) @ x,
    ):
        assert isinstance(y, ag.Tensor) and y.requires_grad


def test_repr():
    assert repr(ag.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert "requires_grad=True" in repr(ag.tensor([1.0], requires_grad=True))
    assert "dtype=float64" in repr(ag.tensor(np.zeros(1)))
    assert "grad_fn=<Mul>" in repr(ag.tensor([1.0], requires_grad=True) * 2)
    assert "name='w'" in repr(ag.tensor([1.0], name="w"))
    assert repr(ag.Function()) == "<Function>"


def test_name_scope_is_recorded_on_nodes():
    x = ag.tensor([1.0], requires_grad=True)
    with ag.name_scope("layer"):
        with ag.name_scope("t=0") as path:
            y = x * 2
        assert path == "layer/t=0" and ag.current_scope() == "layer"
    z = y + 1
    assert y.grad_fn.scope == "layer/t=0" and z.grad_fn.scope == ""
