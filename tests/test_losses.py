"""Losses and activations: gradients (float64 gradcheck), PyTorch's reductions, stability at 1e4, bad inputs."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


def ce_reference(x, t, weight=None, ignore_index=-100, reduction="mean", eps=0.0):
    """cross_entropy in plain NumPy, class axis 1 (or 0 for a 1-D input), for comparison."""
    if x.ndim == 1:
        x, t = x[None], np.asarray(t)[None]
        squeeze = True
    else:
        squeeze = False
    c = x.shape[1]
    logp = x - x.max(1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(1, keepdims=True))
    w = np.ones(c) if weight is None else weight
    keep = t != ignore_index
    safe = np.where(keep, t, 0)
    picked = np.take_along_axis(logp, safe[:, None], 1)[:, 0]
    wt = w[safe] * keep
    nll = -picked * wt
    wshape = (1, c) + (1,) * (x.ndim - 2)
    smooth = -(logp * w.reshape(wshape)).sum(1) * keep
    loss = (1 - eps) * nll + eps / c * smooth
    if reduction == "none":
        return loss[0] if squeeze else loss
    if reduction == "sum":
        return loss.sum()
    return loss.sum() / wt.sum()


# ---- activations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fn",
    [
        F.relu,
        F.tanh,
        F.sigmoid,
        lambda x: F.leaky_relu(x, 0.2),
        F.softplus,
        lambda x: F.softmax(x, dim=0),
        lambda x: F.softmax(x, dim=-1),
        lambda x: F.log_softmax(x, dim=1),
    ],
)
def test_activation_gradcheck(fn):
    x = t64(np.random.default_rng(0).standard_normal((3, 4)) + 0.05)  # keep away from relu's kink at 0
    assert ag.gradcheck(fn, [x])


def test_softmax_sums_to_one_and_matches_exp_of_log_softmax():
    x = t64(np.random.default_rng(1).standard_normal((2, 3, 5)) * 30)
    for dim in (0, 1, 2, -1):
        s = F.softmax(x, dim=dim).numpy()
        np.testing.assert_allclose(s.sum(axis=dim), 1.0, rtol=1e-12)
        np.testing.assert_allclose(np.log(s), F.log_softmax(x, dim=dim).numpy(), rtol=1e-9, atol=1e-9)


def test_softmax_is_stable_for_huge_logits():
    x = t64([[1e4, 0.0, -1e4]])
    assert np.allclose(F.softmax(x).numpy(), [[1, 0, 0]])
    assert np.allclose(F.log_softmax(x).numpy(), [[0, -1e4, -2e4]])


def test_softplus_is_stable_and_its_gradient_is_sigmoid():
    x = t64([-1e4, -30.0, 0.0, 2.0, 1e4])
    y = F.softplus(x)
    y.sum().backward()
    expected = np.array([0.0, np.log1p(np.exp(-30.0)), np.log(2), np.log1p(np.exp(2.0)), 1e4])
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-15)  # log(1 + tiny): absolute accuracy
    with np.errstate(over="ignore"):
        sigmoid = 1 / (1 + np.exp(-x.numpy()))
    np.testing.assert_allclose(x.grad.numpy(), sigmoid, rtol=1e-12)


def test_softmax_dim_out_of_range():
    with pytest.raises(ValueError, match=r"dim 2 .*shape \(3, 4\)"):
        F.softmax(ag.zeros(3, 4), dim=2)
    with pytest.raises(TypeError, match="dim must be an int"):
        F.log_softmax(ag.zeros(3), dim=None)


def test_activation_modules_match_functionals_and_repr():
    x = t64(np.random.default_rng(2).standard_normal((2, 3)), requires_grad=False)
    pairs = [
        (nn.ReLU(), F.relu(x)),
        (nn.Tanh(), F.tanh(x)),
        (nn.Sigmoid(), F.sigmoid(x)),
        (nn.LeakyReLU(0.3), F.leaky_relu(x, 0.3)),
        (nn.Softmax(dim=0), F.softmax(x, 0)),
        (nn.LogSoftmax(dim=1), F.log_softmax(x, 1)),
    ]
    for m, expected in pairs:
        np.testing.assert_array_equal(m(x).numpy(), expected.numpy())
    assert repr(nn.ReLU()) == "ReLU()"
    assert repr(nn.LeakyReLU(0.3)) == "LeakyReLU(negative_slope=0.3)"
    assert repr(nn.Softmax(dim=1)) == "Softmax(dim=1)"
    assert repr(nn.LogSoftmax(dim=-1)) == "LogSoftmax(dim=-1)"


# ---- gradients of every loss -----------------------------------------------------------------

RNG = np.random.default_rng(3)
LOGITS_2D = RNG.standard_normal((4, 3))
TARGET_2D = np.array([0, 2, 1, 2])
LOGITS_4D = RNG.standard_normal((2, 3, 2, 2))
TARGET_4D = RNG.integers(0, 3, (2, 2, 2))
TARGET_4D[0, 1, 0] = -100
CLASS_W = np.array([0.2, 1.0, 2.5])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"label_smoothing": 0.25},
        {"weight": CLASS_W},
        {"weight": CLASS_W, "label_smoothing": 0.1},
        {"ignore_index": 1},
    ],
)
@pytest.mark.parametrize("logits,target", [(LOGITS_2D, TARGET_2D), (LOGITS_4D, TARGET_4D), (LOGITS_2D[0], np.array(2))])
def test_cross_entropy_value_and_gradcheck(logits, target, kw, reduction):
    if "ignore_index" in kw:
        target = np.where(target == -100, kw["ignore_index"], target)
    x = t64(logits)
    out = F.cross_entropy(x, target, reduction=reduction, **kw)
    ref = ce_reference(
        logits, target, kw.get("weight"), kw.get("ignore_index", -100), reduction, kw.get("label_smoothing", 0.0)
    )
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12, atol=1e-12)
    assert ag.gradcheck(lambda a: F.cross_entropy(a, target, reduction=reduction, **kw), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_gradcheck_with_weight_and_ignore_index(reduction):
    logp = t64(np.log(np.random.default_rng(4).dirichlet(np.ones(3), size=5)))
    target = np.array([0, -100, 2, 1, 2])
    assert ag.gradcheck(lambda a: F.nll_loss(a, target, weight=CLASS_W, reduction=reduction), [logp])


def test_ignore_index_is_excluded_from_the_mean():
    logits = np.random.default_rng(5).standard_normal((4, 3))
    target = np.array([1, -100, 0, -100])
    kept = F.cross_entropy(t64(logits[[0, 2]]), target[[0, 2]]).item()
    assert F.cross_entropy(t64(logits), target).item() == pytest.approx(kept, rel=1e-12)
    x = t64(logits)
    F.cross_entropy(x, target).backward()
    assert np.all(x.grad.numpy()[[1, 3]] == 0)


def test_all_targets_ignored_gives_nan_mean_like_pytorch():
    with np.errstate(invalid="ignore"):
        assert np.isnan(F.cross_entropy(t64(np.zeros((2, 3))), np.array([-100, -100])).item())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_with_class_probabilities(reduction):
    rng = np.random.default_rng(13)
    x = t64(rng.standard_normal((3, 4, 2)))
    probs = t64(rng.dirichlet(np.ones(4), (3, 2)).transpose(0, 2, 1))  # (N, C, d) summing to 1 over C
    kw = dict(weight=CLASS_W.tolist() + [0.7], label_smoothing=0.2, reduction=reduction)
    assert ag.gradcheck(lambda a, p: F.cross_entropy(a, p, **kw), [x, probs])
    # one-hot probabilities give the class-index loss (with weights, 'mean' normalises differently, as in PyTorch)
    idx = rng.integers(0, 4, (3, 2))
    one_hot = np.moveaxis(np.eye(4)[idx], -1, 1)
    for kw in ({"reduction": reduction, "label_smoothing": 0.3}, {"reduction": "sum", "weight": np.arange(1.0, 5)}):
        np.testing.assert_allclose(
            F.cross_entropy(x, one_hot, **kw).numpy(), F.cross_entropy(x, idx, **kw).numpy(), rtol=1e-12
        )


def test_label_smoothing_one_is_the_uniform_target():
    logits = np.random.default_rng(6).standard_normal((3, 4))
    out = F.cross_entropy(t64(logits), np.array([0, 1, 2]), label_smoothing=1.0).item()
    logp = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    assert out == pytest.approx(-logp.mean(), rel=1e-12)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_mse_loss_gradcheck(reduction):
    rng = np.random.default_rng(7)
    a, b = t64(rng.standard_normal((3, 2))), t64(rng.standard_normal((3, 2)))
    assert ag.gradcheck(lambda x, y: F.mse_loss(x, y, reduction=reduction), [a, b])
    expected = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction]((a.numpy() - b.numpy()) ** 2)
    np.testing.assert_allclose(F.mse_loss(a, b, reduction=reduction).numpy(), expected)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_gradcheck(reduction):
    rng = np.random.default_rng(8)
    p = t64(rng.uniform(0.05, 0.95, (3, 4)))
    t = t64(rng.uniform(0, 1, (3, 4)))
    w = rng.uniform(0.5, 2, (4,))
    assert ag.gradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=w, reduction=reduction), [p, t])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bce_with_logits_gradcheck_and_equals_bce_of_sigmoid(reduction):
    rng = np.random.default_rng(9)
    x = t64(rng.standard_normal((3, 4)) * 3)
    t = t64(rng.uniform(0, 1, (3, 4)))
    pw = rng.uniform(0.5, 3, (4,))
    assert ag.gradcheck(
        lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=pw, reduction=reduction), [x, t]
    )
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(x, t, reduction=reduction).numpy(),
        F.binary_cross_entropy(F.sigmoid(x), t, reduction=reduction).numpy(),
        rtol=1e-10,
    )


# probabilities at and near the clamps (0, 1, below float32's smallest normal, where p (1 - p) < 1e-12) and inside
BCE_P = [0.0, 1.0, 0.0, 1.0, 0.0, 1e-13, 1e-30, 1e-45, 1 - 1e-7, 1 - 1e-13, 0.3, 0.5, 2e-12, 0.999]
BCE_T = [1.0, 0.0, 0.0, 1.0, 0.3, 0.5, 1.0, 1.0, 0.2, 0.0, 0.7, 0.5, 1.0, 0.25]


def bce_reference(p, t):
    """PyTorch's formulas in NumPy: the loss with each log clamped at -100, d/dp = (p - t) / max(p (1 - p), eps)
    with eps = 1e-12 as a float32 (in float64 too), d/dt = log(1 - p) - log(p)."""
    eps = p.dtype.type(np.float32(1e-12))
    with np.errstate(divide="ignore"):
        loss = -(t * np.maximum(np.log(p), -100) + (1 - t) * np.maximum(np.log(1 - p), -100))
        return loss, (p - t) / np.maximum(p * (1 - p), eps), np.log(1 - p) - np.log(p)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_clamps_each_log_at_minus_100_in_every_dtype(dtype):
    out = F.binary_cross_entropy(
        ag.tensor(np.array([0.0, 1.0], dtype)), ag.tensor(np.array([1.0, 0.0], dtype)), reduction="none"
    )
    assert out.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), [100.0, 100.0])  # not 87.34 = -log(float32's smallest normal)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_values_and_gradients_at_its_clamps_follow_pytorchs_formulas(dtype):
    p_np, t_np = np.array(BCE_P, dtype), np.array(BCE_T, dtype)
    p, t = ag.tensor(p_np, requires_grad=True), ag.tensor(t_np, requires_grad=True)
    loss = F.binary_cross_entropy(p, t, reduction="none")
    loss.sum().backward()
    want_loss, want_gp, want_gt = bce_reference(p_np, t_np)
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(loss.numpy(), want_loss, rtol=rtol)
    np.testing.assert_allclose(p.grad.numpy(), want_gp, rtol=rtol)
    np.testing.assert_allclose(t.grad.numpy(), want_gt, rtol=rtol)  # +-inf where p is 0 or 1, as in PyTorch
    assert p.grad.numpy()[0] == pytest.approx(-1e12, rel=1e-6)  # (0 - 1) / eps: the clamp's gradient is not 0


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_at_its_clamps_matches_pytorch(dtype, reduction):
    torch = pytest.importorskip("torch")
    p_np, t_np = np.array(BCE_P, dtype), np.array(BCE_T, dtype)
    w = np.linspace(0.5, 2.0, p_np.size).astype(dtype)
    p, t = ag.tensor(p_np, requires_grad=True), ag.tensor(t_np, requires_grad=True)
    F.binary_cross_entropy(p, t, weight=w, reduction=reduction).sum().backward()
    tp, tt = torch.tensor(p_np, requires_grad=True), torch.tensor(t_np, requires_grad=True)
    theirs = torch.nn.functional.binary_cross_entropy(tp, tt, weight=torch.tensor(w), reduction=reduction)
    theirs.sum().backward()
    rtol = 1e-6 if dtype == np.float32 else 1e-12
    ours = F.binary_cross_entropy(ag.tensor(p_np), ag.tensor(t_np), weight=w, reduction=reduction)
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=rtol)
    np.testing.assert_allclose(p.grad.numpy(), tp.grad.numpy(), rtol=rtol)
    np.testing.assert_allclose(t.grad.numpy(), tt.grad.numpy(), rtol=rtol)


def test_binary_cross_entropy_second_derivatives_in_both_arguments():
    rng = np.random.default_rng(13)
    p, t = t64(rng.uniform(0.05, 0.95, (3, 4))), t64(rng.uniform(0, 1, (3, 4)))
    assert ag.gradgradcheck(lambda a, b: F.binary_cross_entropy(a, b, weight=np.arange(1.0, 5.0)), [p, t])


# ---- stability at 1e4 ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_stable_for_logits_1e4(dtype):
    x = ag.tensor(np.array([[1e4, -1e4, 0.0], [0.0, 1e4, 1e4]], dtype), requires_grad=True)
    loss = F.cross_entropy(x, np.array([1, 0]), reduction="sum")
    loss.backward()
    # row 0: logsumexp = 1e4, loss = 1e4 - (-1e4); row 1: logsumexp = 1e4 + log 2, loss = 1e4 + log 2
    assert loss.item() == pytest.approx(2e4 + 1e4 + np.log(2), rel=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), [[1, -1, 0], [-1, 0.5, 0.5]], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_stable_for_logits_1e4(dtype):
    x = ag.tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype), requires_grad=True)
    t = np.array([0.0, 1.0, 1.0, 0.0], dtype)
    loss = F.binary_cross_entropy_with_logits(x, t, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.numpy(), [1e4, 1e4, 0, 0], atol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), [1, -1, 0, 0], atol=1e-6)


# ---- property: any shape and class count -----------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 5),
    c=st.integers(1, 5),
    extra=st.lists(st.integers(1, 3), max_size=2),
    smoothing=st.sampled_from([0.0, 0.3]),
    seed=st.integers(0, 2**16),
)
def test_cross_entropy_matches_reference_for_any_shape(n, c, extra, smoothing, seed):
    rng = np.random.default_rng(seed)
    logits = rng.standard_normal((n, c, *extra)) * 5
    target = rng.integers(0, c, (n, *extra))
    out = F.cross_entropy(t64(logits, False), target, label_smoothing=smoothing)
    assert out.item() == pytest.approx(ce_reference(logits, target, eps=smoothing), rel=1e-10, abs=1e-12)


# ---- modules ---------------------------------------------------------------------------------


def test_loss_modules_call_their_functionals():
    rng = np.random.default_rng(10)
    x, tgt = t64(rng.standard_normal((4, 3))), np.array([0, 1, 2, 1])
    p, y = t64(rng.uniform(0.1, 0.9, (4, 3))), t64(rng.uniform(0, 1, (4, 3)))
    cases = [
        (
            nn.CrossEntropyLoss(weight=CLASS_W, label_smoothing=0.1, reduction="sum")(x, tgt),
            F.cross_entropy(x, tgt, weight=CLASS_W, label_smoothing=0.1, reduction="sum"),
        ),
        (nn.NLLLoss(ignore_index=1)(x, tgt), F.nll_loss(x, tgt, ignore_index=1)),
        (nn.MSELoss(reduction="none")(p, y), F.mse_loss(p, y, reduction="none")),
        (nn.BCELoss()(p, y), F.binary_cross_entropy(p, y)),
        (
            nn.BCEWithLogitsLoss(pos_weight=np.full(3, 2.0))(x, y),
            F.binary_cross_entropy_with_logits(x, y, pos_weight=np.full(3, 2.0)),
        ),
    ]
    for got, expected in cases:
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
    assert repr(nn.CrossEntropyLoss()) == "CrossEntropyLoss()"
    assert list(nn.CrossEntropyLoss(weight=CLASS_W).state_dict()) == ["weight"]


# ---- bad input -------------------------------------------------------------------------------


def test_bad_target_shape_names_expected_and_given():
    with pytest.raises(ValueError, match=r"target must have shape \(4,\), got \(4, 1\)"):
        F.cross_entropy(ag.zeros(4, 3), np.zeros((4, 1), int))
    with pytest.raises(ValueError, match=r"target must have shape \(2, 5\), got \(2,\)"):
        F.nll_loss(ag.zeros(2, 3, 5), np.zeros(2, int))


def test_class_index_out_of_range():
    with pytest.raises(ValueError, match=r"class index 3 is out of range: expected 0 <= index < 3"):
        F.cross_entropy(ag.zeros(2, 3), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"class index -1 is out of range"):
        F.nll_loss(ag.zeros(2, 3), np.array([-1, 0]))


def test_float_targets_must_be_probabilities_of_the_input_shape():
    with pytest.raises(
        ValueError,
        match=r"class probabilities and must have the input's shape \(2, 3\), got \(2,\) "
        r"\(class indices must be integers\)",
    ):
        F.cross_entropy(ag.zeros(2, 3), np.array([0.0, 1.0]))
    with pytest.raises(TypeError, match="integer class indices, got dtype bool"):
        F.nll_loss(ag.zeros(2, 3), np.array([True, False]))


def test_bad_weight_reduction_and_smoothing():
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\).*got \(2,\)"):
        F.cross_entropy(ag.zeros(2, 3), np.array([0, 1]), weight=np.ones(2))
    with pytest.raises(ValueError, match="reduction must be one of .* got 'avg'"):
        F.mse_loss(ag.zeros(2), ag.zeros(2), reduction="avg")
    with pytest.raises(ValueError, match="reduction must be one of"):
        nn.CrossEntropyLoss(reduction="batchmean")
    with pytest.raises(ValueError, match=r"label_smoothing must be in \[0, 1\], got 1.5"):
        F.cross_entropy(ag.zeros(2, 3), np.array([0, 1]), label_smoothing=1.5)
    with pytest.raises(ValueError, match="0-d input"):
        F.cross_entropy(ag.zeros(()), np.array(0))


def test_elementwise_losses_need_equal_shapes():
    for fn in (F.mse_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits):
        with pytest.raises(ValueError, match=r"target shape \(3, 1\) must equal the input shape \(3,\)"):
            fn(ag.full((3,), 0.5), ag.full((3, 1), 0.5))


def test_elementwise_weights_must_broadcast_to_the_input():
    p = ag.full((3, 4), 0.5)
    with pytest.raises(ValueError, match=r"weight of shape \(3,\) does not broadcast to the input's shape \(3, 4\)"):
        F.binary_cross_entropy(p, p, weight=np.ones(3))
    with pytest.raises(ValueError, match=r"pos_weight of shape \(2, 3, 4\) does not broadcast"):
        F.binary_cross_entropy_with_logits(p, p, pos_weight=np.ones((2, 3, 4)))


@pytest.mark.parametrize("bad", [1.5, -1e-7, 1 + 1e-7, np.nan, np.inf, -np.inf])
def test_binary_cross_entropy_rejects_non_probabilities_in_the_input_and_the_target(bad):
    good = np.array([0.0, 0.5, 1.0])
    with_bad = np.array([0.5, bad, 0.0])
    with pytest.raises(
        ValueError,
        match=rf"every input element must be a probability in \[0, 1\], got {bad}.*"
        "with_logits",
    ):
        F.binary_cross_entropy(ag.tensor(with_bad), ag.tensor(good))
    with pytest.raises(ValueError, match=rf"every target element must be a probability in \[0, 1\], got {bad}"):
        F.binary_cross_entropy(ag.tensor(good), ag.tensor(with_bad))


# ---- PyTorch ---------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "name",
    [
        "cross_entropy",
        "cross_entropy_smooth_weight",
        "cross_entropy_4d",
        "cross_entropy_probs",
        "nll_loss",
        "mse_loss",
        "binary_cross_entropy",
        "binary_cross_entropy_with_logits",
    ],
)
def test_losses_match_pytorch(name, reduction):
    torch = pytest.importorskip("torch")
    tF = torch.nn.functional
    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, 4))
    y = rng.uniform(0, 1, (5, 4))
    cls = np.array([0, 3, -100, 1, 2])
    cases = {
        "cross_entropy": (x, cls, {}),
        "cross_entropy_smooth_weight": (x, cls, {"weight": rng.uniform(0.5, 2, 4), "label_smoothing": 0.2}),
        "cross_entropy_4d": (
            rng.standard_normal((2, 4, 3, 2)),
            rng.integers(0, 4, (2, 3, 2)),
            {"label_smoothing": 0.1},
        ),
        "cross_entropy_probs": (
            x,
            rng.dirichlet(np.ones(4), 5),
            {"weight": rng.uniform(0.5, 2, 4), "label_smoothing": 0.15},
        ),
        "nll_loss": (np.log(rng.dirichlet(np.ones(4), 5)), cls, {"weight": rng.uniform(0.5, 2, 4)}),
        "mse_loss": (x, y, {}),
        "binary_cross_entropy": (rng.uniform(0.01, 0.99, (5, 4)), y, {"weight": rng.uniform(0.5, 2, 4)}),
        "binary_cross_entropy_with_logits": (x * 4, y, {"pos_weight": rng.uniform(0.5, 2, 4)}),
    }
    inp, target, kw = cases[name]
    fname = name.replace("_smooth_weight", "").replace("_4d", "").replace("_probs", "")
    ours_in = t64(inp)
    ours_t = target if target.dtype.kind == "i" else t64(target, False)
    ours = getattr(F, fname)(ours_in, ours_t, reduction=reduction, **kw)
    ours.sum().backward()
    theirs_in = torch.tensor(inp, requires_grad=True)
    tkw = {k: (torch.tensor(v) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    theirs = getattr(tF, fname)(theirs_in, torch.tensor(target), reduction=reduction, **tkw)
    theirs.sum().backward()
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours_in.grad.numpy(), theirs_in.grad.numpy(), rtol=1e-10, atol=1e-12)


# ---- second derivatives (the compositions are recorded by create_graph=True too) -------------


def _first_derivative(fn):
    """a -> d(sum(fn(a)))/da with its graph recorded, evaluated with grad on (gradcheck differences under no_grad)."""

    def first(a):
        with ag.enable_grad():
            return ag.grad(fn(a).sum(), a, create_graph=True)[0]

    return first


_R = np.random.default_rng(12)
_Y = ag.tensor(_R.uniform(0, 1, (3, 4)))


@pytest.mark.parametrize(
    "fn,x",
    [
        (
            lambda a: F.cross_entropy(a, np.array([0, 3, -100]), weight=np.arange(1.0, 5), label_smoothing=0.1),
            _R.standard_normal((3, 4)),
        ),
        (lambda a: F.binary_cross_entropy_with_logits(a, _Y, pos_weight=np.full(4, 2.0)), _R.standard_normal((3, 4))),
        (lambda a: F.binary_cross_entropy(a, _Y), _R.uniform(0.1, 0.9, (3, 4))),
        (lambda a: F.mse_loss(a, _Y) * a.sum(), _R.standard_normal((3, 4))),
        (lambda a: F.softmax(a, dim=0) ** 2, _R.standard_normal((3, 4))),
        (lambda a: F.batch_norm(a, None, None, training=True) ** 3, _R.standard_normal((3, 4))),
        (lambda a: F.dropout(a, 0.3, rng=1) ** 3, _R.standard_normal((3, 4))),
        (lambda a: F.embedding(np.array([1, 1, 3]), a) ** 3, _R.standard_normal((5, 2))),
    ],
    ids=["cross_entropy", "bce_with_logits", "bce", "mse", "softmax", "batch_norm", "dropout", "embedding"],
)
def test_second_derivatives(fn, x):
    assert ag.gradcheck(_first_derivative(fn), [t64(x)])


def test_gradcheck_perturbs_non_contiguous_inputs():
    # a transposed (non-contiguous) input used to be copied by gradcheck's flat view: numeric gradient all 0
    x = ag.tensor(np.random.default_rng(14).standard_normal((3, 4)).T, requires_grad=True)
    assert not x.data.flags["C_CONTIGUOUS"]
    assert ag.gradcheck(lambda a: F.mse_loss(a, ag.zeros(4, 3, dtype=np.float64), reduction="sum"), [x])
