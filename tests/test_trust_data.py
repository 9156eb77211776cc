"""Bad data is refused at the door with a message naming it; numerics follow PyTorch's definitions."""

import numpy as np
import pytest

import autograd_core as ag

try:
    import torch
except ImportError:  # the comparisons with PyTorch below skip
    torch = None


@pytest.mark.parametrize(
    "data",
    [
        None,
        [1.0, None],
        [[1.0, 2.0], [3.0, None]],
        np.array([1.0, "a"], dtype=object),
        np.array([1, 2], dtype=object),
        np.array(["a", "b"]),
        "aa",
        [1, "x"],
        b"bytes",
        {"a": 1},
        object(),
        np.array(["2020-01-01"], dtype="datetime64[D]"),
    ],
)
def test_non_numeric_data_raises_a_type_error_naming_it(data):
    for make in (ag.tensor, ag.Tensor, lambda d: ag.tensor(d, dtype="float32")):
        with pytest.raises(TypeError, match="a tensor holds numbers"):
            make(data)


@pytest.mark.parametrize("other", [None, "a", [1.0, None], object()])
def test_an_operand_that_is_not_a_number_raises_a_type_error(other):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    for op in (lambda: x + other, lambda: other * x, lambda: x / other, lambda: ag.maximum(x, other)):
        with pytest.raises(TypeError):
            op()


def test_a_ragged_list_is_a_value_error_naming_the_data():
    with pytest.raises(ValueError, match="cannot make a tensor from list"):
        ag.tensor([[1.0, 2.0], [3.0]])


def test_numbers_of_every_kind_still_make_tensors():
    assert ag.tensor([1, 2]).dtype == np.int64
    assert ag.tensor([1.0, 2]).dtype == ag.get_default_dtype()
    assert ag.tensor([True, False]).dtype == bool
    assert ag.tensor(np.float64(2.0)).dtype == np.float64
    assert ag.tensor([1 + 2j]).dtype.kind == "c"


def test_complex_tensors_cannot_carry_gradients():
    with pytest.raises(TypeError, match="complex"):
        ag.tensor([1 + 2j], requires_grad=True)
    x = ag.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    for make in (lambda: x * ag.tensor([1j, 2j]), lambda: x.astype(np.complex128), lambda: x + 1j):
        with pytest.raises(TypeError, match="complex"):
            make()
    with ag.no_grad():
        assert (x * ag.tensor([1j, 2j])).dtype.kind == "c"  # fine where no gradient is recorded


# ---- pow at base 0: PyTorch's gradients, and the scalar-exponent path agrees -----------------------------------

BASES = [0.0, 0.0, 0.0, 0.0, 2.0, 0.5]
EXPONENTS = [0.0, 2.0, -1.0, 0.5, 0.5, -2.0]


def _tensor_pow_grads():
    x = ag.tensor(BASES, dtype="float64", requires_grad=True)
    y = ag.tensor(EXPONENTS, dtype="float64", requires_grad=True)
    with np.errstate(all="ignore"):
        (x**y).sum().backward()
    return x.grad.numpy(), y.grad.numpy()


def test_tensor_pow_at_base_zero_follows_the_limits():
    gx, gy = _tensor_pow_grads()
    # d/dx y x^(y-1): 0 for y = 0 (PyTorch masks it), 0 for y = 2, -inf for y = -1, inf for y = 0.5
    np.testing.assert_array_equal(gx[:4], [0.0, 0.0, -np.inf, np.inf])
    # d/dy x^y log x at x = 0: 0 where y >= 0, -inf where y < 0 (inf * -inf)
    np.testing.assert_array_equal(gy[:4], [0.0, 0.0, -np.inf, 0.0])
    assert not np.isnan(gx).any() and not np.isnan(gy).any()


def test_scalar_exponent_pow_agrees_with_tensor_pow():
    gx, _ = _tensor_pow_grads()
    for i, (b, e) in enumerate(zip(BASES, EXPONENTS)):
        x = ag.tensor([b], dtype="float64", requires_grad=True)
        with np.errstate(all="ignore"):
            (x**e).sum().backward()
        assert x.grad.numpy()[0] == gx[i] or np.isclose(x.grad.numpy()[0], gx[i]), (b, e)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_pow_gradients_equal_pytorchs():
    gx, gy = _tensor_pow_grads()
    tx = torch.tensor(BASES, dtype=torch.float64, requires_grad=True)
    ty = torch.tensor(EXPONENTS, dtype=torch.float64, requires_grad=True)
    (tx**ty).sum().backward()
    np.testing.assert_allclose(gx, tx.grad.numpy())
    np.testing.assert_allclose(gy, ty.grad.numpy())


# ---- clip keeps NumPy's dtype rule ----------------------------------------------------------------------------


