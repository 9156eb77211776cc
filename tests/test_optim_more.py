"""Adadelta, Adagrad, RMSprop, NAdam: PyTorch's arguments, defaults and update rules; trajectories compared step
by step with PyTorch in float64 when it is installed, first steps checked by hand otherwise."""

import math

import numpy as np
import pytest

import autograd_core as ag
import nn

OPT = nn.optim


def _param(values, grad):
    p = nn.Parameter(np.array(values, dtype=np.float64))
    p.grad = ag.tensor(np.array(grad, dtype=np.float64))
    return p


def test_defaults_are_pytorchs():
    p = [nn.Parameter(np.zeros(1))]
    assert {k: v for k, v in OPT.Adadelta(p).defaults.items()} == dict(
        lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False
    )
    assert OPT.Adagrad(p).defaults == dict(
        lr=1e-2, lr_decay=0.0, weight_decay=0.0, initial_accumulator_value=0.0, eps=1e-10, maximize=False
    )
    assert OPT.RMSprop(p).defaults == dict(
        lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False, maximize=False
    )
    assert OPT.NAdam(p).defaults == dict(
        lr=2e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        momentum_decay=4e-3,
        decoupled_weight_decay=False,
        maximize=False,
    )


def test_adadelta_two_steps_by_hand():
    p = _param([1.0], [2.0])
    opt = OPT.Adadelta([p], lr=0.5, rho=0.9, eps=1e-6)
    opt.step()
    v = 0.1 * 4
    d = math.sqrt(1e-6) / math.sqrt(v + 1e-6) * 2
    u = 0.1 * d * d
    assert p.numpy()[0] == pytest.approx(1 - 0.5 * d, rel=1e-12)
    opt.step()
    v = 0.9 * v + 0.1 * 4
    d2 = math.sqrt(u + 1e-6) / math.sqrt(v + 1e-6) * 2
    assert p.numpy()[0] == pytest.approx(1 - 0.5 * (d + d2), rel=1e-12)


def test_adagrad_steps_by_hand_with_lr_decay_and_initial_accumulator():
    p = _param([1.0], [2.0])
    opt = OPT.Adagrad([p], lr=0.1, lr_decay=0.5, initial_accumulator_value=1.0, eps=0.0)
    assert opt.state_dict()["state"][0]["sum"].tolist() == [1.0]  # made at construction, as in PyTorch
    opt.step()
    first = 0.1 * 2 / math.sqrt(1 + 4)
    assert p.numpy()[0] == pytest.approx(1 - first, rel=1e-12)
    opt.step()
    assert p.numpy()[0] == pytest.approx(1 - first - 0.1 / 1.5 * 2 / math.sqrt(9), rel=1e-12)


def test_rmsprop_centered_with_momentum_by_hand():
    p = _param([1.0], [2.0])
    opt = OPT.RMSprop([p], lr=0.1, alpha=0.5, momentum=0.9, centered=True, eps=0.0)
    opt.step()
    v, m = 0.5 * 4, 0.5 * 2
    buf = 2 / math.sqrt(v - m * m)
    assert p.numpy()[0] == pytest.approx(1 - 0.1 * buf, rel=1e-12)
    opt.step()
    v, m = 0.5 * v + 0.5 * 4, 0.5 * m + 0.5 * 2
    buf = 0.9 * buf + 2 / math.sqrt(v - m * m)
    assert p.numpy()[0] == pytest.approx(1 - 0.1 * (2 / math.sqrt(1) + buf), rel=1e-12)
    assert set(opt.state[id(p)]) == {"step", "square_avg", "grad_avg", "momentum_buffer"}


def test_nadam_first_step_by_hand():
    p = _param([1.0], [2.0])
    OPT.NAdam([p], lr=0.1).step()
    b1, b2, psi = 0.9, 0.999, 4e-3
    mu1, mu2 = b1 * (1 - 0.5 * 0.96**psi), b1 * (1 - 0.5 * 0.96 ** (2 * psi))
    denom = math.sqrt((1 - b2) * 4 / (1 - b2)) + 1e-8
    step = 0.1 * (1 - mu1) / (1 - mu1) * 2 / denom + 0.1 * mu2 / (1 - mu1 * mu2) * (1 - b1) * 2 / denom
    assert p.numpy()[0] == pytest.approx(1 - step, rel=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: OPT.Adadelta(ps),
        lambda ps: OPT.Adagrad(ps, lr=0.1),
        lambda ps: OPT.RMSprop(ps, momentum=0.5, centered=True),
        lambda ps: OPT.NAdam(ps, lr=0.01),
    ],
)
@pytest.mark.parametrize("maximize", [False, True])
def test_every_optimizer_descends_a_quadratic_or_ascends_with_maximize(make, maximize):
    p = nn.Parameter(np.array([3.0, -2.0]))
    opt = make([p])
    opt.param_groups[0]["maximize"] = maximize
    start = float((p.data**2).sum())
    for _ in range(30):
        opt.zero_grad()
        (p * p).sum().backward()
        opt.step()
    end = float((p.data**2).sum())
    assert (end > start) if maximize else (end < start)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: OPT.Adadelta(ps, lr=0.5),
        lambda ps: OPT.Adagrad(ps, lr_decay=0.1),
        lambda ps: OPT.RMSprop(ps, momentum=0.5, centered=True),
        lambda ps: OPT.NAdam(ps, weight_decay=0.1, decoupled_weight_decay=True),
    ],
)
def test_state_dict_resumes_the_same_trajectory(make):
    def run(steps, resume_at=None):
        p = nn.Parameter(np.array([1.0, -1.0]))
        opt = make([p])
        for i in range(steps):
            if i == resume_at:
                saved = opt.state_dict()
                p = nn.Parameter(p.data.copy())
                opt = make([p])
                opt.load_state_dict(saved)
            p.grad = ag.tensor(np.sin(p.data * (i + 1)))
            opt.step()
        return p.numpy()

    np.testing.assert_array_equal(run(6), run(6, resume_at=3))


