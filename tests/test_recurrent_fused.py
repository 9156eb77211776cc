"""Fused LSTM/GRU steps (autograd_core/ops/recurrent.py): gradients, second derivatives, and the same numbers as
the composed equations, one step and inside nn.LSTM / nn.GRU."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F
from autograd_core.ops.recurrent import GRUStep, LSTMStep
from nn.functional import recurrent as R

FUSED = {"LSTM": LSTMStep, "GRU": GRUStep}


def t64(rng, *shape, grad=True):
    return ag.tensor(rng.standard_normal(shape), dtype="float64", requires_grad=grad)


def lstm_inputs(rng, B=3, H=2):
    return [t64(rng, B, 4 * H), t64(rng, B, H), t64(rng, B, H), t64(rng, H, 4 * H)]


def gru_inputs(rng, B=3, H=2, bias=True):
    return [t64(rng, B, 3 * H), t64(rng, B, H), t64(rng, H, 3 * H)] + ([t64(rng, 3 * H)] if bias else [])


def lstm_both(*inputs):
    """h' and c' in one output, weighted differently so that a mix-up of the two shows."""
    h, c = ag.fused_lstm_update(*inputs)
    return ag.concatenate([h * 2, c], axis=1)


# ---- one step: gradients, second derivatives, equality with the composition ---------------------------


def test_fused_lstm_step_passes_gradcheck_and_gradgradcheck():
    inputs = lstm_inputs(np.random.default_rng(0))
    assert ag.gradcheck(lstm_both, inputs)
    assert ag.gradgradcheck(lstm_both, inputs)


@pytest.mark.parametrize("bias", [True, False])
def test_fused_gru_step_passes_gradcheck_and_gradgradcheck(bias):
    inputs = gru_inputs(np.random.default_rng(1), bias=bias)
    assert ag.gradcheck(ag.fused_gru_update, inputs)
    assert ag.gradgradcheck(ag.fused_gru_update, inputs)


@pytest.mark.parametrize("constant", [1, 2])
def test_inputs_without_grad_get_no_gradient_and_the_others_still_check(constant):
    """The layers' first step has a constant zero state: its gradient (and matmul) is skipped, the rest holds."""
    rng = np.random.default_rng(2)
    for inputs, fn in ((lstm_inputs(rng), lstm_both), (gru_inputs(rng), ag.fused_gru_update)):
        inputs[constant].requires_grad_(False)
        assert ag.gradcheck(fn, inputs)
        fn(*inputs).sum().backward()
        assert inputs[constant].grad is None and all(t.grad is not None for t in inputs if t.requires_grad)


def _grads(out, inputs, seed):
    """Output values and the gradients of a random projection of the output(s) with respect to every input."""
    outs = out if isinstance(out, tuple) else (out,)
    rng = np.random.default_rng(seed)
    loss = sum((o * rng.standard_normal(o.shape)).sum() for o in outs)
    return [o.numpy() for o in outs], [g.numpy() for g in ag.grad(loss, inputs)]


def _assert_same(a, b):
    for x, y in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-12)


@given(B=st.integers(1, 4), H=st.integers(1, 5), bias=st.booleans(), seed=st.integers(0, 2**16))
def test_one_fused_step_gives_the_composed_numbers(B, H, bias, seed):
    rng = np.random.default_rng(seed)
    inputs = lstm_inputs(rng, B, H)
    _assert_same(_grads(ag.fused_lstm_update(*inputs), inputs, seed), _grads(R.lstm_update(*inputs), inputs, seed))
    inputs = gru_inputs(rng, B, H, bias)
    _assert_same(_grads(ag.fused_gru_update(*inputs), inputs, seed), _grads(R.gru_update(*inputs), inputs, seed))