@pytest.mark.parametrize("lo, hi", [(1.5, 2.5), (0.5, None), (None, 2.2), (1, 2), (None, None)])
def test_clip_on_integers_gives_numpys_dtype_and_values(lo, hi):
    a = np.array([0, 1, 2, 3])
    got = ag.clip(ag.tensor(a), lo, hi)
    want = np.clip(a, lo, hi)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got.numpy(), want)


def test_clip_gradient_passes_inside_the_bounds():
    x = ag.tensor([0.0, 1.0, 2.0, 3.0], dtype="float64", requires_grad=True)
    ag.clip(x, 1.0, 2.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0, 0.0])


# ---- axis 0 / -1 on a 0-d tensor -------------------------------------------------------------------------------


@pytest.mark.parametrize("axis", [0, -1, (0,), (-1,)])
@pytest.mark.parametrize("op", ["sum", "max", "min", "mean", "logsumexp", "squeeze", "var"])
def test_a_0d_tensor_takes_axis_0_and_minus_1(op, axis):
    x = ag.tensor(1.5, dtype="float64", requires_grad=True)
    y = getattr(x, op)(axis)
    want = 0.0 if op == "var" else 1.5
    assert y.shape == () and y.item() == want
    y.backward()
    assert x.grad.item() == (0.0 if op == "var" else 1.0)
    with pytest.raises(ValueError, match="axis 1 is out of range"):
        getattr(x, op)(1)


# ---- detect_anomaly names the scope also for data that needs no gradient ---------------------------------------


def test_anomaly_names_the_scope_of_an_op_on_data_without_grad():
    with ag.detect_anomaly(), ag.name_scope("Tagger"), ag.name_scope("lstm"):
        with pytest.raises(ag.AnomalyError, match="in scope Tagger/lstm"):
            with np.errstate(all="ignore"):
                ag.tensor([-1.0, 1.0])[0:1].log()


def test_anomaly_in_data_without_grad_is_named_with_the_lstm_time_step():
    import nn

    class Tagger(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(3, 4)

        def forward(self, x):
            return self.lstm(x)[0]

    x = np.random.default_rng(0).standard_normal((6, 2, 3)).astype(np.float32)
    x[3, 1, 0] = np.nan
    with ag.detect_anomaly():
        with pytest.raises(ag.AnomalyError, match="in scope Tagger/lstm/l0/t=3 "):
            Tagger()(ag.tensor(x))


def test_python_floats_keep_full_precision_when_a_dtype_is_given():
    assert ag.tensor([0.3], dtype="float64").numpy()[0] == 0.3
    assert ag.Tensor(0.1, dtype=np.float64).item() == 0.1
    assert ag.tensor([0.3]).dtype == ag.get_default_dtype()


@pytest.mark.parametrize("bad", [[1.0, None], "ab", np.array([1j, 1j]), np.array(["a", "b"])])
def test_backward_refuses_a_gradient_that_is_not_real_numbers(bad):
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(TypeError):
        y.backward(bad)
    assert x.grad is None
    y.backward([1.0, 3.0])  # a list of numbers is fine, and the graph was not used up by the failure
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 6.0])


# ---- messages that were Python's or NumPy's own -------------------------------------------------------------


def _x():
    return ag.tensor(np.ones((2, 3), np.float32), requires_grad=True)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: _x().clip("a"), TypeError, "clip: min"),
        (lambda: _x().clip(0, [None]), TypeError, "clip: max"),
        (lambda: _x().leaky_relu("a"), TypeError, "negative_slope"),
        (lambda: ag.leaky_relu(_x(), None), TypeError, "negative_slope"),
        (lambda: _x().register_hook(3), TypeError, "register_hook needs a function"),
        (lambda: ag.gradcheck(3, [_x()]), TypeError, "gradcheck: fn"),
        (lambda: ag.gradgradcheck(lambda t: t, 3.0), TypeError, "gradgradcheck: inputs"),
        (lambda: ag.gradcheck(lambda t: t, [_x()], eps="a"), ValueError, "gradcheck: eps"),
        (lambda: ag.full((2,), "a"), TypeError, "holds numbers"),
        (lambda: ag.full((2,), [1.0, 2.0]), TypeError, "fill_value"),
        (lambda: ag.zeros(-1), ValueError, "a shape is non-negative ints"),
        (lambda: ag.randn("a"), ValueError, "a shape is non-negative ints"),
        (lambda: ag.ones(2, 1.5), ValueError, "a shape is non-negative ints"),
    ],
)
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_clip_grad_norm_names_a_bad_max_norm_or_norm_type():
    import nn

    m = nn.Linear(2, 2)
    m(ag.ones(1, 2)).sum().backward()
    before = [p.grad.numpy().copy() for p in m.parameters()]
    for bad in ("a", None, -1.0):
        with pytest.raises(ValueError, match="max_norm"):
            nn.utils.clip_grad_norm_(m.parameters(), bad)
    with pytest.raises(ValueError, match="norm_type"):
        nn.utils.clip_grad_norm_(m.parameters(), 1.0, norm_type="l2")
    for b, p in zip(before, m.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), b)
