"""RNN, LSTM and GRU: cells, and layers that unroll a cell over time in plain Python (backprop through time)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import (
    Tensor,
    concatenate,
    fused_gru_update,
    fused_lstm_update,
    get_default_dtype,
    is_anomaly_enabled,
    name_scope,
    stack,
    where,
)
from autograd_core.tensor import as_tensor

from .. import functional as F
from .. import init
from ..functional import recurrent as R
from ..functional._args import check_dtypes
from ..module import Module
from ..parameter import Parameter

if TYPE_CHECKING:
    from typing import Any, Literal

    from autograd_core.types import TensorLike


__all__ = ["RNNCell", "LSTMCell", "GRUCell", "RNNBase", "RNN", "LSTM", "GRU"]


def _uniform_parameter(shape: tuple[int, ...], hidden_size: int) -> Parameter:
    """PyTorch's RNN initialisation: every weight and bias uniform in (-1/sqrt(H), 1/sqrt(H))."""
    p = Parameter(np.empty(shape, get_default_dtype()))
    bound = 1 / math.sqrt(hidden_size) if hidden_size > 0 else 0
    return init.uniform_(p, -bound, bound)


def _check_sizes(name: str, input_size: int, hidden_size: int, least: int = 1) -> None:
    for what, n in (("input_size", input_size), ("hidden_size", hidden_size)):
        if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < least:
            raise ValueError(f"{name}: {what} must be an integer >= {least}, got {n!r}")


# ---- cells: one time step, as Modules ---------------------------------------------------------------


class _CellBase(Module):
    bias_ih: Parameter | None  # registered: None with bias=False
    bias_hh: Parameter | None

    def __init__(self, input_size: int, hidden_size: int, bias: bool, gates: int) -> None:
        super().__init__()
        _check_sizes(type(self).__name__, input_size, hidden_size, least=0)  # PyTorch's cells take 0, its layers not
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = _uniform_parameter((gates * hidden_size, input_size), hidden_size)
        self.weight_hh = _uniform_parameter((gates * hidden_size, hidden_size), hidden_size)
        if bias:
            self.bias_ih = _uniform_parameter((gates * hidden_size,), hidden_size)
            self.bias_hh = _uniform_parameter((gates * hidden_size,), hidden_size)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def _weights(self) -> tuple[Parameter, Parameter, Parameter | None, Parameter | None]:
        return self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh

    def extra_repr(self) -> str:
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(
        self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: Literal["tanh", "relu"] = "tanh"
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, 1)
        self.nonlinearity = nonlinearity

    def forward(self, input: TensorLike, hx: Tensor | None = None) -> Tensor:
        return F.rnn_cell(as_tensor(input), hx, *self._weights(), nonlinearity=self.nonlinearity)


class LSTMCell(_CellBase):
    """(h', c') from the gates i, f, g, o: c' = f * c + i * g, h' = o * tanh(c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, 4)

    def forward(self, input: TensorLike, hx: tuple[Tensor, Tensor] | None = None) -> tuple[Tensor, Tensor]:
        return F.lstm_cell(as_tensor(input), hx, *self._weights())


class GRUCell(_CellBase):
    """h' = (1 - z) * n + z * h from the gates r, z, n."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True) -> None:
        super().__init__(input_size, hidden_size, bias, 3)

    def forward(self, input: TensorLike, hx: Tensor | None = None) -> Tensor:
        return F.gru_cell(as_tensor(input), hx, *self._weights())


# ---- layers: a cell unrolled over a sequence ------------------------------------------------------


