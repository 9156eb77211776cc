"""Activations of nn.functional and their modules: gradcheck and gradgradcheck in float64 away from kinks, and
PyTorch's values and gradients (kinks included) where it is installed."""

import numpy as np
import pytest
from core_cases import check_op, values

import autograd_core as ag
import nn
import nn.functional as F

try:
    import torch
    import torch.nn.functional as TF
except ImportError:
    torch = None

# name -> (ours, PyTorch's, smooth everywhere: gradgradcheck applies)
ACTS = {
    "silu": (F.silu, lambda x: TF.silu(x), True),
    "gelu": (F.gelu, lambda x: TF.gelu(x), True),
    "gelu tanh": (lambda x: F.gelu(x, approximate="tanh"), lambda x: TF.gelu(x, approximate="tanh"), True),
    "elu": (F.elu, lambda x: TF.elu(x), False),
    "elu 0.5": (lambda x: F.elu(x, 0.5), lambda x: TF.elu(x, 0.5), False),
    "selu": (F.selu, lambda x: TF.selu(x), False),
    "celu 2": (lambda x: F.celu(x, 2.0), lambda x: TF.celu(x, 2.0), False),
    "relu6": (F.relu6, lambda x: TF.relu6(x), False),
    "hardtanh": (lambda x: F.hardtanh(x, -0.5, 0.7), lambda x: TF.hardtanh(x, -0.5, 0.7), False),
    "hardsigmoid": (F.hardsigmoid, lambda x: TF.hardsigmoid(x), False),
    "hardswish": (F.hardswish, lambda x: TF.hardswish(x), False),
    "logsigmoid": (F.logsigmoid, lambda x: TF.logsigmoid(x), True),
    "mish": (F.mish, lambda x: TF.mish(x), True),
    "softsign": (F.softsign, lambda x: TF.softsign(x), False),
    "softplus": (F.softplus, lambda x: TF.softplus(x), True),
    "softplus beta": (lambda x: F.softplus(x, beta=2.0, threshold=3.0), lambda x: TF.softplus(x, 2.0, 3.0), False),
    "softmin": (lambda x: F.softmin(x, dim=1), lambda x: TF.softmin(x, dim=1), True),
    "prelu": (
        lambda x: F.prelu(x, ag.tensor([0.1, 0.2, 0.3, 0.4], dtype="float64")),
        lambda x: TF.prelu(x, torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64)),
        False,
    ),
}


@pytest.mark.parametrize("name", ACTS)
def test_gradcheck_away_from_kinks(name):
    ours, _, smooth = ACTS[name]
    a = values((3, 4), "away") * 4  # |x| in [1.2, 8]: past every kink at 0, ±1, ±3 and 6 often enough
    a[0, 0], a[0, 1] = 0.45, -0.55
    check_op(ours, lambda x: ours(ag.tensor(x)).numpy(), a, gradgrad=smooth)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("name", ACTS)
def test_values_and_gradients_equal_pytorchs(name):
    ours, theirs, _ = ACTS[name]
    a = np.concatenate([values((3, 4)) * 5, np.array([[0.0, 3.0, -3.0, 6.0]]), np.array([[30.0, -30.0, 1.0, -1.0]])])
    x, tx = ag.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-12)
    y.sum().backward()
    ty.sum().backward()
    # rtol 1e-7: PyTorch's hardsigmoid backward multiplies by a float32 1/6 even in float64
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-7, atol=1e-12)


MODULES = [
    (nn.SiLU(), F.silu),
    (nn.GELU("tanh"), lambda x: F.gelu(x, "tanh")),
    (nn.ELU(0.5), lambda x: F.elu(x, 0.5)),
    (nn.SELU(), F.selu),
    (nn.CELU(), F.celu),
    (nn.ReLU6(), F.relu6),
    (nn.Hardtanh(-2, 2), lambda x: F.hardtanh(x, -2, 2)),
    (nn.Hardsigmoid(), F.hardsigmoid),
    (nn.Hardswish(), F.hardswish),
    (nn.LogSigmoid(), F.logsigmoid),
    (nn.Mish(), F.mish),
    (nn.Softsign(), F.softsign),
    (nn.Softplus(beta=2), lambda x: F.softplus(x, 2)),
    (nn.Softmin(dim=0), lambda x: F.softmin(x, 0)),
]


@pytest.mark.parametrize("module, fn", MODULES, ids=[type(m).__name__ for m, _ in MODULES])
def test_modules_call_their_function(module, fn):
    x = ag.randn(3, 4, rng=0)
    np.testing.assert_array_equal(module(x).numpy(), fn(x).numpy())


def test_prelu_module_learns_its_slope_and_bad_arguments_are_named():
    m = nn.PReLU(3)
    assert [n for n, _ in m.named_parameters()] == ["weight"] and m.weight.shape == (3,)
    x = -ag.ones(2, 3)
    m(x).sum().backward()
    np.testing.assert_array_equal(m.weight.grad.numpy(), [-2.0, -2.0, -2.0])
    with pytest.raises(ValueError, match="prelu"):
        F.prelu(ag.ones(2, 3), ag.ones(2))
    with pytest.raises(ValueError, match="approximate"):
        F.gelu(ag.ones(2), approximate="erf")
    with pytest.raises(TypeError, match="unexpected"):
        nn.ELU(beta=1)


def test_softplus_is_stable_and_linear_past_its_threshold():
    x = ag.tensor([1e4, -1e4, 25.0, 0.0], dtype="float64", requires_grad=True)
    y = F.softplus(x)
    np.testing.assert_allclose(y.numpy(), [1e4, 0.0, 25.0, np.log(2)])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 1.0, 0.5])
