"""The engine's settings, one value per thread and per asyncio task: grad mode, name scope, anomaly mode and
the gradient recorders of the backward pass.

Each is a `contextvars.ContextVar`, as PyTorch keeps its grad mode per thread: a thread inside `no_grad` never
stops another from recording, and a scope entered in one thread never names the ops of another. A new thread
starts from the defaults. `setting` is the one way to change a value for a block, and it puts back exactly the
value it found, whatever happens inside (nesting, recursion, exceptions).
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import TypeVar

    from .types import Recorder

    T = TypeVar("T")

__all__ = ["setting"]

grad_enabled: ContextVar[bool] = ContextVar("grad_enabled", default=True)
scope: ContextVar[str] = ContextVar("scope", default="")  # "Tagger/lstm/l0/t=3"
anomaly: ContextVar[bool] = ContextVar("anomaly", default=False)
recorders: ContextVar[tuple[Recorder, ...]] = ContextVar(
    "grad_recorders", default=()
)  # callbacks fn(tensor, grad, input_grads), see graph.py


@contextlib.contextmanager
def setting(var: ContextVar[T], value: T) -> Iterator[T]:
    """`var` is `value` inside the block and what it was before after it."""
    prev = var.get()
    var.set(value)
    try:
        yield value
    finally:
        var.set(prev)
