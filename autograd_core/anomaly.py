"""`detect_anomaly()`: find the first op whose forward or backward produces NaN or Inf, and where it was made."""

from __future__ import annotations

import contextlib
import sys
import traceback
from typing import TYPE_CHECKING, cast

import numpy as np

from . import state

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from types import FrameType

    from .function import Function
    from .tensor import Tensor
    from .types import Array, Operand

__all__ = ["AnomalyError", "detect_anomaly", "is_anomaly_enabled", "record", "check_forward", "check_backward"]


class AnomalyError(RuntimeError):
    """An op produced NaN or Inf while `ag.detect_anomaly()` was on."""


@contextlib.contextmanager
def detect_anomaly() -> Iterator[None]:
    """Inside: every op checks its output (forward) and its input gradients (backward) for NaN/Inf and raises
    naming the op, its scope and input shapes, and the user code that created it. Slow; for debugging."""
    with state.setting(state.anomaly, True):
        yield


def is_anomaly_enabled() -> bool:
    return state.anomaly.get()


def _user_stack(limit=10):
    """The caller's newest `limit` frames outside the engine, newest last, as short text.

    Ten frames reach past a layer's own calls (an LSTM's step inside its unroll inside Module.__call__) to the
    user's line that called the model.
    """
    frames: list[tuple[FrameType, int]] = []
    f: FrameType | None = sys._getframe(1)
    while f is not None and len(frames) < limit:
        if "/autograd_core/" not in f.f_code.co_filename.replace("\\", "/"):
            frames.append((f, f.f_lineno))
        f = f.f_back
    return "".join(traceback.format_list(traceback.StackSummary.extract(reversed(frames))))


def record(ctx: Function) -> None:
    ctx.creation_stack = _user_stack()


def _describe(ctx, parents):
    shapes = ", ".join(str(p.shape) for p in parents)
    where = getattr(ctx, "scope", None)  # unset on a node that records nothing: checked as it is made, so now
    where = (state.scope.get() if where is None else where) or "(top level)"
    made = getattr(ctx, "creation_stack", None) or _user_stack()
    return f"op {type(ctx).__name__} in scope {where} with inputs of shape {shapes}; created at:\n{made}"


def check_forward(ctx: Function, out: Array, parents: Sequence[Tensor]) -> None:
    if out.dtype.kind in "fc" and not np.isfinite(out).all():
        raise AnomalyError(f"forward produced {_bad(out)}: {_describe(ctx, parents)}")


def check_backward(ctx: Function, grads: Sequence[Operand | None]) -> None:
    for i, g in enumerate(grads):
        if g is None:
            continue
        a = cast("Tensor", g).data if hasattr(g, "_ctx") else g
        if a.dtype.kind in "fc" and not np.isfinite(a).all():
            raise AnomalyError(
                f"backward produced {_bad(a)} in the gradient of input {i}: {_describe(ctx, ctx.parents)}"
            )


def _bad(a):
    return "NaN" if np.isnan(a).any() else "Inf"
