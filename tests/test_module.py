"""nn.Module and containers (registration, traversal order, modes, state dicts, repr) and nn.init."""

import math
from collections import OrderedDict

import numpy as np
import pytest

import autograd_core as ag
import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.scale = nn.Parameter(np.ones(4, np.float32))
        self.bn = nn.BatchNorm1d(4)
        self.register_buffer("count", np.zeros((), np.int64))

    def forward(self, x):
        self.count += 1
        return self.bn(self.fc(x)) * self.scale


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed_scale = nn.Parameter(np.ones(3, np.float32))
        self.block = Block()
        self.head = nn.Sequential(nn.ReLU(), nn.Dropout(0.1), nn.Linear(4, 2))

    def forward(self, x):
        return self.head(self.block(x * self.embed_scale))


# ---- registration and traversal --------------------------------------------------------------


def test_named_parameters_order_is_own_then_children_in_registration_order():
    names = [n for n, _ in Net().named_parameters()]
    assert names == [
        "embed_scale",
        "block.scale",
        "block.fc.weight",
        "block.fc.bias",
        "block.bn.weight",
        "block.bn.bias",
        "head.2.weight",
        "head.2.bias",
    ]
    assert [n for n, _ in Net().named_parameters(recurse=False)] == ["embed_scale"]
    assert len(list(Net().parameters())) == 8


def test_children_and_modules():
    net = Net()
    assert [type(m).__name__ for m in net.children()] == ["Block", "Sequential"]
    assert [n for n, _ in net.named_modules()] == [
        "",
        "block",
        "block.fc",
        "block.bn",
        "head",
        "head.0",
        "head.1",
        "head.2",
    ]
    assert next(iter(net.modules())) is net


def test_shared_parameters_are_listed_once_but_saved_under_every_name():
    a = nn.Linear(2, 2)
    seq = nn.Sequential(a, nn.ReLU(), a)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    seq.load_state_dict(seq.state_dict())


def test_assignment_rules():
    m = nn.Linear(2, 3)
    m.bias = None  # a registered parameter set to None stays registered, as None
    assert [n for n, _ in m.named_parameters()] == ["weight"] and m.bias is None
    with pytest.raises(TypeError, match=r"cannot assign Tensor as parameter 'weight' \(nn.Parameter or None"):
        m.weight = ag.zeros(3, 2)
    m.weight = nn.Parameter(np.zeros((3, 2)))
    assert m.weight.numpy().sum() == 0
    m.note = "plain attribute"
    assert "note" not in dict(m.named_parameters()) and m.note == "plain attribute"
    del m.weight
    assert list(m.parameters()) == []


def test_buffers_stay_buffers_when_assigned():
    b = Block()
    b(ag.tensor(np.random.default_rng(0).standard_normal((5, 3)), dtype="float32"))
    assert int(b.count) == 1 and "count" in b.state_dict() and "count" not in b.__dict__
    b.count = np.array(7)
    assert int(b.state_dict()["count"]) == 7
    b.count = nn.Parameter(np.zeros(2))  # a Parameter takes the name over, as in PyTorch
    assert "count" in dict(b.named_parameters()) and "count" not in b._buffers
    with pytest.raises(ValueError, match=r"no '\.', got 'a\.b'"):
        b.register_buffer("a.b", np.zeros(1))
    with pytest.raises(TypeError, match="cannot register ndarray as parameter 'p'"):
        b.register_parameter("p", np.zeros(1))


def test_module_without_init_call():
    class Broken(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"call Module.__init__\(\) in Broken.__init__ before assigning 'fc'"):
        Broken()


def test_missing_attribute_names_the_class():
    with pytest.raises(AttributeError, match="'Linear' object has no attribute 'wieght'"):
        _ = nn.Linear(1, 1).wieght


# ---- modes and gradients ---------------------------------------------------------------------


def test_train_and_eval_reach_every_submodule():
    net = Net()
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    net.head.train(False)
    assert net.training and not net.head[1].training


def test_zero_grad():
    net = Net()
    net(ag.tensor(np.random.default_rng(1).standard_normal((4, 3)), dtype="float32")).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


# ---- state dicts -----------------------------------------------------------------------------


