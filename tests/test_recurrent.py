"""RNN, LSTM and GRU cells and layers: equations, gradients, padding, PyTorch layout, bad inputs."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F

RNG = np.random.default_rng(0)
KINDS = ["RNN", "LSTM", "GRU"]


def t64(*shape, grad=True, rng=RNG):
    return ag.tensor(rng.standard_normal(shape), dtype="float64", requires_grad=grad)


def to64(module):
    for p in module.parameters():
        p.data = p.data.astype(np.float64)
    return module


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def blocks(a, n):
    """The n gate blocks stacked along a weight's (or bias's) first axis."""
    return np.split(np.asarray(a), n, axis=0)


# ---- one step equals the lectures' equations, written gate by gate in NumPy --------------------------


def numpy_rnn(x, h, wih, whh, bih, bhh, act=np.tanh):
    return act(wih @ x + bih + whh @ h + bhh)


def numpy_lstm(x, h, c, wih, whh, bih, bhh):
    (Wi, Wf, Wg, Wo), (Ui, Uf, Ug, Uo) = blocks(wih, 4), blocks(whh, 4)
    (bi, bf, bg, bo), (ci, cf, cg, co) = blocks(bih, 4), blocks(bhh, 4)
    i = sigmoid(Wi @ x + bi + Ui @ h + ci)
    f = sigmoid(Wf @ x + bf + Uf @ h + cf)
    g = np.tanh(Wg @ x + bg + Ug @ h + cg)
    o = sigmoid(Wo @ x + bo + Uo @ h + co)
    c2 = f * c + i * g
    return o * np.tanh(c2), c2


def numpy_gru(x, h, wih, whh, bih, bhh):
    (Wr, Wz, Wn), (Ur, Uz, Un) = blocks(wih, 3), blocks(whh, 3)
    (br, bz, bn), (cr, cz, cn) = blocks(bih, 3), blocks(bhh, 3)
    r = sigmoid(Wr @ x + br + Ur @ h + cr)
    z = sigmoid(Wz @ x + bz + Uz @ h + cz)
    n = np.tanh(Wn @ x + bn + r * (Un @ h + cn))
    return (1 - z) * n + z * h


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_cell_step_matches_equation(nonlinearity):
    cell = nn.RNNCell(3, 5, nonlinearity=nonlinearity)
    x, h = RNG.standard_normal((3,)).astype(np.float32), RNG.standard_normal((5,)).astype(np.float32)
    act = np.tanh if nonlinearity == "tanh" else (lambda a: np.maximum(a, 0))
    want = numpy_rnn(x, h, *[p.numpy() for p in cell.parameters()], act=act)
    np.testing.assert_allclose(cell(ag.tensor(x), ag.tensor(h)).numpy(), want, rtol=1e-5, atol=1e-6)


def test_lstm_cell_step_matches_equation():
    cell = nn.LSTMCell(3, 5)
    x, h, c = (RNG.standard_normal((n,)).astype(np.float32) for n in (3, 5, 5))
    want_h, want_c = numpy_lstm(x, h, c, *[p.numpy() for p in cell.parameters()])
    got_h, got_c = cell(ag.tensor(x), (ag.tensor(h), ag.tensor(c)))
    np.testing.assert_allclose(got_h.numpy(), want_h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_c.numpy(), want_c, rtol=1e-5, atol=1e-6)


def test_gru_cell_step_matches_equation():
    cell = nn.GRUCell(3, 5)
    x, h = RNG.standard_normal((3,)).astype(np.float32), RNG.standard_normal((5,)).astype(np.float32)
    want = numpy_gru(x, h, *[p.numpy() for p in cell.parameters()])
    np.testing.assert_allclose(cell(ag.tensor(x), ag.tensor(h)).numpy(), want, rtol=1e-5, atol=1e-6)


def test_batched_cell_rows_are_independent_steps():
    cell = nn.GRUCell(3, 4)
    x, h = RNG.standard_normal((6, 3)).astype(np.float32), RNG.standard_normal((6, 4)).astype(np.float32)
    got = cell(ag.tensor(x), ag.tensor(h)).numpy()
    for b in range(6):
        np.testing.assert_allclose(
            got[b], numpy_gru(x[b], h[b], *[p.numpy() for p in cell.parameters()]), rtol=1e-5, atol=1e-6
        )


def test_cell_default_state_is_zeros():
    cell = nn.LSTMCell(2, 3)
    x = ag.tensor(RNG.standard_normal((4, 2)), dtype="float32")
    zero = ag.zeros(4, 3)
    for a, b in zip(cell(x), cell(x, (zero, zero))):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# ---- gradients of the cells ---------------------------------------------------------------------------


@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batch", [(), (2,)])
def test_cells_gradcheck(bias, batch):
    def weights(g):
        return [t64(g * 3, 2), t64(g * 3, 3)] + ([t64(g * 3), t64(g * 3)] if bias else [None, None])

    x, h, c = t64(*batch, 2), t64(*batch, 3), t64(*batch, 3)
    for nl in ("tanh", "relu"):
        w = weights(1)
        assert ag.gradcheck(
            lambda x, h, *w, nl=nl: F.rnn_cell(x, h, *w, nonlinearity=nl), [x, h] + [a for a in w if a is not None]
        )
    w = weights(4)
    assert ag.gradcheck(lambda x, h, c, *w: F.lstm_cell(x, (h, c), *w), [x, h, c] + [a for a in w if a is not None])
    w = weights(3)
    assert ag.gradcheck(lambda x, h, *w: F.gru_cell(x, h, *w), [x, h] + [a for a in w if a is not None])


# ---- layers -------------------------------------------------------------------------------------------


def gradcheck_layer(layer, x, hx=None, lengths=None):
    """gradcheck the layer's outputs against its input, initial state and every parameter, in float64."""
    names = [n for n, _ in layer.named_parameters()]
    hs = [] if hx is None else list(hx) if isinstance(hx, tuple) else [hx]

    def fn(x, *rest):
        states, params = rest[: len(hs)], rest[len(hs) :]
        for n, p in zip(names, params):
            layer._parameters[n] = p  # the float64 copies gradcheck perturbs
        h0 = None if not states else tuple(states) if len(states) > 1 else states[0]
        out, h_n = layer(x, h0, lengths=lengths)
        return (out,) + (h_n if isinstance(h_n, tuple) else (h_n,))

    return ag.gradcheck(fn, [x] + hs + [p for _, p in layer.named_parameters()])


