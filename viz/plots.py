"""Plots of gradient flow with matplotlib (imported only when a plot is asked for)."""

from __future__ import annotations

import os
import types
from collections.abc import Iterable, Iterator, Mapping, Sized
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from autograd_core import Tensor

from . import labels as L
from .record import _array

if TYPE_CHECKING:
    import numpy.typing as npt
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from autograd_core.types import Array

    # model.named_parameters(), or a dict of them
    NamedParameters = Iterable[tuple[str, Tensor]] | Mapping[str, Tensor]

__all__ = ["grad_flow", "plot_grad_flow", "plot_grad_over_time"]


def _pyplot() -> types.ModuleType:
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "viz plots need matplotlib: pip install matplotlib (or pip install -e '.[examples]')"
        ) from None
    return plt


def _text(s: object) -> str:
    """s as matplotlib draws it as written: `$x$` in a name would otherwise be TeX."""
    return L.visible(s).replace("$", "\\$")


def _pairs(named_parameters: NamedParameters, who: str) -> Iterator[tuple[str, Tensor]]:
    if isinstance(named_parameters, dict):
        named_parameters = named_parameters.items()
    if isinstance(named_parameters, (Tensor, np.ndarray, str, bytes)) or not hasattr(named_parameters, "__iter__"):
        raise TypeError(
            f"{who}: expected (name, parameter) pairs such as model.named_parameters() gives, "
            f"got {type(named_parameters).__name__}"
        )
    for i, item in enumerate(named_parameters):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], Tensor)):
            raise TypeError(
                f"{who}: expected (name, parameter) pairs such as model.named_parameters() gives, "
                f"got {type(item).__name__} at position {i}"
            )
        yield item[0], item[1]


def grad_flow(
    named_parameters: NamedParameters, _who: str = "viz.grad_flow"
) -> tuple[list[str], list[float], list[float]]:
    """(names, mean |grad|, max |grad|) per parameter that has a gradient."""
    names: list[str] = []
    means: list[float] = []
    maxes: list[float] = []
    for name, p in _pairs(named_parameters, _who):
        grad = getattr(p, "grad", None)
        if grad is None:
            continue
        g = np.abs(_array(grad))
        names.append(name)
        means.append(float(g.mean()))
        maxes.append(float(g.max()))
    return names, means, maxes


def plot_grad_flow(
    named_parameters: NamedParameters, path: str | os.PathLike[str] | None = None, title: object = "gradient flow"
) -> Figure:
    """Bars of mean and max |grad| per parameter (log scale), e.g. `plot_grad_flow(model.named_parameters())`.

    Returns the matplotlib Figure; with path, also saves it there.
    """
    names, means, maxes = grad_flow(named_parameters, "viz.plot_grad_flow")
    if not names:
        raise ValueError("viz.plot_grad_flow: no parameter has a gradient; call backward() first")
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(max(4, 0.6 * len(names) + 2), 3.5))
    x = np.arange(len(names))
    ax.bar(x - 0.2, maxes, 0.4, label="max |grad|", color="#f4a261")
    ax.bar(x + 0.2, means, 0.4, label="mean |grad|", color="#2a9d8f")
    ax.set_yscale("log")
    ax.set_xticks(x, [_text(n) for n in names], rotation=60, ha="right", fontsize=8)
    ax.set_title(_text(title))
    ax.legend()
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


XLABEL, YLABEL = "time step t", "||∂L/∂h_t||"


