"""Whole training steps of the examples' models, and their PyTorch twins (same layers, shapes and initial weights).

Each `*_step(lib)` returns one training step (forward, loss, backward, the example's optimizer update) on a fixed
random batch of the example's shape. The PyTorch twin is built from the same layer list and then given the engine
model's initial weights (both use PyTorch's weight layouts), so the two start from the same numbers.
Random batches rather than the datasets: a step's time does not depend on the pixel values or token ids, and the
benchmarks then need neither scikit-learn nor a corpus.
"""

import importlib.util
import os

import numpy as np

import autograd_core as ag
import nn
import nn.functional as F

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")
WLM = dict(ntoken=1164, emsize=200, nhid=200, nlayers=2, dropout=0.2, batch=20, bptt=35, lr=20.0, clip=0.25)
# ntoken: the vocabulary of the example's default corpus (the source of the heapq module)


def _example(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", os.path.join(EXAMPLES, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _twin(torch, engine_model, torch_model):
    """torch_model with engine_model's weights (parameter names and layouts are the same)."""
    state = {k: torch.from_numpy(np.array(v)) for k, v in engine_model.state_dict().items()}
    torch_model.load_state_dict(state)
    return torch_model


# ---- examples/cnn_digits.py: conv-relu-pool twice, linear; Adam, batch 32 of 8x8 digits ---------------------------


def _torch_cnn(torch):
    tn = torch.nn
    return tn.Sequential(
        tn.Conv2d(1, 32, 3, padding=1),
        tn.ReLU(),
        tn.MaxPool2d(2),
        tn.Conv2d(32, 64, 3, padding=1),
        tn.ReLU(),
        tn.MaxPool2d(2),
        tn.Flatten(),
        tn.Linear(64 * 2 * 2, 10),
    )


def cnn_digits_step(lib, batch=32, lr=3e-3):
    nn.init.manual_seed(0)
    model = _example("cnn_digits").make_model("cnn")
    rng = np.random.default_rng(0)
    x = rng.random((batch, 1, 8, 8), dtype=np.float32)
    y = rng.integers(0, 10, batch)
    if lib is not ag:
        return _torch_classifier_step(lib, _twin(lib, model, _torch_cnn(lib)), x, y, "adam", lr)
    opt = nn.optim.Adam(model.parameters(), lr=lr)
    xt = ag.tensor(x)

    def step():
        loss = F.cross_entropy(model(xt), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def _torch_classifier_step(torch, model, x, y, optimizer, lr, loss="cross_entropy"):
    opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.Adadelta)(model.parameters(), lr=lr)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = getattr(torch.nn.functional, loss)

    def step():
        out = loss_fn(model(xt), yt)
        opt.zero_grad()
        out.backward()
        opt.step()

    return step


# ---- examples/mnist_style.py: PyTorch's MNIST example on 8x8 digits; Adadelta, batch 64 ----------------------------


def _torch_mnist_net(torch):
    tn, tf = torch.nn, torch.nn.functional

    class Net(tn.Module):  # examples/mnist_style.py's Net, as PyTorch's examples/mnist/main.py writes it
        def __init__(self):
            super().__init__()
            self.conv1 = tn.Conv2d(1, 32, 3, 1)
            self.conv2 = tn.Conv2d(32, 64, 3, 1)
            self.dropout1 = tn.Dropout(0.25)
            self.dropout2 = tn.Dropout(0.5)
            self.fc1 = tn.Linear(256, 128)
            self.fc2 = tn.Linear(128, 10)

        def forward(self, x):
            x = tf.max_pool2d(tf.relu(self.conv2(tf.relu(self.conv1(x)))), 2)
            x = torch.flatten(self.dropout1(x), 1)
            x = self.fc2(self.dropout2(tf.relu(self.fc1(x))))
            return tf.log_softmax(x, dim=1)

    return Net()


def mnist_style_step(lib, batch=64, lr=1.0):
    nn.init.manual_seed(0)
    model = _example("mnist_style").Net()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((batch, 1, 8, 8)).astype(np.float32)
    y = rng.integers(0, 10, batch)
    if lib is not ag:
        return _torch_classifier_step(
            lib, _twin(lib, model, _torch_mnist_net(lib)), x, y, "adadelta", lr, loss="nll_loss"
        )
    opt = nn.optim.Adadelta(model.parameters(), lr=lr)
    xt = ag.tensor(x)

    def step():
        opt.zero_grad()
        loss = F.nll_loss(model(xt), y)
        loss.backward()
        opt.step()

    return step


# ---- examples/word_language_model.py: 2-layer LSTM of 200, batch 20, bptt 35; clipped plain SGD ----------------------


def _torch_rnn_model(torch, p):
    tn = torch.nn

    class RNNModel(tn.Module):  # the example's RNNModel (PyTorch's examples/word_language_model/model.py), LSTM
        def __init__(self):
            super().__init__()
            self.drop = tn.Dropout(p["dropout"])
            self.encoder = tn.Embedding(p["ntoken"], p["emsize"])
            self.rnn = tn.LSTM(p["emsize"], p["nhid"], p["nlayers"], dropout=p["dropout"])
            self.decoder = tn.Linear(p["nhid"], p["ntoken"])

        def forward(self, input, hidden):
            output, hidden = self.rnn(self.drop(self.encoder(input)), hidden)
            decoded = self.decoder(self.drop(output)).view(-1, p["ntoken"])
            return torch.nn.functional.log_softmax(decoded, dim=1), hidden

    return RNNModel()


def word_lm_step(lib, p=WLM):
    nn.init.manual_seed(0)
    model = _example("word_language_model").RNNModel(
        "LSTM", p["ntoken"], p["emsize"], p["nhid"], p["nlayers"], p["dropout"]
    )
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, p["ntoken"], (p["bptt"] + 1, p["batch"]))
    data, targets = tokens[:-1], tokens[1:].reshape(-1)
    state_shape = (p["nlayers"], p["batch"], p["nhid"])
    if lib is ag:
        make, no_grad, clip, loss_fn = ag.tensor, ag.no_grad, nn.utils.clip_grad_norm_, F.nll_loss
    else:
        model = _twin(lib, model, _torch_rnn_model(lib, p))
        make, no_grad, clip, loss_fn = (
            lib.from_numpy,
            lib.no_grad,
            lib.nn.utils.clip_grad_norm_,
            lib.nn.functional.nll_loss,
        )
    data, targets = make(data), make(targets)
    # The example carries the state from batch to batch, detached; a fixed zero state costs the same.
    hidden = (make(np.zeros(state_shape, np.float32)), make(np.zeros(state_shape, np.float32)))

    def step():
        model.zero_grad()
        output, _ = model(data, hidden)
        loss = loss_fn(output, targets)
        loss.backward()
        clip(model.parameters(), p["clip"])
        with no_grad():
            for q in model.parameters():
                q.add_(q.grad, alpha=-p["lr"])

    return step