def make(kind, *args, **kwargs):
    nn.init.manual_seed(1)
    return to64(getattr(nn, kind)(*args, **kwargs))


def state(kind, *shape):
    return (t64(*shape), t64(*shape)) if kind == "LSTM" else t64(*shape)


@pytest.mark.parametrize("kind", KINDS)
def test_layer_gradcheck_two_layers_bidirectional_with_state(kind):
    layer = make(kind, 2, 2, num_layers=2, bidirectional=True)
    assert gradcheck_layer(layer, t64(3, 2, 2), state(kind, 4, 2, 2))


@pytest.mark.parametrize("kind", KINDS)
def test_layer_gradcheck_batch_first_with_lengths(kind):
    layer = make(kind, 2, 3, batch_first=True, bidirectional=True)
    assert gradcheck_layer(layer, t64(3, 3, 2), lengths=[3, 1, 2])


def test_rnn_relu_layer_gradcheck_unbatched_no_bias():
    layer = make("RNN", 2, 3, nonlinearity="relu", bias=False, num_layers=2)
    assert gradcheck_layer(layer, t64(3, 2), t64(2, 3))


@pytest.mark.parametrize("kind", KINDS)
def test_parameter_names_shapes_and_init(kind):
    g = {"RNN": 1, "LSTM": 4, "GRU": 3}[kind]
    layer = getattr(nn, kind)(5, 16, num_layers=2, bidirectional=True)
    want = {}
    for l, i in ((0, 5), (1, 32)):
        for sfx in ("", "_reverse"):
            want.update(
                {
                    f"weight_ih_l{l}{sfx}": (g * 16, i),
                    f"weight_hh_l{l}{sfx}": (g * 16, 16),
                    f"bias_ih_l{l}{sfx}": (g * 16,),
                    f"bias_hh_l{l}{sfx}": (g * 16,),
                }
            )
    got = {n: p.shape for n, p in layer.named_parameters()}
    assert got == want
    assert list(got)[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]  # PyTorch's order
    values = np.concatenate([p.numpy().ravel() for p in layer.parameters()])
    assert np.abs(values).max() <= 1 / 4 and values.std() > 0.1  # uniform(-1/sqrt(H), 1/sqrt(H)), H = 16
    assert all(p.dtype == np.float32 for p in layer.parameters())
    cell = getattr(nn, kind + "Cell")(5, 16, bias=False)
    assert [n for n, _ in cell.named_parameters()] == ["weight_ih", "weight_hh"]


