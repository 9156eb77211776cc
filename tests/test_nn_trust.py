"""nn can be trusted: a failed call changes nothing, bad input is refused with an error naming it, numbers match PyTorch.

Optimizer steps and state dicts, Module.load from files, dtypes of layer inputs, binary cross-entropy at its
clamps, and empty batches through every layer.
"""

import copy
import math
import pickle

import numpy as np
import pytest

import autograd_core as ag
import nn
import nn.functional as F
from nn.optim import SGD, Adam, AdamW
from nn.utils import clip_grad_norm_, clip_grad_value_

CONFIGS = [  # every update path: plain, momentum (first step and later), nesterov, dampening, decay, amsgrad, maximize
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.8, dampening=0.3, weight_decay=0.2, maximize=True)),
    ("Adam", dict(lr=0.1)),
    ("Adam", dict(lr=0.1, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.1, maximize=True)),
    ("AdamW", dict(lr=0.1)),
    ("AdamW", dict(lr=0.1, weight_decay=0.5, amsgrad=True)),
]
IDS = [f"{n}-{'-'.join(kw) or 'plain'}" for n, kw in CONFIGS]


def _params(dtype=np.float64):
    rng = np.random.default_rng(0)
    a = nn.Parameter(rng.standard_normal((3, 4)).astype(dtype), name="encoder.weight")
    b = nn.Parameter(rng.standard_normal(4).astype(dtype))
    c = nn.Parameter(rng.standard_normal((3, 4)).astype(dtype))  # unnamed, last: "parameter 0 of parameter group 1"
    return a, b, c


def _optimizer(name, kw, params):
    a, b, c = params
    return getattr(nn.optim, name)([{"params": [a, b]}, {"params": [c], "lr": kw["lr"] / 2}], **kw)


def _set_grads(params, seed):
    rng = np.random.default_rng(seed)
    for p in params:
        p.grad = ag.tensor(rng.standard_normal(p.shape).astype(p.dtype))


def _trained(name, kw):
    params = _params()
    opt = _optimizer(name, kw, params)
    for seed in (1, 2):  # two steps: momentum buffers, Adam's moments and step counts exist and are not at zero
        _set_grads(params, seed)
        opt.step()
    return params, opt


def _snapshot(params, opt):
    return dict(
        data=[(p.data, p.data.copy(), p.version) for p in params],
        grads=[(p.grad, None if p.grad is None else p.grad.data.copy()) for p in params],
        groups=copy.deepcopy([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]),
        params=[list(g["params"]) for g in opt.param_groups],
        state=copy.deepcopy(opt.state),
    )


def _assert_same(a, b, where="state"):
    assert type(a) is type(b), where
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            _assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        np.testing.assert_array_equal(a, b, err_msg=where)
    else:
        assert a == b, where


def _assert_unchanged(params, opt, before):
    for p, (array, values, version) in zip(params, before["data"]):
        assert p.data is array and p.version == version
        np.testing.assert_array_equal(p.data, values)
    for p, (grad, values) in zip(params, before["grads"]):
        assert p.grad is grad
        if grad is not None:
            np.testing.assert_array_equal(grad.data, values)
    _assert_same([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups], before["groups"], "groups")
    assert [[id(p) for p in g["params"]] for g in opt.param_groups] == [[id(p) for p in ps] for ps in before["params"]]
    _assert_same(opt.state, before["state"])


# ---- 1. a step checks every gradient before it updates any ------------------------------------------------------

BAD_SHAPES = [(1,), (3, 1), (1, 4), (4, 3), (12,), (), (1, 3, 4), (2, 3, 4)]


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
@pytest.mark.parametrize("shape", BAD_SHAPES, ids=str)
def test_a_gradient_of_another_shape_is_refused_and_the_step_changes_nothing(name, kw, shape):
    params, opt = _trained(name, kw)
    _set_grads(params, 3)
    # p.grad = ... refuses another shape (the engine's setter), but .grad.data can still be rebound (clipping does)
    params[2].grad.data = np.ones(shape)  # the last parameter: an update-as-you-check step would be caught
    before = _snapshot(params, opt)
    with pytest.raises(ValueError) as e:
        opt.step()
    msg = str(e.value)
    assert "parameter 0 of parameter group 1" in msg and str(shape) in msg and "(3, 4)" in msg
    assert "no parameter was updated" in msg
    _assert_unchanged(params, opt, before)


@pytest.mark.parametrize("name,kw", CONFIGS[::3], ids=IDS[::3])
@pytest.mark.parametrize(
    "grad",
    [
        np.ones((3, 4), np.int64),
        np.ones((3, 4), bool),
        np.ones((3, 4), np.complex128),
        np.full((3, 4), None, object),
        np.full((3, 4), "1"),
    ],
    ids=lambda g: str(g.dtype),
)
def test_a_gradient_that_is_not_floating_is_refused_naming_the_parameter(name, kw, grad):
    params, opt = _trained(name, kw)
    _set_grads(params, 3)
    params[0].grad.data = grad  # the first parameter: named
    before = _snapshot(params, opt)
    with pytest.raises(TypeError, match=rf"'encoder.weight'.*dtype {grad.dtype}.*floating"):
        opt.step()
    _assert_unchanged(params, opt, before)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_a_float32_gradient_on_a_float64_parameter_is_cast_like_the_parameter(name, kw):
    params, opt = _trained(name, kw)
    twin, opt_twin = _trained(name, kw)
    _set_grads(params, 3)
    for p, q in zip(params, twin):
        q.grad = ag.tensor(p.grad.data)
        q.grad.data = q.grad.data.astype(np.float32)
        p.grad.data = q.grad.data.astype(np.float64)  # the same float32 values, float64 dtype
    opt.step()
    opt_twin.step()
    for p, q in zip(params, twin):
        assert q.dtype == np.float64
        np.testing.assert_array_equal(p.data, q.data)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_an_option_changed_to_a_bad_value_after_construction_fails_the_step_before_any_update(name, kw):
    params, opt = _trained(name, kw)
    _set_grads(params, 3)
    opt.param_groups[1]["lr"] = "0.05"
    before = _snapshot(params, opt)
    with pytest.raises(TypeError, match=r"parameter group 1: invalid learning rate: '0.05'"):
        opt.step()
    _assert_unchanged(params, opt, before)


