"""Scopes: a path such as `lstm/t=3` recorded on every node, so drawings can group ops (per thread: state.py)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from . import state

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["name_scope", "current_scope"]


@contextlib.contextmanager
def name_scope(name: object) -> Iterator[str]:
    """Ops created inside are recorded under `<outer>/<name>`."""
    outer = state.scope.get()
    with state.setting(state.scope, f"{outer}/{name}" if outer else str(name)) as path:
        yield path


def current_scope() -> str:
    return state.scope.get()
