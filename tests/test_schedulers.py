"""nn.optim.lr_scheduler: rates compared with PyTorch's step by step when it is installed, by hand otherwise;
state_dict round trips; bad arguments name themselves."""

import math

import numpy as np
import pytest

import nn
from nn.optim import lr_scheduler as S


def _opt(cls=nn.optim.SGD, lrs=(0.1, 0.05), **kw):
    return cls([{"params": [nn.Parameter(np.zeros(1))], "lr": lr} for lr in lrs], **kw)


def _rates(sched, n, metrics=None):
    out = [sched.get_last_lr()]
    for i in range(n):
        sched.optimizer.step()
        sched.step(metrics[i]) if metrics is not None else sched.step()
        out.append(sched.get_last_lr())
    return out


def test_step_lr_by_hand():
    rates = [r[0] for r in _rates(S.StepLR(_opt(), step_size=2, gamma=0.5), 5)]
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_multistep_lr_by_hand_with_a_repeated_milestone():
    rates = [r[0] for r in _rates(S.MultiStepLR(_opt(), milestones=[1, 3, 3], gamma=0.1), 4)]
    assert rates == pytest.approx([0.1, 0.01, 0.01, 0.0001, 0.0001])


def test_exponential_lr_by_hand_and_per_group():
    rates = _rates(S.ExponentialLR(_opt(), gamma=0.9), 3)
    assert [r[1] for r in rates] == pytest.approx([0.05 * 0.9**k for k in range(4)])


def test_cosine_annealing_follows_the_closed_form_and_rises_after_t_max():
    T, lo = 5, 0.01
    rates = [r[0] for r in _rates(S.CosineAnnealingLR(_opt(), T_max=T, eta_min=lo), 2 * T)]
    assert rates == pytest.approx([lo + (0.1 - lo) * (1 + math.cos(math.pi * t / T)) / 2 for t in range(2 * T + 1)])


def test_lambda_lr_one_function_per_group():
    sched = S.LambdaLR(_opt(), [lambda e: 1 / (e + 1), lambda e: 0.5**e])
    rates = _rates(sched, 2)
    assert rates == [pytest.approx(r) for r in [[0.1, 0.05], [0.05, 0.025], [0.1 / 3, 0.0125]]]
    assert "lr_lambdas" not in sched.state_dict()


def test_one_cycle_by_hand():
    opt = _opt(nn.optim.SGD, lrs=(0.1,), momentum=0.9)
    sched = S.OneCycleLR(opt, max_lr=1.0, total_steps=10, anneal_strategy="linear", div_factor=10, final_div_factor=100)
    rates = [r[0] for r in _rates(sched, 9)]
    # up from 0.1 to 1.0 over steps 0..2 (end_step 0.3 * 10 - 1 = 2), then down to 0.001 at step 9
    expect = [0.1 + 0.9 * t / 2 for t in range(3)] + [1.0 + (0.001 - 1.0) * (t - 2) / 7 for t in range(3, 10)]
    assert rates == pytest.approx(expect)
    assert opt.param_groups[0]["momentum"] == pytest.approx(0.95)
    with pytest.raises(ValueError, match="tried to step 11 times.*10"):
        sched.step(), sched.step()


def test_one_cycle_cycles_adams_beta1():
    opt = _opt(nn.optim.Adam, lrs=(0.1,))
    S.OneCycleLR(opt, max_lr=0.5, epochs=2, steps_per_epoch=5)
    assert opt.param_groups[0]["betas"] == (0.95, 0.999)


def test_reduce_on_plateau_by_hand():
    sched = S.ReduceLROnPlateau(_opt(), patience=1, factor=0.5, cooldown=1, min_lr=[0.02, 0.0])
    rates = [r[0] for r in _rates(sched, 10, metrics=[1.0, 0.5] + [0.6] * 8)]
    # bad epochs 0 0 1 2 -> halve; the cooldown step counts none; 1 2 -> halve; ...; then min_lr 0.02 floors it
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02])
    assert sched.get_last_lr()[1] == pytest.approx(0.05 / 8)


