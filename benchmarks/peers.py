"""The same workloads in MyGrad and micrograd, the engine's peers among small autodiff libraries (both optional:
`pip install mygrad micrograd`, or the `bench` extra).

Each maker returns a step to time, or None when the library does not offer what the workload needs.
"""

import math
import sys

import numpy as np

from benchmarks import conv

try:
    import mygrad
except ImportError:
    mygrad = None
try:
    import micrograd.engine
    import micrograd.nn
except ImportError:
    micrograd = None

# The tiny MLP of scalars that micrograd's README trains: 2 inputs, two hidden layers of 16, one output.
TINY_SIZES, TINY_BATCH = (2, 16, 16, 1), 16


def available():
    return [name for name, lib in (("MyGrad", mygrad), ("micrograd", micrograd)) if lib is not None]


def version(name):
    if name == "MyGrad":
        return mygrad.__version__
    from importlib.metadata import version as dist_version

    return dist_version("micrograd")


# ---- the scalar op chain -----------------------------------------------------------------------------------------


def scalar_chain(name, n):
    if name == "MyGrad":

        def run():
            x = mygrad.tensor(0.1)
            y = x
            for _ in range(n):
                y = mygrad.tanh(y * 1.0001 + 0.5)
            y.backward()

        return run

    def run():
        y = micrograd.engine.Value(0.1)
        for _ in range(n):
            y = _micrograd_tanh(y * 1.0001 + 0.5)
        # micrograd sorts the graph recursively, one Python frame per op: the limit must exceed the chain's length
        # (Python 3.11+ keeps such frames off the C stack).
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 3 * n + 1000))
        try:
            y.backward()
        finally:
            sys.setrecursionlimit(limit)

    return run


def _micrograd_tanh(v):
    """tanh as a micrograd op: the PyPI package has only + * ** relu, and this is how its relu (and the tanh of
    Karpathy's lecture) is written, a closure that adds the local gradient into its input's."""
    t = math.tanh(v.data)
    out = micrograd.engine.Value(t, (v,), "tanh")

    def _backward():
        v.grad += (1 - t * t) * out.grad

    out._backward = _backward
    return out


# ---- the 784-256-10 MLP (MyGrad only: as micrograd Values it would be 200k scalar multiplies a sample) ---------


def mlp(name, steps, batch=64, sizes=(784, 256, 10), lr=0.01):
    """benchmarks.ops.mlp in MyGrad: same data, same initial weights, same SGD."""
    if name != "MyGrad":
        return None
    rng = np.random.default_rng(0)  # the same draws, in the same order, as ops.mlp
    xs = rng.standard_normal((steps, batch, sizes[0])).astype(np.float32)
    ys = rng.integers(0, sizes[-1], (steps, batch))
    w1_0 = (rng.standard_normal((sizes[0], sizes[1])) / np.sqrt(sizes[0])).astype(np.float32)
    w2_0 = (rng.standard_normal((sizes[1], sizes[2])) / np.sqrt(sizes[1])).astype(np.float32)
    rows = np.arange(batch)

    def run():
        w1, w2 = mygrad.tensor(w1_0.copy()), mygrad.tensor(w2_0.copy())
        b1, b2 = mygrad.tensor(np.zeros(sizes[1], np.float32)), mygrad.tensor(np.zeros(sizes[2], np.float32))
        for i in range(steps):
            logits = mygrad.tanh(xs[i] @ w1 + b1) @ w2 + b2
            loss = -mygrad.nnet.logsoftmax(logits, axis=-1)[rows, ys[i]].mean()
            loss.backward()
            for p in (w1, b1, w2, b2):
                p.data -= lr * p.grad  # MyGrad frees the graph after backward; .data is the array itself

    return run


# ---- the tiny MLP of micrograd's README ---------------------------------------------------------------------------


def tiny_data(rng):
    x = rng.standard_normal((TINY_BATCH, TINY_SIZES[0]))
    y = np.sign(x[:, :1] * x[:, 1:])  # an XOR-like target, as in micrograd's moons demo
    return x, y


def tiny_weights(seed=0):
    """(W (out, in), b (out,)) per layer, float64: the values every library's copy of the tiny MLP starts from."""
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-1, 1, (o, i)), np.zeros(o)) for i, o in zip(TINY_SIZES[:-1], TINY_SIZES[1:])]


def tiny_mlp_engine(lib, lr=0.05):
    """One SGD step of the tiny ReLU MLP on a batch of 16, mean squared error, in the engine or PyTorch (float64)."""
    import autograd_core as ag

    x, y = tiny_data(np.random.default_rng(1))
    make = (lambda a: ag.tensor(a, requires_grad=True)) if lib is ag else (lambda a: lib.tensor(a, requires_grad=True))
    params = [(make(w), make(b)) for w, b in tiny_weights()]
    xt, yt = (ag.tensor(x), ag.tensor(y)) if lib is ag else (lib.tensor(x), lib.tensor(y))
    no_grad = ag.no_grad if lib is ag else lib.no_grad

    def run():
        h = xt
        for k, (w, b) in enumerate(params):
            h = h @ w.T + b
            if k < len(params) - 1:
                h = h.relu()
        loss = ((h - yt) ** 2).mean()
        for w, b in params:
            w.grad = b.grad = None
        loss.backward()
        with no_grad():
            for w, b in params:
                for p in (w, b):
                    if lib is ag:
                        p.data -= lr * p.grad.data
                    else:
                        p -= lr * p.grad  # in place

    return run


def tiny_mlp(name, lr=0.05):
    x, y = tiny_data(np.random.default_rng(1))
    weights = tiny_weights()
    if name == "MyGrad":
        params = [(mygrad.tensor(w), mygrad.tensor(b)) for w, b in weights]

        def run():
            h = x
            for k, (w, b) in enumerate(params):
                h = h @ w.T + b
                if k < len(params) - 1:
                    h = mygrad.nnet.relu(h)
            loss = mygrad.mean((h - y) ** 2)
            loss.backward()
            for w, b in params:
                w.data -= lr * w.grad
                b.data -= lr * b.grad

        return run

    model = micrograd.nn.MLP(TINY_SIZES[0], list(TINY_SIZES[1:]))
    for layer, (w, b) in zip(model.layers, weights):
        for j, neuron in enumerate(layer.neurons):
            for i, v in enumerate(neuron.w):
                v.data = float(w[j, i])
            neuron.b.data = float(b[j])
    rows, targets = x.tolist(), y[:, 0].tolist()

    def run():  # one Value per scalar: the whole batch is a graph of ~10k nodes
        outs = [model(row) for row in rows]
        loss = sum((o - t) ** 2 for o, t in zip(outs, targets)) * (1.0 / len(rows))
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= lr * p.grad

    return run


# ---- conv2d and max pooling (MyGrad) ------------------------------------------------------------------------------


def conv_step(name, x_shape, w_shape, padding, rng):
    """benchmarks.conv's step in MyGrad (conv_nd, max_pool): same shapes, same upstream gradient."""
    if name != "MyGrad":
        return None
    x = mygrad.tensor(rng.standard_normal(x_shape).astype(np.float32))
    w = None if w_shape is None else mygrad.tensor(rng.standard_normal(w_shape).astype(np.float32))
    b = None if w_shape is None else mygrad.tensor(np.zeros((1, w_shape[0], 1, 1), np.float32))
    g = conv.upstream_gradient(x_shape, w_shape)

    def step():
        if w is None:
            y = mygrad.nnet.max_pool(x, (2, 2), (2, 2))
        else:
            y = mygrad.nnet.conv_nd(x, w, stride=1, padding=padding) + b
        y.backward(g)

    return step
