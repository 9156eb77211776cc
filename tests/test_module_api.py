"""Module API with PyTorch's semantics: to/float/double, traversal, buffers (persistent or not), requires_grad_,
forward hooks and pre-hooks with removable handles; compared with PyTorch where it is installed."""

import numpy as np
import pytest

import autograd_core as ag
import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(3, 2)
        self.act = nn.Tanh()
        self.register_buffer("steps", np.zeros((), np.int64))
        self.register_buffer("scratch", np.ones(2, np.float32), persistent=False)

    def forward(self, x):
        return self.act(self.lin(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = Block()
        self.head = nn.Sequential(nn.Linear(2, 2), nn.ReLU())

    def forward(self, x):
        return self.head(self.block(x))


def test_traversal_names_and_order():
    net = Net()
    assert [n for n, _ in net.named_modules()] == ["", "block", "block.lin", "block.act", "head", "head.0", "head.1"]
    assert [n for n, _ in net.named_children()] == ["block", "head"]
    assert list(net.children()) == [net.block, net.head]
    assert list(net.modules())[0] is net and len(list(net.modules())) == 7


def test_a_shared_module_is_visited_once():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, lin)
    assert [n for n, _ in seq.named_modules()] == ["", "0"]


def test_apply_visits_every_module_children_first():
    seen = []
    Net().apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "Tanh", "Block", "Linear", "ReLU", "Sequential", "Net"]


def test_buffers_are_in_state_dict_unless_not_persistent_and_never_in_parameters():
    net = Net()
    keys = list(net.state_dict())
    assert "block.steps" in keys and "block.scratch" not in keys
    assert [n for n, _ in net.named_buffers()] == ["block.steps", "block.scratch"]
    assert all("steps" not in n and "scratch" not in n for n, _ in net.named_parameters())
    net.block.steps += 1  # stays a buffer
    assert net.state_dict()["block.steps"] == 1
    other = Net()
    other.load_state_dict(net.state_dict())  # the non-persistent buffer is neither expected nor missing
    assert other.block.steps == 1


def test_register_buffer_takes_tensors_and_refuses_other_things():
    m = nn.Module()
    m.register_buffer("t", ag.tensor([1.0, 2.0]))
    assert isinstance(m.t, np.ndarray) and m.t.tolist() == [1.0, 2.0]
    with pytest.raises(TypeError, match="'w'.*Tensor"):
        m.register_buffer("w", [1, 2])
    with pytest.raises(TypeError, match="persistent"):
        m.register_buffer("u", np.zeros(1), persistent="no")
    with pytest.raises(TypeError, match="register_parameter"):
        m.register_buffer("p", nn.Parameter(np.zeros(1)))


def test_to_float_double_cast_parameters_floating_buffers_and_grads():
    net = Net()
    net(ag.tensor(np.ones((1, 3), np.float32))).sum().backward()
    assert net.double() is net
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in net.parameters())
    assert net.block.scratch.dtype == np.float64 and net.block.steps.dtype == np.int64
    net.float()
    assert all(p.dtype == np.float32 for p in net.parameters())
    assert net.to("cpu") is net and net.to("cpu", np.float64).block.lin.weight.dtype == np.float64
    assert net.to(device="cpu", dtype="float32").block.lin.weight.dtype == np.float32


def test_to_refuses_other_devices_and_non_floating_dtypes():
    net = Net()
    with pytest.raises(ValueError, match="'cuda'"):
        net.to("cuda")
    with pytest.raises(TypeError, match="int64"):
        net.to(np.int64)


def test_requires_grad_switches_every_parameter():
    net = Net()
    assert net.requires_grad_(False) is net
    assert not any(p.requires_grad for p in net.parameters())
    net.block.requires_grad_()
    assert [n for n, p in net.named_parameters() if p.requires_grad] == ["block.lin.weight", "block.lin.bias"]


def test_forward_hooks_see_and_may_replace_inputs_and_outputs():
    lin = nn.Linear(2, 2)
    x = ag.tensor(np.ones((1, 2), np.float32))
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append(("pre", m, args[0].shape)))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(("post", out.shape)))
    y = lin(x)
    assert calls == [("pre", lin, (1, 2)), ("post", (1, 2))]
    h1.remove(), h2.remove(), h1.remove()
    lin(x)
    assert len(calls) == 2
    with lin.register_forward_pre_hook(lambda m, args: args[0] * 0):  # a single value stands for (value,)
        assert np.allclose(lin(x).numpy(), lin.bias.numpy())
    with lin.register_forward_hook(lambda m, args, out: out * 2):
        assert np.allclose(lin(x).numpy(), 2 * y.numpy())
    assert np.allclose(lin(x).numpy(), y.numpy())
    with pytest.raises(TypeError, match="callable"):
        lin.register_forward_hook(3)