def test_schedulers_compose_when_chained():
    opt = _opt(lrs=(1.0,))
    a, b = S.StepLR(opt, step_size=2, gamma=0.5), S.ExponentialLR(opt, gamma=0.9)
    for _ in range(4):
        opt.step()
        a.step()
        b.step()
    assert opt.param_groups[0]["lr"] == pytest.approx(0.25 * 0.9**4)


@pytest.mark.parametrize(
    "make",
    [
        lambda o: S.StepLR(o, 3),
        lambda o: S.CosineAnnealingLR(o, 4, 0.001),
        lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=20),
        lambda o: S.ReduceLROnPlateau(o, patience=0),
    ],
)
def test_state_dict_resumes_the_same_rates(make):
    def run(resume_at=None):
        opt = _opt(momentum=0.9)
        sched = make(opt)
        rates = []
        for i in range(10):
            if i == resume_at:
                saved_opt, saved = opt.state_dict(), sched.state_dict()
                opt = _opt(momentum=0.9)
                sched = make(opt)
                opt.load_state_dict(saved_opt)
                sched.load_state_dict(saved)
            opt.step()
            sched.step(1.0) if isinstance(sched, S.ReduceLROnPlateau) else sched.step()
            rates.append(sched.get_last_lr())
        return rates

    assert run() == run(resume_at=4)


@pytest.mark.parametrize(
    "make,error,match",
    [
        (lambda o: S.StepLR(o, step_size=0), ValueError, "step_size must be a positive int, got 0"),
        (lambda o: S.StepLR([], step_size=1), TypeError, "optimizer must be an nn.optim.Optimizer, got list"),
        (lambda o: S.MultiStepLR(o, milestones=3), TypeError, "milestones"),
        (lambda o: S.CosineAnnealingLR(o, T_max=-1), ValueError, "T_max"),
        (lambda o: S.LambdaLR(o, [lambda e: 1]), ValueError, "expected 2 lr_lambdas"),
        (lambda o: S.LambdaLR(o, 3), TypeError, "lr_lambda"),
        (lambda o: S.OneCycleLR(o, max_lr=1.0), ValueError, "total_steps"),
        (lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10, pct_start=2), ValueError, "pct_start"),
        (
            lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=10, anneal_strategy="cosine"),
            ValueError,
            "anneal_strategy",
        ),
        (
            lambda o: S.OneCycleLR(nn.optim.Adagrad([nn.Parameter(np.zeros(1))]), max_lr=1.0, total_steps=5),
            ValueError,
            "cycle_momentum",
        ),
        (lambda o: S.ReduceLROnPlateau(o, factor=1.0), ValueError, "factor"),
        (lambda o: S.ReduceLROnPlateau(o, mode="up"), ValueError, "mode"),
        (lambda o: S.ReduceLROnPlateau(o, min_lr=[0.1]), ValueError, "min_lr"),
        (lambda o: S.ExponentialLR(o, gamma=0.9, last_epoch=3), KeyError, "initial_lr"),
    ],
)
def test_bad_arguments(make, error, match):
    with pytest.raises(error, match=match):
        make(_opt())


def test_load_state_dict_names_unexpected_keys():
    sched = S.StepLR(_opt(), 2)
    with pytest.raises(ValueError, match="unexpected keys \\['bogus'\\]"):
        sched.load_state_dict({"bogus": 1})


