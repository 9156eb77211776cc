"""Scopes: a path such as `lstm/t=3` recorded on every node, so drawings can group ops."""
import contextlib

current = ""


@contextlib.contextmanager
def name_scope(name):
    """Ops created inside are recorded under `<outer>/<name>`."""
    global current
    prev = current
    current = f"{prev}/{name}" if prev else str(name)
    try:
        yield current
    finally:
        current = prev


def current_scope():
    return current
