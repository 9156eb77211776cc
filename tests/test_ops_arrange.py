"""Movement and index ops (ops/arrange.py, ops/gather.py): forward == NumPy, gradcheck and gradgradcheck in
float64 (through a square, so the backward of their backward runs), PyTorch's results where it is installed."""

import numpy as np
import pytest
from core_cases import check_op, values

import autograd_core as ag

try:
    import torch
except ImportError:
    torch = None

A = values((3, 4))
MOVES = {
    "flip 1": (lambda t: t.flip(1), lambda a: np.flip(a, 1)),
    "flip all": (lambda t: ag.flip(t), lambda a: np.flip(a)),
    "roll": (lambda t: t.roll(1, 1), lambda a: np.roll(a, 1, 1)),
    "roll flat": (lambda t: t.roll(-5), lambda a: np.roll(a, -5)),
    "roll 2 axes": (lambda t: t.roll((1, -2), (0, 1)), lambda a: np.roll(a, (1, -2), (0, 1))),
    "repeat numpy": (lambda t: t.repeat(2, axis=0), lambda a: np.repeat(a, 2, axis=0)),
    "repeat counts": (lambda t: ag.repeat(t, [1, 0, 2, 1], axis=1), lambda a: np.repeat(a, [1, 0, 2, 1], axis=1)),
    "repeat flat": (lambda t: ag.repeat(t, 2), lambda a: np.repeat(a, 2)),
    "repeat torch": (lambda t: t.repeat(2, 3), lambda a: np.tile(a, (2, 3))),
    "repeat torch more axes": (lambda t: t.repeat(2, 1, 1), lambda a: np.tile(a, (2, 1, 1))),
    "repeat_interleave": (lambda t: t.repeat_interleave(2, dim=1), lambda a: np.repeat(a, 2, axis=1)),
    "tile": (lambda t: t.tile((2, 1)), lambda a: np.tile(a, (2, 1))),
    "diagonal": (lambda t: t.diagonal(), lambda a: np.diagonal(a)),
    "diagonal +1": (lambda t: t.diagonal(1), lambda a: np.diagonal(a, 1)),
    "diagonal -1": (lambda t: t.diagonal(-1), lambda a: np.diagonal(a, -1)),
    "tril": (lambda t: t.tril(), lambda a: np.tril(a)),
    "triu 1": (lambda t: t.triu(1), lambda a: np.triu(a, 1)),
    "tril -1": (lambda t: ag.tril(t, -1), lambda a: np.tril(a, -1)),
    "unflatten": (lambda t: t.unflatten(1, (2, 2)), lambda a: a.reshape(3, 2, 2)),
    "pad reflect": (lambda t: ag.pad(t, 1, mode="reflect"), lambda a: np.pad(a, 1, mode="reflect")),
    "pad replicate": (
        lambda t: ag.pad(t, ((0, 0), (2, 1)), mode="replicate"),
        lambda a: np.pad(a, ((0, 0), (2, 1)), mode="edge"),
    ),
    "pad circular": (
        lambda t: ag.pad(t, ((1, 2), (0, 3)), mode="circular"),
        lambda a: np.pad(a, ((1, 2), (0, 3)), mode="wrap"),
    ),
    "pad symmetric": (lambda t: ag.pad(t, 2, mode="symmetric"), lambda a: np.pad(a, 2, mode="symmetric")),
}


@pytest.mark.parametrize("name", MOVES)
def test_movement_forward_and_gradients(name):
    fn, ref = MOVES[name]
    check_op(fn, ref, A, gradgrad=False)
    check_op(lambda t: fn(t * t), lambda a: ref(a * a), A)


def test_diagonal_of_a_3d_tensor_and_a_bad_pair():
    a = values((2, 3, 4))
    check_op(lambda t: t.diagonal(0, 1, 2), lambda x: np.diagonal(x, 0, 1, 2), a)
    check_op(lambda t: ag.diagonal(t, 1, dim1=0, dim2=2), lambda x: np.diagonal(x, 1, 0, 2), a)
    with pytest.raises(ValueError, match="must differ"):
        ag.tensor(a).diagonal(0, 1, 1)


