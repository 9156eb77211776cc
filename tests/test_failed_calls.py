"""Failed calls corrupt nothing: a bad state dict loads nothing; a backward that raises midway writes no .grad."""

from collections import OrderedDict

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F


class Net(nn.Module):
    """Conv, batch norm (buffers, an int counter among them), LSTM and linear layers: every kind of state."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 3, 3, padding=1)
        self.bn = nn.BatchNorm1d(3)
        self.rnn = nn.LSTM(3, 4, num_layers=2)
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(4, 2))

    def forward(self, x):  # x (B, C, T)
        h = self.bn(self.conv(x))
        out, _ = self.rnn(h.transpose(2, 0, 1))  # (T, B, C)
        return self.head(out[-1])


def _snapshot(model):
    return OrderedDict((k, v.copy()) for k, v in model.state_dict().items())


def _assert_unchanged(model, before):
    after = model.state_dict()
    assert list(after) == list(before)
    for k, v in after.items():
        np.testing.assert_array_equal(v, before[k], err_msg=k)
        assert v.dtype == before[k].dtype, k


def _trained():
    model = Net()
    model(ag.randn(4, 2, 5, rng=0))  # batch norm's running statistics and counter move away from their defaults
    return model


def _good_state():
    other = Net()
    other(ag.randn(4, 2, 5, rng=1))
    other(ag.randn(4, 2, 5, rng=2))
    return other.state_dict()


def _bad_states():
    """One bad entry each, placed last (in key order) so a loader that writes as it checks would be caught."""
    good = _good_state()
    last_param, last_buffer = "head.1.bias", "bn.num_batches_tracked"
    yield "wrong shape", {**good, last_param: np.zeros(3)}
    yield "missing key", {k: v for k, v in good.items() if k != last_param}
    yield "unexpected key", {**good, "head.2.weight": np.zeros((2, 2))}
    yield "not numbers", {**good, last_param: np.array(["a", "b"])}
    yield "not numbers in a buffer", {**good, last_buffer: np.array("many")}
    yield "None", {**good, last_param: None}


@pytest.mark.parametrize(
    "case", ["wrong shape", "missing key", "unexpected key", "not numbers", "not numbers in a buffer", "None"]
)
def test_a_state_dict_with_one_bad_entry_loads_nothing(case):
    what, bad = next((w, b) for w, b in _bad_states() if w == case)
    model = _trained()
    before = _snapshot(model)
    params = {n: (p, p.version) for n, p in model.named_parameters()}
    with pytest.raises((ValueError, TypeError), match="nothing loaded"):
        model.load_state_dict(bad)
    _assert_unchanged(model, before)
    for n, p in model.named_parameters():
        assert p is params[n][0] and p.version == params[n][1], (what, n)


def test_the_good_state_dict_loads_everything():
    model, good = _trained(), _good_state()
    model.load_state_dict(good)
    _assert_unchanged(model, good)


def test_an_exception_in_a_hook_midway_through_backward_leaves_every_grad_as_it_was():
    model = Net().double()
    x = ag.tensor(np.random.default_rng(0).standard_normal((3, 2, 5)))
    target = np.array([0, 1, 1])
    F.cross_entropy(model(x), target).backward()  # a first backward: every parameter has a .grad
    before = {n: p.grad.numpy().copy() for n, p in model.named_parameters()}

    calls = []

    def boom(g):  # the LSTM output at the last step: the head's gradients are done, the LSTM's and conv's not yet
        calls.append(1)
        raise RuntimeError("boom in hook")

    class Hooked(Net):
        def forward(self, x):
            h = self.bn(self.conv(x))
            out, _ = self.rnn(h.transpose(2, 0, 1))
            out.register_hook(boom)
            return self.head(out[-1])

    hooked = Hooked().double()
    hooked.load_state_dict(model.state_dict())
    for p, q in zip(hooked.parameters(), model.parameters()):
        p.grad = q.grad
    with pytest.raises(RuntimeError, match="boom in hook"):
        F.cross_entropy(hooked(x), target).backward()
    assert calls == [1]
    for n, p in hooked.named_parameters():
        np.testing.assert_array_equal(p.grad.numpy(), before[n], err_msg=n)


def test_an_exception_in_a_backward_on_the_first_call_leaves_grads_none():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()

    class Boom(ag.Function):
        @staticmethod
        def forward(ctx, x):
            return x.copy()

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom in backward")

    branch = Boom.apply(model[0](ag.tensor(np.ones((2, 3))))).sum()  # made first, so its backward runs last:
    out = model(ag.tensor(np.ones((2, 3)))).sum()  # every parameter's gradient is complete when Boom raises
    with pytest.raises(ValueError, match="boom in backward"):
        (branch + out).backward()
    assert all(p.grad is None for p in model.parameters())
