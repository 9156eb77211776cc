"""Optimizers (SGD, Adam, AdamW) and gradient clipping: PyTorch's update rules, state, groups and bad input."""

import math

import numpy as np
import pytest

import autograd_core as ag
import nn
from nn.optim import SGD, Adam, AdamW
from nn.utils import clip_grad_norm_, clip_grad_value_


def param(values):
    return nn.Parameter(np.asarray(values, dtype=np.float64))


def set_grad(p, values):
    p.grad = ag.tensor(np.asarray(values, dtype=np.float64))


# ---- update rules by hand --------------------------------------------------------------------


def test_sgd_plain_step_is_minus_lr_times_grad():
    p = param([1.0, -2.0])
    set_grad(p, [0.5, 4.0])
    SGD([p], lr=0.1).step()
    np.testing.assert_allclose(p.numpy(), [0.95, -2.4])


def test_sgd_momentum_dampening_weight_decay_by_hand():
    p = param([1.0])
    opt = SGD([p], lr=0.1, momentum=0.9, dampening=0.5, weight_decay=0.2)
    set_grad(p, [1.0])
    opt.step()  # d = 1 + 0.2*1 = 1.2; buf = d (first step is not dampened)
    assert p.item() == pytest.approx(1 - 0.1 * 1.2)
    set_grad(p, [1.0])
    p1 = p.item()
    opt.step()  # d = 1 + 0.2*p1; buf = 0.9*1.2 + 0.5*d
    assert p.item() == pytest.approx(p1 - 0.1 * (0.9 * 1.2 + 0.5 * (1 + 0.2 * p1)))


def test_sgd_nesterov_by_hand():
    p = param([0.0])
    opt = SGD([p], lr=1.0, momentum=0.5, nesterov=True)
    set_grad(p, [2.0])
    opt.step()  # buf = 2; d = 2 + 0.5*2 = 3
    assert p.item() == pytest.approx(-3.0)
    set_grad(p, [2.0])
    opt.step()  # buf = 0.5*2 + 2 = 3; d = 2 + 0.5*3 = 3.5
    assert p.item() == pytest.approx(-6.5)


def test_adam_first_step_moves_every_weight_by_lr_against_the_grad_sign():
    p = param([1.0, 1.0, 1.0])
    set_grad(p, [1e-3, -5.0, 300.0])
    Adam([p], lr=0.01).step()
    # bias-corrected m / sqrt(v) = g / |g| on the first step, whatever the scale of g
    np.testing.assert_allclose(p.numpy(), [0.99, 1.01, 0.99], rtol=1e-6)


def test_adamw_decays_weights_independently_of_the_gradient():
    p, q = param([2.0]), param([2.0])
    set_grad(p, [0.0])
    set_grad(q, [0.0])
    AdamW([p], lr=0.1, weight_decay=0.5).step()
    Adam([q], lr=0.1, weight_decay=0.5).step()
    assert p.item() == pytest.approx(2.0 * (1 - 0.1 * 0.5))  # zero grad: only the decay acts
    assert q.item() == pytest.approx(2.0 - 0.1, rel=1e-6)  # L2 grad 1.0 -> an Adam step of lr


def test_maximize_ascends():
    for opt_cls in (SGD, Adam):
        p = param([0.0])
        set_grad(p, [1.0])
        opt_cls([p], lr=0.1, maximize=True).step()
        assert p.item() > 0


def test_parameters_without_grad_are_skipped_and_keep_no_state():
    a, b = param([1.0]), param([1.0])
    set_grad(a, [1.0])
    opt = Adam([a, b], lr=0.1)
    opt.step()
    assert b.item() == 1.0 and a.item() != 1.0
    assert list(opt.state_dict()["state"]) == [0]


def test_step_updates_in_place_and_records_nothing():
    p = param([1.0, 2.0])
    data = p.data
    set_grad(p, [1.0, 1.0])
    SGD([p], lr=0.5, momentum=0.9).step()
    assert p.data is data and p.is_leaf and p.grad_fn is None


def test_a_graph_made_before_the_step_refuses_to_backward_after_it():
    p = param([1.0, 2.0])
    loss = (p * p).sum()
    loss.backward(retain_graph=True)
    SGD([p], lr=0.1).step()
    assert p.version == 1
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_zero_grad():
    p = param([1.0])
    set_grad(p, [3.0])
    opt = SGD([p], lr=0.1)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.numpy(), [0.0])
    opt.zero_grad()
    assert p.grad is None


