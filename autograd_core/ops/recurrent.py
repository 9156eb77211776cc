"""Fused LSTM and GRU state updates: one time step's matmul and gate arithmetic as one primitive each.

nn.LSTM and nn.GRU call these T times per sequence. Composed from primitives, one step is ~14 ops, each paying
Python overhead and each keeping its inputs alive until backward; fused, a step is one node that keeps only the
activated gates. The equations are those of nn.functional.recurrent's `lstm_update` and `gru_update` (PyTorch's
gate order: LSTM i, f, g, o; GRU r, z, n), and tests check that both give the same numbers and gradients.

Second derivatives: with create_graph=True the engine calls `backward` with Tensors, and the gates saved as arrays
would be constants there. So in that case backward recomputes the gates from its input Tensors with recorded ops,
and the same gradient formulas, written with operators arrays and Tensors share, record a differentiable pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, overload

import numpy as np

from ..function import Function
from ..tensor import Tensor, as_tensor
from .movement import concatenate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Operand, TensorLike

__all__ = ["LSTMStep", "fused_lstm_update", "GRUStep", "fused_gru_update"]


def _sigmoid(x: Array) -> Array:
    return 0.5 * (1 + np.tanh(0.5 * x))  # the formula of the Sigmoid primitive: the same numbers, and stable


@overload
def _blocks(a: Tensor, n: int, count: int) -> list[Tensor]: ...
@overload
def _blocks(a: Array, n: int, count: int) -> list[Array]: ...
def _blocks(a: Operand, n: int, count: int) -> list[Any]:  # the overloads say which
    """The `count` gate blocks of width n side by side along axis 1 of a (B, count * n) array."""
    return [a[:, k * n : (k + 1) * n] for k in range(count)]


@overload
def _cat(blocks: Sequence[Tensor]) -> Tensor: ...
@overload
def _cat(blocks: Sequence[Operand]) -> Operand: ...
def _cat(blocks: Sequence[Operand]) -> Operand:
    """Gate blocks side by side again (arrays on the fast path, Tensors when the backward is recorded)."""
    if any(isinstance(b, Tensor) for b in blocks):
        return concatenate(blocks, axis=1)
    return np.concatenate(blocks, axis=1)


# ---- LSTM ---------------------------------------------------------------------------------------------


class LSTMStep(Function):
    """h' and c' stacked as (2, B, H) from xw (B, 4H), h and c (B, H), w_hh_t (H, 4H).

    gates = xw + h @ w_hh_t; i, f, o = sigmoid, g = tanh of their blocks; c' = f * c + i * g; h' = o * tanh(c').
    One output because a node has one: the caller takes out[0] and out[1] (basic indexing, cheap in backward).
    """

    saves = {"act": "recomputed", "out": "output", "h": 1, "c": 2, "w_hh_t": 3}
    rule = "dc' = g_c + g_h * o * (1 - tanh²c'); gates: σ' = a(1 - a), tanh' = 1 - a²"

    @staticmethod
    def forward(ctx: Function, xw: Array, h: Array, c: Array, w_hh_t: Array) -> Array:
        n = h.shape[1]
        # _sigmoid's and the cell's formulas computed in place (the same numbers): a step is a few small arrays,
        # so the time saved on allocations shows
        gates = h @ w_hh_t
        gates = np.add(gates, xw, out=gates if gates.dtype == np.result_type(gates, xw) else None)
        act = np.multiply(gates, 0.5)  # sigmoid of all four blocks at once: 0.5 * (1 + tanh(x / 2)) ...
        np.tanh(act, out=act)
        act += 1
        act *= 0.5
        np.tanh(gates[:, 2 * n : 3 * n], out=act[:, 2 * n : 3 * n])  # ... then the g block's tanh over its sigmoid
        i, f, g, o = _blocks(act, n, 4)
        out = np.empty((2,) + h.shape, np.result_type(act, c))
        np.multiply(f, c, out=out[1])
        out[1] += i * g
        np.tanh(out[1], out=out[0])
        out[0] *= o
        ctx.act, ctx.out, ctx.h, ctx.c, ctx.w_hh_t = act, out, h, c, w_hh_t  # tanh(c') is recomputed: less memory
        return out

    @staticmethod
    def backward(ctx: Function, grad: Operand) -> tuple[Operand, Operand | None, Operand | None, Operand | None]:
        if isinstance(grad, Tensor):  # recorded backward: gates recomputed from the inputs, so they carry a graph
            xw, h, c, w_hh_t = ctx.parents
            act, tanh_c = _lstm_gates(xw, h, c, w_hh_t)
        else:
            act, h, c, w_hh_t, tanh_c = ctx.act, ctx.h, ctx.c, ctx.w_hh_t, np.tanh(ctx.out[1])
        n = h.shape[1]
        i, f, g, o = _blocks(act, n, 4)
        dh_out, dc_out = grad[0], grad[1]
        dc = dc_out + dh_out * o * (1 - tanh_c * tanh_c)  # c' reaches the loss directly and through h'
        d_act = _cat([dc * g, dc * c, dc * i, dh_out * tanh_c])  # to the activated gates i, f, g, o
        # to their pre-activations: sigmoid' = a (1 - a) and tanh' = (1 - a)(1 + a), so for all four blocks at
        # once (1 - a)(a + e) with e = 1 on the tanh block g, 0 on the others
        e = np.zeros(4 * n, act.dtype)
        e[2 * n : 3 * n] = 1
        d_gates = d_act * (1 - act) * (act + e)
        need = ctx.needs_input_grad
        return (
            d_gates,
            d_gates @ w_hh_t.T if need[1] else None,
            dc * f if need[2] else None,
            h.T @ d_gates if need[3] else None,
        )


def _lstm_gates(xw: Tensor, h: Tensor, c: Tensor, w_hh_t: Tensor) -> tuple[Tensor, Tensor]:
    """The activated gates (B, 4H) and tanh(c') from Tensors, with recorded ops (for the recorded backward)."""
    n = h.shape[1]
    gates = xw + h @ w_hh_t
    ifo = gates.sigmoid()
    i, f, _, o = _blocks(ifo, n, 4)
    g = gates[:, 2 * n : 3 * n].tanh()
    return _cat([i, f, g, o]), (f * c + i * g).tanh()


def fused_lstm_update(
    xw: TensorLike, h: TensorLike, c: TensorLike, w_hh_t: TensorLike, validate: bool = True
) -> tuple[Tensor, Tensor]:
    """(h', c') of an LSTM step, fused: nn.functional.recurrent.lstm_update's arguments and numbers.

    xw (B, 4H) is the step's projected input x W_ih^T + b, h and c (B, H), w_hh_t (H, 4H) = W_hh^T. nn.LSTM
    passes validate=False: it has checked the shapes once per sequence.
    """
    if validate:
        xw, h, c, w_hh_t = (as_tensor(t) for t in (xw, h, c, w_hh_t))
        _check("fused_lstm_update", xw, [h, c], w_hh_t, 4)
    out = LSTMStep.apply(xw, h, c, w_hh_t)
    return out[0], out[1]


# ---- GRU ----------------------------------------------------------------------------------------------


class GRUStep(Function):
    """h' (B, H) from gi (B, 3H), h (B, H), w_hh_t (H, 3H) and optionally b_hh (3H,).

    gh = h @ w_hh_t + b_hh; r, z = sigmoid(gi + gh) of their blocks; n = tanh(gi_n + r * gh_n);
    h' = n + z * (h - n).
    """

    saves = {"rz": "recomputed", "new": "recomputed", "gh_n": "recomputed", "h": 1, "w_hh_t": 2}
    rule = "dn = g * (1 - z) * (1 - n²); dz = g * (h - n); gates: σ' = a(1 - a)"

    @staticmethod
    def forward(ctx: Function, gi: Array, h: Array, w_hh_t: Array, *b_hh: Array) -> Array:
        n = h.shape[1]
        gh = h @ w_hh_t
        if b_hh:
            gh = gh + b_hh[0]
        gh_n = gh[:, 2 * n :]
        rz = _sigmoid(gi[:, : 2 * n] + gh[:, : 2 * n])
        r, z = rz[:, :n], rz[:, n:]
        new = np.tanh(gi[:, 2 * n :] + r * gh_n)
        ctx.rz, ctx.new, ctx.gh_n, ctx.h, ctx.w_hh_t = rz, new, gh_n.copy(), h, w_hh_t  # copy: not all of gh
        return new + z * (h - new)

    @staticmethod
    def backward(ctx: Function, grad: Operand) -> tuple[Operand | None, ...]:
        if isinstance(grad, Tensor):  # recorded backward: gates recomputed from the inputs, so they carry a graph
            gi, h, w_hh_t, *b_hh = ctx.parents
            rz, new, gh_n = _gru_gates(gi, h, w_hh_t, b_hh[0] if b_hh else None)
        else:
            rz, h, w_hh_t, new, gh_n = ctx.rz, ctx.h, ctx.w_hh_t, ctx.new, ctx.gh_n
        r, z = _blocks(rz, h.shape[1], 2)
        d_new = grad * (1 - z) * (1 - new * new)  # to n's pre-activation gi_n + r * gh_n
        d_rz = _cat([d_new * gh_n, grad * (h - new)]) * rz * (1 - rz)  # to r's and z's pre-activations
        d_gi = _cat([d_rz, d_new])
        d_gh = _cat([d_rz, d_new * r])
        need = ctx.needs_input_grad
        grads: tuple[Operand | None, ...] = (
            d_gi,
            grad * z + d_gh @ w_hh_t.T if need[1] else None,
            h.T @ d_gh if need[2] else None,
        )
        if len(need) == 4:
            grads += (d_gh.sum(axis=0) if need[3] else None,)
        return grads


def _gru_gates(gi: Tensor, h: Tensor, w_hh_t: Tensor, b_hh: Tensor | None) -> tuple[Tensor, Tensor, Tensor]:
    """r and z (B, 2H), n and W_hn h + b_hn from Tensors, with recorded ops (for the recorded backward)."""
    n = h.shape[1]
    gh = h @ w_hh_t
    if b_hh is not None:
        gh = gh + b_hh
    rz = (gi[:, : 2 * n] + gh[:, : 2 * n]).sigmoid()
    gh_n = gh[:, 2 * n :]
    return rz, (gi[:, 2 * n :] + rz[:, :n] * gh_n).tanh(), gh_n


def fused_gru_update(
    gi: TensorLike, h: TensorLike, w_hh_t: TensorLike, b_hh: TensorLike | None = None, validate: bool = True
) -> Tensor:
    """h' of a GRU step, fused: nn.functional.recurrent.gru_update's arguments and numbers.

    gi (B, 3H) is the step's projected input x W_ih^T + b_ih, h (B, H), w_hh_t (H, 3H) = W_hh^T, b_hh (3H,) or
    None. nn.GRU passes validate=False: it has checked the shapes once per sequence.
    """
    biases: Sequence[TensorLike] = () if b_hh is None else (b_hh,)
    if validate:
        gi, h, w_hh_t, *checked = (as_tensor(t) for t in (gi, h, w_hh_t, *biases))
        _check("fused_gru_update", gi, [h], w_hh_t, 3)
        if checked and checked[0].shape != (w_hh_t.shape[1],):
            raise ValueError(
                f"fused_gru_update: b_hh must have shape ({w_hh_t.shape[1]},) to match w_hh_t "
                f"{w_hh_t.shape}, got {checked[0].shape}"
            )
        biases = checked
    return GRUStep.apply(gi, h, w_hh_t, *biases)


def _check(name: str, xw: Tensor, states: Sequence[Tensor], w_hh_t: Tensor, gates: int) -> None:
    """ValueError naming expected and given shapes, before NumPy can fail with its own message."""
    if w_hh_t.ndim != 2 or w_hh_t.shape[1] != gates * w_hh_t.shape[0]:
        raise ValueError(f"{name}: w_hh_t must have shape (hidden_size, {gates} * hidden_size), got {w_hh_t.shape}")
    hidden = w_hh_t.shape[0]
    if xw.ndim != 2 or xw.shape[1] != gates * hidden:
        raise ValueError(
            f"{name}: the projected input must have shape (batch, {gates * hidden}) for w_hh_t "
            f"{w_hh_t.shape}, got {xw.shape}"
        )
    for s in states:
        if s.shape != (xw.shape[0], hidden):
            raise ValueError(
                f"{name}: each state must have shape {(xw.shape[0], hidden)} (batch, hidden_size) "
                f"for a projected input {xw.shape}, got {s.shape}"
            )