def test_state_dict_round_trip_gives_the_same_function():
    rng = np.random.default_rng(2)
    a, b = Net(), Net()
    a(ag.tensor(rng.standard_normal((6, 3)), dtype="float32"))  # move the running statistics away from their start
    assert list(a.state_dict()) == [
        "embed_scale",
        "block.scale",
        "block.count",
        "block.fc.weight",
        "block.fc.bias",
        "block.bn.weight",
        "block.bn.bias",
        "block.bn.running_mean",
        "block.bn.running_var",
        "block.bn.num_batches_tracked",
        "head.2.weight",
        "head.2.bias",
    ]
    assert b.load_state_dict(a.state_dict()) == ([], [])
    a.eval(), b.eval()
    x = ag.tensor(rng.standard_normal((2, 3)), dtype="float32")
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


def test_state_dict_holds_copies():
    m = nn.Linear(2, 2)
    sd = m.state_dict()
    sd["weight"][...] = 42
    assert not (m.weight.numpy() == 42).any()
    m.load_state_dict(sd)
    sd["weight"][...] = 0
    assert (m.weight.numpy() == 42).all()


def test_save_and_load_npz(tmp_path):
    a, b = Net(), Net()
    a(ag.tensor(np.random.default_rng(3).standard_normal((4, 3)), dtype="float32"))
    path = tmp_path / "net.npz"
    a.save(path)
    b.load(path)
    for (k, va), (_, vb) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(va, vb, err_msg=k)
        assert va.dtype == vb.dtype


def test_wrong_shape_names_the_key_and_both_shapes_and_loads_nothing():
    m = nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 4))
    before = m.state_dict()
    bad = OrderedDict((k, np.full_like(v, 9)) for k, v in before.items())
    bad["1.weight"] = np.zeros((4, 5))
    with pytest.raises(
        ValueError,
        match=r"'1.weight' has shape \(4, 5\) in the state dict but \(4, 3\) in the "
        r"model; nothing loaded",
    ):
        m.load_state_dict(bad)
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_missing_and_unexpected_keys():
    m = nn.Linear(2, 3)
    sd = m.state_dict()
    with pytest.raises(ValueError, match=r"missing keys \['bias'\], unexpected keys \[\]; nothing loaded"):
        m.load_state_dict({"weight": sd["weight"]})
    with pytest.raises(ValueError, match=r"missing keys \[\], unexpected keys \['extra'\]"):
        m.load_state_dict({**sd, "extra": np.zeros(1)})
    new_w = np.ones((3, 2))
    missing, unexpected = m.load_state_dict({"weight": new_w, "extra": 1}, strict=False)
    assert missing == ["bias"] and unexpected == ["extra"]
    np.testing.assert_array_equal(m.weight.numpy(), new_w)
    np.testing.assert_array_equal(m.bias.numpy(), sd["bias"])


def test_load_state_dict_accepts_tensors_and_keeps_dtypes():
    m = nn.Linear(2, 1)
    m.load_state_dict({"weight": ag.tensor(np.ones((1, 2))), "bias": np.array([0.5])})
    assert m.weight.dtype == np.float32 and m.bias.item() == 0.5