def test_param_groups_have_their_own_options():
    a, b = param([1.0]), param([1.0])
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1, momentum=0.0)
    set_grad(a, [1.0])
    set_grad(b, [1.0])
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.0)
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.0
    c = param([0.0])
    opt.add_param_group({"params": c, "lr": 0.5})
    assert opt.param_groups[2]["params"] == [c]


def test_closure_is_evaluated_with_grad_enabled():
    p = param([3.0])
    opt = SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    assert opt.step(closure).item() == 9.0
    assert p.item() == pytest.approx(3.0 - 0.25 * 6.0)


def test_adam_trains_a_linear_regression():
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((64, 3)), dtype="float32")
    y = x @ ag.tensor(np.array([[1.5], [-2.0], [0.5]], np.float32)) + 0.3
    nn.init.manual_seed(0)
    model = nn.Linear(3, 1)
    opt = Adam(model.parameters(), lr=0.05)
    for _ in range(300):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
    assert loss.item() < 1e-4
    np.testing.assert_allclose(model.weight.numpy(), [[1.5, -2.0, 0.5]], atol=1e-2)


# ---- state_dict ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.1, amsgrad=True),
        lambda ps: AdamW(ps, lr=0.1),
    ],
)
def test_state_dict_resumes_the_same_trajectory(make):
    rng = np.random.default_rng(1)
    grads = rng.standard_normal((6, 2, 3))
    start = rng.standard_normal((2, 3))

    def run(steps, p, opt):
        for g in steps:
            set_grad(p, g * p.numpy())
            opt.step()

    p = param(start.copy())
    opt = make([p])
    run(grads, p, opt)

    q = param(start.copy())
    opt_q = make([q])
    run(grads[:3], q, opt_q)
    saved = opt_q.state_dict()
    r = param(q.numpy().copy())
    opt_r = make([r])
    opt_r.load_state_dict(saved)
    run(grads[3:], r, opt_r)
    np.testing.assert_allclose(r.numpy(), p.numpy(), rtol=1e-12)
    assert saved["param_groups"][0]["params"] == [0]


def test_state_dict_is_a_copy():
    p = param([1.0])
    opt = SGD([p], lr=0.1, momentum=0.9)
    set_grad(p, [1.0])
    opt.step()
    saved = opt.state_dict()
    opt.step()
    assert saved["state"][0]["momentum_buffer"][0] == 1.0


def test_load_state_dict_checks_before_changing_anything():
    a, b = param([1.0]), param([1.0, 2.0])
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="1 parameter groups, this optimizer has 2"):
        SGD([{"params": [a]}, {"params": [b]}], lr=0.1).load_state_dict(opt.state_dict())
    with pytest.raises(ValueError, match="group 0 has 2 parameters in the loaded state dict but 1 here"):
        SGD([a], lr=0.1).load_state_dict(opt.state_dict())
    bad = {"state": {0: {"momentum_buffer": np.zeros(3)}}, "param_groups": opt.state_dict()["param_groups"]}
    bad["param_groups"][0]["lr"] = 5.0
    with pytest.raises(ValueError, match=r"shape \(3,\) but the parameter has shape \(1,\)"):
        opt.load_state_dict(bad)
    assert opt.param_groups[0]["lr"] == 0.1


# ---- bad input -------------------------------------------------------------------------------