@pytest.mark.parametrize("kind", KINDS)
def test_layer_is_the_cell_unrolled(kind):
    nn.init.manual_seed(3)
    layer, cell = getattr(nn, kind)(3, 4), getattr(nn, kind + "Cell")(3, 4)
    cell.load_state_dict({n[:-3]: p for n, p in layer.state_dict().items()})  # weight_ih_l0 -> weight_ih
    x = ag.tensor(RNG.standard_normal((5, 2, 3)), dtype="float32")
    out, h_n = layer(x)
    h = None
    for t in range(5):
        h = cell(x[t], h)
        np.testing.assert_allclose(out[t].numpy(), (h[0] if kind == "LSTM" else h).numpy(), rtol=1e-5, atol=1e-6)
    if kind == "LSTM":
        np.testing.assert_allclose(h_n[1][0].numpy(), h[1].numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_return_shapes(kind):
    layer = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True, batch_first=True)
    out, h = layer(ag.zeros(5, 7, 3))
    assert out.shape == (5, 7, 8)
    for s in h if kind == "LSTM" else (h,):
        assert s.shape == (4, 5, 4)
    out, h = layer(ag.zeros(7, 3))  # unbatched
    assert out.shape == (7, 8)
    for s in h if kind == "LSTM" else (h,):
        assert s.shape == (4, 4)


@pytest.mark.parametrize("kind", KINDS)
def test_unbatched_equals_batch_of_one(kind):
    layer = make(kind, 3, 4, num_layers=2, bidirectional=True)
    x, h0 = t64(6, 3, grad=False), state(kind, 4, 4)
    h0b = tuple(h.unsqueeze(1) for h in h0) if kind == "LSTM" else h0.unsqueeze(1)
    out, h = layer(x, h0)
    outb, hb = layer(x.unsqueeze(1), h0b)
    np.testing.assert_allclose(out.numpy(), outb.numpy()[:, 0])
    for a, b in zip(h if kind == "LSTM" else (h,), hb if kind == "LSTM" else (hb,)):
        np.testing.assert_allclose(a.numpy(), b.numpy()[:, 0])


# ---- variable lengths: padding changes nothing ------------------------------------------------------


def _finals(h):
    return h if isinstance(h, tuple) else (h,)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch_first", [False, True])
def test_padding_changes_neither_states_nor_gradients(kind, batch_first):
    layer = make(kind, 3, 4, num_layers=2, bidirectional=True, batch_first=batch_first)
    lengths = [5, 2, 4]
    x = RNG.standard_normal((5, 3, 3))
    garbage = x.copy()
    for b, n in enumerate(lengths):
        garbage[n:, b] = 1e3 * RNG.standard_normal((5 - n, 3))  # huge values, so any leak would show

    def run(data):
        layer.zero_grad()
        xt = ag.tensor(data.transpose(1, 0, 2) if batch_first else data, requires_grad=True)
        out, h = layer(xt, lengths=lengths)
        loss = (out * out).sum() + sum((s * s).sum() for s in _finals(h))
        loss.backward()
        return out, h, xt.grad.numpy(), [p.grad.numpy().copy() for p in layer.parameters()]

    out1, h1, gx1, gp1 = run(x)
    out2, h2, gx2, gp2 = run(garbage)
    np.testing.assert_allclose(out1.numpy(), out2.numpy())
    for a, b in zip(_finals(h1), _finals(h2)):
        np.testing.assert_allclose(a.numpy(), b.numpy())
    np.testing.assert_allclose(gx1, gx2)
    for a, b in zip(gp1, gp2):
        np.testing.assert_allclose(a, b)
    out_tb = out1.numpy().transpose(1, 0, 2) if batch_first else out1.numpy()
    for b, n in enumerate(lengths):  # output is 0 past the end, and no gradient reaches padded inputs
        assert not out_tb[n:, b].any()
        assert not (gx1.transpose(1, 0, 2) if batch_first else gx1)[n:, b].any()


