"""One time step of a vanilla RNN, an LSTM and a GRU, composed from matmul, sigmoid, tanh and slicing.

Each cell has two forms. `rnn_cell`, `lstm_cell`, `gru_cell` take PyTorch's weights as they are stored
(`w_ih` (G*H, I), `w_hh` (G*H, H)). The `*_step` forms take the weights already transposed (and, where the
equations allow, the two biases already summed): the layers prepare them once per sequence instead of once per
step. The G gate blocks of a weight are stacked along its first axis in PyTorch's order (LSTM i, f, g, o;
GRU r, z, n), so one matmul per operand computes every gate and slicing the 4H (or 3H) axis separates them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from autograd_core import Tensor

from ._args import check_dtypes

if TYPE_CHECKING:
    from typing import Literal

__all__ = ["rnn_update", "rnn_step", "lstm_update", "lstm_step", "gru_update", "gru_step", "rnn_cell", "lstm_cell",
           "gru_cell"]  # fmt: skip


def _check_cell(name, x, hs, w_ih, w_hh, gates):
    """Raise ValueError naming expected and given shapes before any matmul can fail with a NumPy message."""
    for t, what in [(x, "input"), (w_ih, "w_ih"), (w_hh, "w_hh")] + [(h, "hidden state") for h in hs]:
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}: {what} must be an autograd_core Tensor, got {type(t).__name__}")
    hidden = w_hh.shape[1] if w_hh.ndim == 2 else None
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * hidden:
        raise ValueError(f"{name}: w_hh must have shape ({gates} * hidden_size, hidden_size), got {w_hh.shape}")
    if w_ih.ndim != 2 or w_ih.shape[0] != gates * hidden:
        raise ValueError(
            f"{name}: w_ih must have shape ({gates * hidden}, input_size) to match w_hh {w_hh.shape}, got {w_ih.shape}"
        )
    if x.ndim not in (1, 2) or x.shape[-1] != w_ih.shape[1]:
        raise ValueError(f"{name}: input must have shape (batch, {w_ih.shape[1]}) or ({w_ih.shape[1]},), got {x.shape}")
    expected = x.shape[:-1] + (hidden,)
    for h in hs:
        if h.shape != expected:
            raise ValueError(f"{name}: hidden state must have shape {expected} for input {x.shape}, got {h.shape}")


def _zeros_state(x: Tensor, hidden: int) -> Tensor:
    return Tensor(np.zeros(x.shape[:-1] + (hidden,), x.dtype))


# ---- steps on prepared (transposed) weights: what the layers call T times ------------------------
# Each step splits in two: the input's projection x W_ih^T (+ bias), which does not depend on the state, and the
# `*_update` on the state. The layers project all T steps' inputs in one matmul before the loop and call only the
# update inside it (step by step under detect_anomaly, so that an overflow names its step).


def rnn_update(xw: Tensor, h: Tensor, w_hh_t: Tensor, nonlinearity: Literal["tanh", "relu"] = "tanh") -> Tensor:
    """h' = act(xw + h W_hh^T), xw the step's projected input x W_ih^T + b_ih + b_hh."""
    a = xw + h @ w_hh_t
    return a.tanh() if nonlinearity == "tanh" else a.relu()


def rnn_step(
    x: Tensor,
    h: Tensor,
    w_ih_t: Tensor,
    w_hh_t: Tensor,
    bias: Tensor | None = None,
    nonlinearity: Literal["tanh", "relu"] = "tanh",
) -> Tensor:
    """h' = act(x W_ih^T + h W_hh^T + b_ih + b_hh), the lectures' h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)."""
    return rnn_update(_project(x, w_ih_t, bias), h, w_hh_t, nonlinearity)


def lstm_update(xw: Tensor, h: Tensor, c: Tensor, w_hh_t: Tensor) -> tuple[Tensor, Tensor]:
    """(h', c') of an LSTM from the step's projected input xw = x W_ih^T + b (B, 4H)."""
    hidden = h.shape[-1]
    gates = xw + h @ w_hh_t  # (B, 4H)
    ifo = gates.sigmoid()  # one sigmoid for i, f and o (the g block's sigmoid is a cheap waste, 3 ops saved)
    i, f, o = ifo[..., :hidden], ifo[..., hidden : 2 * hidden], ifo[..., 3 * hidden :]
    g = gates[..., 2 * hidden : 3 * hidden].tanh()
    c = f * c + i * g
    return o * c.tanh(), c


