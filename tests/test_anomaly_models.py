"""detect_anomaly inside real models: the op, the module / time-step scope and the user's line are named."""

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F


def f64(a):
    return ag.tensor(np.asarray(a, dtype=np.float64))


class Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(2, 3)
        self.head = nn.Linear(3, 1)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out[-1])


class Magnitude(nn.Module):
    """|x| written as sqrt(x * x): a finite forward, but an infinite slope wherever x is exactly 0."""

    def forward(self, x):
        return (x * x).sqrt()


class ConvNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.features = Magnitude()
        self.flat = nn.Flatten()
        self.fc = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(self.flat(self.features(self.conv(x))))


def test_forward_overflow_at_one_lstm_step_names_op_scope_step_and_user_line():
    model = Tagger().double()
    with ag.no_grad():
        model.lstm.weight_ih_l0[...] = 1.0  # two inputs of 1e308 summed: the gate pre-activation overflows
    x = np.zeros((6, 1, 2))
    x[3] = 1e308  # finite itself; only the step t=3 turns it into Inf
    with ag.detect_anomaly(), np.errstate(over="ignore"), pytest.raises(ag.AnomalyError) as info:
        model(f64(x))  # the user's line the message must show
    msg = str(info.value)
    assert "forward produced Inf" in msg and "MatMul" in msg
    assert "Tagger/lstm/l0/t=3 " in msg  # the step, not just the layer
    assert "(1, 2), (2, 12)" in msg  # input shapes: x_t (B, I) @ W_ih^T (I, 4H)
    assert "test_anomaly_models.py" in msg and "model(f64(x))  # the user's line" in msg


def test_nan_in_the_input_at_step_t_is_caught_by_the_slice_that_reads_it():
    model = Tagger().double()
    x = np.zeros((5, 1, 2))
    x[2, 0, 1] = np.nan
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError, match="forward produced NaN"):
        model(f64(x))
    # without the mode the NaN just flows through, as in PyTorch
    assert np.isnan(model(f64(x)).numpy()).all()


def test_backward_nan_in_a_conv_net_names_the_op_and_the_module():
    net = ConvNet().double()
    with ag.no_grad():
        net.conv.weight[...] = 0.0  # every conv output exactly 0, where sqrt has an infinite slope
        net.conv.bias[...] = 0.0
    x = f64(np.random.default_rng(0).uniform(-0.1, 0.1, (2, 1, 4, 4)))
    with ag.detect_anomaly(), np.errstate(divide="ignore"):
        loss = F.cross_entropy(net(x), np.array([0, 2]))
        assert np.isfinite(loss.item())  # the forward is clean
        with pytest.raises(ag.AnomalyError) as info:
            loss.backward()
    msg = str(info.value)
    assert "backward produced" in msg and "Sqrt" in msg and "ConvNet/features" in msg and "(2, 2, 4, 4)" in msg
    assert "return (x * x).sqrt()" in msg  # where the op was created
    assert all(p.grad is None for p in net.parameters())  # the failed backward wrote nothing


def test_without_the_mode_the_same_backward_silently_gives_nan_gradients():
    net = ConvNet().double()
    with ag.no_grad():
        net.conv.weight[...] = 0.0
        net.conv.bias[...] = 0.0
    x = f64(np.random.default_rng(0).uniform(-0.1, 0.1, (2, 1, 4, 4)))
    with np.errstate(all="ignore"):
        F.cross_entropy(net(x), np.array([0, 2])).backward()
    assert np.isnan(net.conv.weight.grad.numpy()).any()


# ---- optimizer steps with a non-finite gradient ------------------------------------------------------


def _model_with_grads():
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double().name_parameters()
    loss = model(f64(np.ones((5, 3)))).sum()
    loss.backward()
    return model


@pytest.mark.parametrize(
    "make", [lambda ps: nn.optim.SGD(ps, lr=0.1, momentum=0.9), lambda ps: nn.optim.Adam(ps, lr=0.1)]
)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_step_with_a_nonfinite_grad_under_anomaly_raises_before_touching_any_parameter(make, bad):
    model = _model_with_grads()
    opt = make(model.parameters())
    model[2].bias.grad.data[1] = bad  # the last parameter: a step checking as it goes would have moved the rest
    before = {k: v.copy() for k, v in model.state_dict().items()}
    versions = [p.version for p in model.parameters()]
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError, match=r"'2.bias' \(shape \(2,\)\).*no parameter"):
        opt.step()
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k], err_msg=k)
    assert [p.version for p in model.parameters()] == versions
    assert opt.state == {} or all(not s for s in opt.state.values())  # no momentum / moments started either


def test_step_with_a_nan_grad_outside_anomaly_updates_like_pytorch():
    model = _model_with_grads()
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    model[2].bias.grad.data[1] = np.nan
    w0 = model[0].weight.numpy().copy()
    opt.step()
    assert np.isnan(model[2].bias.numpy()[1]) and np.isfinite(model[2].bias.numpy()[0])
    assert not np.array_equal(model[0].weight.numpy(), w0)  # the other parameters moved


def test_unnamed_parameter_is_named_by_its_group_and_index():
    a, b = f64([1.0]), f64([1.0, 2.0])
    a.requires_grad_(), b.requires_grad_()
    a.grad, b.grad = f64([0.5]), f64([0.5, np.inf])
    opt = nn.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    with ag.detect_anomaly(), pytest.raises(ag.AnomalyError, match=r"parameter 0 of parameter group 1 .*Inf"):
        opt.step()
    assert a.item() == 1.0