@pytest.mark.parametrize("kind", KINDS)
def test_lengths_final_states_equal_each_sequence_run_alone(kind):
    layer = make(kind, 2, 3, num_layers=2, bidirectional=True)
    lengths = [4, 1, 3]
    x = t64(4, 3, 2, grad=False)
    out, h = layer(x, lengths=lengths)
    for b, n in enumerate(lengths):
        out_b, h_b = layer(x[:n, b])  # unbatched, exactly n steps: the reverse direction starts at step n-1
        np.testing.assert_allclose(out.numpy()[:n, b], out_b.numpy(), atol=1e-12)
        for a, s in zip(_finals(h), _finals(h_b)):
            np.testing.assert_allclose(a.numpy()[:, b], s.numpy(), atol=1e-12)


def test_zero_length_sequence_keeps_its_initial_state():
    layer = make("LSTM", 2, 3, bidirectional=True)
    h0 = state("LSTM", 2, 2, 3)
    out, (h, c) = layer(t64(4, 2, 2, grad=False), h0, lengths=[0, 4])
    np.testing.assert_array_equal(h.numpy()[:, 0], h0[0].numpy()[:, 0])
    np.testing.assert_array_equal(c.numpy()[:, 0], h0[1].numpy()[:, 0])
    assert not out.numpy()[:, 0].any()


@given(
    T=st.integers(1, 4),
    B=st.integers(1, 3),
    layers=st.integers(1, 2),
    bidirectional=st.booleans(),
    kind=st.sampled_from(KINDS),
    seed=st.integers(0, 2**16),
)
def test_full_lengths_equal_no_lengths(T, B, layers, bidirectional, kind, seed):
    rng = np.random.default_rng(seed)
    layer = getattr(nn, kind)(2, 3, num_layers=layers, bidirectional=bidirectional)
    x = ag.tensor(rng.standard_normal((T, B, 2)), dtype="float32")
    out, h = layer(x)
    out_l, h_l = layer(x, lengths=np.full(B, T))
    assert out.shape == (T, B, 3 * (2 if bidirectional else 1))
    np.testing.assert_array_equal(out.numpy(), out_l.numpy())
    for a, b in zip(_finals(h), _finals(h_l)):
        assert a.shape == (layers * (2 if bidirectional else 1), B, 3)
        np.testing.assert_array_equal(a.numpy(), b.numpy())


# ---- BPTT: long sequences, truncation, initial states, scopes ------------------------------------------


def test_long_sequence_backward_has_no_recursion_limit():
    layer = nn.GRU(2, 3)
    out, h = layer(ag.tensor(RNG.standard_normal((1500, 1, 2)), dtype="float32"))
    h.sum().backward()
    assert np.isfinite(layer.weight_hh_l0.grad.numpy()).all()


def test_truncated_bptt_with_detach_stops_gradients_at_the_chunk():
    layer = make("LSTM", 2, 3)
    x = t64(8, 2, 2, grad=False)
    _, (h, c) = layer(x[:4])
    h, c = h.detach(), c.detach()
    out, _ = layer(x[4:], (h, c))
    out.sum().backward()
    grads = [p.grad.numpy().copy() for p in layer.parameters()]
    layer.zero_grad()
    out2, _ = layer(x[4:], (ag.tensor(h.numpy()), ag.tensor(c.numpy())))  # the same chunk from constants
    out2.sum().backward()
    for a, p in zip(grads, layer.parameters()):
        np.testing.assert_allclose(a, p.grad.numpy())
    assert not h.requires_grad


def test_gradient_reaches_initial_state():
    layer = make("LSTM", 2, 3, num_layers=2)
    h0, c0 = t64(2, 1, 3), t64(2, 1, 3)
    out, _ = layer(t64(3, 1, 2), (h0, c0))
    out.sum().backward()
    assert np.abs(h0.grad.numpy()).sum() > 0 and np.abs(c0.grad.numpy()).sum() > 0


