"""Stochastic gradient descent with momentum, dampening, Nesterov momentum and weight decay (PyTorch's update)."""
from .optimizer import Optimizer


class SGD(Optimizer):
    """p -= lr * d, where d is the gradient (+ weight_decay * p), or the momentum buffer built from it:

    buf = momentum * buf + (1 - dampening) * d   (buf = d on the first step)
    d = d + momentum * buf if nesterov else buf
    """

    def __init__(self, params, lr=1e-3, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False,
                 maximize=False):
        if momentum < 0:
            raise ValueError(f"invalid momentum value: {momentum} (expected >= 0)")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"Nesterov momentum requires momentum > 0 and dampening = 0, "
                             f"got momentum={momentum}, dampening={dampening}")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay,
                                      nesterov=nesterov, maximize=maximize))

    def _update(self, p, grad, group, state):
        d = -grad if group["maximize"] else grad
        if group["weight_decay"]:
            d = d + group["weight_decay"] * p.data
        momentum = group["momentum"]
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = d.copy()
            else:
                buf *= momentum
                buf += (1 - group["dampening"]) * d
            d = d + momentum * buf if group["nesterov"] else buf
        p -= group["lr"] * d