@pytest.mark.parametrize(
    "cls,kw,match",
    [
        (OPT.Adadelta, dict(lr=-1), "learning rate"),
        (OPT.Adadelta, dict(rho=1.5), r"rho.*\[0, 1\]"),
        (OPT.Adadelta, dict(eps=-1), "epsilon"),
        (OPT.Adagrad, dict(lr_decay=-0.1), "lr_decay"),
        (OPT.Adagrad, dict(initial_accumulator_value=-1), "initial_accumulator_value"),
        (OPT.RMSprop, dict(alpha=-0.5), "alpha"),
        (OPT.RMSprop, dict(momentum=-1), "momentum"),
        (OPT.RMSprop, dict(weight_decay=-1), "weight_decay"),
        (OPT.NAdam, dict(betas=(0.9, 1.0)), "betas"),
        (OPT.NAdam, dict(momentum_decay=-1), "momentum_decay"),
    ],
)
def test_bad_arguments_name_the_argument_and_value(cls, kw, match):
    with pytest.raises(ValueError, match=match):
        cls([nn.Parameter(np.zeros(1))], **kw)


def test_bad_types_are_type_errors():
    with pytest.raises(TypeError, match="centered"):
        OPT.RMSprop([nn.Parameter(np.zeros(1))], centered="yes")
    with pytest.raises(TypeError, match="decoupled_weight_decay"):
        OPT.NAdam([nn.Parameter(np.zeros(1))], decoupled_weight_decay=1)


def test_state_dict_from_another_optimizer_is_refused():
    p = nn.Parameter(np.zeros(1))
    sd = OPT.RMSprop([p]).state_dict()
    with pytest.raises(ValueError, match="RMSprop"):
        OPT.Adagrad([p]).load_state_dict(sd)


TRAJECTORIES = [
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.2, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.3, eps=1e-6)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.8)),
    ("RMSprop", dict(lr=0.02, centered=True, weight_decay=0.05)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, centered=True, maximize=True)),
    ("NAdam", dict()),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.9), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
]


@pytest.mark.parametrize("name,kw", TRAJECTORIES)
def test_trajectory_matches_pytorch_step_by_step(name, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    w0, b0 = rng.standard_normal((2, 3)), rng.standard_normal(2)
    ours = nn.Linear(3, 2).double()
    ours.weight.data, ours.bias.data = w0.copy(), b0.copy()
    lr = kw.get("lr", getattr(OPT, name)([nn.Parameter(np.zeros(1))]).defaults["lr"])
    opt = getattr(OPT, name)([{"params": [ours.weight]}, {"params": [ours.bias], "lr": lr * 2}], **kw)
    theirs = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w0))
        theirs.bias.copy_(torch.tensor(b0))
    topt = getattr(torch.optim, name)([{"params": [theirs.weight]}, {"params": [theirs.bias], "lr": lr * 2}], **kw)
    for _ in range(10):
        opt.zero_grad()
        nn.functional.mse_loss(ours(ag.tensor(x)), ag.tensor(y)).backward()
        opt.step()
        topt.zero_grad()
        torch.nn.functional.mse_loss(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        topt.step()
        np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(ours.bias.numpy(), theirs.bias.detach().numpy(), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "name,kw",
    [
        ("Adagrad", dict(lr=0.1)),
        ("RMSprop", dict(momentum=0.5, centered=True)),
        ("NAdam", dict()),
        ("Adadelta", dict()),
    ],
)
def test_loads_pytorchs_state_dict_and_continues_its_trajectory(name, kw):
    torch = pytest.importorskip("torch")
    w0 = np.array([0.5, -1.5])
    tp = torch.nn.Parameter(torch.tensor(w0.copy()))
    topt = getattr(torch.optim, name)([tp], **kw)
    for _ in range(3):
        topt.zero_grad()
        (tp**3).sum().backward()
        topt.step()
    p = nn.Parameter(tp.detach().numpy().copy())
    opt = getattr(OPT, name)([p], **kw)
    opt.load_state_dict(topt.state_dict())
    for _ in range(3):
        topt.zero_grad()
        (tp**3).sum().backward()
        topt.step()
        opt.zero_grad()
        (p**3).sum().backward()
        opt.step()
    np.testing.assert_allclose(p.numpy(), tp.detach().numpy(), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: OPT.Adadelta(ps, weight_decay=0.1),
        lambda ps: OPT.Adagrad(ps),
        lambda ps: OPT.RMSprop(ps, momentum=0.5, centered=True),
        lambda ps: OPT.NAdam(ps, weight_decay=0.1),
    ],
)
def test_float32_parameters_and_state_stay_float32(make):
    p = nn.Parameter(np.array([1.0, -2.0], np.float32))
    opt = make([p])
    for _ in range(3):
        p.grad = ag.tensor(np.array([0.5, 0.25], np.float32))
        opt.step()
    assert p.dtype == np.float32
    assert all(v.dtype == np.float32 for v in opt.state[id(p)].values() if isinstance(v, np.ndarray))