def test_clip_grad_norm_on_a_recurrent_layer():
    layer = make("RNN", 2, 4, num_layers=2)
    with ag.no_grad():
        layer.weight_hh_l0.data *= 8  # large recurrent weights: large gradients through time
    out, h = layer(t64(30, 2, 2, grad=False))
    (out.sum() * 100).backward()
    before = np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in layer.parameters()))
    total = nn.utils.clip_grad_norm_(layer.parameters(), max_norm=1.0)
    after = np.sqrt(sum((p.grad.numpy() ** 2).sum() for p in layer.parameters()))
    assert before > 10
    np.testing.assert_allclose(total.item(), before, rtol=1e-6)
    np.testing.assert_allclose(after, 1.0, rtol=1e-4)


def test_scopes_name_layer_direction_and_time_step():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(2, 3, num_layers=2, bidirectional=True)

        def forward(self, x):
            return self.lstm(x)[0]

    out = Net()(ag.tensor(RNG.standard_normal((4, 1, 2)), dtype="float32"))
    scopes = {t._ctx.scope for t in ag.toposort([out]) if t._ctx is not None}
    for want in ("Net/lstm/l0/t=0", "Net/lstm/l0/t=3", "Net/lstm/l1_reverse/t=2", "Net/lstm/l0_reverse/t=0"):
        assert want in scopes


def test_dropout_between_layers_only_in_training():
    layer = nn.GRU(3, 8, num_layers=2, dropout=0.5)
    x = ag.tensor(RNG.standard_normal((4, 2, 3)), dtype="float32")
    a, b = layer(x)[0].numpy(), layer(x)[0].numpy()
    assert not np.allclose(a, b)
    layer.eval()
    np.testing.assert_array_equal(layer(x)[0].numpy(), layer(x)[0].numpy())
    single = nn.GRU(3, 8, dropout=0.5)  # one layer: nothing to drop between
    np.testing.assert_array_equal(single(x)[0].numpy(), single(x)[0].numpy())


# ---- bad inputs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_bad_inputs_name_expected_and_given(kind):
    layer = getattr(nn, kind)(3, 4, num_layers=2)
    x = ag.zeros(5, 2, 3)
    with pytest.raises(ValueError, match=r"input_size 3.*\(5, 2, 7\)"):
        layer(ag.zeros(5, 2, 7))
    with pytest.raises(ValueError, match=r"\(5,\)"):
        layer(ag.zeros(5))
    bad = ag.zeros(1, 2, 4)
    with pytest.raises(ValueError, match=r"\(2, 2, 4\).*\(1, 2, 4\)"):
        layer(x, (bad, bad) if kind == "LSTM" else bad)
    with pytest.raises(ValueError, match=r"T=5.*\[6, 2\]"):
        layer(x, lengths=[6, 2])
    with pytest.raises(ValueError, match=r"2 integers.*\(3,\)"):
        layer(x, lengths=[1, 2, 3])
    with pytest.raises(ValueError, match=r"\[0, T=5\].*-1"):
        layer(x, lengths=[-1, 2])
    if kind == "LSTM":
        good = ag.zeros(2, 2, 4)
        with pytest.raises(ValueError, match=r"c_0.*\(2, 2, 4\).*\(2, 2, 5\)"):
            layer(x, (good, ag.zeros(2, 2, 5)))
        with pytest.raises(TypeError, match="tuple"):
            layer(x, good)


def test_bad_cell_inputs_and_constructor_arguments():
    cell = nn.LSTMCell(3, 4)
    with pytest.raises(ValueError, match=r"\(batch, 3\).*\(2, 5\)"):
        cell(ag.zeros(2, 5))
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(2, 3\)"):
        cell(ag.zeros(2, 3), (ag.zeros(2, 3), ag.zeros(2, 3)))
    with pytest.raises(ValueError, match=r"\(2, 4\).*\(4,\)"):
        nn.GRUCell(3, 4)(ag.zeros(2, 3), ag.zeros(4))
    with pytest.raises(ValueError, match="nonlinearity"):
        nn.RNN(3, 4, nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="hidden_size"):
        nn.LSTM(3, 0)
    with pytest.raises(ValueError, match="num_layers"):
        nn.GRU(3, 4, num_layers=0)
    with pytest.raises(ValueError, match="dropout"):
        nn.GRU(3, 4, dropout=1.5)


# ---- PyTorch: the same weights give the same outputs and gradients ---------------------------------------


def _torch_pair(kind, **kwargs):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind)(3, 4, **kwargs).double()
    ours = getattr(nn, kind)(3, 4, **kwargs)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    return torch, theirs, to64(ours)


