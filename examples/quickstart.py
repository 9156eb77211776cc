"""Quickstart: one neuron and its graph with values and gradients, then a small MLP trained with the engine.

python examples/quickstart.py [--steps 500] [--out out]
"""

import argparse
import os

import numpy as np

import autograd_core as ag
import viz


def neuron_demo(out=None):
    """The lectures' neuron tanh(x1*w1 + x2*w2 + b): its graph with every value and gradient, by the chain rule."""
    x1, x2 = ag.tensor(2.0, name="x1"), ag.tensor(0.0, name="x2")
    w1, w2 = ag.tensor(-3.0, requires_grad=True, name="w1"), ag.tensor(1.0, requires_grad=True, name="w2")
    b = ag.tensor(6.8813735870195432, requires_grad=True, name="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    with viz.record_gradients():  # keep every tensor's gradient, for the printout
        o.backward()
    print(viz.to_text(o))
    if out:
        try:
            path = viz.render(o, os.path.join(out, "neuron.svg"), mode="both", chain_rule=True)
            print(f"drawing (each tensor's data | grad, each backward edge local × upstream = sent): {path}")
        except viz.DotNotFoundError as e:
            print(f"(no drawing: {e})")
    print(f"neuron: o = {o.item():.4f}, do/dw1 = {w1.grad.item():.4f}, do/dw2 = {w2.grad.item():.4f}")
    return o


def train_mlp(steps=200, seed=0, verbose=True):
    """Fit y = sin(3x) with a 1-32-1 tanh MLP by plain gradient descent; returns the final loss."""
    rng = np.random.default_rng(seed)
    x = ag.tensor(np.linspace(-1, 1, 64).reshape(-1, 1))
    y = ag.tensor(np.sin(3 * x.numpy()))
    w1 = ag.tensor(rng.standard_normal((1, 32)) * 0.5, dtype="float32", requires_grad=True)
    b1 = ag.zeros(32, requires_grad=True)
    w2 = ag.tensor(rng.standard_normal((32, 1)) * 0.5, dtype="float32", requires_grad=True)
    b2 = ag.zeros(1, requires_grad=True)
    params, lr = [w1, b1, w2, b2], 0.1
    for step in range(steps + 1):
        pred = (x @ w1 + b1).tanh() @ w2 + b2
        loss = ((pred - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with ag.no_grad():
            for p in params:
                p.data -= lr * p.grad.data
        if verbose and step % max(steps // 10, 1) == 0:
            print(f"step {step:4d}  loss {loss.item():.5f}")
    return loss.item()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--out", default="out", help="folder for the neuron's drawing (needs Graphviz's dot)")
    args = parser.parse_args()
    neuron_demo(args.out)
    train_mlp(args.steps)
