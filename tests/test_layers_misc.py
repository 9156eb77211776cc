"""Dropout, batch norm and embedding: gradients (float64 gradcheck), train/eval behaviour, PyTorch parity, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_core as ag
import nn
import nn.functional as F


def t64(a, requires_grad=True):
    return ag.tensor(np.asarray(a, dtype=np.float64), requires_grad=requires_grad)


# ---- dropout ---------------------------------------------------------------------------------


def test_dropout_gradcheck_with_a_fixed_rng():
    x = t64(np.random.default_rng(0).standard_normal((4, 5)))
    assert ag.gradcheck(lambda a: F.dropout(a, 0.4, rng=np.random.default_rng(7)), [x])


def test_dropout_zeroes_and_scales_and_its_gradient_follows_the_mask():
    x = t64(np.ones((50, 40)))
    y = F.dropout(x, 0.25, rng=1)
    kept = y.numpy() != 0
    np.testing.assert_allclose(y.numpy()[kept], 1 / 0.75)
    assert 0.2 < 1 - kept.mean() < 0.3
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), kept / 0.75)


def test_dropout_keeps_the_mean_on_average():
    x = ag.ones(200_000)
    assert F.dropout(x, 0.6, rng=3).numpy().mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_seeds_are_reproducible_and_manual_seed_applies():
    x = ag.ones(100)
    np.testing.assert_array_equal(F.dropout(x, rng=5).numpy(), F.dropout(x, rng=5).numpy())
    nn.init.manual_seed(11)
    a = F.dropout(x).numpy()
    nn.init.manual_seed(11)
    np.testing.assert_array_equal(a, F.dropout(x).numpy())


def test_dropout_edges_and_eval():
    x = t64(np.arange(6.0))
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).numpy(), np.zeros(6))
    m = nn.Dropout(0.5)
    assert repr(m) == "Dropout(p=0.5, inplace=False)"
    assert m.eval()(x) is x
    assert (m.train()(ag.ones(1000)).numpy() == 0).any()


def test_dropout_bad_p():
    with pytest.raises(ValueError, match="between 0 and 1, got 1.5"):
        F.dropout(ag.ones(3), 1.5)
    with pytest.raises(ValueError, match="between 0 and 1, got -0.1"):
        nn.Dropout(-0.1)


# ---- batch norm ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (3, 2, 2, 3)])
def test_batch_norm_train_gradcheck(shape):
    rng = np.random.default_rng(1)
    x = t64(rng.standard_normal(shape) * 2 + 1)
    w, b = t64(rng.uniform(0.5, 1.5, shape[1])), t64(rng.standard_normal(shape[1]))
    assert ag.gradcheck(lambda a, c, d: F.batch_norm(a, None, None, c, d, training=True), [x, w, b])


def test_batch_norm_eval_gradcheck():
    rng = np.random.default_rng(2)
    x, w, b = t64(rng.standard_normal((4, 3, 2))), t64(rng.standard_normal(3)), t64(rng.standard_normal(3))
    rm, rv = rng.standard_normal(3), rng.uniform(0.5, 2, 3)
    assert ag.gradcheck(lambda a, c, d: F.batch_norm(a, rm, rv, c, d, training=False), [x, w, b])


def test_batch_norm_train_normalises_each_channel_and_updates_running_stats():
    rng = np.random.default_rng(3)
    scale, shift = np.array([1.0, 5.0, 0.1])[:, None, None], np.array([0, 3, -2])[:, None, None]
    x = rng.standard_normal((8, 3, 4, 4)) * scale + shift
    rm, rv = np.zeros(3), np.ones(3)
    y = F.batch_norm(t64(x, False), rm, rv, training=True, momentum=0.2).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-12)
    np.testing.assert_allclose(y.var(axis=(0, 2, 3)), 1, rtol=1e-3)  # var / (var + eps)
    np.testing.assert_allclose(rm, 0.2 * x.mean(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(rv, 0.8 + 0.2 * x.var(axis=(0, 2, 3), ddof=1), rtol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(2, 5),
    c=st.integers(1, 4),
    spatial=st.lists(st.integers(1, 3), max_size=2),
    seed=st.integers(0, 2**16),
)
def test_batch_norm_output_is_standardised_for_any_shape(n, c, spatial, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, *spatial)) * rng.uniform(0.5, 5, (1, c) + (1,) * len(spatial)) + 3
    w, b = rng.uniform(0.5, 2, c), rng.standard_normal(c)
    y = F.batch_norm(t64(x, False), None, None, w, b, training=True, eps=0.0).numpy()
    axes = (0,) + tuple(range(2, x.ndim))
    np.testing.assert_allclose(y.mean(axis=axes), b, atol=1e-9)
    np.testing.assert_allclose(y.std(axis=axes), w, rtol=1e-7)


def test_batchnorm_module_train_then_eval():
    rng = np.random.default_rng(4)
    bn = nn.BatchNorm1d(2)
    batches = [rng.standard_normal((16, 2)) * 3 + 5 for _ in range(60)]
    for xb in batches:
        bn(ag.tensor(xb, dtype="float32"))
    assert int(bn.num_batches_tracked) == 60
    data = np.concatenate(batches)
    np.testing.assert_allclose(bn.running_mean, data.mean(0), atol=0.3)
    np.testing.assert_allclose(bn.running_var, data.var(0), rtol=0.2)
    bn.eval()
    before = bn.running_mean.copy()
    x = ag.tensor(
        np.full((1, 2), 5.0), dtype="float32"
    )  # eval mode works on one sample and uses the running statistics
    y = bn(x).numpy()
    np.testing.assert_allclose(y[0], (5.0 - bn.running_mean) / np.sqrt(bn.running_var + 1e-5), rtol=1e-5)
    np.testing.assert_array_equal(bn.running_mean, before)


def test_batchnorm_momentum_none_is_a_cumulative_average():
    bn = nn.BatchNorm1d(1, momentum=None, affine=False)
    xs = [np.array([[1.0], [3.0]]), np.array([[5.0], [9.0]])]
    for x in xs:
        bn(ag.tensor(x, dtype="float32"))
    np.testing.assert_allclose(bn.running_mean, [(2.0 + 7.0) / 2])


def test_batchnorm_without_running_stats_uses_batch_stats_in_eval():
    bn = nn.BatchNorm2d(2, track_running_stats=False).eval()
    y = bn(ag.tensor(np.random.default_rng(5).standard_normal((3, 2, 2, 2)), dtype="float32")).numpy()
    np.testing.assert_allclose(y.mean(axis=(0, 2, 3)), 0, atol=1e-6)
    assert list(bn.state_dict()) == ["weight", "bias"]


def test_batchnorm_state_dict_and_repr():
    bn = nn.BatchNorm2d(3)
    assert list(bn.state_dict()) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert repr(bn) == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    bn(ag.tensor(np.random.default_rng(6).standard_normal((2, 3, 2, 2)), dtype="float32"))
    other = nn.BatchNorm2d(3)
    other.load_state_dict(bn.state_dict())
    np.testing.assert_array_equal(other.running_var, bn.running_var)
    assert int(other.num_batches_tracked) == 1


def test_batchnorm_bad_input():
    with pytest.raises(ValueError, match=r"BatchNorm2d: expected a 4D input, got shape \(2, 3\)"):
        nn.BatchNorm2d(3)(ag.zeros(2, 3))
    with pytest.raises(ValueError, match=r"expected a 2D or 3D input, got shape \(1, 1, 1, 1\)"):
        nn.BatchNorm1d(1)(ag.zeros(1, 1, 1, 1))
    bn = nn.BatchNorm1d(3)
    with pytest.raises(
        ValueError,
        match=r"running_mean must have shape \(4,\) for an input with 4 channels "
        r"\(shape \(2, 4\)\), got \(3,\)",
    ):
        bn(ag.zeros(2, 4))
    assert int(bn.num_batches_tracked) == 0
    with pytest.raises(ValueError, match=r"weight must have shape \(4,\) .* got \(3,\)"):
        F.batch_norm(ag.zeros(2, 4), None, None, weight=np.ones(3), training=True)
    with pytest.raises(ValueError, match=r"more than 1 value per channel when training, got input shape \(1, 3\)"):
        nn.BatchNorm1d(3)(ag.zeros(1, 3))
    with pytest.raises(ValueError, match="needs running_mean and running_var"):
        F.batch_norm(ag.zeros(2, 3), None, None)


@pytest.mark.parametrize(
    "cls,shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (3, 3, 4, 2))]
)
def test_batchnorm_matches_pytorch_train_and_eval(cls, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(7)
    ours = getattr(nn, cls)(3, momentum=0.3)
    theirs = getattr(torch.nn, cls)(3, momentum=0.3).double()
    w, b = rng.uniform(0.5, 2, 3), rng.standard_normal(3)
    ours.weight.data, ours.bias.data = w.copy(), b.copy()  # float64 throughout, to compare at 1e-9
    ours.running_mean, ours.running_var = np.zeros(3), np.ones(3)  # assigning a buffer keeps it a buffer
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w))
        theirs.bias.copy_(torch.tensor(b))
    for _step in range(3):
        x = rng.standard_normal(shape) * 2 + 1
        g = rng.standard_normal(shape)
        xo, xt = t64(x), torch.tensor(x, requires_grad=True)
        yo, yt = ours(xo), theirs(xt)
        (yo * g).sum().backward()
        (yt * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(yo.numpy(), yt.detach().numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy(), rtol=1e-9)
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name).numpy(), rtol=1e-6)
    ours.eval(), theirs.eval()
    x = rng.standard_normal(shape)
    np.testing.assert_allclose(ours(t64(x)).numpy(), theirs(torch.tensor(x)).detach().numpy(), rtol=1e-6)


# ---- embedding -------------------------------------------------------------------------------


def test_embedding_gradcheck_with_repeated_indices():
    w = t64(np.random.default_rng(8).standard_normal((5, 3)))
    idx = np.array([[0, 2, 2], [4, 0, 2]])
    assert ag.gradcheck(lambda a: F.embedding(idx, a), [w])


def test_embedding_backward_accumulates_repeated_indices():
    emb = nn.Embedding(4, 2)
    idx = np.array([1, 3, 1, 1])
    out = emb(idx)
    np.testing.assert_array_equal(out.numpy(), emb.weight.numpy()[idx])
    out.sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[0, 0], [3, 3], [0, 0], [1, 1]])


def test_embedding_padding_idx_row_is_zero_and_gets_no_gradient():
    emb = nn.Embedding(4, 3, padding_idx=-1)
    assert emb.padding_idx == 3 and not emb.weight.numpy()[3].any()
    assert repr(emb) == "Embedding(4, 3, padding_idx=3)"
    out = emb(np.array([[3, 0], [3, 3]]))
    assert out.shape == (2, 2, 3)
    (out * 2).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[2] * 3, [0] * 3, [0] * 3, [0] * 3])
    # by design not the true derivative (gradcheck would fail): the plain lookup's gradient, padding row cut out
    idx, g = np.array([0, 1, 1, 2]), np.random.default_rng(9).standard_normal((4, 2))
    w, v = t64(np.ones((4, 2))), t64(np.ones((4, 2)))
    (F.embedding(idx, w, padding_idx=1) * g).sum().backward()
    (F.embedding(idx, v) * g).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), v.grad.numpy() * np.array([[1], [0], [1], [1]]))


def test_embedding_init_is_standard_normal_and_from_pretrained():
    nn.init.manual_seed(0)
    w = nn.Embedding(1000, 50).weight.numpy()
    assert abs(w.mean()) < 0.02 and abs(w.std() - 1) < 0.02
    pre = nn.Embedding.from_pretrained(np.eye(3))
    assert not pre.weight.requires_grad
    np.testing.assert_array_equal(pre(np.array([2])).numpy(), [[0, 0, 1]])


def test_embedding_bad_input():
    emb = nn.Embedding(4, 2)
    with pytest.raises(ValueError, match=r"index 4 is out of range: expected 0 <= index < 4"):
        emb(np.array([0, 4]))
    with pytest.raises(ValueError, match=r"index -1 is out of range"):
        emb(np.array([-1]))
    with pytest.raises(TypeError, match="indices must be integers, got dtype float"):
        emb(np.array([0.0]))
    with pytest.raises(ValueError, match=r"weight must be 2-D .* got shape \(4,\)"):
        F.embedding(np.array([0]), ag.zeros(4))
    with pytest.raises(ValueError, match=r"padding_idx must be within \[-4, 4\), got 4"):
        nn.Embedding(4, 2, padding_idx=4)


@settings(max_examples=20, deadline=None)
@given(
    num=st.integers(1, 6),
    dim=st.integers(1, 4),
    shape=st.lists(st.integers(0, 4), max_size=3),
    seed=st.integers(0, 2**16),
)
def test_embedding_gradient_is_a_count_weighted_sum(num, dim, shape, seed):
    rng = np.random.default_rng(seed)
    w = t64(rng.standard_normal((num, dim)))
    idx = rng.integers(0, num, shape)
    g = rng.standard_normal(tuple(shape) + (dim,))
    (F.embedding(idx, w) * g).sum().backward()
    expected = np.zeros((num, dim))
    np.add.at(expected, idx.reshape(-1), g.reshape(-1, dim))
    np.testing.assert_allclose(w.grad.numpy(), expected, atol=1e-12)


def test_embedding_matches_pytorch():
    torch = pytest.importorskip("torch")
    w = np.random.default_rng(10).standard_normal((5, 3))
    idx = np.array([[1, 2, 1], [0, 4, 1]])
    ours = nn.Embedding(5, 3, padding_idx=2)
    ours.weight.data = w.copy()
    theirs = torch.nn.Embedding(5, 3, padding_idx=2).double()
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor(w))
    g = np.random.default_rng(11).standard_normal((2, 3, 3))
    (ours(idx) * g).sum().backward()
    (theirs(torch.tensor(idx)) * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(ours.weight.grad.numpy(), theirs.weight.grad.numpy())