def lstm_step(
    x: Tensor, h: Tensor, c: Tensor, w_ih_t: Tensor, w_hh_t: Tensor, bias: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """(h', c') of an LSTM; the four gates come out of one (B, 4H) pre-activation."""
    return lstm_update(_project(x, w_ih_t, bias), h, c, w_hh_t)


def gru_update(gi: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None = None) -> Tensor:
    """h' of a GRU from the step's projected input gi = x W_ih^T + b_ih (B, 3H)."""
    hidden = h.shape[-1]
    gh = _project(h, w_hh_t, b_hh)  # (B, 3H)
    rz = (gi[..., : 2 * hidden] + gh[..., : 2 * hidden]).sigmoid()  # r and z in one sigmoid
    r, z = rz[..., :hidden], rz[..., hidden:]
    n = (gi[..., 2 * hidden :] + r * gh[..., 2 * hidden :]).tanh()
    return n + z * (h - n)  # = (1 - z) * n + z * h with one op fewer


def gru_step(
    x: Tensor, h: Tensor, w_ih_t: Tensor, w_hh_t: Tensor, b_ih: Tensor | None = None, b_hh: Tensor | None = None
) -> Tensor:
    """h' of a GRU. The biases stay apart: b_hn sits inside r * (W_hn h + b_hn), so it cannot merge with b_in."""
    return gru_update(_project(x, w_ih_t, b_ih), h, w_hh_t, b_hh)


def _project(x: Tensor, w_t: Tensor, bias: Tensor | None = None) -> Tensor:
    xw = x @ w_t
    return xw if bias is None else xw + bias


def _summed(b_ih: Tensor | None, b_hh: Tensor | None) -> Tensor | None:
    if b_ih is None:
        return b_hh
    return b_ih if b_hh is None else b_ih + b_hh


# ---- cells on PyTorch's weight layout -------------------------------------------------------------


def rnn_cell(
    input: Tensor,
    hx: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
    nonlinearity: Literal["tanh", "relu"] = "tanh",
) -> Tensor:
    """One Elman RNN step: input (B, I) or (I,), hx of shape (B, H) or None (zeros); returns h'."""
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"rnn_cell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
    hx = _zeros_state(input, w_hh.shape[-1]) if hx is None else hx
    _check_cell("rnn_cell", input, [hx], w_ih, w_hh, 1)
    check_dtypes("rnn_cell", input, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh, hx=hx)
    return rnn_step(input, hx, w_ih.T, w_hh.T, _summed(b_ih, b_hh), nonlinearity)


def lstm_cell(
    input: Tensor,
    hx: tuple[Tensor, Tensor] | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> tuple[Tensor, Tensor]:
    """One LSTM step: hx is (h, c) or None (zeros); returns (h', c')."""
    if hx is None:
        hx = (_zeros_state(input, w_hh.shape[-1]),) * 2
    elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
        raise TypeError(f"lstm_cell: hx must be a pair (h, c), got {type(hx).__name__}")
    _check_cell("lstm_cell", input, list(hx), w_ih, w_hh, 4)
    check_dtypes("lstm_cell", input, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh, h=hx[0], c=hx[1])
    return lstm_step(input, hx[0], hx[1], w_ih.T, w_hh.T, _summed(b_ih, b_hh))


def gru_cell(
    input: Tensor,
    hx: Tensor | None,
    w_ih: Tensor,
    w_hh: Tensor,
    b_ih: Tensor | None = None,
    b_hh: Tensor | None = None,
) -> Tensor:
    """One GRU step: hx of shape (B, H) or None (zeros); returns h'."""
    hx = _zeros_state(input, w_hh.shape[-1]) if hx is None else hx
    _check_cell("gru_cell", input, [hx], w_ih, w_hh, 3)
    check_dtypes("gru_cell", input, w_ih=w_ih, w_hh=w_hh, b_ih=b_ih, b_hh=b_hh, hx=hx)
    return gru_step(input, hx, w_ih.T, w_hh.T, b_ih, b_hh)