def test_state_that_no_longer_fits_a_replaced_parameter_fails_the_step_before_any_update():
    params, opt = _trained("Adam", dict(lr=0.1))
    _set_grads(params, 3)
    params[2].grad = None
    params[2].data = np.zeros((2, 2))
    params[2].grad = ag.tensor(np.zeros((2, 2)))
    before = _snapshot(params, opt)
    with pytest.raises(
        ValueError,
        match=r"state .exp_avg. of parameter 0 of parameter group 1 has shape \(3, 4\) "
        r"but the parameter has shape \(2, 2\)",
    ):
        opt.step()
    _assert_unchanged(params, opt, before)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_every_update_path_is_in_place_and_refuses_a_graph_that_saved_the_old_values(name, kw):
    params = _params()
    opt = _optimizer(name, kw, params)
    arrays = [p.data for p in params]
    for step in range(3):  # the first step makes the state, later ones update it: both paths
        loss = sum(((p * p).sum() for p in params), ag.tensor(0.0, dtype="float64"))
        loss.backward(retain_graph=True)
        versions = [p.version for p in params]
        opt.step()
        assert all(p.version > v for p, v in zip(params, versions)), step
        assert all(p.data is a for p, a in zip(params, arrays)) and all(p.is_leaf for p in params)
        with pytest.raises(RuntimeError, match="modified in place"):
            loss.backward()
        opt.zero_grad()


