"""PyTorch's spellings beside NumPy's: dim=/keepdim=, max(dim=) -> (values, indices), transpose(a, b) swaps,
size(), view, dtype methods, to, new_*, in-place methods, and one seed for every random op."""

import numpy as np
import pytest
from core_cases import values

import autograd_core as ag
import nn

try:
    import torch
except ImportError:
    torch = None


def _t(a, grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


@pytest.mark.parametrize("name", ["sum", "mean", "logsumexp", "max", "min", "var", "std"])
@pytest.mark.parametrize("axis, keep", [(0, False), (1, True), (-1, False)])
def test_dim_and_keepdim_mean_axis_and_keepdims(name, axis, keep):
    a = values((3, 4), "distinct")
    x = _t(a)
    numpy_style = getattr(x, name)(axis=axis, keepdims=keep)
    kwargs = {"ddof": 0} if name in ("var", "std") else {}
    torch_style = getattr(x, name)(dim=axis, keepdim=keep, **kwargs)
    if name in ("max", "min"):
        torch_style = torch_style.values
    np.testing.assert_allclose(torch_style.numpy(), numpy_style.numpy())
    with pytest.raises(TypeError, match="give one of them"):
        getattr(x, name)(axis=0, dim=0)


def test_max_and_min_with_dim_give_values_and_indices_and_with_axis_values_only():
    a = np.array([[1.0, 5.0, 5.0], [7.0, 2.0, 0.0]])
    x = _t(a)
    r = x.max(dim=1)
    values_, indices = r
    np.testing.assert_array_equal(values_.numpy(), [5.0, 7.0])
    np.testing.assert_array_equal(indices.numpy(), [1, 0])  # the first of the tied 5s
    assert r.indices.dtype == np.int64 and not r.indices.requires_grad
    values_.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 1, 0], [1, 0, 0]])  # PyTorch: to the index picked
    m = x.max(axis=1)
    assert isinstance(m, ag.Tensor) and isinstance(x.max(1), ag.Tensor)
    kept = x.min(dim=0, keepdim=True)
    assert kept.values.shape == (1, 3) and kept.indices.shape == (1, 3)
    np.testing.assert_array_equal(kept.indices.numpy(), [[0, 1, 1]])


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("name", ["max", "min"])
@pytest.mark.parametrize("dim", [0, 1, -1])
def test_max_min_with_dim_equal_pytorchs_values_indices_and_gradient(name, dim):
    a = np.round(values((4, 5)) * 2) / 2  # ties included
    x = _t(a)
    r = getattr(x, name)(dim=dim)
    (r.values * ag.tensor(np.arange(r.values.size, dtype=np.float64).reshape(r.values.shape))).sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    tr = getattr(tx, name)(dim=dim)
    (tr.values * torch.arange(tr.values.numel(), dtype=torch.float64).reshape(tr.values.shape)).sum().backward()
    np.testing.assert_array_equal(r.values.numpy(), tr.values.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


def test_argmax_argmin():
    a = np.array([[1.0, 5.0, 5.0], [7.0, 2.0, 0.0]])
    x = _t(a)
    assert x.argmax().item() == np.argmax(a) and x.argmin().item() == np.argmin(a)
    np.testing.assert_array_equal(x.argmax(dim=1).numpy(), [1, 0])
    assert x.argmax(dim=1, keepdim=True).shape == (2, 1)
    np.testing.assert_array_equal(x.argmin(axis=0).numpy(), np.argmin(a, axis=0))
    with pytest.raises(TypeError):
        x.argmax(dim=(0, 1))


def test_var_and_std_defaults_follow_the_keyword():
    a = values((3, 4))
    x = _t(a)
    np.testing.assert_allclose(x.var(1).numpy(), np.var(a, 1))  # NumPy: ddof 0
    np.testing.assert_allclose(x.var(dim=1).numpy(), np.var(a, 1, ddof=1))  # PyTorch: unbiased
    np.testing.assert_allclose(x.std(dim=1, unbiased=False).numpy(), np.std(a, 1))
    np.testing.assert_allclose(x.std(dim=0, correction=0).numpy(), np.std(a, 0))
    np.testing.assert_allclose(x.std().numpy(), np.std(a))
    assert ag.gradcheck(lambda t: t.std(dim=1), [x])
    with pytest.raises(TypeError):
        x.var(ddof=1, unbiased=True)


def test_transpose_with_two_axes_swaps_them_as_pytorch_and_permute_permutes():
    a = values((2, 3, 4))
    x = _t(a)
    assert x.transpose(0, 2).shape == (4, 3, 2)
    np.testing.assert_array_equal(x.transpose(0, 2).numpy(), np.swapaxes(a, 0, 2))
    m = _t(values((2, 3)))
    np.testing.assert_array_equal(m.transpose(0, 1).numpy(), m.numpy().T)  # NumPy's identity, PyTorch's swap
    np.testing.assert_array_equal(m.transpose(1, 0).numpy(), m.numpy().T)
    np.testing.assert_array_equal(x.transpose(2, 0, 1).numpy(), np.transpose(a, (2, 0, 1)))
    np.testing.assert_array_equal(x.transpose((2, 0, 1)).numpy(), np.transpose(a, (2, 0, 1)))
    np.testing.assert_array_equal(x.permute(2, 0, 1).numpy(), np.transpose(a, (2, 0, 1)))
    np.testing.assert_array_equal(x.transpose().numpy(), a.T)
    with pytest.raises(ValueError):
        x.permute(0, 1)
    assert ag.gradcheck(lambda t: t.transpose(0, 2) * 2, [x])


def test_size_is_numpys_count_and_pytorchs_shape():
    x = ag.zeros(2, 3, 4)
    assert x.size == 24 and x.size + 1 == 25 and isinstance(x.size, int)
    assert x.size() == (2, 3, 4) and x.size(0) == 2 and x.size(-1) == 4
    with pytest.raises(IndexError):
        x.size(3)
    assert x.numel() == 24 and x.dim() == 3


def test_views_and_shapes():
    a = values((2, 6))
    x = _t(a)
    assert x.view(3, 4).shape == (3, 4) and x.view(-1).shape == (12,)
    assert x.view_as(ag.zeros(4, 3)).shape == (4, 3) and x.reshape_as(ag.zeros(12)).shape == (12,)
    assert _t(np.ones((1, 6))).expand_as(ag.zeros(5, 6)).shape == (5, 6)
    np.testing.assert_array_equal(x.t().numpy(), a.T)
    assert x.contiguous() is x
    c = x.clone()
    assert c is not x and c.data is not x.data and c.requires_grad
    c.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones_like(a))
    with pytest.raises(ValueError):
        ag.zeros(2, 3, 4).t()
    y = ag.tensor(np.ones((2, 3, 4)))
    assert y.flatten(1).shape == (2, 12) and y.flatten(0, 1).shape == (6, 4) and y.flatten().shape == (24,)
    assert y.flatten(start_dim=1, end_dim=-1).shape == (2, 12)
    assert y.squeeze(dim=None).shape == (2, 3, 4) and y.unsqueeze(dim=0).shape == (1, 2, 3, 4)


