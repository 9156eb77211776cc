"""Datasets and batches with PyTorch's names: `Dataset`, `TensorDataset`, `Subset`, `random_split`, `DataLoader`.

Batches are engine Tensors: `default_collate` stacks tensors, arrays and numbers and recurses into tuples, lists and
dicts, as `torch.utils.data.default_collate` does. Randomness (shuffling, splits) comes from `generator=` (a
np.random.Generator or a seed), else from the engine's shared generator, which `ag.manual_seed` seeds.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import numpy as np

from autograd_core import Tensor, stack, tensor
from autograd_core import random as _random

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from typing import Any, Protocol, SupportsInt

    class _DatasetLike(Protocol):
        """What a DataLoader, Subset or ConcatDataset reads: a length and an example per index."""

        def __getitem__(self, index: int, /) -> Any: ...
        def __len__(self) -> int: ...


__all__ = ["Dataset", "TensorDataset", "Subset", "ConcatDataset", "random_split", "DataLoader", "default_collate",
           "default_convert"]  # fmt: skip


class Dataset:
    """Base class: a map from an index in range(len(self)) to an example. Subclasses write __getitem__ and __len__."""

    if TYPE_CHECKING:  # what every subclass writes

        def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no __getitem__()")

    def __add__(self, other: _DatasetLike) -> ConcatDataset:
        return ConcatDataset([self, other])


class TensorDataset(Dataset):
    """Example i is (t[i] for t in tensors); every tensor has the same first dimension."""

    def __init__(self, *tensors: Tensor | np.ndarray) -> None:
        if not tensors:
            raise ValueError("TensorDataset needs at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, (Tensor, np.ndarray)) or t.ndim == 0:
                what = f"shape {t.shape}" if hasattr(t, "shape") else type(t).__name__
                raise TypeError(
                    f"TensorDataset: tensor {i} must be a Tensor or an array with a first dimension, got {what}"
                )
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: size mismatch between tensors: first dimensions {sizes}")
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple[Any, ...]:  # index: what the tensors take (an int, a slice...)
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The examples of dataset at the given indices, in that order."""

    def __init__(self, dataset: _DatasetLike, indices: Iterable[SupportsInt]) -> None:
        self.dataset, self.indices = dataset, [int(i) for i in indices]

    def __getitem__(self, index: int | list[int]) -> Any:  # a list of indices too
        if isinstance(index, list):
            return [self.dataset[self.indices[i]] for i in index]
        return self.dataset[self.indices[index]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The examples of several datasets, one after the other."""

    def __init__(self, datasets: Iterable[_DatasetLike]) -> None:
        self.datasets = list(datasets)
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]))

    def __len__(self) -> int:
        return int(self.cumulative_sizes[-1]) if self.datasets else 0

    def __getitem__(self, index: int) -> Any:
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"index {index} is out of range for a dataset of length {n}")
        index %= n
        d = int(np.searchsorted(self.cumulative_sizes, index, side="right"))
        return self.datasets[d][index - (int(self.cumulative_sizes[d - 1]) if d else 0)]


def random_split(
    dataset: _DatasetLike, lengths: Iterable[float], generator: np.random.Generator | int | None = None
) -> list[Subset]:
    """Subsets of the given lengths (ints summing to len(dataset), or fractions summing to 1) of a random permutation.

    Fractions are floored and the remainder handed out one by one from the first subset, as PyTorch does."""
    n = len(dataset)
    lengths = list(lengths)
    if not lengths or not all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and cast(float, v) >= 0 for v in lengths
    ):
        raise ValueError(f"random_split: lengths must be non-negative numbers, got {lengths!r}")
    if all(isinstance(v, numbers.Integral) for v in lengths) and sum(lengths) != 1:
        sizes = [int(v) for v in lengths]
    elif math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
    else:
        raise ValueError(
            f"random_split: lengths must sum to the length of the dataset ({n}) or be fractions "
            f"summing to 1, got {lengths!r} (sum {sum(lengths)})"
        )
    if sum(sizes) != n:
        raise ValueError(
            f"random_split: sum of input lengths {sum(sizes)} does not equal the length of the dataset {n}"
        )
    order = _random.generator(_generator(generator, "random_split")).permutation(n)
    bounds = np.cumsum([0] + sizes)
    return [Subset(dataset, order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]


class DataLoader:
    """Iterates over batches of a dataset: `for x, y in DataLoader(ds, batch_size=64, shuffle=True): ...`.

    batch_size=None yields single examples (collated, but not stacked); shuffle draws a new order every epoch.
    """

    def __init__(
        self,
        dataset: _DatasetLike,
        batch_size: int | None = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        generator: np.random.Generator | int | None = None,
        collate_fn: Callable[[Any], Any] | None = None,
        *,
        seed: int | None = None,
    ) -> None:
        if batch_size is not None and (isinstance(batch_size, bool) or not _integral(batch_size) or batch_size <= 0):
            raise ValueError(f"DataLoader: batch_size must be a positive int or None, got {batch_size!r}")
        for name, v in (("shuffle", shuffle), ("drop_last", drop_last)):
            if not isinstance(v, (bool, np.bool_)):
                raise TypeError(f"DataLoader: {name} must be True or False, got {v!r}")
        if batch_size is None and drop_last:
            raise ValueError("DataLoader: batch_size=None (no batching) is incompatible with drop_last=True")
        if generator is not None and seed is not None:
            raise ValueError(f"DataLoader: give generator= or seed=, not both (got {generator!r} and {seed!r})")
        if collate_fn is not None and not callable(collate_fn):
            raise TypeError(f"DataLoader: collate_fn must be callable, got {type(collate_fn).__name__}")
        if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
            raise TypeError(f"DataLoader: dataset must have __len__ and __getitem__, got {type(dataset).__name__}")
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, bool(shuffle), drop_last
        self.generator = _generator(seed if generator is None else generator, "DataLoader")
        self.collate_fn = collate_fn or (default_collate if batch_size is not None else default_convert)

    def __len__(self) -> int:
        n = len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        order = _random.generator(self.generator).permutation(n) if self.shuffle else np.arange(n)
        if self.batch_size is None:
            for i in order:
                yield self.collate_fn(self.dataset[int(i)])
            return
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield self.collate_fn([self.dataset[int(i)] for i in order[start : start + self.batch_size]])


def _integral(v: object) -> bool:
    """isinstance(v, numbers.Integral) as a plain bool (mypy would take an int for never Integral)."""
    return isinstance(v, numbers.Integral)


def _generator(g: np.random.Generator | int | None, where: str) -> np.random.Generator | None:
    if g is None or isinstance(g, np.random.Generator):
        return g
    if _integral(g) and not isinstance(g, bool) and g >= 0:
        return np.random.default_rng(int(g))  # made once: every epoch draws a new order from it
    raise TypeError(f"{where}: generator must be a np.random.Generator or a seed (an int >= 0), got {g!r}")


def default_collate(batch: Sequence[Any]) -> Any:
    """A list of examples -> one batch: tensors/arrays stacked along a new first dim, numbers made a 1-D tensor
    (Python floats float64, ints int64, as PyTorch), tuples/lists/dicts collated field by field, strings kept."""
    elem = batch[0]
    if isinstance(elem, Tensor):
        _same_shapes(batch, "tensors")
        if any(t.requires_grad for t in batch):
            return stack(batch)  # keeps the graph, as torch.stack does
        return tensor(np.stack([t.data for t in batch]))
    if isinstance(elem, np.ndarray):
        _same_shapes(batch, "arrays")
        return tensor(np.stack(batch))
    if isinstance(elem, (bool, np.bool_)):
        return tensor(np.array(batch, dtype=bool))
    if isinstance(elem, np.generic):
        return tensor(np.array(batch))
    if isinstance(elem, numbers.Integral):
        return tensor(np.array(batch, dtype=np.int64))
    if isinstance(elem, numbers.Real):
        return tensor(np.array(batch, dtype=np.float64))
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, Mapping):
        return {k: default_collate([d[k] for d in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # a namedtuple keeps its type
        return type(elem)(*(default_collate(list(f)) for f in zip(*batch)))
    if isinstance(elem, Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise ValueError(
                f"default_collate: each example must have the same number of fields, got "
                f"{sorted({len(e) for e in batch})}"
            )
        fields = [default_collate(list(f)) for f in zip(*batch)]
        return tuple(fields) if isinstance(elem, tuple) else fields
    raise TypeError(
        f"default_collate: examples must be Tensors, arrays, numbers, strings, dicts or sequences of "
        f"them, got {type(elem).__name__}"
    )


def default_convert(example: Any) -> Any:
    """One example (batch_size=None): arrays become Tensors, containers are converted field by field."""
    if isinstance(example, np.ndarray):
        return tensor(example)
    if isinstance(example, Mapping):
        return {k: default_convert(v) for k, v in example.items()}
    if isinstance(example, tuple) and hasattr(example, "_fields"):
        return type(example)(*(default_convert(v) for v in example))
    if isinstance(example, (tuple, list)):
        return type(example)(default_convert(v) for v in example)
    return example


def _same_shapes(batch: Sequence[Tensor | np.ndarray], what: str) -> None:
    shapes = {tuple(t.shape) for t in batch}
    if len(shapes) > 1:
        raise ValueError(
            f"default_collate: {what} in a batch must have the same shape to be stacked, got {sorted(shapes)}"
        )