@pytest.mark.parametrize(
    "view", [lambda p: p.T, lambda p: p[1:], lambda p: p.reshape(12)], ids=["transpose", "slice", "reshape"]
)
def test_a_graph_that_saved_a_view_of_a_parameter_refuses_after_a_step(view):
    p = nn.Parameter(np.ones((3, 4)))
    v = view(p)
    loss = (v * v).sum()  # saved: the view's array, which shares the parameter's memory
    (p * p).sum().backward()
    Adam([p], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


@pytest.mark.parametrize(
    "clip",
    [
        lambda ps: clip_grad_norm_(ps, 0.1),
        lambda ps: clip_grad_norm_(ps, 0.1, math.inf),
        lambda ps: clip_grad_value_(ps, 0.01),
    ],
    ids=["norm", "inf-norm", "value"],
)
def test_clipping_changes_gradients_but_not_parameters(clip):
    params = _params()
    loss = sum(((p * p * p).sum() for p in params), ag.tensor(0.0, dtype="float64"))
    loss.backward(retain_graph=True)
    before = [(p.data.copy(), p.version, p.grad.data.copy()) for p in params]
    clip(params)
    for p, (data, version, grad) in zip(params, before):
        assert p.version == version
        np.testing.assert_array_equal(p.data, data)
        assert not np.array_equal(p.grad.data, grad)
    loss.backward()  # the graph saved the parameters, which clipping left alone


@pytest.mark.parametrize(
    "init",
    [
        nn.init.normal_,
        nn.init.zeros_,
        lambda t: nn.init.constant_(t, 2.0),
        nn.init.kaiming_uniform_,
        nn.init.xavier_normal_,
    ],
    ids=lambda f: f.__name__,
)
def test_initialising_a_parameter_in_place_refuses_a_graph_that_saved_its_old_values(init):
    p = nn.Parameter(np.ones((3, 4)))
    data, version = p.data, p.version
    loss = (p * p).sum()
    init(p)
    assert p.data is data and p.version > version
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_initialising_a_zero_element_parameter_is_a_no_op():
    for init in (nn.init.kaiming_uniform_, nn.init.kaiming_normal_, nn.init.xavier_uniform_, nn.init.xavier_normal_):
        p = nn.Parameter(np.ones((3, 0)))
        assert init(p) is p and p.shape == (3, 0)


# ---- 2. load_state_dict loads nothing unless everything fits; bad options are named ------------------------------


def _bad_state_dicts(name, sd):
    """(what, dict) pairs, each with a new lr in group 0 first and one bad entry later (the last where it can be)."""

    def variant(change):
        d = copy.deepcopy(sd)
        d["param_groups"][0]["lr"] = 123.0
        change(d)
        return d

    last = max(sd["state"])
    some_array = next(k for k, v in sd["state"][last].items() if isinstance(v, np.ndarray))
    cases = {
        "a state array of another shape": lambda d: d["state"][last].update({some_array: np.zeros(5)}),
        "a state array of ints": lambda d: d["state"][last].update({some_array: np.zeros((3, 4), int)}),
        "a state array of strings": lambda d: d["state"][last].update({some_array: np.full((3, 4), "x")}),
        "a state entry that is None": lambda d: d["state"][last].update({some_array: None}),
        "an unknown state key": lambda d: d["state"][last].update({"velocity": np.zeros((3, 4))}),
        "state that is not a dict": lambda d: d["state"].update({last: [1, 2]}),
        "state for a parameter no group lists": lambda d: d["state"].update({7: copy.deepcopy(d["state"][last])}),
        "an unknown option": lambda d: d["param_groups"][1].update({"warmup": 3}),
        "a missing option": lambda d: d["param_groups"][1].pop("maximize"),
        "an option of the wrong type": lambda d: d["param_groups"][1].update({"weight_decay": "0.1"}),
        "a negative option": lambda d: d["param_groups"][1].update({"lr": -1.0}),
        "a group with one parameter less": lambda d: d["param_groups"][1].update({"params": []}),
        "params that are not indices": lambda d: d["param_groups"][1].update({"params": ["2"]}),
        "a parameter listed twice": lambda d: d["param_groups"][1].update({"params": [0]}),
        "a group too many": lambda d: d["param_groups"].append(copy.deepcopy(d["param_groups"][1])),
        "state that is a list": lambda d: d.update({"state": list(d["state"].values())}),
    }
    if name != "SGD":  # (SGD's only key is its buffer: without it the entry is "no state yet", which is fine)
        cases["a missing state key"] = lambda d: d["state"][last].pop(some_array)
        cases["a negative step count"] = lambda d: d["state"][last].update({"step": -1})
        cases["a fractional step count"] = lambda d: d["state"][last].update({"step": 1.5})
        cases["an infinite step count"] = lambda d: d["state"][last].update({"step": float("inf")})
        cases["a step count that is a string"] = lambda d: d["state"][last].update({"step": "2"})
        cases["amsgrad without its running max"] = lambda d: (
            d["param_groups"][1].update({"amsgrad": True}),
            d["state"][last].pop("max_exp_avg_sq", None),
        )
        cases["betas of one value"] = lambda d: d["param_groups"][1].update({"betas": (0.9,)})
    else:
        cases["nesterov with dampening"] = lambda d: d["param_groups"][1].update({"nesterov": True, "dampening": 0.5})
    for what, change in cases.items():
        yield what, variant(change)


@pytest.mark.parametrize(
    "name,kw",
    [c for c in CONFIGS if "momentum" in c[1] or c[0] != "SGD"],
    ids=[i for i, c in zip(IDS, CONFIGS) if "momentum" in c[1] or c[0] != "SGD"],
)
def test_a_state_dict_with_one_bad_entry_loads_nothing(name, kw):
    _, source = _trained(name, kw)
    sd = source.state_dict()
    params, opt = _trained(name, dict(kw, lr=kw["lr"] * 3))
    before = _snapshot(params, opt)
    for what, bad in _bad_state_dicts(name, sd):
        with pytest.raises((TypeError, ValueError)) as e:
            opt.load_state_dict(bad)
        assert f"{name}.load_state_dict" in str(e.value), what
        _assert_unchanged(params, opt, before)
    opt.load_state_dict(sd)  # and the good one loads, options and state
    assert opt.param_groups[0]["lr"] == kw["lr"]
    _assert_same(opt.state_dict()["state"], sd["state"])


@pytest.mark.parametrize(
    "bad,error,message",
    [
        (None, TypeError, "expected a dict with 'state' and 'param_groups'.*got NoneType"),
        ([], TypeError, "expected a dict with 'state' and 'param_groups'.*got list"),
        ({}, ValueError, r"lacks \['state', 'param_groups'\]"),
        ({"state": {}}, ValueError, r"lacks \['param_groups'\]"),
        ({"param_groups": []}, ValueError, r"lacks \['state'\]"),
        ({"state": {}, "param_groups": {}}, TypeError, "'param_groups' must be a list of dicts, got dict"),
        ({"state": {}, "param_groups": [1]}, TypeError, "'param_groups' must be a list of dicts"),
    ],
)
def test_something_that_is_no_state_dict_says_what_was_expected(bad, error, message):
    params, opt = _trained("Adam", dict(lr=0.1))
    before = _snapshot(params, opt)
    with pytest.raises(error, match=message):
        opt.load_state_dict(bad)
    _assert_unchanged(params, opt, before)


@pytest.mark.parametrize("drop_name", [False, True], ids=["with its class name", "without (as from PyTorch)"])
@pytest.mark.parametrize("source,target", [("SGD", "Adam"), ("Adam", "SGD"), ("SGD", "AdamW"), ("AdamW", "SGD")])
def test_another_optimizers_state_dict_is_refused_at_load_naming_where_it_is_from(source, target, drop_name):
    kw = dict(lr=0.1, momentum=0.9) if source == "SGD" else dict(lr=0.1)
    _, other = _trained(source, kw)
    sd = other.state_dict()
    if drop_name:
        del sd["optimizer"]
    params, opt = _trained(target, dict(lr=0.2))
    before = _snapshot(params, opt)
    # without its name, an AdamW dict is also an Adam dict: "from Adam or AdamW"
    pattern = (
        rf"this state dict is from (\w+ or )*{source}( or \w+)*"
        + (r" \(options .*lr.*\)" if drop_name else "")
        + f", not {target}"
    )
    with pytest.raises(ValueError, match=pattern):
        opt.load_state_dict(sd)
    _assert_unchanged(params, opt, before)


def test_a_state_dict_without_the_class_name_loads_into_its_own_kind():
    params, opt = _trained("Adam", dict(lr=0.1, amsgrad=True))
    sd = opt.state_dict()
    assert sd.pop("optimizer") == "Adam"
    q, fresh = _trained("Adam", dict(lr=0.3))
    fresh.load_state_dict(sd)
    _assert_same(fresh.state_dict()["state"], sd["state"])
    assert fresh.param_groups[0]["amsgrad"] is True


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW"])
def test_a_pytorch_state_dict_loads_and_continues_pytorchs_trajectory(name):
    torch = pytest.importorskip("torch")
    kw = dict(lr=0.1, momentum=0.9, nesterov=True) if name == "SGD" else dict(lr=0.1, amsgrad=True)
    rng = np.random.default_rng(5)
    start, grads = rng.standard_normal((3, 4)), rng.standard_normal((4, 3, 4))
    tp = torch.nn.Parameter(torch.tensor(start))
    topt = getattr(torch.optim, name)([tp], **kw)
    for g in grads[:2]:
        tp.grad = torch.tensor(g)
        topt.step()
    p = nn.Parameter(tp.detach().numpy().copy())
    opt = getattr(nn.optim, name)([p], **kw)
    opt.load_state_dict(topt.state_dict())
    for g in grads[2:]:
        tp.grad, p.grad = torch.tensor(g), ag.tensor(g)
        topt.step()
        opt.step()
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-12, atol=1e-14)
    if name != "SGD":  # PyTorch's decoupled_weight_decay tells Adam's dicts from AdamW's
        other = nn.optim.AdamW if name == "Adam" else nn.optim.Adam
        with pytest.raises(ValueError, match=f"this state dict is from {name} "):
            other([p], lr=0.1).load_state_dict(topt.state_dict())


