"""Plots of gradient flow with matplotlib (imported only when a plot is asked for)."""
import numpy as np

from autograd_core import Tensor

from . import labels as L
from .record import _array


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("viz plots need matplotlib: pip install matplotlib (or pip install -e '.[examples]')") from None
    return plt


def _text(s):
    """s as matplotlib draws it as written: `$x$` in a name would otherwise be TeX."""
    return L.visible(s).replace("$", "\\$")


def _pairs(named_parameters, who):
    if isinstance(named_parameters, dict):
        named_parameters = named_parameters.items()
    if isinstance(named_parameters, (Tensor, np.ndarray, str, bytes)) or not hasattr(named_parameters, "__iter__"):
        raise TypeError(f"{who}: expected (name, parameter) pairs such as model.named_parameters() gives, "
                        f"got {type(named_parameters).__name__}")
    for i, item in enumerate(named_parameters):
        if not (isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[1], Tensor)):
            raise TypeError(f"{who}: expected (name, parameter) pairs such as model.named_parameters() gives, "
                            f"got {type(item).__name__} at position {i}")
        yield item[0], item[1]


def grad_flow(named_parameters, _who="viz.grad_flow"):
    """(names, mean |grad|, max |grad|) per parameter that has a gradient."""
    names, means, maxes = [], [], []
    for name, p in _pairs(named_parameters, _who):
        if getattr(p, "grad", None) is None:
            continue
        g = np.abs(_array(p.grad))
        names.append(name)
        means.append(float(g.mean()))
        maxes.append(float(g.max()))
    return names, means, maxes


def plot_grad_flow(named_parameters, path=None, title="gradient flow"):
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


def plot_grad_over_time(grads, path=None, title="dL/dh_t per time step", label=None, ax=None):
    """Norm of dL/dh_t against t, log scale: vanishing or exploding gradients through time show as a slope.

    grads: a sequence of gradients (arrays or Tensors), one per time step; several runs can share an `ax`.
    """
    norms = _norms(grads, "viz.plot_grad_over_time")
    if not norms:
        raise ValueError("viz.plot_grad_over_time: no gradients given")
    plt = _pyplot()
    fig = ax.figure if ax is not None else plt.subplots(figsize=(5, 3.2))[0]
    ax = ax if ax is not None else fig.axes[0]
    ax.semilogy(range(len(norms)), norms, marker="o", markersize=3,
                label=None if label is None else _text(label))
    ax.set_xlabel("time step t")
    ax.set_ylabel("||dL/dh_t||")
    ax.set_title(_text(title))
    if label:
        ax.legend()
    fig.tight_layout()
    if path is not None:
        fig.savefig(path)
    return fig


def _norms(grads, who):
    if isinstance(grads, (Tensor, str, bytes)) or not hasattr(grads, "__iter__"):
        raise TypeError(f"{who}: expected a sequence of gradients, one per time step, got {type(grads).__name__}")
    norms = []
    for i, g in enumerate(grads):
        if g is None:
            raise TypeError(f"{who}: gradient {i} is None (was it recorded?), expected an array or Tensor")
        try:
            norms.append(float(np.linalg.norm(np.asarray(_array(g), dtype=np.float64))))
        except (TypeError, ValueError):
            raise TypeError(f"{who}: gradient {i} is {type(g).__name__}, not an array or Tensor") from None
    return norms