def test_hooks_run_in_registration_order_and_gradients_flow_through_replacements():
    lin = nn.Linear(2, 1)
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append(1))
    lin.register_forward_hook(lambda m, a, o: order.append(2) or o * 3)
    lin(ag.tensor(np.ones((1, 2), np.float32))).sum().backward()
    assert order == [1, 2] and np.allclose(lin.weight.grad.numpy(), 3)


def test_hooks_and_buffers_agree_with_pytorch():
    torch = pytest.importorskip("torch")
    tm, m = torch.nn.Linear(3, 2), nn.Linear(3, 2)
    m.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    for mod in (tm, m):
        mod.register_buffer("a", (torch if mod is tm else ag).ones(2))
        mod.register_buffer("b", (torch if mod is tm else ag).ones(2), persistent=False)
        mod.register_forward_pre_hook(lambda mod_, args: (args[0] + 1,))
        mod.register_forward_hook(lambda mod_, args, out: out * args[0].sum())
    assert list(tm.state_dict()) == list(m.state_dict())
    assert [n for n, _ in tm.named_buffers()] == [n for n, _ in m.named_buffers()]
    x = np.arange(6, dtype=np.float32).reshape(2, 3) / 6
    assert np.allclose(tm(torch.tensor(x)).detach().numpy(), m(ag.tensor(x)).numpy(), atol=1e-5)


def test_prepend_and_with_kwargs_hooks():
    class Scale(nn.Module):
        def forward(self, x, factor=1.0):
            return x * factor

    m, order = Scale(), []
    m.register_forward_hook(lambda mod, a, o: order.append("second"))
    m.register_forward_hook(lambda mod, a, o: order.append("first"), prepend=True)
    m.register_forward_pre_hook(lambda mod, a, kw: (a, {**kw, "factor": 3.0}), with_kwargs=True)
    seen = []
    m.register_forward_hook(lambda mod, a, kw, o: seen.append(kw["factor"]), with_kwargs=True)
    out = m(ag.tensor([2.0]), factor=5.0)
    assert out.numpy().tolist() == [6.0] and seen == [3.0] and order == ["first", "second"]
    m.register_forward_pre_hook(lambda mod, a, kw: a, with_kwargs=True)
    with pytest.raises(TypeError, match="args, kwargs"):
        m(ag.tensor([1.0]))
    with pytest.raises(TypeError, match="prepend"):
        m.register_forward_hook(print, prepend=1)


def test_to_another_tensor_takes_its_dtype():
    lin = nn.Linear(2, 2)
    assert lin.to(ag.tensor(np.zeros(1, np.float64))).weight.dtype == np.float64


def test_traversal_with_memo_and_duplicates():
    lin = nn.Linear(2, 2)
    seq = nn.Sequential(lin, nn.ReLU(), lin)
    assert [n for n, _ in seq.named_modules(remove_duplicate=False)] == ["", "0", "1", "2"]
    assert [n for n, _ in seq.named_modules(memo={lin})] == ["", "1"]
    assert [n for n, _ in seq.named_modules(prefix="net")] == ["net", "net.0", "net.1"]
    assert [n for n, _ in seq.named_parameters(remove_duplicate=False)] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert [n for n, _ in Net().named_buffers(recurse=False)] == []
    assert len(list(Net().block.buffers(recurse=False))) == 2


def test_traversal_orders_agree_with_pytorch():
    torch = pytest.importorskip("torch")

    def build(lib):
        shared = lib.Linear(3, 3)
        inner = lib.Sequential(lib.Linear(3, 4), lib.Tanh(), shared)
        return lib.Sequential(inner, lib.ModuleList([lib.ReLU(), shared]), lib.ModuleDict({"head": lib.Linear(3, 1)}))

    ours, theirs = build(nn), build(torch.nn)
    for kw in ({}, {"remove_duplicate": False}, {"prefix": "m"}):
        assert [n for n, _ in ours.named_modules(**kw)] == [n for n, _ in theirs.named_modules(**kw)]
    for kw in ({}, {"remove_duplicate": False}, {"recurse": False}):
        assert [n for n, _ in ours.named_parameters(**kw)] == [n for n, _ in theirs.named_parameters(**kw)]
    assert [n for n, _ in ours.named_children()] == [n for n, _ in theirs.named_children()]
    visited, tvisited = [], []
    ours.apply(lambda m: visited.append(type(m).__name__))
    theirs.apply(lambda m: tvisited.append(type(m).__name__))
    assert visited == tvisited
    assert list(ours.state_dict()) == list(theirs.state_dict())