def test_comparisons_and_dtype_methods():
    x = ag.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x.eq(2.0).numpy(), [False, True, False])
    for name, want in [
        ("ne", [True, False, True]),
        ("lt", [True, False, False]),
        ("le", [True, True, False]),
        ("gt", [False, False, True]),
        ("ge", [False, True, True]),
    ]:
        np.testing.assert_array_equal(getattr(x, name)(2.0).numpy(), want)
    for name, dt in [
        ("float", np.float32),
        ("double", np.float64),
        ("half", np.float16),
        ("long", np.int64),
        ("int", np.int32),
        ("bool", np.bool_),
    ]:
        assert getattr(x, name)().dtype == dt
    assert x.type() == "float32" and x.type("float64").dtype == np.float64
    assert (
        x.to("cpu") is x
        and x.to(np.float64).dtype == np.float64
        and x.to(ag.zeros(1, dtype="float16")).dtype == np.float16
    )
    assert x.to("cpu", dtype="float64").dtype == np.float64
    with pytest.raises(ValueError, match="CPU only"):
        x.to("cuda")


def test_new_tensors_take_this_tensors_dtype():
    x = ag.tensor(np.ones(2, np.float64))
    for t, shape in [
        (x.new_zeros(2, 3), (2, 3)),
        (x.new_ones((4,)), (4,)),
        (x.new_full((2,), 7.0), (2,)),
        (x.new_tensor([1, 2]), (2,)),
    ]:
        assert t.dtype == np.float64 and t.shape == shape
    np.testing.assert_array_equal(x.new_full((2,), 7.0).numpy(), [7.0, 7.0])