BAD_OPTIONS = [
    (SGD, dict(lr="0.1"), TypeError, "learning rate: '0.1'"),
    (SGD, dict(lr=None), TypeError, "learning rate: None"),
    (SGD, dict(lr=-1), ValueError, "learning rate: -1"),
    (SGD, dict(lr=float("nan")), ValueError, "learning rate: nan"),
    (SGD, dict(lr=True), TypeError, "learning rate: True"),
    (SGD, dict(momentum="x"), TypeError, "momentum: 'x'"),
    (SGD, dict(momentum=-0.5), ValueError, "momentum: -0.5"),
    (SGD, dict(dampening="0"), TypeError, "dampening: '0'"),
    (SGD, dict(weight_decay="1"), TypeError, "weight_decay: '1'"),
    (SGD, dict(weight_decay=-1e-3), ValueError, "weight_decay: -0.001"),
    (SGD, dict(nesterov="yes", momentum=0.9), TypeError, "nesterov: 'yes'"),
    (SGD, dict(nesterov=True), ValueError, "Nesterov momentum requires momentum > 0"),
    (SGD, dict(maximize=None), TypeError, "maximize: None"),
    (Adam, dict(betas=(0.9,)), ValueError, r"betas: \(0.9,\)"),
    (Adam, dict(betas="a"), TypeError, "betas: 'a'"),
    (Adam, dict(betas=(0.9, "x")), TypeError, r"betas: \(0.9, 'x'\)"),
    (Adam, dict(betas=(0.9, 0.999, 0.5)), ValueError, r"betas: \(0.9, 0.999, 0.5\)"),
    (Adam, dict(betas=(-0.1, 0.9)), ValueError, r"betas: \(-0.1, 0.9\)"),
    (Adam, dict(betas=None), TypeError, "betas: None"),
    (Adam, dict(eps=-1), ValueError, "epsilon value: -1"),
    (Adam, dict(eps="1e-8"), TypeError, "epsilon value: '1e-8'"),
    (Adam, dict(amsgrad="no"), TypeError, "amsgrad: 'no'"),
    (AdamW, dict(weight_decay="1"), TypeError, "weight_decay: '1'"),
    (AdamW, dict(lr=[0.1]), TypeError, r"learning rate: \[0.1\]"),
]


