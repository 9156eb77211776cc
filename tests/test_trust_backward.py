"""No silent wrong gradient: in-place changes through views and optimizer steps are caught, `.grad` is checked,
a failed backward changes nothing, and second derivatives need every saved array's role."""

import subprocess
import sys

import numpy as np
import pytest

import autograd_core as ag
import nn


def _f64(values, requires_grad=False):
    return ag.tensor(np.asarray(values, dtype=np.float64), requires_grad=requires_grad)


# ---- views share their base's version counter --------------------------------------------------------------

WRITABLE_VIEWS = {
    "slice": lambda c: c[0:2],
    "int index": lambda c: c[1],
    "None index": lambda c: c[None],
    "ellipsis": lambda c: c[...],
    "reshape": lambda c: c.reshape(3, 1),
    "transpose": lambda c: c.reshape(1, 3).T,
    "swapaxes": lambda c: c.reshape(1, 3).swapaxes(0, 1),
    "unsqueeze": lambda c: c.unsqueeze(0),
    "squeeze": lambda c: c.reshape(1, 3).squeeze(0),
    "flatten": lambda c: c.reshape(3, 1).flatten(),
    "detach": lambda c: c.detach(),
    "view of a view": lambda c: c.reshape(3, 1)[1:].T,
    "split": lambda c: ag.split(c, [1])[1],
}


@pytest.mark.parametrize("make", WRITABLE_VIEWS.values(), ids=WRITABLE_VIEWS.keys())
@pytest.mark.parametrize("how", ["+=", "setitem", "*="])
def test_changing_a_view_of_a_saved_tensor_makes_backward_raise(make, how):
    x, c = _f64([1.0, 2.0, 3.0], True), _f64([1.0, 2.0, 3.0])
    z = (x * c).sum()
    v = make(c)
    with ag.no_grad():
        if how == "+=":
            v += 100
        elif how == "*=":
            v *= 2
        else:
            v[...] = 7
    assert c.version == v.version >= 1
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()
    assert x.grad is None


@pytest.mark.parametrize("make", WRITABLE_VIEWS.values(), ids=WRITABLE_VIEWS.keys())
def test_changing_the_base_of_a_saved_view_makes_backward_raise(make):
    x, c = _f64([1.0, 2.0, 3.0], True), _f64([1.0, 2.0, 3.0])
    v = make(c)
    z = (x.reshape(v.shape) * v if v.size == 3 else x[: v.size].reshape(v.shape) * v).sum()
    c += 1  # c does not require grad: in place, even outside no_grad
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_a_view_of_a_parameter_in_a_graph_shares_the_counter_and_is_named():
    w = nn.Parameter(np.ones((2, 3)), name="weight")
    x = _f64(np.ones((4, 3)))
    loss = (x @ w.T).sum()
    with ag.no_grad():
        w -= 0.1
    with pytest.raises(RuntimeError, match="view of 'weight'"):
        loss.backward()


def test_a_copy_is_not_a_view_and_changing_it_is_harmless():
    x, c = _f64([1.0, 2.0, 3.0], True), _f64([1.0, 2.0, 3.0])
    z = (x * c).sum()
    copy = c[[0, 1]]  # advanced indexing copies
    copy += 100
    z.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0])
    assert c.version == 0


def test_an_op_that_does_not_save_its_input_does_not_care():
    x, c = _f64([1.0, 2.0], True), _f64([1.0, 2.0])
    z = (x + c).sum()
    c += 1
    z.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


def test_changing_a_saved_output_through_a_view_makes_backward_raise():
    x = _f64([0.1, 0.2], True)
    y = x.tanh()
    out = y.sum()
    with ag.no_grad():
        v = y[0:1]
        v += 1
    with pytest.raises(RuntimeError, match="output tensor .*Tanh"):
        out.backward()


# ---- optimizer steps between forward and backward ------------------------------------------------------------

OPTIMIZERS = {
    "SGD": lambda p: nn.optim.SGD(p, lr=0.1),
    "SGD momentum nesterov wd": lambda p: nn.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1),
    "Adam": lambda p: nn.optim.Adam(p, lr=0.1),
    "AdamW": lambda p: nn.optim.AdamW(p, lr=0.1),
}