@pytest.mark.parametrize("kind", ["LSTM", "GRU"])
def test_second_derivatives_equal_the_composed_ones(kind):
    """create_graph=True through the fused step records the same backward as the composition's."""
    rng = np.random.default_rng(3)
    inputs = lstm_inputs(rng) if kind == "LSTM" else gru_inputs(rng)
    fused, composed = (ag.fused_lstm_update, R.lstm_update) if kind == "LSTM" else (ag.fused_gru_update, R.gru_update)
    weights = rng.standard_normal(inputs[1].shape)

    def second(fn):
        out = fn(*inputs)
        h = out[0] if isinstance(out, tuple) else out
        first = ag.grad((h * weights).sum(), inputs, create_graph=True)
        penalty = sum((g * g).sum() for g in first)  # a gradient penalty, as in WGAN-GP
        return [g.numpy() for g in ag.grad(penalty, inputs)]

    for a, b in zip(second(fused), second(composed)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_float32_stays_float32():
    rng = np.random.default_rng(4)
    inputs = [ag.tensor(t.numpy(), dtype="float32", requires_grad=True) for t in lstm_inputs(rng)]
    h, c = ag.fused_lstm_update(*inputs)
    (h.sum() + c.sum()).backward()
    assert h.dtype == c.dtype == np.float32
    assert all(t.grad.dtype == np.float32 for t in inputs)


# ---- bad input: named shapes, not a NumPy traceback -----------------------------------------------------


@pytest.mark.parametrize(
    "which, shape, message",
    [
        (3, (2, 7), r"w_hh_t must have shape \(hidden_size, 4 \* hidden_size\), got \(2, 7\)"),
        (0, (3, 6), r"the projected input must have shape \(batch, 8\) for w_hh_t \(2, 8\), got \(3, 6\)"),
        (2, (3, 3), r"each state must have shape \(3, 2\) .* got \(3, 3\)"),
        (1, (4, 2), r"each state must have shape \(3, 2\) .* got \(4, 2\)"),
    ],
)
def test_fused_lstm_bad_shapes_raise_value_errors_naming_them(which, shape, message):
    inputs = lstm_inputs(np.random.default_rng(5))
    inputs[which] = ag.zeros(*shape)
    with pytest.raises(ValueError, match="fused_lstm_update: " + message):
        ag.fused_lstm_update(*inputs)


def test_fused_gru_bad_bias_raises_a_value_error_naming_it():
    gi, h, w, _ = gru_inputs(np.random.default_rng(6))
    with pytest.raises(ValueError, match=r"b_hh must have shape \(6,\) to match w_hh_t \(2, 6\), got \(4,\)"):
        ag.fused_gru_update(gi, h, w, ag.zeros(4))
    with pytest.raises(ValueError, match=r"fused_gru_update: w_hh_t must have shape \(hidden_size, 3 \*"):
        ag.fused_gru_update(gi, h, ag.zeros(2, 8))


# ---- the layers: fused steps, the numbers of a loop over the composed cells ----------------------------


def reference(layer, x, hx):
    """hx: [h_0, c_0] or [h_0]."""
    """nn.LSTM / nn.GRU written out as a loop over F.lstm_cell / F.gru_cell on the layer's own weights."""
    lstm = isinstance(layer, nn.LSTM)
    cell = F.lstm_cell if lstm else F.gru_cell
    directions = 2 if layer.bidirectional else 1
    finals = []
    for layer_index in range(layer.num_layers):
        outputs = []
        for d, sfx in enumerate(["", "_reverse"][:directions]):
            weights = [
                getattr(layer, f"{name}_l{layer_index}{sfx}", None)  # None: no bias
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            ]
            k = layer_index * directions + d
            state = (hx[0][k], hx[1][k]) if lstm else hx[0][k]
            ys = [None] * x.shape[0]
            for t in reversed(range(x.shape[0])) if d else range(x.shape[0]):
                state = cell(x[t], state, *weights)
                ys[t] = state[0] if lstm else state
            outputs.append(ag.stack(ys))
            finals.append(state if lstm else (state,))
        x = ag.concatenate(outputs, axis=-1)
    return x, [ag.stack([f[s] for f in finals]) for s in range(len(finals[0]))]


@given(
    kind=st.sampled_from(["LSTM", "GRU"]),
    T=st.integers(1, 4),
    B=st.integers(1, 3),
    I=st.integers(1, 3),
    H=st.integers(1, 4),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    bias=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_layer_equals_a_loop_over_the_composed_cells(kind, T, B, I, H, layers, bidirectional, bias, seed):
    rng = np.random.default_rng(seed)
    nn.init.manual_seed(seed)
    layer = getattr(nn, kind)(I, H, num_layers=layers, bias=bias, bidirectional=bidirectional).double()
    x = t64(rng, T, B, I)
    hx = [t64(rng, layers * (2 if bidirectional else 1), B, H) for _ in range(2 if kind == "LSTM" else 1)]
    leaves = [x] + hx + list(layer.parameters())

    out, finals = layer(x, tuple(hx) if kind == "LSTM" else hx[0])
    finals = list(finals) if kind == "LSTM" else [finals]
    fused_nodes = [n for n in ag.toposort([out]) if isinstance(n._ctx, FUSED[kind])]
    assert len(fused_nodes) == T * layers * (2 if bidirectional else 1)  # the layer really runs the fused step
    ref_out, ref_finals = reference(layer, x, hx)
    _assert_same(_grads(tuple([out] + finals), leaves, seed), _grads(tuple([ref_out] + ref_finals), leaves, seed))


class ComposedLSTM(nn.LSTM):
    """nn.LSTM with the composed step: everything else (masks, directions, layers) is the layer's own."""

    def _step(self, xw, state, weights):
        return R.lstm_update(xw, state[0], state[1], *weights)


class ComposedGRU(nn.GRU):
    def _step(self, xw, state, weights):
        return (R.gru_update(xw, state[0], *weights),)


@given(
    kind=st.sampled_from(["LSTM", "GRU"]),
    T=st.integers(1, 4),
    B=st.integers(1, 3),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    batch_first=st.booleans(),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_padded_sequences_give_the_composed_numbers(kind, T, B, layers, bidirectional, batch_first, seed, data):
    lengths = data.draw(st.lists(st.integers(0, T), min_size=B, max_size=B))
    rng = np.random.default_rng(seed)
    args = dict(num_layers=layers, bidirectional=bidirectional, batch_first=batch_first)
    fused = getattr(nn, kind)(2, 3, **args).double()
    composed = (ComposedLSTM if kind == "LSTM" else ComposedGRU)(2, 3, **args).double()
    composed.load_state_dict(fused.state_dict())
    x = t64(rng, *((B, T, 2) if batch_first else (T, B, 2)))

    def run(layer):
        out, finals = layer(x, lengths=lengths)
        finals = tuple(finals) if kind == "LSTM" else (finals,)
        return _grads((out,) + finals, [x] + list(layer.parameters()), seed)

    _assert_same(run(fused), run(composed))


def test_layer_second_derivatives_equal_the_composed_ones():
    """A gradient penalty on an nn.LSTM's input: create_graph through the fused steps, the composed numbers."""
    rng = np.random.default_rng(7)
    fused = nn.LSTM(2, 3, bidirectional=True).double()
    composed = ComposedLSTM(2, 3, bidirectional=True).double()
    composed.load_state_dict(fused.state_dict())
    x = t64(rng, 3, 2, 2)

    def penalty_grads(layer):
        out, _ = layer(x)
        (gx,) = ag.grad((out * out).sum(), [x], create_graph=True)
        return [g.numpy() for g in ag.grad((gx * gx).sum(), list(layer.parameters()))]

    for a, b in zip(penalty_grads(fused), penalty_grads(composed)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_anomaly_mode_names_the_fused_step_whose_backward_overflows():
    layer = nn.LSTM(1, 2).double()
    with ag.no_grad():  # every gate pre-activation 0 (so h = c = 0 and no gate saturates), W_hh huge
        for p in layer.parameters():
            p[...] = 0.0
        layer.weight_hh_l0[...] = 1e5  # a gradient near the largest float times 1e5 in d_gates @ W_hh: Inf
    with ag.detect_anomaly():
        out, _ = layer(ag.tensor(np.ones((3, 1, 1))))
        with np.errstate(over="ignore"), pytest.raises(ag.AnomalyError) as info:
            out.backward(np.full(out.shape, 1e308))
    msg = str(info.value)
    assert "backward produced Inf in the gradient of input 1" in msg  # input 1: the state h of ...
    assert "LSTMStep in scope" in msg and "l0/t=2 " in msg  # ... the last step, the first one backward reaches
