"""Whether ops record a graph: `no_grad` and `enable_grad`, as context managers and decorators."""
import contextlib

_enabled = True


def is_grad_enabled():
    return _enabled


class _GradMode(contextlib.ContextDecorator):
    mode = True

    def __enter__(self):
        global _enabled
        self._prev, _enabled = _enabled, self.mode
        return self

    def __exit__(self, *exc):
        global _enabled
        _enabled = self._prev
        return False


class no_grad(_GradMode):
    """Record nothing inside: results have no graph and do not require grad."""
    mode = False


class enable_grad(_GradMode):
    """Record again, even inside `no_grad`."""
    mode = True