@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
@pytest.mark.parametrize("layer", ["linear", "conv", "lstm"])
def test_a_step_between_forward_and_backward_makes_that_backward_raise_naming_the_parameter(make, layer):
    nn.init.manual_seed(0)
    if layer == "linear":
        model, x = nn.Linear(3, 2), ag.randn(4, 3, rng=0)
    elif layer == "conv":
        model, x = nn.Conv2d(2, 3, 3), ag.randn(2, 2, 5, 5, rng=0)
    else:
        model, x = nn.LSTM(3, 4), ag.randn(5, 2, 3, rng=0)
    out = model(x)
    loss = (out[0] if isinstance(out, tuple) else out).sum()
    for p in model.parameters():
        p.grad = ag.Tensor(np.ones(p.shape, p.dtype))
    make(model.parameters()).step()
    names = "|".join(n for n, _ in model.named_parameters())
    with pytest.raises(RuntimeError, match=f"modified in place.*|'({names})'"):
        loss.backward()
    with pytest.raises(RuntimeError) as e:
        loss.backward()
    assert any(repr(n) in str(e.value) for n, _ in model.named_parameters()), str(e.value)


def test_a_step_after_backward_is_fine_and_the_next_graph_uses_the_new_weights():
    model = nn.Linear(2, 1)
    opt = nn.optim.SGD(model.parameters(), lr=0.5)
    x = _f64(np.ones((1, 2))).astype("float32")
    model(x).sum().backward()
    opt.step()
    opt.zero_grad()
    model(x).sum().backward()
    np.testing.assert_array_equal(model.weight.grad.numpy(), np.ones((1, 2)))


# ---- .grad assignment ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, error",
    [
        (np.ones((2, 3)), TypeError),  # an array, not a Tensor
        ([[1.0, 1.0, 1.0]] * 2, TypeError),
        (ag.Tensor(np.ones((3,))), ValueError),  # broadcastable, still the wrong shape
        (ag.Tensor(np.ones((3, 2))), ValueError),
        (ag.Tensor(np.ones((2, 3), np.float64)), ValueError),  # the wrong dtype
        (ag.Tensor(np.ones((2, 3), np.int64)), ValueError),
    ],
)
def test_assigning_a_grad_checks_its_shape_and_dtype(bad, error):
    w = ag.tensor(np.zeros((2, 3), np.float32), requires_grad=True)
    w.grad = ag.Tensor(np.full((2, 3), 5.0, np.float32))
    with pytest.raises(error, match="grad"):
        w.grad = bad
    np.testing.assert_array_equal(w.grad.numpy(), np.full((2, 3), 5.0))
    w.grad = None
    assert w.grad is None


# ---- a failed backward changes nothing --------------------------------------------------------------------------


def test_a_failed_backward_leaves_retained_and_leaf_grads_as_they_were():
    x = _f64([1.0, 2.0], True)
    h = x * 3
    h.retain_grad()
    out = (h * h).sum()
    out.backward(retain_graph=True)
    before_h, before_x = h.grad.numpy().copy(), x.grad.numpy().copy()

    def boom(g):
        raise KeyError("hook failed")

    x.register_hook(boom)  # runs after h's gradient is complete: h would be written already without deferral
    with pytest.raises(KeyError):
        out.backward()
    np.testing.assert_array_equal(h.grad.numpy(), before_h)
    np.testing.assert_array_equal(x.grad.numpy(), before_x)


def test_retain_grad_accumulates_like_a_leaf_and_ag_grad_leaves_it_alone():
    x = _f64([1.0, 2.0], True)
    h = x * 3
    h.retain_grad()
    out = (h * h).sum()
    out.backward(retain_graph=True)
    np.testing.assert_array_equal(h.grad.numpy(), 2 * h.numpy())
    out.backward(retain_graph=True)
    np.testing.assert_array_equal(h.grad.numpy(), 4 * h.numpy())
    ag.grad(out, [x], retain_graph=True)
    np.testing.assert_array_equal(h.grad.numpy(), 4 * h.numpy())


@pytest.mark.parametrize("returned", [[np.ones(2)], "grad", 3])
def test_a_hook_returning_something_else_than_a_tensor_is_named(returned):
    x = _f64([1.0, 2.0], True)
    x.register_hook(lambda g: returned)
    with pytest.raises(TypeError, match="hook .* returned a"):
        (x * 2).sum().backward()
    assert x.grad is None


class _ListBackward(ag.Function):
    @staticmethod
    def forward(ctx, x, y):
        return x * y

    @staticmethod
    def backward(ctx, g):
        return [g, g]