CASES = [
    ("StepLR", dict(step_size=3, gamma=0.3), "SGD", {}),
    ("MultiStepLR", dict(milestones=[2, 5, 5, 9], gamma=0.5), "SGD", {}),
    ("ExponentialLR", dict(gamma=0.8), "SGD", {}),
    ("CosineAnnealingLR", dict(T_max=4, eta_min=0.001), "SGD", {}),
    ("CosineAnnealingLR", dict(T_max=7), "Adam", {}),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e + 0.01 * e), "SGD", {}),
    ("OneCycleLR", dict(max_lr=[0.5, 0.2], total_steps=13), "SGD", dict(momentum=0.9)),
    ("OneCycleLR", dict(max_lr=0.4, total_steps=13, three_phase=True, anneal_strategy="linear"), "Adam", {}),
    (
        "OneCycleLR",
        dict(
            max_lr=0.4,
            epochs=3,
            steps_per_epoch=4,
            pct_start=0.25,
            cycle_momentum=False,
            div_factor=5,
            final_div_factor=50,
        ),
        "Adagrad",
        {},
    ),
]


@pytest.mark.parametrize("name,kw,opt_name,opt_kw", CASES)
def test_rates_and_momentum_match_pytorch(name, kw, opt_name, opt_kw):
    torch = pytest.importorskip("torch")
    ours = _opt(getattr(nn.optim, opt_name), **opt_kw)
    theirs = getattr(torch.optim, opt_name)(
        [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.05)], **opt_kw
    )
    a, b = getattr(S, name)(ours, **kw), getattr(torch.optim.lr_scheduler, name)(theirs, **kw)
    steps = 12 if name == "OneCycleLR" else 15
    for _ in range(steps):
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12, atol=1e-15)
        for g, tg in zip(ours.param_groups, theirs.param_groups):
            for key in ("momentum", "betas"):
                if key in g:
                    np.testing.assert_allclose(g[key], tg[key], rtol=1e-12)
        ours.step(), theirs.step(), a.step(), b.step()


def test_reduce_on_plateau_matches_pytorch():
    torch = pytest.importorskip("torch")
    metrics = [1.0, 0.9, 0.9, 0.95, 0.91, 0.5, 0.5, 0.49999, 0.6, 0.7, 0.8, 0.2, 0.2, 0.2, 0.2, 0.2]
    for kw in (
        dict(patience=1, cooldown=1, factor=0.5, min_lr=0.01),
        dict(mode="max", threshold_mode="abs", threshold=0.05, patience=0),
        dict(patience=2, threshold=0.2, eps=0.03),
    ):
        ours = _opt()
        theirs = torch.optim.SGD([{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.05)])
        a, b = S.ReduceLROnPlateau(ours, **kw), torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, **kw)
        for m in metrics:
            a.step(m)
            b.step(m)
            np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)


@pytest.mark.parametrize("name,kw,opt_name,opt_kw", CASES[:2] + CASES[3:4] + CASES[6:8])
def test_loads_pytorchs_scheduler_state_and_continues_its_rates(name, kw, opt_name, opt_kw):
    torch = pytest.importorskip("torch")
    theirs = getattr(torch.optim, opt_name)(
        [{"params": [torch.nn.Parameter(torch.zeros(1))], "lr": lr} for lr in (0.1, 0.05)], **opt_kw
    )
    b = getattr(torch.optim.lr_scheduler, name)(theirs, **kw)
    for _ in range(5):
        theirs.step(), b.step()
    ours = _opt(getattr(nn.optim, opt_name), **opt_kw)
    a = getattr(S, name)(ours, **kw)
    ours.load_state_dict(theirs.state_dict())
    a.load_state_dict(b.state_dict())
    for _ in range(6):
        ours.step(), theirs.step(), a.step(), b.step()
        np.testing.assert_allclose(a.get_last_lr(), b.get_last_lr(), rtol=1e-12)


def test_loads_pytorchs_reduce_on_plateau_state():
    torch = pytest.importorskip("torch")
    theirs = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)
    b = torch.optim.lr_scheduler.ReduceLROnPlateau(theirs, patience=1)
    for m in (1.0, 0.5, 0.6):
        b.step(m)
    ours = _opt(lrs=(0.1,))
    a = S.ReduceLROnPlateau(ours, patience=1)
    a.load_state_dict(b.state_dict())
    a.step(0.6), b.step(0.6)
    assert a.get_last_lr() == pytest.approx(b.get_last_lr()) == [pytest.approx(0.01)]