def _compare_grads(theirs, ours):
    tp = dict(theirs.named_parameters())
    for n, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), tp[n].grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=n)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "kwargs", [{}, {"num_layers": 2, "bidirectional": True}, {"batch_first": True, "num_layers": 2, "bias": False}]
)
def test_matches_torch(kind, kwargs):
    torch, theirs, ours = _torch_pair(kind, **kwargs)
    x = RNG.standard_normal((2, 5, 3) if kwargs.get("batch_first") else (5, 2, 3))
    h0 = RNG.standard_normal(((2 if kwargs.get("bidirectional") else 1) * kwargs.get("num_layers", 1), 2, 4))
    hx = (h0, np.tanh(h0)) if kind == "LSTM" else h0
    tx = torch.tensor(x, requires_grad=True)
    ax = ag.tensor(x, requires_grad=True)
    t_out, t_h = theirs(tx, tuple(map(torch.tensor, hx)) if kind == "LSTM" else torch.tensor(hx))
    a_out, a_h = ours(ax, tuple(map(ag.tensor, hx)) if kind == "LSTM" else ag.tensor(hx))
    np.testing.assert_allclose(a_out.numpy(), t_out.detach().numpy(), rtol=1e-9, atol=1e-12)
    for a, t in zip(_finals(a_h), t_h if kind == "LSTM" else (t_h,)):
        np.testing.assert_allclose(a.numpy(), t.detach().numpy(), rtol=1e-9, atol=1e-12)
    w = RNG.standard_normal(a_out.shape)
    (t_out * torch.tensor(w)).sum().add((_finals(t_h)[0] if kind != "LSTM" else t_h[1]).sum()).backward()
    ((a_out * w).sum() + (_finals(a_h)[0] if kind != "LSTM" else a_h[1]).sum()).backward()
    np.testing.assert_allclose(ax.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    _compare_grads(theirs, ours)


@pytest.mark.parametrize("kind", KINDS)
def test_lengths_match_torch_packed_sequence(kind):
    torch, theirs, ours = _torch_pair(kind, num_layers=2, bidirectional=True)
    lengths = [5, 3, 1]
    x = RNG.standard_normal((5, 3, 3))
    tx = torch.tensor(x, requires_grad=True)
    packed = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, enforce_sorted=False)
    t_packed, t_h = theirs(packed)
    t_out, _ = torch.nn.utils.rnn.pad_packed_sequence(t_packed, total_length=5)
    ax = ag.tensor(x, requires_grad=True)
    a_out, a_h = ours(ax, lengths=lengths)
    np.testing.assert_allclose(a_out.numpy(), t_out.detach().numpy(), rtol=1e-9, atol=1e-12)
    t_fin, a_fin = (t_h if kind == "LSTM" else (t_h,)), _finals(a_h)
    for a, t in zip(a_fin, t_fin):
        np.testing.assert_allclose(a.numpy(), t.detach().numpy(), rtol=1e-9, atol=1e-12)
    (t_out.sum() + sum((t**2).sum() for t in t_fin)).backward()
    (a_out.sum() + sum((a * a).sum() for a in a_fin)).backward()
    np.testing.assert_allclose(ax.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)
    _compare_grads(theirs, ours)


@pytest.mark.parametrize("kind", KINDS)
def test_cells_match_torch(kind):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = getattr(torch.nn, kind + "Cell")(3, 4).double()
    ours = to64(getattr(nn, kind + "Cell")(3, 4))
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x, h = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 4))
    hx = (h, -h) if kind == "LSTM" else h
    t_hx = tuple(map(torch.tensor, hx)) if kind == "LSTM" else torch.tensor(hx)
    t = theirs(torch.tensor(x), t_hx)
    a = ours(ag.tensor(x), tuple(map(ag.tensor, hx)) if kind == "LSTM" else ag.tensor(hx))
    for u, v in zip(a if kind == "LSTM" else (a,), t if kind == "LSTM" else (t,)):
        np.testing.assert_allclose(u.numpy(), v.detach().numpy(), rtol=1e-9, atol=1e-12)
    (t[0] if kind == "LSTM" else t).sum().backward()
    (a[0] if kind == "LSTM" else a).sum().backward()
    _compare_grads(theirs, ours)