class _FloatBackward(ag.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return 2.0


def test_a_custom_backward_returning_a_list_or_a_number_is_named():
    x, y = _f64([1.0], True), _f64([2.0], True)
    with pytest.raises(TypeError, match="_ListBackward.backward returned a list"):
        _ListBackward.apply(x, y).sum().backward()
    with pytest.raises(TypeError, match="_FloatBackward.backward returned a float"):
        _FloatBackward.apply(x).sum().backward()
    assert x.grad is None and y.grad is None


# ---- second derivatives: what a forward saves is declared by role ---------------------------------------------


class _SavesDerived(ag.Function):
    """Saves 2x, a derived array: fine for a first derivative, impossible to differentiate through."""

    @staticmethod
    def forward(ctx, x):
        ctx.two_x = 2 * x
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g * ctx.two_x


class _SavesDerivedPyTorchStyle(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(2 * x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (two_x,) = ctx.saved_tensors
        return g * two_x


class _SquareByRoles(ag.Function):
    saves = {"x": 0}

    @staticmethod
    def forward(ctx, x):
        ctx.x = x
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g * 2 * ctx.x


class _ExpSavingItsOutput(ag.Function):
    @staticmethod
    def forward(ctx, x):
        out = np.exp(x)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out


class _WrongRole(ag.Function):
    saves = {"x": 0}

    @staticmethod
    def forward(ctx, x):
        ctx.x = x * 1.0  # declared as the input, but a copy
        return x * x

    @staticmethod
    def backward(ctx, g):
        return g * 2 * ctx.x


@pytest.mark.parametrize("op", [_SavesDerived, _SavesDerivedPyTorchStyle])
def test_a_derived_array_saved_is_fine_first_order_and_raises_under_create_graph(op):
    x = _f64([0.5, -1.0], True)
    assert ag.gradcheck(lambda t: op.apply(t).sum(), [x])
    (g,) = ag.grad(op.apply(x).sum(), x)
    np.testing.assert_allclose(g.numpy(), 2 * x.numpy())
    with pytest.raises(RuntimeError, match="create_graph|recorded backward"):
        ag.grad(op.apply(x).sum(), x, create_graph=True)


def test_an_input_declared_by_role_that_is_another_array_raises_under_create_graph():
    x = _f64([0.5, -1.0], True)
    with pytest.raises(RuntimeError, match="declares ctx.x as input 0"):
        ag.grad(_WrongRole.apply(x).sum(), x, create_graph=True)


@pytest.mark.parametrize("op", [_SquareByRoles, _ExpSavingItsOutput])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)])
def test_inputs_and_outputs_saved_by_role_give_exact_second_derivatives(op, shape):
    x = ag.tensor(np.random.default_rng(1).uniform(-1, 1, shape), dtype="float64", requires_grad=True)
    assert ag.gradcheck(lambda t: op.apply(t).sum(), [x])
    assert ag.gradgradcheck(lambda t: op.apply(t).sum(), [x])


def test_the_readme_cube_works_to_second_order():
    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2

    x = _f64(0.7, True)
    (g,) = ag.grad(Cube.apply(x), x, create_graph=True)
    (gg,) = ag.grad(g, x)
    np.testing.assert_allclose(gg.item(), 6 * 0.7)


# ---- importing changes nothing outside the engine ------------------------------------------------------------


def test_importing_and_using_the_engine_leaves_gc_allocator_warnings_and_numpy_settings_alone():
    code = r"""
import ctypes, gc, warnings, numpy as np
calls = []
real = ctypes.CDLL
class Spy(real):
    def __getattr__(self, name):
        calls.append(name)
        return real.__getattr__(self, name)
ctypes.CDLL = Spy
before = (gc.get_threshold(), gc.isenabled(), list(warnings.filters), np.geterr(), np.get_printoptions())
import autograd_core as ag, nn, viz
x = ag.tensor(np.ones((3, 3)), requires_grad=True)
nn.Linear(3, 2)(x.astype("float32")).sum().backward()
with ag.no_grad(), ag.detect_anomaly():
    (x * 2).sum()
after = (gc.get_threshold(), gc.isenabled(), list(warnings.filters), np.geterr(), np.get_printoptions())
assert before == after, (before, after)
assert not [c for c in calls if c in ("mallopt", "malloc_trim")], calls
print("unchanged")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "unchanged" in out.stdout, out.stderr


def test_every_built_in_primitive_states_its_local_rule():
    from autograd_core.function import Function

    def subclasses(c):
        for s in c.__subclasses__():
            yield s
            yield from subclasses(s)

    built_in = [c for c in subclasses(Function) if c.__module__.startswith("autograd_core.")]
    assert len(built_in) >= 30
    for c in built_in:
        assert isinstance(c.rule, str) and c.rule.strip(), c.__name__