def test_loads_a_pytorch_state_dict():
    torch = pytest.importorskip("torch")
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    theirs(torch.randn(8, 3))
    theirs.eval()
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2)).eval()
    ours.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    x = np.random.default_rng(4).standard_normal((5, 3)).astype(np.float32)
    np.testing.assert_allclose(
        ours(ag.tensor(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-6
    )


# ---- repr ------------------------------------------------------------------------------------


def test_repr_like_pytorch():
    net = nn.Sequential(
        nn.Linear(3, 4),
        nn.ReLU(),
        nn.ModuleList([nn.Tanh(), nn.Tanh(), nn.Linear(4, 4, bias=False)]),
        nn.ModuleDict({"act": nn.Sigmoid()}),
    )
    assert (
        repr(net)
        == """Sequential(
  (0): Linear(in_features=3, out_features=4, bias=True)
  (1): ReLU()
  (2): ModuleList(
    (0-1): 2 x Tanh()
    (2): Linear(in_features=4, out_features=4, bias=False)
  )
  (3): ModuleDict(
    (act): Sigmoid()
  )
)"""
    )


def test_repr_with_extra_lines_and_children():
    class Wrapper(nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = nn.ReLU()

        def extra_repr(self):
            return "k=1"

    assert repr(Wrapper()) == "Wrapper(\n  k=1\n  (inner): ReLU()\n)"
    assert repr(nn.ModuleList()) == "ModuleList()"
    assert repr(Block().fc.weight).startswith("Parameter containing:\ntensor(")


def test_repr_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = nn.Sequential(
        nn.Linear(3, 4),
        nn.BatchNorm1d(4),
        nn.LeakyReLU(0.2),
        nn.Dropout(0.3),
        nn.ModuleList([nn.ReLU(), nn.ReLU()]),
        nn.Embedding(5, 2),
        nn.CrossEntropyLoss(),
        nn.LogSoftmax(dim=1),
    )
    tn = torch.nn
    theirs = tn.Sequential(
        tn.Linear(3, 4),
        tn.BatchNorm1d(4),
        tn.LeakyReLU(0.2),
        tn.Dropout(0.3),
        tn.ModuleList([tn.ReLU(), tn.ReLU()]),
        tn.Embedding(5, 2),
        tn.CrossEntropyLoss(),
        tn.LogSoftmax(dim=1),
    )
    assert repr(ours) == repr(theirs)


# ---- containers ------------------------------------------------------------------------------


def test_sequential_indexing_and_building():
    a, b, c = nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1)
    seq = nn.Sequential(a, b, c)
    assert seq[0] is a and seq[-1] is c and len(seq) == 3 and list(seq) == [a, b, c]
    tail = seq[1:]
    assert isinstance(tail, nn.Sequential) and list(tail) == [b, c] and list(tail._modules) == ["1", "2"]
    with pytest.raises(IndexError, match="index 3 is out of range for a Sequential of length 3"):
        seq[3]
    named = nn.Sequential(OrderedDict([("fc", a), ("act", b)]))
    assert named.fc is a and [n for n, _ in named.named_parameters()] == ["fc.weight", "fc.bias"]
    seq.append(nn.Sigmoid())
    assert len(seq) == 4
    x = ag.tensor(np.random.default_rng(5).standard_normal((4, 2)), dtype="float32")
    np.testing.assert_allclose(seq(x).numpy(), (c(b(a(x)))).sigmoid().numpy())


def test_containers_refuse_non_modules():
    with pytest.raises(TypeError, match="did you forget the parentheses"):
        nn.Sequential(nn.ReLU)
    with pytest.raises(TypeError, match="ModuleList takes Module instances, got 3"):
        nn.ModuleList([3])
    with pytest.raises(TypeError, match="ModuleDict takes Module instances"):
        nn.ModuleDict({"f": len})


def test_module_list_registers_parameters():
    layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    assert len(list(layers.parameters())) == 6
    layers[1] = nn.Linear(2, 2, bias=False)
    assert len(list(layers.parameters())) == 5
    assert isinstance(layers[:2], nn.ModuleList) and len(layers[:2]) == 2
    layers.extend([nn.ReLU()])
    assert len(layers) == 4 and isinstance(layers[-1], nn.ReLU)
    with pytest.raises(IndexError, match="length 4"):
        layers[-5]


def test_module_dict():
    d = nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(1, 1)})
    assert list(d.keys()) == ["b", "a"] and "a" in d and len(d) == 2
    d["c"] = nn.Tanh()
    assert list(d) == ["b", "a", "c"]
    assert isinstance(d.pop("b"), nn.ReLU) and "b" not in d
    with pytest.raises(KeyError, match="no module named 'zz'"):
        d["zz"]
    assert [n for n, _ in d.named_parameters()] == ["a.weight", "a.bias"]


# ---- nn.init ---------------------------------------------------------------------------------


def big(*shape):
    return nn.Parameter(np.zeros(shape, np.float64))


def test_kaiming_and_xavier_bounds_and_stds():
    fan_in, fan_out = 64 * 3 * 3, 128 * 3 * 3
    w = nn.init.kaiming_uniform_(big(128, 64, 3, 3), nonlinearity="relu", rng=0).numpy()
    bound = math.sqrt(2) * math.sqrt(3 / fan_in)
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    w = nn.init.kaiming_normal_(big(128, 64, 3, 3), mode="fan_out", nonlinearity="relu", rng=0).numpy()
    assert w.std() == pytest.approx(math.sqrt(2 / fan_out), rel=0.02) and abs(w.mean()) < 1e-3
    w = nn.init.xavier_uniform_(big(128, 64, 3, 3), gain=2.0, rng=0).numpy()
    bound = 2.0 * math.sqrt(6 / (fan_in + fan_out))
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    w = nn.init.xavier_normal_(big(300, 200), rng=0).numpy()
    assert w.std() == pytest.approx(math.sqrt(2 / 500), rel=0.02)