def test_bad_optimizer_arguments():
    p = param([1.0])
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="single Tensor"):
        SGD(p, lr=0.1)
    with pytest.raises(TypeError, match="only optimize Tensors, got ndarray"):
        SGD([np.zeros(2)], lr=0.1)
    with pytest.raises(ValueError, match=r"invalid learning rate: -1"):
        Adam([p], lr=-1)
    with pytest.raises(ValueError, match="Nesterov momentum requires momentum > 0 and dampening = 0"):
        SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"invalid betas: \(0.9, 1.0\)"):
        Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="invalid weight_decay"):
        AdamW([p], weight_decay=-0.1)
    with pytest.raises(ValueError, match="more than once"):
        SGD([p, p], lr=0.1)
    with pytest.raises(ValueError, match=r"unknown options \['betas'\]"):
        SGD([{"params": [p], "betas": (0.9, 0.99)}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        SGD([p * 2], lr=0.1)


# ---- gradient clipping -----------------------------------------------------------------------


def test_clip_grad_norm_scales_all_gradients_together():
    a, b = param([0.0, 0.0]), param([0.0])
    set_grad(a, [3.0, 0.0])
    set_grad(b, [4.0])
    total = clip_grad_norm_([a, b], max_norm=1.0)
    assert total.item() == pytest.approx(5.0)
    np.testing.assert_allclose(np.concatenate([a.grad.numpy(), b.grad.numpy()]), [0.6, 0, 0.8], rtol=1e-5)


def test_clip_grad_norm_leaves_small_gradients_alone_and_skips_none():
    a, b = param([0.0, 0.0]), param([0.0])
    set_grad(a, [0.3, 0.4])
    total = clip_grad_norm_(iter([a, b]), max_norm=1.0)
    assert total.item() == pytest.approx(0.5)
    np.testing.assert_array_equal(a.grad.numpy(), [0.3, 0.4])
    assert b.grad is None
    assert clip_grad_norm_([b], 1.0).item() == 0.0


@pytest.mark.parametrize("norm_type", [1.0, 3.0, math.inf, "inf"])
def test_clip_grad_norm_other_norms(norm_type):
    a = param([0.0, 0.0, 0.0])
    set_grad(a, [1.0, -2.0, 2.0])
    order = float(norm_type)
    expected = np.linalg.norm([1.0, -2.0, 2.0], ord=order)
    assert clip_grad_norm_(a, 0.5, norm_type=norm_type).item() == pytest.approx(expected)
    assert np.linalg.norm(a.grad.numpy(), ord=order) == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_norm_nonfinite():
    a = param([0.0])
    set_grad(a, [np.inf])
    with pytest.raises(RuntimeError, match="not finite"):
        clip_grad_norm_([a], 1.0, error_if_nonfinite=True)
    with pytest.raises(ValueError, match="norm_type must be positive or inf, got -1"):
        clip_grad_norm_([a], 1.0, norm_type=-1)


def test_clip_grad_value_():
    a = param([0.0, 0.0, 0.0])
    set_grad(a, [-3.0, 0.2, 9.0])
    clip_grad_value_([a], 0.5)
    np.testing.assert_array_equal(a.grad.numpy(), [-0.5, 0.2, 0.5])
    with pytest.raises(ValueError, match="non-negative, got -1"):
        clip_grad_value_([a], -1)
    with pytest.raises(TypeError, match="expected Tensors"):
        clip_grad_value_([1.0], 1.0)


def test_clip_works_on_gradients_from_backward():
    x = nn.Parameter(np.ones((2, 3)))
    (x * 10).sum().backward()  # the summed gradient starts life as a broadcast view
    clip_grad_norm_([x], 1.0)
    assert np.linalg.norm(x.grad.numpy()) == pytest.approx(1.0, rel=1e-5)


# ---- PyTorch ---------------------------------------------------------------------------------

OPTIMIZERS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.03, weight_decay=0.2, amsgrad=True)),
]


@pytest.mark.parametrize("name,kw", OPTIMIZERS)
def test_optimizer_trajectory_matches_pytorch(name, kw):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 2))
    w0, b0 = rng.standard_normal((2, 3)), rng.standard_normal(2)

    ours = nn.Linear(3, 2)
    ours.weight.data, ours.bias.data = w0.copy(), b0.copy()
    groups = [{"params": [ours.weight]}, {"params": [ours.bias], "lr": kw["lr"] * 2}]
    opt = getattr(nn.optim, name)(groups, **kw)
    theirs = torch.nn.Linear(3, 2).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w0))
        theirs.bias.copy_(torch.tensor(b0))
    topt = getattr(torch.optim, name)(
        [{"params": [theirs.weight]}, {"params": [theirs.bias], "lr": kw["lr"] * 2}], **kw
    )
    for _ in range(5):
        opt.zero_grad()
        nn.functional.mse_loss(ours(ag.tensor(x)), ag.tensor(y)).backward()
        opt.step()
        topt.zero_grad()
        torch.nn.functional.mse_loss(theirs(torch.tensor(x)), torch.tensor(y)).backward()
        topt.step()
    np.testing.assert_allclose(ours.weight.numpy(), theirs.weight.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.bias.numpy(), theirs.bias.detach().numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_clip_grad_norm_matches_pytorch(norm_type):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    ours = [param(np.zeros(g.shape)) for g in grads]
    theirs = [torch.zeros(g.shape, dtype=torch.float64, requires_grad=True) for g in grads]
    for o, t, g in zip(ours, theirs, grads):
        set_grad(o, g)
        t.grad = torch.tensor(g)
    total = clip_grad_norm_(ours, 0.7, norm_type)
    ttotal = torch.nn.utils.clip_grad_norm_(theirs, 0.7, norm_type)
    assert total.item() == pytest.approx(ttotal.item(), rel=1e-12)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-12)