@pytest.mark.parametrize("cls,kw,error,message", BAD_OPTIONS)
def test_a_bad_option_is_named_with_its_value_in_the_constructor_and_in_add_param_group(cls, kw, error, message):
    p, q = nn.Parameter(np.ones(2)), nn.Parameter(np.ones(3))
    with pytest.raises(error, match=message) as e:
        cls([p], **({"lr": 0.1} | kw))
    assert str(e.value).startswith(f"{cls.__name__}: ")
    opt = cls([p], lr=0.1, momentum=0.9) if cls is SGD else cls([p], lr=0.1)
    groups = copy.deepcopy([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups])
    if "nesterov" in kw and "momentum" not in kw:
        kw = dict(kw, momentum=0.0)  # the optimizer's default momentum would make it valid
    with pytest.raises(error, match=message) as e:
        opt.add_param_group({"params": [q], **kw})
    assert "parameter group 1" in str(e.value)
    assert len(opt.param_groups) == 1
    _assert_same([{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups], groups, "groups")


# ---- 3. Module.load names the file and the problem, and a failed load changes nothing -----------------------------

UNPICKLED = []


class Trap:
    """Unpickling this appends to UNPICKLED: a loader that ever runs pickle is caught."""

    def __reduce__(self):
        return UNPICKLED.append, ("unpickled",)


def _model():
    nn.init.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    model(ag.randn(4, 2, rng=0))  # running statistics and the batch counter away from their defaults
    return model


def _model_snapshot(model):
    return [(k, v.copy()) for k, v in model.state_dict().items()], [(p, p.data, p.version) for p in model.parameters()]


def _assert_model_unchanged(model, before):
    values, params = before
    _assert_same(list(model.state_dict().items()), values, "state_dict")
    assert [(p, p.data, p.version) for p in model.parameters()] == params


def _good_file(tmp_path):
    other = _model()
    other(ag.randn(4, 2, rng=1))
    path = tmp_path / "good.npz"
    other.save(path)
    return path


def _write(path, data):
    path.write_bytes(data) if isinstance(data, bytes) else path.write_text(data)
    return path


def _npz(path, **arrays):
    np.savez(path, **arrays)
    return path


def _flip(data, where):
    b = bytearray(data)
    b[where] ^= 0xFF
    return bytes(b)


def _missing_suffix(tmp_path):
    _model().save(tmp_path / "nosuffix")  # np.savez adds .npz
    return tmp_path / "nosuffix"


def _directory(tmp_path):
    (tmp_path / "adir").mkdir()
    return tmp_path / "adir"


def _npy(tmp_path, arrays):
    np.save(tmp_path / "one.npy", arrays["0.weight"])
    return tmp_path / "one.npy"


# name -> (make the file from (tmp_path, good bytes, good arrays), expected error, pattern); the good file is
# another model's of the same kind, so any partial load would show
FILE_CASES = {
    "missing": (lambda t, d, a: t / "nope.npz", FileNotFoundError, "no such file"),
    "missing suffix": (
        lambda t, d, a: _missing_suffix(t),
        FileNotFoundError,
        r"no such file \(save\(\) wrote .*nosuffix.npz",
    ),
    "directory": (lambda t, d, a: _directory(t), IsADirectoryError, "is a directory"),
    "a path through a file": (lambda t, d, a: t / "good.npz" / "x.npz", NotADirectoryError, "cannot be read"),
    "empty": (lambda t, d, a: _write(t / "empty.npz", b""), ValueError, "is not an .npz file"),
    "text": (lambda t, d, a: _write(t / "text.npz", "0.weight,0.bias\n1,2\n"), ValueError, "is not an .npz file"),
    "binary": (lambda t, d, a: _write(t / "bin.npz", bytes(range(256))), ValueError, "is not an .npz file"),
    "pickle": (
        lambda t, d, a: _write(t / "p.npz", pickle.dumps({"0.weight": Trap()})),
        ValueError,
        "this file holds pickled objects, which are never loaded",
    ),
    "object arrays": (
        lambda t, d, a: _npz(t / "obj.npz", **{**a, "1.bias": np.array([Trap()] * 3)}),
        ValueError,
        r"this file holds pickled objects, which are never loaded \(entry '1.bias'\)",
    ),
    "npy": (lambda t, d, a: _npy(t, a), ValueError, r"holds a single array \(.npy\)"),
    **{
        f"truncated to {name}": (
            lambda t, d, a, cut=cut: _write(t / "cut.npz", d[: cut(len(d))]),
            ValueError,
            "is not a readable .npz file",
        )
        for name, cut in [
            ("4 bytes", lambda n: 4),
            ("30 bytes", lambda n: 30),
            ("half", lambda n: n // 2),
            ("the central directory", lambda n: n - 22),
            ("all but one byte", lambda n: n - 1),
        ]
    },
    "damaged array data": (
        lambda t, d, a: _write(t / "crc.npz", _flip(d, d.index(a["0.weight"].tobytes()))),
        ValueError,
        "is not a readable .npz file",
    ),
    "wrong shape": (
        lambda t, d, a: _npz(t / "shape.npz", **{**a, "1.bias": np.zeros(4)}),
        ValueError,
        r"'1.bias' has shape \(4,\)",
    ),
    "strings": (
        lambda t, d, a: _npz(t / "str.npz", **{**a, "1.bias": np.array(["a", "b", "c"])}),
        TypeError,
        r"'1.bias' must hold real numbers \(bool, int or float\), got an array of dtype <U1",
    ),
    "missing key": (
        lambda t, d, a: _npz(t / "less.npz", **{k: v for k, v in a.items() if k != "1.bias"}),
        ValueError,
        r"missing keys \['1.bias'\]",
    ),
    "unknown key": (
        lambda t, d, a: _npz(t / "more.npz", **a, extra=np.zeros(2)),
        ValueError,
        r"unexpected keys \['extra'\]",
    ),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_module_load_names_the_file_and_the_problem_and_changes_nothing(case, tmp_path):
    make, error, pattern = FILE_CASES[case]
    good = _good_file(tmp_path)
    path = make(tmp_path, good.read_bytes(), dict(np.load(good)))
    model = _model()
    before = _model_snapshot(model)
    with pytest.raises(error, match=pattern) as e:
        model.load(path)
    assert str(path) in str(e.value) and "nothing loaded" in str(e.value)
    _assert_model_unchanged(model, before)
    assert UNPICKLED == []


def test_module_load_reads_what_save_wrote_from_a_path_or_an_open_file(tmp_path):
    path = _good_file(tmp_path)
    expected = dict(np.load(path))
    for source in (path, str(path)):
        model = _model()
        assert model.load(source) == ([], [])
        _assert_same(dict(model.state_dict()), expected)
    model = _model()
    with open(path, "rb") as f:
        model.load(f)
    _assert_same(dict(model.state_dict()), expected)


def test_module_load_of_a_file_open_in_text_mode_says_so(tmp_path):
    path = _good_file(tmp_path)
    model = _model()
    before = _model_snapshot(model)
    with open(path, encoding="latin-1") as f, pytest.raises(TypeError, match=r"open in text mode.*'rb'"):
        model.load(f)
    _assert_model_unchanged(model, before)


@pytest.mark.parametrize("bad", [None, [("0.weight", np.zeros((3, 2)))], "0.weight"], ids=["None", "list", "str"])
def test_load_state_dict_of_something_that_is_no_dict_says_so(bad):
    model = _model()
    before = _model_snapshot(model)
    with pytest.raises(TypeError, match=f"expected a dict of arrays by name.*got {type(bad).__name__}; nothing loaded"):
        model.load_state_dict(bad)
    _assert_model_unchanged(model, before)


# ---- 4. a layer refuses an input of another dtype than its parameters, as PyTorch does ------------------------------

LAYERS = {  # name -> (make, input shape, kwargs of the call)
    "Linear": (lambda: nn.Linear(3, 2), (4, 3)),
    "Linear 3-d input": (lambda: nn.Linear(3, 2), (2, 4, 3)),
    "Conv1d": (lambda: nn.Conv1d(3, 2, 2, padding=1), (2, 3, 5)),
    "Conv2d": (lambda: nn.Conv2d(3, 4, 2, groups=1), (2, 3, 4, 4)),
    "Conv2d groups, no bias": (lambda: nn.Conv2d(4, 2, 1, groups=2, bias=False), (1, 4, 3, 3)),
    "RNN": (lambda: nn.RNN(3, 2), (5, 2, 3)),
    "LSTM": (lambda: nn.LSTM(3, 2, num_layers=2, bidirectional=True), (5, 2, 3)),
    "GRU": (lambda: nn.GRU(3, 2, batch_first=True, bias=False), (2, 5, 3)),
    "RNNCell": (lambda: nn.RNNCell(3, 2), (4, 3)),
    "LSTMCell": (lambda: nn.LSTMCell(3, 2), (4, 3)),
    "GRUCell": (lambda: nn.GRUCell(3, 2), (4, 3)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), (4, 3)),
    "BatchNorm1d eval": (lambda: nn.BatchNorm1d(3).eval(), (4, 3, 2)),
    "BatchNorm1d without affine": (lambda: nn.BatchNorm1d(3, affine=False), (4, 3)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(3), (2, 3, 2, 2)),
}


def _input(shape, dtype, seed=0):
    return ag.tensor(np.random.default_rng(seed).standard_normal(shape).astype(dtype))


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize(
    "model_dtype,input_dtype", [("float32", "float64"), ("float64", "float32"), ("float32", "float16")]
)
def test_a_float_input_of_another_dtype_than_the_parameters_is_refused_naming_both(layer, model_dtype, input_dtype):
    make, shape = LAYERS[layer]
    m = make().to(model_dtype)
    before = _model_snapshot(m)
    with pytest.raises(TypeError) as e:
        m(_input(shape, input_dtype))
    msg = str(e.value)
    assert f"input {input_dtype}" in msg and model_dtype in msg and "same dtype" in msg
    _assert_model_unchanged(m, before)  # batch norm's running statistics and counter too
    out = m(_input(shape, model_dtype))  # the same call in the parameters' dtype works
    assert (out[0] if isinstance(out, tuple) else out).dtype == model_dtype


@pytest.mark.parametrize("layer", list(LAYERS))
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.bool_, np.complex128])
def test_an_input_that_is_not_floating_is_refused(layer, dtype):
    make, shape = LAYERS[layer]
    m = make()
    before = _model_snapshot(m)
    with pytest.raises(TypeError, match=f"the input must be floating point, got dtype {np.dtype(dtype)}"):
        m(ag.tensor(np.ones(shape, dtype)))
    _assert_model_unchanged(m, before)


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"])
def test_an_initial_state_of_another_dtype_is_refused_naming_it(kind):
    m = getattr(nn, kind)(3, 2)
    cell = kind.endswith("Cell")
    x = _input((4, 3) if cell else (5, 4, 3), "float32")
    h = ag.tensor(np.zeros((4, 2) if cell else (1, 4, 2)))  # float64
    good = ag.zeros(*h.shape)
    for hx, name in [((h, good), "h"), ((good, h), "c")] if kind.startswith("LSTM") else [(h, "hx")]:
        name = {"h": "h_0", "c": "c_0", "hx": "h_0"}[name] if not cell else name
        with pytest.raises(TypeError, match=rf"{name}.*float64|float64.*{name}"):
            m(x, hx)