def test_simple_fills():
    t = big(100, 100)
    assert (nn.init.ones_(t).numpy() == 1).all()
    assert (nn.init.zeros_(t).numpy() == 0).all()
    assert (nn.init.constant_(t, 0.25).numpy() == 0.25).all()
    w = nn.init.uniform_(t, -2, 3, rng=1).numpy()
    assert w.min() >= -2 and w.max() < 3 and w.mean() == pytest.approx(0.5, abs=0.05)
    w = nn.init.normal_(t, 1.0, 0.5, rng=1).numpy()
    assert w.mean() == pytest.approx(1.0, abs=0.01) and w.std() == pytest.approx(0.5, rel=0.02)


def test_init_is_in_place_and_records_no_graph():
    p = big(3, 4)
    data = p.data
    assert nn.init.kaiming_uniform_(p, rng=0) is p and p.data is data and p.is_leaf


def test_seeds_are_reproducible():
    a = nn.init.normal_(big(5, 5), rng=3).numpy().copy()
    np.testing.assert_array_equal(a, nn.init.normal_(big(5, 5), rng=3).numpy())
    np.testing.assert_array_equal(a, nn.init.normal_(big(5, 5), rng=np.random.default_rng(3)).numpy())
    assert not np.array_equal(a, nn.init.normal_(big(5, 5), rng=4).numpy())
    nn.init.manual_seed(123)
    first = nn.Linear(4, 3).state_dict()
    nn.init.manual_seed(123)
    second = nn.Linear(4, 3).state_dict()
    for k in first:
        np.testing.assert_array_equal(first[k], second[k])


def test_linear_default_init_matches_pytorch_bounds():
    nn.init.manual_seed(0)
    m = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    for p in (m.weight, m.bias):
        assert np.abs(p.numpy()).max() <= bound and np.abs(p.numpy()).max() > 0.95 * bound


def test_gains_and_fans():
    assert nn.init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert nn.init.calculate_gain("tanh") == pytest.approx(5 / 3)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == pytest.approx(math.sqrt(2 / 1.04))
    assert nn.init.calculate_gain("conv2d") == 1.0 and nn.init.calculate_gain("selu") == 0.75
    assert nn.init.calculate_fan_in_and_fan_out(big(8, 4, 3, 5)) == (60, 120)


def test_init_bad_input():
    with pytest.raises(ValueError, match=r"at least 2 dimensions, got shape \(5,\)"):
        nn.init.xavier_uniform_(big(5))
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out', got 'fan'"):
        nn.init.kaiming_normal_(big(2, 2), mode="fan")
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        nn.init.calculate_gain("swish")


def test_init_matches_pytorch_formulas():
    torch = pytest.importorskip("torch")
    for nl, a in (("relu", 0), ("leaky_relu", 0.1), ("tanh", None), ("selu", None)):
        assert nn.init.calculate_gain(nl, a) == pytest.approx(torch.nn.init.calculate_gain(nl, a))
    t = torch.empty(7, 5, 3, 2)
    assert nn.init.calculate_fan_in_and_fan_out(big(7, 5, 3, 2)) == torch.nn.init._calculate_fan_in_and_fan_out(t)


def test_apply_visits_children_before_parents():
    net = Net()
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "BatchNorm1d", "Block", "ReLU", "Dropout", "Linear", "Sequential", "Net"]

    def init_linear(m):
        if isinstance(m, nn.Linear):
            nn.init.zeros_(m.weight)

    net.apply(init_linear)
    assert not net.block.fc.weight.numpy().any() and not net.head[2].weight.numpy().any()


def test_buffers_and_casting_to_float64():
    net = Net()
    assert [n for n, _ in net.named_buffers()] == [
        "block.count",
        "block.bn.running_mean",
        "block.bn.running_var",
        "block.bn.num_batches_tracked",
    ]
    assert len(list(net.buffers())) == 4
    assert net.double() is net
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert net.block.bn.running_mean.dtype == np.float64 and net.block.count.dtype == np.int64
    x = ag.tensor(np.random.default_rng(6).standard_normal((4, 3)), requires_grad=True)
    net.head[1].rng = 0  # the same dropout mask on every call, so finite differences see one function
    assert ag.gradcheck(lambda a: net(a), [x])  # a whole model in train mode, float64
    assert net.float().block.fc.weight.dtype == np.float32
    with pytest.raises(TypeError, match="floating dtype, got int32"):
        net.to(np.int32)


def test_parameters_are_named_by_their_path_on_assignment():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
            self.head = nn.Linear(2, 3)

    net = Net()
    assert [p.name for p in net.parameters()] == [n for n, _ in net.named_parameters()]
    assert net.head.weight.name == "head.weight"