def test_reflect_padding_wider_than_the_axis_is_refused():
    with pytest.raises(ValueError, match="reflect padding"):
        ag.pad(ag.ones(2, 2), 2, mode="reflect")
    with pytest.raises(ValueError, match="mode must be"):
        ag.pad(ag.ones(2, 2), 1, mode="mirror")


I = np.array([[0, 1], [2, 0], [1, 1]])


def test_gather_take_along_axis_and_index_select():
    check_op(lambda t: t.gather(1, ag.tensor(I)), lambda a: np.take_along_axis(a, I, 1), A)
    small = I[:2].T  # (2, 2): smaller than x outside dim 0, as PyTorch's gather allows
    check_op(
        lambda t: ag.gather(t, 0, small),
        lambda a: np.array([[a[small[i, j], j] for j in range(2)] for i in range(2)]),
        A,
    )
    check_op(
        lambda t: t.take_along_axis(np.array([[1], [0], [3]]), 1),
        lambda a: np.take_along_axis(a, np.array([[1], [0], [3]]), 1),
        A,
    )
    check_op(lambda t: t.index_select(0, ag.tensor([2, 0, 2])), lambda a: a[[2, 0, 2]], A)
    with pytest.raises(TypeError, match="integers"):
        ag.tensor(A).gather(1, ag.tensor(I.astype(float)))
    with pytest.raises(IndexError):
        ag.tensor(A).gather(1, ag.tensor(I + 5))


def test_scatter_add_and_index_add_add_repeats():
    src = values((3, 2))
    want = A.copy()
    np.add.at(want, (np.arange(3)[:, None], I), src)
    check_op(lambda t, s: t.scatter_add(1, I, s), lambda a, s: want, A, src)
    rows = np.array([0, 2, 0])
    src2 = values((3, 4))
    want2 = A.copy()
    np.add.at(want2, rows, 2 * src2)
    check_op(lambda t, s: t.index_add(0, rows, s, alpha=2), lambda a, s: want2, A, src2)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_scatter_and_gather_equal_pytorchs_without_repeated_positions():
    idx = np.array([[0, 1], [2, 0], [3, 1]])
    src = values((3, 2))
    x, s = ag.tensor(A, requires_grad=True), ag.tensor(src, requires_grad=True)
    y = x.scatter(1, idx, s)
    (y * ag.tensor(A)).sum().backward()
    tx, ts = torch.tensor(A, requires_grad=True), torch.tensor(src, requires_grad=True)
    ty = tx.scatter(1, torch.tensor(idx), ts)
    (ty * torch.tensor(A)).sum().backward()
    np.testing.assert_array_equal(y.numpy(), ty.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(s.grad.numpy(), ts.grad.numpy())


def test_scatter_with_a_repeated_position_takes_the_last_source():
    x = ag.zeros(1, 3, dtype="float64")
    s = ag.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    y = x.scatter(1, np.array([[1, 1, 0]]), s)
    np.testing.assert_array_equal(y.numpy(), [[3.0, 2.0, 0.0]])
    y.sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), [[0.0, 1.0, 1.0]])


def test_masked_fill_one_hot_nonzero():
    mask = A > 0
    check_op(lambda t: t.masked_fill(mask, -1.0), lambda a: np.where(mask, -1.0, a), A)
    with pytest.raises(TypeError, match="bool"):
        ag.tensor(A).masked_fill(mask.astype(int), 0.0)
    oh = ag.one_hot(ag.tensor([0, 2, 1]), 4)
    np.testing.assert_array_equal(oh.numpy(), np.eye(4, dtype=np.int64)[[0, 2, 1]])
    assert ag.one_hot(ag.tensor([[1, 3]])).shape == (1, 2, 4)
    with pytest.raises(ValueError):
        ag.one_hot(ag.tensor([0, 5]), 3)
    z = ag.tensor([[0.0, 1.0], [2.0, 0.0]])
    np.testing.assert_array_equal(z.nonzero().numpy(), [[0, 1], [1, 0]])
    rows, cols = z.nonzero(as_tuple=True)
    np.testing.assert_array_equal(rows.numpy(), [0, 1])
