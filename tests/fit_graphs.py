"""The graphs every default drawing must fit on a slide (tests/test_viz_fit.py): built with nn, as users build them."""

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F
import viz

RECORDINGS = {}  # id(loss) -> its recording, so a drawing made later still finds every gradient


def _backward(loss):
    with viz.record_gradients() as rec:
        loss.backward()
    RECORDINGS[id(loss)] = rec
    return loss


def neuron():
    x1, x2 = ag.tensor(2.0, name="x1"), ag.tensor(0.0, name="x2")
    w1, w2 = ag.tensor(-3.0, requires_grad=True, name="w1"), ag.tensor(1.0, requires_grad=True, name="w2")
    b = ag.tensor(6.8813735870195432, requires_grad=True, name="b")
    return _backward((x1 * w1 + x2 * w2 + b).tanh())


def mlp(layers=250):
    """Linear + Tanh, `layers` times: about 1,000 recorded ops."""
    nn.init.manual_seed(0)
    mods = []
    for _ in range(layers):
        mods += [nn.Linear(4, 4), nn.Tanh()]
    net = nn.Sequential(*mods)
    x = ag.tensor(np.random.default_rng(0).standard_normal((2, 4)), dtype="float32", name="x")
    return _backward((net(x) ** 2).mean())


def cnn():
    """The CNN of examples/cnn_digits.py on a batch of 4 digits."""
    nn.init.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 2 * 2, 10),
    )
    x = ag.tensor(np.random.default_rng(0).random((4, 1, 8, 8)), dtype="float32", name="image")
    return _backward(F.cross_entropy(net(x), np.array([0, 1, 2, 3])))


def _rnn(layer, steps):
    nn.init.manual_seed(0)
    x = ag.tensor(np.random.default_rng(0).standard_normal((steps, 1, 3)), dtype="float32", name="sequence")
    out, _ = layer(x)
    return _backward((out[-1] ** 2).sum())


def lstm(steps=50):
    return _rnn(nn.LSTM(3, 4, num_layers=2), steps)


def gru(steps=30):
    return _rnn(nn.GRU(3, 4, num_layers=2, bidirectional=True), steps)


def rnn(steps=1000):
    return _rnn(nn.RNN(3, 4), steps)


def chain(n=10000):
    x = ag.tensor(0.5, requires_grad=True, name="x")
    y = x
    for _i in range(n // 2):
        y = (y * 0.999).tanh()
    return _backward(y)


GRAPHS = {"neuron": neuron, "mlp": mlp, "cnn": cnn, "lstm": lstm, "gru": gru, "rnn": rnn, "chain": chain}