FUNCTIONAL = {  # name -> call with one argument of float64 among float32 ones, and the argument's name
    "linear weight": (lambda a, b: F.linear(a((2, 3)), b((4, 3))), "weight"),
    "linear bias": (lambda a, b: F.linear(a((2, 3)), a((4, 3)), b((4,))), "bias"),
    "conv1d weight": (lambda a, b: F.conv1d(a((1, 2, 5)), b((3, 2, 2))), "weight"),
    "conv2d weight": (lambda a, b: F.conv2d(a((1, 2, 5, 5)), b((3, 2, 2, 2))), "weight"),
    "conv2d bias": (lambda a, b: F.conv2d(a((1, 2, 5, 5)), a((3, 2, 2, 2)), b((3,))), "bias"),
    "batch_norm running_mean": (lambda a, b: F.batch_norm(a((4, 3)), b((3,)).data, a((3,)).data ** 2), "running_mean"),
    "batch_norm weight": (lambda a, b: F.batch_norm(a((4, 3)), None, None, b((3,)), training=True), "weight"),
    "rnn_cell w_hh": (lambda a, b: F.rnn_cell(a((2, 3)), None, a((4, 3)), b((4, 4))), "w_hh"),
    "lstm_cell b_ih": (lambda a, b: F.lstm_cell(a((2, 3)), None, a((16, 3)), a((16, 4)), b((16,))), "b_ih"),
    "gru_cell hx": (lambda a, b: F.gru_cell(a((2, 3)), b((2, 4)), a((12, 3)), a((12, 4))), "hx"),
}


@pytest.mark.parametrize("case", list(FUNCTIONAL))
def test_functional_forms_refuse_a_parameter_of_another_dtype_than_the_input(case):
    call, name = FUNCTIONAL[case]
    f32, f64 = (lambda shape: _input(shape, "float32")), (lambda shape: _input(shape, "float64"))
    with pytest.raises(
        TypeError,
        match=rf"the input and {name} to have the same dtype, got input float32 and "
        rf"{name} float64",
    ):
        call(f32, f64)
    out = call(f64, f64)
    assert (out[0] if isinstance(out, tuple) else out).dtype == np.float64


@pytest.mark.parametrize(
    "indices",
    [np.array([1.0, 2.0], np.float32), np.array([True, False]), np.array([[1.0]])],
    ids=["float32", "bool", "float64"],
)
def test_embedding_refuses_indices_that_are_not_integers(indices):
    emb = nn.Embedding(5, 2)
    with pytest.raises(TypeError, match=f"indices must be integers, got dtype {indices.dtype}"):
        emb(indices)
    with pytest.raises(TypeError, match="indices must be integers"):
        F.embedding(ag.tensor(indices), emb.weight)


# ---- 6. empty batches (and empty feature, channel or sequence axes where PyTorch allows them) flow through ------------