class RNNBase(Module):
    """Stacked, optionally bidirectional recurrent layers with PyTorch's parameters, shapes and return values.

    forward(input, hx=None, lengths=None): input (T, B, I), or (B, T, I) with batch_first, or unbatched (T, I).
    `lengths` (one per sequence, each <= T) marks the steps after a sequence's end as padding: there the state is
    carried through unchanged (ag.where), so padding changes neither the final states nor any gradient, the
    output is 0, and the reverse direction starts at each sequence's own last step.
    """

    _gate_count = 1  # weight blocks stacked along the first axis: 4 for LSTM (i, f, g, o), 3 for GRU (r, z, n)
    _num_states = 1  # LSTM carries (h, c)

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        super().__init__()
        name = type(self).__name__
        _check_sizes(name, input_size, hidden_size)
        if not isinstance(num_layers, (int, np.integer)) or num_layers < 1:
            raise ValueError(f"{name}: num_layers must be a positive integer, got {num_layers!r}")
        if not 0 <= dropout <= 1:
            raise ValueError(f"{name}: dropout must be a probability in [0, 1], got {dropout!r}")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        gates = self._gate_count
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self._directions
            for sfx in self._suffixes:
                setattr(
                    self,
                    f"weight_ih_l{layer}{sfx}",
                    _uniform_parameter((gates * hidden_size, layer_input), hidden_size),
                )
                setattr(
                    self,
                    f"weight_hh_l{layer}{sfx}",
                    _uniform_parameter((gates * hidden_size, hidden_size), hidden_size),
                )
                if bias:
                    setattr(self, f"bias_ih_l{layer}{sfx}", _uniform_parameter((gates * hidden_size,), hidden_size))
                    setattr(self, f"bias_hh_l{layer}{sfx}", _uniform_parameter((gates * hidden_size,), hidden_size))

    _directions = property(lambda self: 2 if self.bidirectional else 1)
    _suffixes = property(lambda self: ("", "_reverse") if self.bidirectional else ("",))

    # -- what each kind of layer changes: the prepared weights and one step on them --------------------
    def _prepare(self, w_ih, w_hh, b_ih, b_hh):
        """(W_ih^T, the bias added to the input's projection), and the weights of the state update; transposed
        once per sequence, biases summed where the equations allow it."""
        return (w_ih.T, R._summed(b_ih, b_hh)), (w_hh.T,)

    def _step(self, xw: Tensor, state: tuple[Tensor, ...], weights: Any) -> tuple[Tensor, ...]:
        """The new state from the step's projected input xw and the old state."""
        raise NotImplementedError

    def _layer_weights(self, layer, sfx):
        p = self._parameters
        return self._prepare(
            p[f"weight_ih_l{layer}{sfx}"],
            p[f"weight_hh_l{layer}{sfx}"],
            p.get(f"bias_ih_l{layer}{sfx}"),
            p.get(f"bias_hh_l{layer}{sfx}"),
        )

    # -- the unrolled forward pass -------------------------------------------------------------------
    def forward(
        self, input: TensorLike, hx: Tensor | tuple[Tensor, Tensor] | None = None, lengths: TensorLike | None = None
    ) -> tuple[Tensor, Tensor | tuple[Tensor, ...]]:
        x = as_tensor(input)
        batched = self._check_input(x)
        if not batched:
            x = x.unsqueeze(1)  # (T, 1, I): one code path; the batch axis is removed again at the end
        time_axis = 1 if self.batch_first and batched else 0
        steps, batch = x.shape[time_axis], x.shape[1 - time_axis]
        if steps == 0:
            raise ValueError(
                f"{type(self).__name__}: expected at least one time step, got an input with none "
                f"(time axis {time_axis})"
            )
        check_dtypes(type(self).__name__, x, **self._parameters)
        states = self._initial_states(hx, batch, batched, x.dtype)
        masks = self._masks(lengths, steps, batch, batched)

        finals = []
        for layer in range(self.num_layers):
            outputs = []
            for d, sfx in enumerate(self._suffixes):
                with name_scope(f"l{layer}{sfx}"):
                    start = tuple(s[layer * self._directions + d] for s in states)
                    (w_ih_t, in_bias), weights = self._layer_weights(layer, sfx)
                    step_input = self._projector(x, time_axis, w_ih_t, in_bias)
                    ys, last = self._unroll(step_input, steps, start, weights, masks, reverse=d == 1)
                # (T, B, H) or (B, T, H) as one concatenate and a reshape: 2 nodes where stack makes T + 1.
                # Every size spelled out: with an empty batch, -1 would be ambiguous.
                outputs.append(concatenate(ys, axis=time_axis).reshape(x.shape[:2] + (self.hidden_size,)))
                finals.append(last)
            x = outputs[0] if len(outputs) == 1 else concatenate(outputs, axis=-1)  # (T, B, D*H) or (B, T, D*H)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout)

        output = x
        h_n = tuple(stack([f[k] for f in finals], axis=0) for k in range(self._num_states))  # (L*D, B, H)
        if not batched:
            output, h_n = output.squeeze(1), tuple(h.squeeze(1) for h in h_n)
        return output, (h_n if self._num_states > 1 else h_n[0])

    @staticmethod
    def _projector(x, time_axis, w_ih_t, in_bias):
        """step_input(t): step t's projected input x_t W_ih^T + bias (B, G*H), called inside step t's scope."""
        if is_anomaly_enabled():  # each step projects its own input, so an Inf is reported with its step
            return lambda t: R._project(x[:, t] if time_axis else x[t], w_ih_t, in_bias)
        # Every step's projection in one matmul, (T*B, I) @ (I, G*H): 4-8% faster than T small ones (measured,
        # paired, on benchmarks/rnn.py's sizes); slicing it per step costs O(T) in backward (Scattered gradients).
        flat = x.reshape(x.shape[0] * x.shape[1], x.shape[2])
        if in_bias is not None:  # [x, 1] @ [W_ih^T; b] = x W_ih^T + b: no (T*B, G*H) pre-bias array held by the
            # graph (-3.2 MiB for benchmarks/rnn.py's LSTM), and backward's one matmul gives the bias gradient too
            flat = concatenate([flat, Tensor(np.ones((flat.shape[0], 1), flat.dtype))], axis=1)
            w_ih_t = concatenate([w_ih_t, in_bias.reshape(1, -1)], axis=0)
        if flat.name is None and not flat.requires_grad:  # the data needs no gradient: keep its name for viz
            flat.name = x.name
        proj = (flat @ w_ih_t).reshape(x.shape[:2] + (w_ih_t.shape[1],))  # (T, B, G*H)
        return lambda t: proj[:, t] if time_axis else proj[t]

    def _unroll(self, step_input, steps, state, weights, masks, reverse):
        """Run one direction of one layer over all steps; returns the per-step outputs and the last state."""
        ys: list[Tensor | None] = [None] * steps  # every entry is set below
        for t in reversed(range(steps)) if reverse else range(steps):
            with name_scope(f"t={t}"):
                new = self._step(step_input(t), state, weights)
                if masks[t] is None:
                    state = new
                    ys[t] = new[0]
                else:  # padding: keep the old state, output 0
                    state = tuple(where(masks[t], n, s) for n, s in zip(new, state))
                    ys[t] = where(masks[t], new[0], 0.0)
        return ys, state

    # -- input checks: every mistake named with what was expected and what was given ---------------------
    def _check_input(self, x):
        name = type(self).__name__
        if x.ndim not in (2, 3):
            layout = "(B, T, input_size)" if self.batch_first else "(T, B, input_size)"
            raise ValueError(f"{name}: input must have shape {layout} or unbatched (T, input_size), got {x.shape}")
        if x.shape[-1] != self.input_size:
            raise ValueError(
                f"{name}: expected input_size {self.input_size} (last axis of the input), got input of shape {x.shape}"
            )
        return x.ndim == 3

    def _initial_states(self, hx, batch, batched, dtype):
        """hx as a tuple of (L*D, B, H) tensors (zeros when not given)."""
        name, n = type(self).__name__, self._num_states
        shape = (self.num_layers * self._directions, batch, self.hidden_size)
        if hx is None:
            return (Tensor(np.zeros(shape, dtype)),) * n
        if n > 1:
            if not isinstance(hx, (tuple, list)) or len(hx) != n:
                raise TypeError(f"{name}: hx must be a tuple (h_0, c_0), got {type(hx).__name__}")
            hx = tuple(as_tensor(h) for h in hx)
        else:
            hx = (as_tensor(hx),)
        expected = shape if batched else (shape[0], shape[2])
        for which, h in zip(("h_0", "c_0"), hx):
            if h.shape != expected:
                raise ValueError(
                    f"{name}: expected {which} of shape {expected} (num_layers * num_directions, "
                    f"{'batch, ' if batched else ''}hidden_size), got {h.shape}"
                )
            if h.dtype != dtype:
                raise TypeError(f"{name}: expected {which} of the input's dtype {dtype}, got {h.dtype}")
        return hx if batched else tuple(h.unsqueeze(1) for h in hx)

    def _masks(self, lengths, steps, batch, batched):
        """Per step a (B, 1) bool array, True where that step is real; None where every sequence is real."""
        if lengths is None:
            return [None] * steps
        name = type(self).__name__
        lengths = np.asarray(lengths.data if isinstance(lengths, Tensor) else lengths)
        lengths = lengths.reshape(1) if not batched and lengths.ndim == 0 else lengths
        if lengths.shape != (batch,) or lengths.dtype.kind not in "iu":
            raise ValueError(
                f"{name}: expected lengths to be {batch} integers (one per sequence), "
                f"got {lengths.dtype} array of shape {lengths.shape}"
            )
        if lengths.size and (lengths.max() > steps or lengths.min() < 0):
            raise ValueError(
                f"{name}: lengths must lie in [0, T={steps}] (the input has {steps} steps), "
                f"got lengths {lengths.tolist()}"
            )
        real = np.arange(steps)[:, None] < lengths[None, :]  # (T, B)
        return [None if r.all() else r[:, None] for r in real]

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        for k, default in (
            ("num_layers", 1),
            ("bias", True),
            ("batch_first", False),
            ("dropout", 0.0),
            ("bidirectional", False),
        ):
            if getattr(self, k) != default:
                s += f", {k}={getattr(self, k)}"
        return s


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh); nonlinearity='relu' too."""

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        nonlinearity: Literal["tanh", "relu"] = "tanh",
        bias: bool = True,
        batch_first: bool = False,
        dropout: float = 0.0,
        bidirectional: bool = False,
    ) -> None:
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)
        self.nonlinearity = nonlinearity

    if TYPE_CHECKING:  # the same forward, returning (output, h_n)

        def forward(
            self, input: TensorLike, hx: Tensor | tuple[Tensor, Tensor] | None = None, lengths: TensorLike | None = None
        ) -> tuple[Tensor, Tensor]: ...

    def _step(self, xw: Tensor, state: tuple[Tensor, ...], weights: tuple[Tensor]) -> tuple[Tensor]:
        return (R.rnn_update(xw, state[0], *weights, nonlinearity=self.nonlinearity),)


class LSTM(RNNBase):
    """LSTM with PyTorch's gate order i, f, g, o; returns output, (h_n, c_n)."""

    _gate_count, _num_states = 4, 2

    if TYPE_CHECKING:  # the same forward, returning (output, (h_n, c_n))

        def forward(
            self, input: TensorLike, hx: Tensor | tuple[Tensor, Tensor] | None = None, lengths: TensorLike | None = None
        ) -> tuple[Tensor, tuple[Tensor, Tensor]]: ...

    def _step(self, xw: Tensor, state: tuple[Tensor, ...], weights: tuple[Tensor]) -> tuple[Tensor, Tensor]:
        # One fused primitive per step (ag.fused_lstm_update): R.lstm_update's numbers, ~14 ops fewer per step
        return fused_lstm_update(xw, state[0], state[1], *weights, validate=False)


class GRU(RNNBase):
    """GRU with PyTorch's gate order r, z, n; returns output, h_n."""

    _gate_count = 3

    if TYPE_CHECKING:  # the same forward, returning (output, h_n)

        def forward(
            self, input: TensorLike, hx: Tensor | tuple[Tensor, Tensor] | None = None, lengths: TensorLike | None = None
        ) -> tuple[Tensor, Tensor]: ...

    def _prepare(self, w_ih, w_hh, b_ih, b_hh):
        return (w_ih.T, b_ih), (w_hh.T, b_hh)  # b_hn is multiplied by r, so the biases stay apart

    def _step(self, xw: Tensor, state: tuple[Tensor, ...], weights: tuple[Tensor, Tensor | None]) -> tuple[Tensor]:
        # One fused primitive per step (ag.fused_gru_update): R.gru_update's numbers, ~12 ops fewer per step
        return (fused_gru_update(xw, state[0], *weights, validate=False),)
