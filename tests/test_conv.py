"""Convolution: output sizes, a NumPy loop reference, gradcheck over a grid, shapes, bad input, PyTorch, layers."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F


def t64(a, grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=grad)


def reference_conv2d(x, w, b, stride, pads, dilation, groups):
    """The definition, one output pixel at a time: every filter's dot product with the window under it."""
    (sh, sw), (dh, dw) = stride, dilation
    x = np.pad(x, ((0, 0), (0, 0)) + tuple(pads))
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (wd - dw * (kw - 1) - 1) // sw + 1
    og = o // groups
    y = np.zeros((n, o, oh, ow))
    for i in range(n):
        for f in range(o):
            g = f // og
            for r in range(oh):
                for q in range(ow):
                    win = x[
                        i,
                        g * cg : (g + 1) * cg,
                        r * sh : r * sh + dh * (kh - 1) + 1 : dh,
                        q * sw : q * sw + dw * (kw - 1) + 1 : dw,
                    ]
                    y[i, f, r, q] = np.sum(win * w[f]) + (0 if b is None else b[f])
    return y


def as_pairs(padding, kernel, dilation):
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        tot = [d * (k - 1) for k, d in zip(kernel, dilation)]
        return tuple((t // 2, t - t // 2) for t in tot)
    p = (padding, padding) if isinstance(padding, int) else padding
    return tuple((q, q) for q in p)


# (N, C, H, W, out_channels, kernel, stride, padding, dilation, groups): odd sizes, every option
GRID = [
    (2, 3, 5, 4, 2, (3, 3), 1, 0, 1, 1),
    (1, 2, 6, 5, 3, (2, 3), 2, 1, 1, 1),
    (2, 2, 5, 5, 2, (3, 3), 1, "same", 1, 1),
    (1, 2, 4, 6, 2, (2, 2), 1, "same", 1, 1),  # even kernel: 'same' pads one more on the right
    (1, 1, 7, 6, 2, (3, 2), (2, 3), (1, 2), (2, 1), 1),
    (1, 4, 5, 4, 2, (3, 3), 1, 1, 1, 2),  # groups
    (2, 3, 4, 5, 3, (3, 3), 2, (1, 0), 1, 3),  # depthwise
    (1, 2, 6, 6, 4, (3, 3), 1, "same", 2, 2),  # dilated 'same' with groups
    (1, 3, 3, 3, 1, (3, 3), 1, "valid", 1, 1),  # the kernel covers the input: one output, "just a VNN"
    (1, 1, 3, 3, 1, (2, 2), 1, 1, 1, 1),  # the lectures' 3x3 input, padding 1, 2x2 kernel -> 4x4
]


def make(case, rng, bias=True):
    n, c, h, w, o, k, s, p, d, g = case
    x = rng.standard_normal((n, c, h, w))
    wt = rng.standard_normal((o, c // g) + k)
    b = rng.standard_normal(o) if bias else None
    return x, wt, b, s, p, d, g


def pair(v):
    return (v, v) if isinstance(v, int) else v


@pytest.mark.parametrize("case", GRID)
def test_conv2d_matches_loop_reference(case):
    x, w, b, s, p, d, g = make(case, np.random.default_rng(0))
    y = F.conv2d(ag.tensor(x), ag.tensor(w), ag.tensor(b), s, p, d, g)
    ref = reference_conv2d(x, w, b, pair(s), as_pairs(p, w.shape[2:], pair(d)), pair(d), g)
    np.testing.assert_allclose(y.numpy(), ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", GRID)
def test_conv2d_gradcheck(case):
    x, w, b, s, p, d, g = make(case, np.random.default_rng(1))
    assert ag.gradcheck(lambda x, w, b: F.conv2d(x, w, b, s, p, d, g), [t64(x), t64(w), t64(b)])


def test_conv2d_without_bias_gradcheck():
    x, w, _, s, p, d, g = make(GRID[1], np.random.default_rng(2), bias=False)
    assert ag.gradcheck(lambda x, w: F.conv2d(x, w, None, s, p, d, g), [t64(x), t64(w)])


@pytest.mark.parametrize(
    "stride,padding,dilation,groups",
    [(1, 0, 1, 1), (2, 1, 1, 1), (1, "same", 2, 1), (3, 2, 1, 2), (1, "valid", 1, 4), (2, "same", 1, 1)],
)
def test_conv1d_against_conv2d_and_gradcheck(stride, padding, dilation, groups):
    if padding == "same" and stride != 1:
        with pytest.raises(ValueError, match="same"):
            F.conv1d(ag.randn(1, 4, 7), ag.randn(4, 4 // groups, 3), stride=stride, padding=padding, groups=groups)
        return
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((2, 4, 9)), rng.standard_normal((4, 4 // groups, 3)), rng.standard_normal(4)
    y = F.conv1d(t64(x), t64(w), t64(b), stride, padding, dilation, groups)
    pad2 = padding if isinstance(padding, str) else (0, padding)
    as2d = F.conv2d(t64(x[:, :, None]), t64(w[:, :, None]), t64(b), (1, stride), pad2, (1, dilation), groups)
    np.testing.assert_allclose(y.numpy(), as2d.numpy()[:, :, 0], rtol=1e-12)
    assert ag.gradcheck(lambda x, w, b: F.conv1d(x, w, b, stride, padding, dilation, groups), [t64(x), t64(w), t64(b)])


def test_unbatched_input_like_pytorch():
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((3, 6, 5)), rng.standard_normal((2, 3, 3, 3))
    y = F.conv2d(t64(x), t64(w), padding=1)
    assert y.shape == (2, 6, 5)
    np.testing.assert_allclose(y.numpy(), F.conv2d(t64(x[None]), t64(w), padding=1).numpy()[0])
    assert F.conv1d(t64(x[0]), t64(rng.standard_normal((4, 6, 2)))).shape == (4, 4)


def test_float32_stays_float32_and_numpy_inputs_work():
    y = F.conv2d(np.ones((1, 1, 4, 4), np.float32), np.ones((1, 1, 2, 2), np.float32))
    assert y.dtype == np.float32 and y.shape == (1, 1, 3, 3) and np.all(y.numpy() == 4)


# ---- output sizes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n,f,s,p,d,expected",
    [
        (32, 5, 1, 0, 1, 28),
        (32, 5, 1, 2, 1, 32),
        (7, 3, 1, 0, 1, 5),
        (7, 3, 2, 0, 1, 3),
        (128, 5, 1, 2, 1, 128),
        (3, 2, 1, 1, 1, 4),
        (7, 3, 1, 1, 1, 7),
        (9, 3, 1, 0, 2, 5),
        (10, 3, 3, 0, 1, 3),
        (5, 5, 1, 0, 1, 1),
    ],
)
def test_conv_output_size(n, f, s, p, d, expected):
    assert F.conv_output_size(n, f, s, p, d) == expected


def test_conv_output_size_floors_like_pytorch_and_strict_names_the_remainder():
    assert F.conv_output_size(7, 3, 3) == 2  # (7 - 3)/3 + 1 = 2.33 -> 2: one column is never seen
    assert F.conv_output_size(7, 3, 2, strict=True) == 3
    with pytest.raises(ValueError, match=r"remainder 1"):
        F.conv_output_size(7, 3, 3, strict=True)
    with pytest.raises(ValueError, match=r"remainder 3"):
        F.conv_output_size(9, 2, 4, strict=True)


def test_conv_output_size_no_output_names_n_f_p_s_and_result():
    with pytest.raises(ValueError) as e:
        F.conv_output_size(3, 7, 2, 1)
    msg = str(e.value)
    for part in ("N=3", "F=7", "P=1", "S=2", "= 0"):
        assert part in msg
    with pytest.raises(ValueError, match="D=3"):
        F.conv_output_size(5, 3, 1, 0, 3)


@pytest.mark.parametrize(
    "bad",
    [
        dict(n=-1),
        dict(kernel_size=0),
        dict(stride=0),
        dict(padding=-1),
        dict(dilation=0),
        dict(stride=1.5),
        dict(kernel_size=True),
    ],
)
def test_conv_output_size_rejects_bad_arguments(bad):
    args = dict(n=7, kernel_size=3, stride=1, padding=0, dilation=1) | bad
    with pytest.raises(ValueError, match=next(iter(bad))):
        F.conv_output_size(**args)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 3),
    c=st.integers(1, 3),
    h=st.integers(1, 9),
    w=st.integers(1, 9),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    s=st.integers(1, 3),
    p=st.integers(0, 2),
    d=st.integers(1, 2),
    g=st.sampled_from([1, 2]),
    o=st.integers(1, 2),
)
def test_conv2d_shape_is_conv_output_size(n, c, h, w, kh, kw, s, p, d, g, o):
    x, wt = ag.zeros(n, c * g, h, w), ag.zeros(o * g, c, kh, kw)
    try:
        expected = (F.conv_output_size(h, kh, s, p, d), F.conv_output_size(w, kw, s, p, d))
    except ValueError:
        with pytest.raises(ValueError, match="no output"):
            F.conv2d(x, wt, stride=s, padding=p, dilation=d, groups=g)
        return
    assert F.conv2d(x, wt, stride=s, padding=p, dilation=d, groups=g).shape == (n, o * g) + expected


# ---- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x_shape,w_shape,kwargs,match",
    [
        ((1, 3, 4, 4), (2, 3, 5, 5), {}, r"N=4, F=5, P=0, S=1"),  # kernel larger than the input
        ((1, 3, 4, 4), (2, 3, 7, 3), dict(padding=1), r"N=4, F=7, P=1"),  # ... than the padded input
        ((1, 3, 4, 4), (2, 4, 3, 3), {}, r"expects 4 input channels, got 3"),
        ((1, 4, 4, 4), (2, 2, 3, 3), dict(groups=3), r"groups=3 must divide the input channels \(4\)"),
        ((1, 4, 4, 4), (3, 2, 3, 3), dict(groups=2), r"output channels \(3\)"),
        ((1, 4, 4, 4), (2, 1, 3, 3), dict(groups=2), r"expects 2 input channels, got 4"),
        ((4, 4), (2, 4, 3, 3), {}, r"\(N, C, H, W\) or \(C, H, W\), got shape \(4, 4\)"),
        ((1, 3, 4, 4), (2, 3, 3), {}, r"weight of shape \(out_channels, in_channels/groups, kH, kW\)"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(padding="full"), r"'valid' or 'same', got 'full'"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(padding="same", stride=2), r"'same' needs stride 1"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(padding=-1), r"padding must be an int >= 0"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(padding=(1, 1, 1)), r"padding must be .* tuple of 2"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(stride=0), r"stride must be an int >= 1"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(dilation=(1, 0)), r"dilation"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(groups=0), r"groups must be a positive int"),
        ((1, 3, 4, 4), (2, 3, 3, 3), dict(bias=np.zeros(3)), r"bias of shape \(2,\), got shape \(3,\)"),
    ],
)
def test_conv2d_bad_input_names_expected_and_given(x_shape, w_shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        F.conv2d(ag.zeros(*x_shape), ag.zeros(*w_shape), **kwargs)


def test_conv1d_bad_input():
    with pytest.raises(ValueError, match=r"\(N, C, L\) or \(C, L\)"):
        F.conv1d(ag.zeros(1, 2, 3, 4), ag.zeros(1, 2, 3))
    with pytest.raises(ValueError, match=r"N=3, F=4"):
        F.conv1d(ag.zeros(1, 2, 3), ag.zeros(1, 2, 4))


# ---- layers -------------------------------------------------------------------------------------


def test_conv2d_layer_shapes_init_and_repr():
    nn.init.manual_seed(0)
    m = nn.Conv2d(64, 32, 3, padding=1)
    assert m.weight.shape == (32, 64, 3, 3) and m.bias.shape == (32,)
    bound = 1 / math.sqrt(64 * 9)  # kaiming_uniform_(a=sqrt(5)) and the bias both give U(-1/sqrt(fan_in), ..)
    for p in (m.weight, m.bias):
        assert np.abs(p.numpy()).max() <= bound and np.abs(p.numpy()).max() > 0.9 * bound
    assert repr(m) == "Conv2d(64, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    m = nn.Conv2d(4, 8, (3, 5), stride=2, padding="valid", dilation=(2, 1), groups=4, bias=False)
    assert m.weight.shape == (8, 1, 3, 5) and m.bias is None
    assert repr(m) == (
        "Conv2d(4, 8, kernel_size=(3, 5), stride=(2, 2), padding=valid, dilation=(2, 1), groups=4, bias=False)"
    )
    assert [n for n, _ in nn.Conv1d(2, 3, 4).named_parameters()] == ["weight", "bias"]
    assert repr(nn.Conv1d(2, 3, 4)) == "Conv1d(2, 3, kernel_size=(4,), stride=(1,))"


def test_conv_layers_call_the_functional():
    rng = np.random.default_rng(5)
    m = nn.Conv2d(2, 4, 3, stride=2, padding=1, groups=2)
    x = ag.tensor(rng.standard_normal((2, 2, 7, 7)).astype(np.float32))
    np.testing.assert_allclose(m(x).numpy(), F.conv2d(x, m.weight, m.bias, 2, 1, 1, 2).numpy())
    m1 = nn.Conv1d(3, 2, 3, padding="same")
    x1 = ag.tensor(rng.standard_normal((2, 3, 5)).astype(np.float32))
    assert m1(x1).shape == (2, 2, 5)
    m(x).sum().backward()
    assert m.weight.grad.shape == m.weight.shape and m.bias.grad.shape == (4,)


def test_conv_layer_gradcheck_through_the_module():
    prev = ag.get_default_dtype()
    ag.set_default_dtype(np.float64)
    try:
        m = nn.Conv2d(2, 2, 3, padding=1)
    finally:
        ag.set_default_dtype(prev)
    assert ag.gradcheck(m, [t64(np.random.default_rng(6).standard_normal((1, 2, 4, 3)))])


@pytest.mark.parametrize(
    "kwargs,match",
    [
        (dict(in_channels=3, out_channels=4, kernel_size=3, groups=2), "groups=2 must divide in_channels"),
        (dict(in_channels=3, out_channels=4, kernel_size=3, padding="same", stride=2), "stride 1"),
        (dict(in_channels=3, out_channels=4, kernel_size=0), "kernel_size"),
        (dict(in_channels=0, out_channels=4, kernel_size=3), "in_channels"),
        (dict(in_channels=3, out_channels=4, kernel_size=3, padding="full"), "'same'"),
    ],
)
def test_conv_layer_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        nn.Conv2d(**kwargs)


def test_conv_layer_state_dict_loads_into_same_layout():
    a, b = nn.Conv2d(3, 4, 3), nn.Conv2d(3, 4, 3)
    b.load_state_dict(a.state_dict())
    x = ag.randn(1, 3, 5, 5)
    np.testing.assert_array_equal(a(x).numpy(), b(x).numpy())


# ---- PyTorch ------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # PyTorch's note on even kernels, not an error
@pytest.mark.parametrize("case", GRID)
def test_conv2d_matches_pytorch_forward_and_gradients(case):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    x, w, b, s, p, d, g = make(case, rng)
    xs, ws, bs = t64(x), t64(w), t64(b)
    y = F.conv2d(xs, ws, bs, s, p, d, g)
    gy = rng.standard_normal(y.shape)
    y.backward(ag.tensor(gy))
    X, W, B = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    Y = torch.nn.functional.conv2d(X, W, B, s, p, d, g)
    Y.backward(torch.tensor(gy))
    np.testing.assert_allclose(y.numpy(), Y.detach().numpy(), rtol=1e-10, atol=1e-10)
    for ours, theirs in ((xs, X), (ws, W), (bs, B)):
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("stride,padding,dilation,groups", list(itertools.product([1, 2], [0, 2], [1, 2], [1, 2])))
def test_conv1d_matches_pytorch(stride, padding, dilation, groups):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    x, w, b = rng.standard_normal((2, 4, 11)), rng.standard_normal((6, 4 // groups, 3)), rng.standard_normal(6)
    xs, ws, bs = t64(x), t64(w), t64(b)
    y = F.conv1d(xs, ws, bs, stride, padding, dilation, groups)
    y.sum().backward()
    X, W, B = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    Y = torch.nn.functional.conv1d(X, W, B, stride, padding, dilation, groups)
    Y.sum().backward()
    np.testing.assert_allclose(y.numpy(), Y.detach().numpy(), rtol=1e-10, atol=1e-10)
    for ours, theirs in ((xs, X), (ws, W), (bs, B)):
        np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-10, atol=1e-10)


def test_conv2d_layer_with_pytorch_weights_gives_pytorch_output():
    torch = pytest.importorskip("torch")
    tm = torch.nn.Conv2d(3, 5, 3, stride=2, padding=1)
    m = nn.Conv2d(3, 5, 3, stride=2, padding=1)
    m.load_state_dict({k: v.detach().numpy() for k, v in tm.state_dict().items()})
    x = np.random.default_rng(9).standard_normal((2, 3, 8, 7)).astype(np.float32)
    np.testing.assert_allclose(m(ag.tensor(x)).numpy(), tm(torch.tensor(x)).detach().numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("stride,padding,dilation,groups", [(2, 1, 1, 1), (1, "same", 2, 2)])
def test_conv2d_second_derivatives(stride, padding, dilation, groups):
    # gradcheck of the recorded backward pass (create_graph=True): the backward of sliding windows, matmul, ...
    def first_derivatives(x, w):
        with ag.enable_grad():  # gradcheck evaluates under no_grad; the first derivatives must be recorded
            y = F.conv2d(x, w, stride=stride, padding=padding, dilation=dilation, groups=groups)
            return ag.grad((y * y).sum(), (x, w), create_graph=True)

    rng = np.random.default_rng(10)
    x, w = rng.standard_normal((1, 2, 5, 4)), rng.standard_normal((2, 2 // groups, 3, 3))
    assert ag.gradcheck(first_derivatives, [t64(x), t64(w)])