EMPTY = {  # name -> (our layer, PyTorch's (a function of torch.nn), input shape, output shape)
    "Linear": (lambda: nn.Linear(3, 2), lambda T: T.Linear(3, 2), (0, 3), (0, 2)),
    "Linear 3-d": (lambda: nn.Linear(3, 2), lambda T: T.Linear(3, 2), (0, 5, 3), (0, 5, 2)),
    "Linear no features in": (lambda: nn.Linear(0, 2), lambda T: T.Linear(0, 2), (4, 0), (4, 2)),
    "Linear no features out": (lambda: nn.Linear(3, 0), lambda T: T.Linear(3, 0), (4, 3), (4, 0)),
    "Conv1d": (lambda: nn.Conv1d(3, 2, 2, padding=1), lambda T: T.Conv1d(3, 2, 2, padding=1), (0, 3, 5), (0, 2, 6)),
    "Conv2d": (
        lambda: nn.Conv2d(3, 2, 3, stride=2, padding=1),
        lambda T: T.Conv2d(3, 2, 3, stride=2, padding=1),
        (0, 3, 5, 5),
        (0, 2, 3, 3),
    ),
    "Conv2d groups dilation": (
        lambda: nn.Conv2d(4, 2, 2, groups=2, dilation=2),
        lambda T: T.Conv2d(4, 2, 2, groups=2, dilation=2),
        (0, 4, 5, 5),
        (0, 2, 3, 3),
    ),
    "MaxPool1d": (lambda: nn.MaxPool1d(2), lambda T: T.MaxPool1d(2), (0, 3, 4), (0, 3, 2)),
    "MaxPool2d": (
        lambda: nn.MaxPool2d(2, stride=1, padding=1),
        lambda T: T.MaxPool2d(2, stride=1, padding=1),
        (0, 3, 4, 4),
        (0, 3, 5, 5),
    ),
    "AvgPool1d": (lambda: nn.AvgPool1d(3, padding=1), lambda T: T.AvgPool1d(3, padding=1), (0, 3, 4), (0, 3, 2)),
    "AvgPool2d ceil": (
        lambda: nn.AvgPool2d(2, ceil_mode=True),
        lambda T: T.AvgPool2d(2, ceil_mode=True),
        (0, 3, 5, 5),
        (0, 3, 3, 3),
    ),
    "AdaptiveAvgPool1d": (lambda: nn.AdaptiveAvgPool1d(2), lambda T: T.AdaptiveAvgPool1d(2), (0, 3, 5), (0, 3, 2)),
    "AdaptiveAvgPool2d": (
        lambda: nn.AdaptiveAvgPool2d((2, 3)),
        lambda T: T.AdaptiveAvgPool2d((2, 3)),
        (0, 3, 5, 7),
        (0, 3, 2, 3),
    ),
    "BatchNorm1d eval": (lambda: nn.BatchNorm1d(3).eval(), lambda T: T.BatchNorm1d(3).eval(), (0, 3), (0, 3)),
    "BatchNorm1d eval 3-d": (lambda: nn.BatchNorm1d(3).eval(), lambda T: T.BatchNorm1d(3).eval(), (0, 3, 4), (0, 3, 4)),
    "BatchNorm2d eval": (
        lambda: nn.BatchNorm2d(3).eval(),
        lambda T: T.BatchNorm2d(3).eval(),
        (0, 3, 2, 2),
        (0, 3, 2, 2),
    ),
    "BatchNorm1d training": (lambda: nn.BatchNorm1d(3), lambda T: T.BatchNorm1d(3), (0, 3), (0, 3)),
    "BatchNorm1d training, no steps": (lambda: nn.BatchNorm1d(3), lambda T: T.BatchNorm1d(3), (2, 3, 0), (2, 3, 0)),
    "Dropout": (lambda: nn.Dropout(0.5), lambda T: T.Dropout(0.5), (0, 3), (0, 3)),
    "Flatten": (lambda: nn.Flatten(), lambda T: T.Flatten(), (0, 3, 2), (0, 6)),
    "Flatten channels": (lambda: nn.Flatten(), lambda T: T.Flatten(), (2, 0, 2), (2, 0)),
    "Flatten all": (lambda: nn.Flatten(0), lambda T: T.Flatten(0), (0, 3, 2), (0,)),
    "activations": (
        lambda: nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid(), nn.LeakyReLU(), nn.Softmax(1), nn.LogSoftmax(1)),
        lambda T: T.Sequential(T.ReLU(), T.Tanh(), T.Sigmoid(), T.LeakyReLU(), T.Softmax(1), T.LogSoftmax(1)),
        (0, 3),
        (0, 3),
    ),
    "a small CNN": (
        lambda: nn.Sequential(
            nn.Conv2d(1, 2, 3, padding=1),
            nn.BatchNorm2d(2).eval(),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(8, 3),
        ),
        lambda T: T.Sequential(
            T.Conv2d(1, 2, 3, padding=1), T.BatchNorm2d(2).eval(), T.ReLU(), T.MaxPool2d(2), T.Flatten(), T.Linear(8, 3)
        ),
        (0, 1, 4, 4),
        (0, 3),
    ),
    "ResidualBlock": (lambda: nn.ResidualBlock(2).eval(), None, (0, 2, 4, 4), (0, 2, 4, 4)),
    "InceptionBlock": (lambda: nn.InceptionBlock(2, 1, 2, 1, 1).eval(), None, (0, 2, 4, 4), (0, 5, 4, 4)),
}
for _kind in ("RNN", "LSTM", "GRU"):
    for _kw, _shape, _out in (
        (dict(), (5, 0, 3), (5, 0, 4)),
        (dict(batch_first=True), (0, 5, 3), (0, 5, 4)),
        (dict(num_layers=2, bidirectional=True), (5, 0, 3), (5, 0, 8)),
        (dict(num_layers=2, bidirectional=True, batch_first=True), (0, 5, 3), (0, 5, 8)),
    ):
        EMPTY[f"{_kind} {' '.join(_kw) or 'plain'}"] = (
            lambda k=_kind, kw=_kw: getattr(nn, k)(3, 4, **kw),
            lambda T, k=_kind, kw=_kw: getattr(T, k)(3, 4, **kw),
            _shape,
            _out,
        )
    EMPTY[f"{_kind}Cell"] = (
        lambda k=_kind: getattr(nn, k + "Cell")(3, 4),
        lambda T, k=_kind: getattr(T, k + "Cell")(3, 4),
        (0, 3),
        (0, 4),
    )
    EMPTY[f"{_kind}Cell no input features"] = (
        lambda k=_kind: getattr(nn, k + "Cell")(0, 4),
        lambda T, k=_kind: getattr(T, k + "Cell")(0, 4),
        (2, 0),
        (2, 4),
    )
    EMPTY[f"{_kind}Cell no hidden units"] = (
        lambda k=_kind: getattr(nn, k + "Cell")(3, 0),
        lambda T, k=_kind: getattr(T, k + "Cell")(3, 0),
        (2, 3),
        (2, 0),
    )


def _first(out):
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("case", list(EMPTY))
def test_an_empty_batch_flows_forward_and_backward_with_gradients_of_zeros(case):
    make, _, shape, out_shape = EMPTY[case]
    m = make()
    x = ag.tensor(np.zeros(shape, np.float32), requires_grad=True)
    out = _first(m(x))
    assert out.shape == out_shape and out.dtype == np.float32
    (out.sum() * 2).backward()
    assert x.grad.shape == shape
    for name, p in m.named_parameters():
        assert p.grad is not None and p.grad.shape == p.shape, name
        if out.size == 0:  # (without input features the output is not empty: biases get gradients)
            assert not p.grad.numpy().any(), name


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # PyTorch's, for Linear(0, 2)
@pytest.mark.parametrize("case", [c for c in EMPTY if EMPTY[c][1] is not None])
def test_an_empty_batch_gives_pytorchs_shapes(case):
    torch = pytest.importorskip("torch")
    make, make_theirs, shape, out_shape = EMPTY[case]
    theirs = _first(make_theirs(torch.nn)(torch.zeros(shape)))
    assert tuple(theirs.shape) == out_shape


def test_a_linear_layer_without_input_features_gives_its_bias():
    m = nn.Linear(0, 3)
    out = m(ag.zeros(4, 0))
    np.testing.assert_array_equal(out.numpy(), np.broadcast_to(m.bias.numpy(), (4, 3)))


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_an_empty_batch_with_initial_states_and_lengths(kind):
    m = getattr(nn, kind)(3, 4, num_layers=2, bidirectional=True)
    x = ag.tensor(np.zeros((5, 0, 3), np.float32), requires_grad=True)
    h0 = ag.zeros(4, 0, 4, requires_grad=True)
    out, h_n = m(x, (h0, h0) if kind == "LSTM" else h0, lengths=np.zeros(0, int))
    finals = h_n if kind == "LSTM" else (h_n,)
    assert out.shape == (5, 0, 8) and all(h.shape == (4, 0, 4) for h in finals)
    (out.sum() + sum(h.sum() for h in finals)).backward()
    assert x.grad.shape == x.shape and h0.grad.shape == h0.shape
    with ag.detect_anomaly():  # the step-by-step projection taken under anomaly mode
        assert _first(m(x)).shape == (5, 0, 8)


