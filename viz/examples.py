"""Built-in graphs to draw, made of autograd_core ops only (viz does not import nn): neuron, mlp, conv, lstm.

Each builder runs the forward pass and a backward pass under `record_gradients()`, and returns the loss.
Parameters are named by their path and ops grouped by `ag.name_scope`, as nn's modules do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

import autograd_core as ag

from .record import record_gradients

if TYPE_CHECKING:
    from autograd_core import Tensor

__all__ = ["neuron", "mlp", "conv", "lstm"]


def _param(rng: np.random.Generator, name: str, *shape: int, scale: float = 0.5) -> Tensor:
    return ag.tensor(rng.standard_normal(shape) * scale, dtype="float32", requires_grad=True, name=name)


def _backward(loss: Tensor) -> Tensor:
    with record_gradients():
        loss.backward()
    return loss


def neuron() -> Tensor:
    """The lectures' neuron tanh(x1*w1 + x2*w2 + b), with the weights of micrograd's example."""
    x1, x2 = ag.tensor(2.0, name="x1"), ag.tensor(0.0, name="x2")
    w1, w2 = ag.tensor(-3.0, requires_grad=True, name="w1"), ag.tensor(1.0, requires_grad=True, name="w2")
    b = ag.tensor(6.8813735870195432, requires_grad=True, name="b")
    return _backward((x1 * w1 + x2 * w2 + b).tanh())


def _linear(rng: np.random.Generator, name: str, x: Tensor, n_in: int, n_out: int) -> Tensor:
    with ag.name_scope(name):
        w, b = _param(rng, f"{name}.weight", n_out, n_in), _param(rng, f"{name}.bias", n_out)
        return x @ w.T + b


def _cross_entropy(logits: Tensor, labels: np.ndarray) -> Tensor:
    with ag.name_scope("loss"):
        logp = logits.log_softmax(axis=-1)
        return -logp[np.arange(len(labels)), labels].mean()


def mlp(seed: int = 0) -> Tensor:
    """A 2-layer MLP (3 -> 8 -> 2, tanh) on a batch of 4, cross-entropy loss."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((4, 3)), dtype="float32", name="x")
    h = _linear(rng, "fc1", x, 3, 8).tanh()
    return _backward(_cross_entropy(_linear(rng, "fc2", h, 8, 2), np.array([0, 1, 1, 0])))


def _conv2d(rng: np.random.Generator, name: str, x: Tensor, c_in: int, c_out: int, k: int) -> Tensor:
    """pad -> sliding windows -> matmul -> bias: the composition nn.functional.conv2d uses."""
    with ag.name_scope(name):
        w, b = _param(rng, f"{name}.weight", c_out, c_in, k, k), _param(rng, f"{name}.bias", c_out)
        win = ag.sliding_window(ag.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1))), (k, k))  # (N, C, O1, O2, k, k)
        n, _, o1, o2 = win.shape[:4]
        cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n, o1, o2, c_in * k * k)
        y = cols @ w.reshape(c_out, c_in * k * k).T + b  # (N, O1, O2, F)
        return y.transpose(0, 3, 1, 2)


def conv(seed: int = 0) -> Tensor:
    """conv(1->2, 3x3, padding 1) -> relu -> 2x2 max pool -> linear(2*3*3 -> 3) on a 2x1x6x6 batch."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(rng.standard_normal((2, 1, 6, 6)), dtype="float32", name="image")
    h = _conv2d(rng, "conv1", x, 1, 2, 3).relu()
    with ag.name_scope("pool"):
        h = ag.sliding_window(h, (2, 2), stride=2).max(axis=(-2, -1))  # (N, 2, 3, 3)
    logits = _linear(rng, "fc", h.reshape(2, -1), 18, 3)
    return _backward(_cross_entropy(logits, np.array([0, 2])))


def lstm(
    steps: int = 5, layers: int = 1, hidden: int = 4, seed: int = 0, backward: bool = True
) -> tuple[Tensor, list[Tensor]]:
    """An LSTM unrolled over `steps` (scopes lstm/l<layer>/t=<step>); the loss reads the last step only.

    Returns (loss, hs): hs are the last layer's hidden states h_t, whose recorded gradients show how
    dL/dh_t decays going back in time.
    """
    rng = np.random.default_rng(seed)
    xs = [ag.tensor(rng.standard_normal((1, 3)), dtype="float32", name=f"x{t}") for t in range(steps)]
    n_in = 3
    with ag.name_scope("lstm"):
        for layer in range(layers):
            p = f"lstm.l{layer}"
            w_ih, w_hh = (
                _param(rng, f"{p}.weight_ih", 4 * hidden, n_in),
                _param(rng, f"{p}.weight_hh", 4 * hidden, hidden),
            )
            bias = _param(rng, f"{p}.bias", 4 * hidden, scale=0.1)
            h = c = ag.zeros(1, hidden)
            hs = []
            with ag.name_scope(f"l{layer}"):
                for t, x in enumerate(xs):
                    with ag.name_scope(f"t={t}"):
                        z = x @ w_ih.T + h @ w_hh.T + bias  # (1, 4H): i, f, g, o
                        i, f, g, o = ag.split(z, 4, axis=1)
                        c = f.sigmoid() * c + i.sigmoid() * g.tanh()
                        h = o.sigmoid() * c.tanh()
                    hs.append(h)
            xs, n_in = hs, hidden
    loss = (hs[-1] ** 2).sum()
    return (_backward(loss) if backward else loss), hs


EXAMPLES: dict[str, Callable[[], Tensor]] = {"neuron": neuron, "mlp": mlp, "conv": conv, "lstm": lambda: lstm()[0]}
