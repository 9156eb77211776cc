"""Whether ops record a graph: `no_grad` and `enable_grad`, as context managers and decorators.

The mode lives in state.grad_enabled (per thread and per asyncio task). Each `with` remembers what it found on a
stack of its own, so one instance may be nested or re-entered; a decorated function gets a fresh instance per call
(recursion, threads), and a decorated generator or coroutine runs each of its steps in the mode and gives the
caller's mode back whenever it yields.
"""

from __future__ import annotations

import functools
import inspect
from typing import TYPE_CHECKING, Any, cast

from . import state

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Literal, TypeVar

    from typing_extensions import Self

    F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["is_grad_enabled", "no_grad", "enable_grad"]


def is_grad_enabled() -> bool:
    return state.grad_enabled.get()


class _GradMode:
    mode = True
    _prev: list[bool]

    def __new__(cls, fn: Callable[..., Any] | None = None) -> Any:  # an instance, or fn decorated (`@no_grad`)
        self = super().__new__(cls)
        self._prev = []
        return self if fn is None else self(fn)  # `@no_grad` without parentheses decorates too

    def __init__(self, fn: Callable[..., Any] | None = None) -> None:
        pass

    def __enter__(self) -> Self:
        self._prev.append(state.grad_enabled.get())
        state.grad_enabled.set(self.mode)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        state.grad_enabled.set(self._prev.pop())
        return False

    def __call__(self, fn: F) -> F:
        if inspect.isgeneratorfunction(fn):

            @functools.wraps(fn)
            def generator(*args, **kwargs):
                gen = fn(*args, **kwargs)
                resume, value = gen.send, None
                while True:
                    try:
                        with type(self)():
                            item = resume(value)
                    except StopIteration as stop:
                        return stop.value
                    try:
                        value, resume = (yield item), gen.send
                    except GeneratorExit:
                        gen.close()
                        raise
                    except BaseException as e:  # thrown in by the caller: handed on, inside the mode
                        value, resume = e, gen.throw

            return cast("F", generator)
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def coroutine(*args, **kwargs):
                with type(self)():
                    return await fn(*args, **kwargs)

            return cast("F", coroutine)

        @functools.wraps(fn)
        def function(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)

        return cast("F", function)


class no_grad(_GradMode):
    """Record nothing inside: results have no graph and do not require grad."""

    mode = False


class enable_grad(_GradMode):
    """Record again, even inside `no_grad`."""

    mode = True