@pytest.mark.parametrize(
    "call, want",
    [
        (lambda t: t.add_(ag.tensor([1.0, 1.0]), alpha=2), [3.0, 4.0]),
        (lambda t: t.sub_(1.0), [0.0, 1.0]),
        (lambda t: t.mul_(3), [3.0, 6.0]),
        (lambda t: t.div_(2), [0.5, 1.0]),
        (lambda t: t.zero_(), [0.0, 0.0]),
        (lambda t: t.fill_(5), [5.0, 5.0]),
        (lambda t: t.clamp_(min=1.5), [1.5, 2.0]),
        (lambda t: t.copy_(ag.tensor([9.0, 8.0])), [9.0, 8.0]),
    ],
)
def test_inplace_methods_change_data_bump_the_version_and_refuse_a_leaf_that_requires_grad(call, want):
    t = ag.tensor([1.0, 2.0])
    assert call(t) is t and t.version == 1
    np.testing.assert_array_equal(t.numpy(), want)
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        call(w)
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])
    with ag.no_grad():
        call(w)
    np.testing.assert_array_equal(w.numpy(), want)


def test_an_inplace_method_between_forward_and_backward_makes_backward_raise():
    x, c = ag.tensor([1.0, 2.0], requires_grad=True), ag.tensor([3.0, 4.0])
    y = (x * c).sum()
    c.mul_(2)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


def test_manual_seed_seeds_every_random_op_of_the_engine_and_nn():
    def draw():
        ag.manual_seed(7)
        out = [
            ag.randn(3).numpy(),
            ag.rand(2).numpy(),
            ag.zeros(3).uniform_().numpy(),
            ag.zeros(2).normal_().numpy(),
            nn.Linear(2, 2).weight.numpy(),
            nn.functional.dropout(ag.ones(8), 0.5, training=True).numpy(),
        ]
        return [a.copy() for a in out]

    first, second = draw(), draw()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    ag.manual_seed(8)
    assert not np.array_equal(ag.randn(3).numpy(), first[0])


# ---- module-level names ------------------------------------------------------------------------------------


def test_cat_flatten_argmax_from_numpy():
    a, b = values((2, 3)), values((2, 2))
    x, y = _t(a), _t(b)
    np.testing.assert_array_equal(ag.cat([x, y], dim=1).numpy(), np.concatenate([a, b], 1))
    assert ag.stack([x, x], dim=1).shape == (2, 2, 3)
    assert ag.flatten(ag.zeros(2, 3, 4), 1).shape == (2, 12) and ag.flatten(ag.zeros(2, 3)).shape == (6,)
    assert ag.argmax(x).item() == np.argmax(a)
    np.testing.assert_array_equal(ag.argmin(x, dim=1).numpy(), np.argmin(a, 1))
    arr = np.zeros(3)
    t = ag.from_numpy(arr)
    arr[1] = 4.0
    assert t.numpy()[1] == 4.0 and t.dtype == np.float64
    with pytest.raises(TypeError):
        ag.from_numpy([1.0])


