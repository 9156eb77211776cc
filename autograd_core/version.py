"""In-place modification tracking.

Every in-place change of a tensor bumps its version counter. A view (basic indexing, reshape, transpose, expand,
`detach()`, any op whose output shares memory with its input) shares its base's counter, as in PyTorch, so a
change through either is seen by both. `epoch` counts in-place changes since start: a node records the epoch it
was made in, a counter the epoch of its last change, and at backward a saved input or output whose counter
changed after the node was made would make the gradient silently use the new values, so the pass raises.
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .tensor import Tensor
    from .types import Array

__all__ = ["Counter", "counter", "describe", "share_if_view", "bump", "modified_since"]

epoch = 0
_lock = threading.Lock()  # an epoch and the counter it stamps change together, whichever thread bumps


class Counter:
    __slots__ = ("version", "modified_at", "owner")
    version: int
    modified_at: int
    owner: weakref.ref[Tensor]

    def __init__(self, owner: Tensor) -> None:
        self.version = 0
        self.modified_at = 0
        self.owner = weakref.ref(owner)  # the tensor whose memory it counts, to name it in errors (a weight, not W.T)


def counter(t: Tensor) -> Counter:
    """t's version counter, made on first use (most tensors are never changed in place, nor viewed)."""
    c = t._counter
    if c is None:
        c = t._counter = Counter(t)
    return c


def describe(t: Tensor) -> str:
    """t's name for an error message, or that of the tensor whose memory it views."""
    if t.name:
        return repr(t.name)
    owner = t._counter.owner() if t._counter is not None else None
    if owner is not None and owner is not t and owner.name:
        return f"(a view of {owner.name!r})"
    return ""


def share_if_view(result: Tensor, inputs: Sequence[Tensor], arrays: Sequence[Array]) -> None:
    """Give `result` the counter of the input whose memory its data views, if any."""
    for t, a in zip(inputs, arrays):
        if np.may_share_memory(result.data, a):
            result._counter = counter(t)
            return


def bump(t: Tensor) -> None:
    """Mark t, and every tensor sharing its memory through a view, as modified in place."""
    global epoch
    c = counter(t)
    with _lock:
        epoch += 1
        c.version += 1
        c.modified_at = epoch


def modified_since(t: Tensor, node_epoch: int) -> bool:
    c = t._counter
    return c is not None and c.modified_at > node_epoch