def plot_grad_over_time(
    grads: Iterable[npt.ArrayLike | Tensor],
    path: str | os.PathLike[str] | None = None,
    title: object = "||∂L/∂h_t|| per time step",
    label: object = None,
    ax: Axes | None = None,
    ylabel: object = YLABEL,
    **line: Any,
) -> Figure:
    """Norm of ∂L/∂h_t at every time step t = 0..T-1, log scale: vanishing or exploding gradients show as a slope.

    grads: one gradient per time step (arrays, Tensors or numbers); several curves can share an `ax`; `line` goes
    to matplotlib (`linestyle="--"` for a prediction); `ylabel` says what the norm is of, as the title does.
    A log scale cannot show a norm that underflowed (0, or below the smallest normal number of the gradient's
    dtype) or overflowed (inf, nan): those steps are shaded and a note on the plot names them, where a bare curve
    would just stop.
    """
    norms, dtypes = _norms(grads, "viz.plot_grad_over_time")
    if not len(norms):
        raise ValueError("viz.plot_grad_over_time: no gradients given")
    plt = _pyplot()
    from matplotlib.ticker import MaxNLocator

    # an Axes of a Figure (a SubFigure has no tight_layout)
    fig = cast("Figure", ax.figure) if ax is not None else plt.subplots(figsize=(6, 3.5))[0]
    ax = ax if ax is not None else fig.axes[0]
    t = np.arange(len(norms))
    tiny = np.array([np.finfo(d).tiny for d in dtypes])
    under, over = norms < tiny, ~np.isfinite(norms)
    name = "" if label is None else _text(label) + ": "
    (curve,) = ax.semilogy(
        t,
        np.where(under | over, np.nan, norms),
        label=None if label is None else _text(label),
        **{"marker": "o", "markersize": 2, **line},
    )
    if under.any():
        last = t[under][-1]
        below = "to 0" if (norms[under] == 0).all() else f"(< {tiny[last]:.2g}, {dtypes[last].name}'s smallest normal)"
        _note(ax, under, f"{name}underflows {below} {_when(t[under])}", curve.get_color())
    if over.any():
        _note(ax, over, f"{name}overflows to inf/nan {_when(t[over])}", curve.get_color())
    ax.set_xlim(-0.5, max(len(cast(Sized, ln.get_xdata())) for ln in ax.lines) - 0.5)  # 1-D arrays
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # time steps are whole numbers, also for small T
    ax.set_xlabel(XLABEL)
    ax.set_ylabel(_text(ylabel))
    ax.set_title(_text(title))
    if label is not None:
        ax.legend(fontsize=8)
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


def _when(steps: Array) -> str:
    """'for t ≤ 11', 'at t = 3..9' or 'at t = 2, 5, 9': the steps a curve cannot show."""
    if steps[0] == 0 and len(steps) == steps[-1] + 1:
        return f"for t ≤ {steps[-1]}"
    if len(steps) == steps[-1] - steps[0] + 1:
        return f"at t = {steps[0]}..{steps[-1]}"
    return "at t = " + ", ".join(str(s) for s in steps[:6]) + (", ..." if len(steps) > 6 else "")


def _note(ax: Axes, lost: Array, text: str, color: Any) -> None:
    """Shade the lost steps and list the note top left, in the curve's colour, one line per note: the curve
    itself is not drawn above the steps it lost."""
    for s in np.flatnonzero(lost):
        ax.axvspan(s - 0.5, s + 0.5, color=color, alpha=0.07, linewidth=0)
    k = sum(1 for x in ax.texts if x.get_gid() == "lost")
    ax.text(
        0.01,
        0.96 - 0.07 * k,
        text,
        transform=ax.transAxes,
        color=color,
        fontsize=8,
        va="top",
        gid="lost",
        bbox=dict(facecolor="white", alpha=0.8, edgecolor="none", pad=1),
    )  # readable over another curve


def _norms(grads: Iterable[npt.ArrayLike | Tensor], who: str) -> tuple[Array, list[np.dtype[Any]]]:
    """(norms, dtypes): each gradient's norm, computed in float64, and its float dtype."""
    if isinstance(grads, (Tensor, str, bytes)) or not hasattr(grads, "__iter__"):
        raise TypeError(f"{who}: expected a sequence of gradients, one per time step, got {type(grads).__name__}")
    norms: list[float] = []
    dtypes: list[np.dtype[Any]] = []
    for i, g in enumerate(grads):
        if g is None:
            raise TypeError(f"{who}: gradient {i} is None (was it recorded?), expected an array or Tensor")
        try:
            a = np.asarray(_array(g))
            norms.append(float(np.linalg.norm(np.asarray(a, dtype=np.float64))))
        except (TypeError, ValueError):
            raise TypeError(f"{who}: gradient {i} is {type(g).__name__}, not an array or Tensor") from None
        dtypes.append(a.dtype if np.issubdtype(a.dtype, np.floating) else np.dtype(np.float64))
    return np.array(norms), dtypes
