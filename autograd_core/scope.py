"""Scopes: a path such as `lstm/t=3` recorded on every node, so drawings can group ops (per thread: state.py)."""

import contextlib

from . import state

__all__ = ["name_scope", "current_scope"]


@contextlib.contextmanager
def name_scope(name):
    """Ops created inside are recorded under `<outer>/<name>`."""
    outer = state.scope.get()
    with state.setting(state.scope, f"{outer}/{name}" if outer else str(name)) as path:
        yield path


def current_scope():
    return state.scope.get()