def test_random_integers_permutations_and_multinomial_draws():
    ag.manual_seed(3)
    r = ag.randint(2, 5, (1000,))
    assert r.dtype == np.int64 and r.numpy().min() >= 2 and r.numpy().max() <= 4
    assert ag.randint(3, size=(2, 2)).shape == (2, 2)
    assert sorted(ag.randperm(6).tolist()) == list(range(6))
    draws = ag.multinomial(ag.tensor([0.0, 1.0, 3.0]), 4000, replacement=True).numpy()
    assert (draws != 0).all() and abs((draws == 2).mean() - 0.75) < 0.05
    rows = ag.multinomial(ag.tensor([[1.0, 1.0, 1.0], [0.0, 1.0, 1.0]]), 2)
    assert rows.shape == (2, 2) and len(set(rows.numpy()[0])) == 2
    with pytest.raises(ValueError, match="without replacement"):
        ag.multinomial(ag.tensor([1.0, 1.0]), 3)
    with pytest.raises(ValueError):
        ag.multinomial(ag.tensor([-1.0, 1.0]), 1)


def test_save_and_load_nested_tensors_without_pickle(tmp_path):
    obj = {
        "w": _t(values((2, 3))),
        "steps": [ag.tensor([1, 2]), (3, "adam", None)],
        "lr": 0.1,
        "state": {"m": np.arange(3.0)},
    }
    path = tmp_path / "ckpt.npz"
    ag.save(obj, path)
    back = ag.load(path)
    np.testing.assert_array_equal(back["w"].numpy(), obj["w"].numpy())
    assert back["w"].requires_grad and back["w"].dtype == np.float64
    assert back["steps"][1] == (3, "adam", None) and back["lr"] == 0.1
    np.testing.assert_array_equal(back["state"]["m"], np.arange(3.0))
    with pytest.raises(TypeError, match="no pickle"):
        ag.save({"f": lambda: 0}, tmp_path / "bad.npz")
    np.save(tmp_path / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.savez(tmp_path / "plain.npz", a=np.ones(2))
    with pytest.raises(ValueError, match="not written by ag.save"):
        ag.load(tmp_path / "plain.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(ValueError):
        ag.load(tmp_path / "text.npz")
    with pytest.raises(FileNotFoundError):
        ag.load(tmp_path / "missing.npz")


def test_more_pytorch_spellings():
    ag.manual_seed(0)
    assert ag.randint(5, (2, 3)).shape == (2, 3) and ag.randint(5, (100,)).numpy().max() < 5
    x = ag.tensor(np.arange(10.0).reshape(2, 5), requires_grad=True)
    np.testing.assert_array_equal(x.narrow(1, 1, 3).numpy(), x.numpy()[:, 1:4])
    assert x.cpu() is x
    np.testing.assert_array_equal(x.add(1, alpha=2).numpy(), x.numpy() + 2)
    np.testing.assert_array_equal(x.sub(x).numpy(), np.zeros((2, 5)))
    np.testing.assert_array_equal(x.div(2).numpy(), x.numpy() / 2)
    np.testing.assert_array_equal(x.mul(x).pow(0.5).neg().numpy(), -np.abs(x.numpy()))
    assert ag.zeros(2, dtype=ag.long).dtype == np.int64 and ag.zeros(1, dtype=ag.float).dtype == np.float32
    assert ag.double == np.float64 and ag.bool == np.bool_


def test_star_import_leaves_python_builtins_alone():
    scope = {}
    exec("from autograd_core import *", scope)
    import builtins

    assert not [n for n in scope if n != "__builtins__" and hasattr(builtins, n)]
    assert "tensor" in scope and "einsum" in scope
