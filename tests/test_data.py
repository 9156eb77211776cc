"""nn.data: Dataset, TensorDataset, Subset, random_split, DataLoader and default_collate (PyTorch's semantics)."""

from collections import namedtuple

import numpy as np
import pytest

import autograd_core as ag
import nn
from nn.data import DataLoader, Dataset, TensorDataset, default_collate, random_split


def _data(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    y = np.arange(n) % 3
    return x, y


def test_tensor_dataset_indexes_every_tensor():
    x, y = _data()
    ds = TensorDataset(ag.tensor(x), ag.tensor(y))
    assert len(ds) == 10
    xi, yi = ds[4]
    assert xi.numpy().tolist() == x[4].tolist() and int(yi.numpy()) == y[4]
    with pytest.raises(ValueError, match=r"\[10, 9\]"):
        TensorDataset(ag.tensor(x), ag.tensor(y[:9]))
    with pytest.raises(TypeError, match="tensor 1"):
        TensorDataset(ag.tensor(x), [1, 2])


def test_loader_batches_in_order_and_keeps_the_last_partial_batch():
    x, y = _data()
    loader = DataLoader(TensorDataset(ag.tensor(x), ag.tensor(y)), batch_size=4)
    batches = list(loader)
    assert len(loader) == 3 and [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    assert all(isinstance(t, ag.Tensor) for b in batches for t in b)
    assert np.array_equal(np.concatenate([b[0].numpy() for b in batches]), x)
    assert batches[0][1].dtype == np.int64


def test_drop_last():
    loader = DataLoader(TensorDataset(np.zeros((10, 1))), batch_size=4, drop_last=True)
    assert len(loader) == 2 and [b[0].shape[0] for b in loader] == [4, 4]


def test_shuffle_is_a_new_permutation_each_epoch_and_reproducible_by_seed():
    x, y = _data(20)
    ds = TensorDataset(x, y)

    def epochs(**kw):
        loader = DataLoader(ds, batch_size=5, shuffle=True, **kw)
        return [np.concatenate([b[0].numpy()[:, 0] for b in loader]) for _ in range(2)]

    a1, a2 = epochs(seed=0)
    b1, b2 = epochs(generator=np.random.default_rng(0))
    assert np.array_equal(a1, b1) and np.array_equal(a2, b2)
    assert sorted(a1.tolist()) == x[:, 0].tolist() and not np.array_equal(a1, a2)
    assert not np.array_equal(a1, x[:, 0])
    ag.manual_seed(3)
    c1, _ = epochs()
    ag.manual_seed(3)
    d1, _ = epochs()
    assert np.array_equal(c1, d1)


def test_default_collate_recurses_like_pytorch():
    Point = namedtuple("Point", "x y")
    batch = default_collate(
        [
            {"a": np.ones(2), "b": (1, 2.5), "s": "u", "p": Point(1, 2)},
            {"a": np.zeros(2), "b": (3, 4.5), "s": "v", "p": Point(3, 4)},
        ]
    )
    assert batch["a"].shape == (2, 2) and batch["a"].dtype == np.float64
    assert batch["b"][0].dtype == np.int64 and batch["b"][1].dtype == np.float64
    assert batch["b"][1].numpy().tolist() == [2.5, 4.5] and batch["s"] == ["u", "v"]
    assert isinstance(batch["p"], Point) and batch["p"].y.numpy().tolist() == [2, 4]
    with pytest.raises(ValueError, match=r"\(2,\), \(3,\)"):
        default_collate([np.ones(2), np.ones(3)])
    with pytest.raises(TypeError, match="object"):
        default_collate([object()])


def test_collate_keeps_the_graph_of_tensors_that_need_grad():
    w = ag.tensor([1.0, 2.0], requires_grad=True)
    default_collate([w * 2, w * 3]).sum().backward()
    assert w.grad.numpy().tolist() == [5.0, 5.0]


def test_custom_dataset_collate_fn_and_batch_size_none():
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.array([i * i], np.float32)

    assert [b.numpy().tolist() for b in DataLoader(Squares(), batch_size=None)] == [[0], [1], [4], [9], [16]]
    sums = list(DataLoader(Squares(), batch_size=2, collate_fn=lambda b: float(sum(b)[0])))
    assert sums == [1.0, 13.0, 16.0]


def test_random_split_lengths_and_fractions():
    ds = TensorDataset(np.arange(10))
    a, b = random_split(ds, [7, 3], generator=np.random.default_rng(1))
    ids = sorted(int(a[i][0]) for i in range(len(a))) + sorted(int(b[i][0]) for i in range(len(b)))
    assert len(a) == 7 and len(b) == 3 and sorted(ids) == list(range(10))
    sizes = [len(s) for s in random_split(ds, [0.5, 0.3, 0.2], generator=0)]
    assert sizes == [5, 3, 2]
    assert [len(s) for s in random_split(TensorDataset(np.arange(11)), [0.5, 0.5])] == [6, 5]  # remainder first
    again = random_split(ds, [7, 3], generator=np.random.default_rng(1))[0]
    assert [int(a[i][0]) for i in range(7)] == [int(again[i][0]) for i in range(7)]
    with pytest.raises(ValueError, match="does not equal the length of the dataset 10"):
        random_split(ds, [5, 6])
    with pytest.raises(ValueError, match="lengths"):
        random_split(ds, [0.5, 0.6])


def test_bad_loader_arguments_are_named():
    ds = TensorDataset(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="batch_size.*0"):
        DataLoader(ds, batch_size=0)
    with pytest.raises(TypeError, match="shuffle"):
        DataLoader(ds, shuffle="yes")
    with pytest.raises(TypeError, match="generator"):
        DataLoader(ds, generator="abc")
    with pytest.raises(ValueError, match="not both"):
        DataLoader(ds, generator=1, seed=2)
    with pytest.raises(TypeError, match="collate_fn"):
        DataLoader(ds, collate_fn=3)


def test_training_loop_over_a_loader_learns():
    ag.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32))[:, None]
    model = nn.Linear(3, 1)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(ag.tensor(x), ag.tensor(y)), batch_size=16, shuffle=True, seed=0)
    losses = []
    for _ in range(20):
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(xb), yb)
            loss.backward()
            opt.step()
        losses.append(loss.item())
    assert losses[-1] < 1e-3 < losses[0]


def test_subset_and_concatenation():
    a, b = TensorDataset(np.arange(3)), TensorDataset(np.arange(10, 12))
    both = a + b
    assert len(both) == 5 and [int(both[i][0]) for i in range(-5, 5)] == [0, 1, 2, 10, 11] * 2
    with pytest.raises(IndexError, match="index 5 is out of range for a dataset of length 5"):
        both[5]
    sub = nn.data.Subset(both, [4, 0])
    assert len(sub) == 2 and int(sub[0][0]) == 11
    assert [int(x) for x in next(iter(DataLoader(sub, batch_size=2)))[0].numpy()] == [11, 0]