def test_batch_norm_training_on_an_empty_batch_keeps_its_running_statistics_like_pytorch():
    bn = nn.BatchNorm1d(3)
    bn(ag.randn(4, 3, rng=0))
    before = {k: v.copy() for k, v in bn.state_dict().items()}
    bn(ag.zeros(0, 3))
    np.testing.assert_array_equal(bn.running_mean, before["running_mean"])
    np.testing.assert_array_equal(bn.running_var, before["running_var"])
    assert int(bn.num_batches_tracked) == 2  # counted, as PyTorch counts it
    with pytest.raises(ValueError, match="more than 1 value per channel"):  # one value: no variance (as PyTorch)
        bn(ag.zeros(1, 3))


def test_batch_norm_training_on_an_empty_batch_matches_pytorchs_state():
    torch = pytest.importorskip("torch")
    ours, theirs = nn.BatchNorm1d(3, momentum=None), torch.nn.BatchNorm1d(3, momentum=None)
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    for batch in (x, x[:0], x * 2):
        ours(ag.tensor(batch))
        theirs(torch.tensor(batch))
    np.testing.assert_allclose(ours.running_mean, theirs.running_mean.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ours.running_var, theirs.running_var.numpy(), rtol=1e-6)
    assert int(ours.num_batches_tracked) == int(theirs.num_batches_tracked)


def test_embedding_and_dropout_of_nothing():
    emb = nn.Embedding(5, 2)
    for shape in [(0,), (0, 3), (2, 0)]:
        out = emb(np.zeros(shape, int))
        assert out.shape == shape + (2,)
        out.sum().backward()
        assert emb.weight.grad.shape == (5, 2) and not emb.weight.grad.numpy().any()
    assert F.dropout(ag.zeros(0, 3), 1.0).shape == (0, 3)


LOSSES = {  # name -> (loss(input, reduction), input shape)
    "mse_loss": (lambda x, r: F.mse_loss(x, ag.zeros(*x.shape), reduction=r), (0, 3)),
    "binary_cross_entropy": (lambda x, r: F.binary_cross_entropy(x, ag.zeros(*x.shape), reduction=r), (0, 3)),
    "binary_cross_entropy_with_logits": (
        lambda x, r: F.binary_cross_entropy_with_logits(x, ag.zeros(*x.shape), reduction=r),
        (0, 3),
    ),
    "cross_entropy": (lambda x, r: F.cross_entropy(x, np.zeros(0, int), reduction=r), (0, 3)),
    "cross_entropy 4-d": (lambda x, r: F.cross_entropy(x, np.zeros((0, 2, 2), int), reduction=r), (0, 3, 2, 2)),
    "cross_entropy smoothed": (
        lambda x, r: F.cross_entropy(x, np.zeros(0, int), reduction=r, label_smoothing=0.1),
        (0, 3),
    ),
    "cross_entropy probabilities": (lambda x, r: F.cross_entropy(x, ag.zeros(*x.shape), reduction=r), (0, 3)),
    "nll_loss": (lambda x, r: F.nll_loss(x, np.zeros(0, int), reduction=r), (0, 3)),
}


@pytest.mark.parametrize("case", list(LOSSES))
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_losses_of_an_empty_batch(case, reduction):
    loss, shape = LOSSES[case]
    x = ag.tensor(np.zeros(shape, np.float32), requires_grad=True)
    with np.errstate(all="raise"):  # no NumPy warning on the way
        out = loss(x, reduction)
    if reduction == "none":
        assert out.shape == (shape if case.startswith(("mse", "binary")) else (0,) + shape[2:])
    elif reduction == "sum":
        assert out.shape == () and out.item() == 0
    else:
        assert out.shape == () and np.isnan(out.item())  # the mean of nothing, as in PyTorch
    out.sum().backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize("conv,weight", [(F.conv1d, (2, 0, 3)), (F.conv2d, (2, 0, 3, 3)), (F.conv2d, (0, 3, 3, 3))])
def test_a_convolution_without_input_or_output_channels_is_refused_naming_them(conv, weight):
    x = ag.zeros(*((1, weight[1]) + (5,) * (len(weight) - 2)))
    with pytest.raises(ValueError, match=rf"in_channels={weight[1]} .*out_channels={weight[0]} .*groups=1"):
        conv(x, ag.zeros(*weight))
    with pytest.raises(ValueError, match="in_channels must be a positive int, got 0"):
        nn.Conv2d(0, 2, 3)


class Lion(nn.optim.Optimizer):
    """A user's optimizer that declares neither option checks nor its state's layout."""

    def __init__(self, params, lr=1e-4, beta=0.9):
        super().__init__(params, dict(lr=lr, beta=beta))

    def _update(self, p, grad, group, state):
        m = state.setdefault("m", np.zeros_like(p.data))
        state["calls"] = state.get("calls", 0) + 1
        p -= group["lr"] * np.sign(m * group["beta"] + grad * (1 - group["beta"]))
        m *= group["beta"]
        m += (1 - group["beta"]) * grad


def test_a_users_optimizer_without_declarations_saves_and_loads_its_state():
    params, _ = _trained("SGD", dict(lr=0.1))
    opt = Lion(params, lr=0.01)
    _set_grads(params, 4)
    opt.step()
    sd = opt.state_dict()
    fresh = Lion(params, lr=0.5)
    fresh.load_state_dict(sd)
    assert fresh.param_groups[0]["lr"] == 0.01
    _assert_same(fresh.state_dict()["state"], sd["state"])
    bad = copy.deepcopy(sd)
    bad["state"][2]["m"] = np.zeros(7)  # its arrays are still checked against their parameters
    with pytest.raises(ValueError, match=r"'m' has shape \(7,\) but the parameter has shape \(3, 4\)"):
        fresh.load_state_dict(bad)
    with pytest.raises(ValueError, match="this state dict is from Lion, not SGD"):
        SGD(params, lr=0.1).load_state_dict(sd)
