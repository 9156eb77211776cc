"""layer_norm, group_norm, normalize, cosine_similarity, pairwise_distance, scaled_dot_product_attention,
MultiheadAttention, interpolate, pixel_shuffle: gradcheck in float64, PyTorch's numbers where it is installed,
and a PyTorch state dict that loads."""

import numpy as np
import pytest
from core_cases import values

import autograd_core as ag
import nn
import nn.functional as F

try:
    import torch
    import torch.nn.functional as TF
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def _t(a):
    return ag.tensor(np.asarray(a, np.float64), requires_grad=True)


def _same(ours, theirs, rtol=1e-10, atol=1e-12):
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)


CASES = {
    "layer_norm": (lambda x: F.layer_norm(x, (4,)), lambda x: TF.layer_norm(x, (4,)), (3, 4)),
    "layer_norm 2 axes": (lambda x: F.layer_norm(x, (3, 4)), lambda x: TF.layer_norm(x, (3, 4)), (2, 3, 4)),
    "group_norm": (lambda x: F.group_norm(x, 2), lambda x: TF.group_norm(x, 2), (2, 4, 3)),
    "normalize": (lambda x: F.normalize(x), lambda x: TF.normalize(x), (3, 4)),
    "normalize p1 dim0": (lambda x: F.normalize(x, 1, 0), lambda x: TF.normalize(x, 1, 0), (3, 4)),
    "interp nearest 1d": (lambda x: F.interpolate(x, size=7), lambda x: TF.interpolate(x, size=7), (1, 2, 4)),
    "interp nearest 2d x2": (
        lambda x: F.interpolate(x, scale_factor=2),
        lambda x: TF.interpolate(x, scale_factor=2),
        (1, 2, 3, 3),
    ),
    "interp nearest down": (
        lambda x: F.interpolate(x, size=(2, 3)),
        lambda x: TF.interpolate(x, size=(2, 3)),
        (1, 1, 5, 7),
    ),
    "interp linear": (
        lambda x: F.interpolate(x, size=7, mode="linear"),
        lambda x: TF.interpolate(x, size=7, mode="linear"),
        (2, 1, 4),
    ),
    "interp linear ac": (
        lambda x: F.interpolate(x, size=7, mode="linear", align_corners=True),
        lambda x: TF.interpolate(x, size=7, mode="linear", align_corners=True),
        (2, 1, 4),
    ),
    "interp bilinear": (
        lambda x: F.interpolate(x, scale_factor=1.5, mode="bilinear"),
        lambda x: TF.interpolate(x, scale_factor=1.5, mode="bilinear"),
        (1, 2, 4, 4),
    ),
    "interp bilinear down": (
        lambda x: F.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False),
        lambda x: TF.interpolate(x, size=(3, 2), mode="bilinear", align_corners=False),
        (1, 1, 5, 6),
    ),
    "pixel_shuffle": (lambda x: F.pixel_shuffle(x, 2), lambda x: TF.pixel_shuffle(x, 2), (1, 8, 2, 3)),
}


@pytest.mark.parametrize("name", CASES)
def test_gradcheck_and_gradgradcheck(name):
    ours, _, shape = CASES[name]
    x = _t(values(shape))
    assert ag.gradcheck(lambda t: ours(t), [x])
    assert ag.gradgradcheck(lambda t: ours(t * t), [x])  # squared first: linear ones have a second derivative too


@needs_torch
@pytest.mark.parametrize("name", CASES)
def test_values_and_gradients_equal_pytorchs(name):
    ours, theirs, shape = CASES[name]
    a = values(shape)
    x, tx = _t(a), torch.tensor(a, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    _same(y, ty)
    w = np.random.default_rng(1).standard_normal(ty.shape)
    (y * ag.tensor(w)).sum().backward()
    (ty * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-9, atol=1e-12)


@needs_torch
def test_distances_equal_pytorchs():
    a, b = values((3, 5)), values((3, 5))
    _same(F.cosine_similarity(_t(a), _t(b)), TF.cosine_similarity(torch.tensor(a), torch.tensor(b)))
    _same(F.cosine_similarity(_t(a), _t(b), dim=0), TF.cosine_similarity(torch.tensor(a), torch.tensor(b), dim=0))
    _same(F.pairwise_distance(_t(a), _t(b)), TF.pairwise_distance(torch.tensor(a), torch.tensor(b)))
    _same(
        F.pairwise_distance(_t(a), _t(b), p=1, keepdim=True),
        TF.pairwise_distance(torch.tensor(a), torch.tensor(b), p=1, keepdim=True),
    )
    assert ag.gradcheck(lambda x, y: F.cosine_similarity(x, y), [_t(a), _t(b)])


@pytest.mark.parametrize("mask", ["none", "bool", "float", "causal"])
def test_scaled_dot_product_attention(mask):
    rng = np.random.default_rng(2)
    q, k, v = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 5, 6))
    m = {"none": None, "bool": rng.random((3, 5)) > 0.3, "float": rng.standard_normal((3, 5)), "causal": None}[mask]
    if mask == "bool":
        m[:, 0] = True  # every query may attend somewhere
    kw = dict(attn_mask=m, is_causal=mask == "causal")
    if mask == "causal":
        k, v = k[:, :3], v[:, :3]
    ts = [_t(a) for a in (q, k, v)]
    assert ag.gradcheck(lambda *t: F.scaled_dot_product_attention(*t, **kw), ts)
    assert ag.gradgradcheck(lambda *t: F.scaled_dot_product_attention(*t, **kw), [_t(a[:1]) for a in (q, k, v)])
    if torch is not None:
        tm = None if m is None else torch.tensor(m)
        want = TF.scaled_dot_product_attention(
            *(torch.tensor(a) for a in (q, k, v)), attn_mask=tm, is_causal=mask == "causal"
        )
        _same(F.scaled_dot_product_attention(*ts, **kw), want)


@needs_torch
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["none", "key_padding", "causal"])
def test_multihead_attention_loads_pytorchs_state_dict_and_gives_its_outputs_and_gradients(batch_first, masks):
    torch.manual_seed(0)
    theirs = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first).double()
    ours = nn.MultiheadAttention(8, 2, batch_first=batch_first)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    ours.double()
    assert sorted(dict(ours.named_parameters())) == sorted(dict(theirs.named_parameters()))
    rng = np.random.default_rng(3)
    shape = (2, 4, 8) if batch_first else (4, 2, 8)
    q, k = rng.standard_normal(shape), rng.standard_normal(shape)
    kw, tkw = {}, {}
    if masks == "key_padding":
        pad = np.array([[False, False, True, True], [False, False, False, True]])
        kw["key_padding_mask"], tkw["key_padding_mask"] = pad, torch.tensor(pad)
    if masks == "causal":
        causal = ~np.tril(np.ones((4, 4), bool))
        kw["attn_mask"], tkw["attn_mask"] = causal, torch.tensor(causal)
    x, y = _t(q), _t(k)
    out, w = ours(x, y, y, **kw)
    tx, ty = torch.tensor(q, requires_grad=True), torch.tensor(k, requires_grad=True)
    tout, tw = theirs(tx, ty, ty, **tkw)
    _same(out, tout, rtol=1e-9)
    _same(w, tw, rtol=1e-9)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(
        ours.in_proj_weight.grad.numpy(), theirs.in_proj_weight.grad.numpy(), rtol=1e-8, atol=1e-12
    )


def test_layer_modules_and_bad_arguments():
    x = ag.randn(2, 4, 3, 3, rng=0)
    assert nn.LayerNorm((3, 3))(x).shape == x.shape and nn.GroupNorm(2, 4)(x).shape == x.shape
    assert nn.Upsample(scale_factor=2)(x).shape == (2, 4, 6, 6) and nn.PixelShuffle(2)(x).shape == (2, 1, 6, 6)
    assert sorted(dict(nn.LayerNorm(3).named_parameters())) == ["bias", "weight"]
    with pytest.raises(ValueError, match="normalized_shape"):
        F.layer_norm(x, (4,))
    with pytest.raises(ValueError, match="num_groups"):
        nn.GroupNorm(3, 4)
    with pytest.raises(ValueError, match="exactly one"):
        F.interpolate(x, size=2, scale_factor=2)
    with pytest.raises(ValueError, match="mode"):
        F.interpolate(x, size=2, mode="cubic")
    with pytest.raises(ValueError, match="divide"):
        nn.MultiheadAttention(6, 4)


TRANSPOSED = [
    ((2, 4, 5), (4, 3, 3), {}),
    ((2, 4, 5), (4, 3, 3), {"stride": 2}),
    ((2, 4, 5), (4, 3, 3), {"stride": 2, "padding": 1, "output_padding": 1}),
    ((2, 2, 6), (2, 3, 1), {"padding": 1}),  # padding wider than the kernel's reach: cropped
    ((1, 4, 5, 6), (4, 2, 3, 2), {"stride": (2, 1), "padding": (1, 0), "dilation": 2, "groups": 2}),
    ((1, 2, 4, 4), (2, 3, 3, 3), {"stride": 3, "padding": 2, "output_padding": 2}),
    ((2, 4, 4), (2, 3, 3, 3), {"stride": 2}),
]  # unbatched 2-D


@pytest.mark.parametrize("xs, ws, kw", TRANSPOSED, ids=[str(t[2]) for t in TRANSPOSED])
def test_conv_transpose_gradcheck_and_pytorch(xs, ws, kw):
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal(xs), rng.standard_normal(ws)
    b = rng.standard_normal(ws[1] * kw.get("groups", 1))
    k = len(ws) - 2
    ours = F.conv_transpose1d if k == 1 else F.conv_transpose2d
    assert ag.gradcheck(lambda a, c, d: ours(a, c, d, **kw), [_t(x), _t(w), _t(b)])
    batch = x[:1] if x.ndim == len(ws) else x  # one image (an unbatched input is one already)
    assert ag.gradgradcheck(lambda a, c: ours(a, c, None, **kw), [_t(batch), _t(w)])
    if torch is not None:
        theirs = TF.conv_transpose1d if k == 1 else TF.conv_transpose2d
        _same(ours(_t(x), _t(w), _t(b), **kw), theirs(torch.tensor(x), torch.tensor(w), torch.tensor(b), **kw))


@needs_torch
@pytest.mark.parametrize("k", [1, 2])
def test_conv_transpose_modules_load_pytorchs_weights(k):
    torch.manual_seed(0)
    cls, tcls = (
        (nn.ConvTranspose1d, torch.nn.ConvTranspose1d) if k == 1 else (nn.ConvTranspose2d, torch.nn.ConvTranspose2d)
    )
    theirs = tcls(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2).double()
    ours = cls(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2)
    assert {n: p.shape for n, p in ours.named_parameters()} == {n: tuple(p.shape) for n, p in theirs.named_parameters()}
    ours.load_state_dict({n: p.detach().numpy() for n, p in theirs.state_dict().items()})
    ours.double()
    x = np.random.default_rng(5).standard_normal((2, 4) + (5,) * k)
    _same(ours(ag.tensor(x)), theirs(torch.tensor(x)))


def test_conv_transpose_names_bad_arguments():
    with pytest.raises(ValueError, match="output_padding"):
        F.conv_transpose1d(ag.zeros(1, 2, 4), ag.zeros(2, 3, 3), output_padding=2, stride=2)
    with pytest.raises(ValueError, match="expects 2 input channels"):
        F.conv_transpose1d(ag.zeros(1, 3, 4), ag.zeros(2, 3, 3))


# ---- 3-D convolution and pooling, max pooling with indices and unpooling ---------------------------------------


@pytest.mark.parametrize("kw", [{}, {"stride": 2, "padding": 1}, {"dilation": (1, 2, 1), "groups": 2}])
def test_conv3d(kw):
    rng = np.random.default_rng(6)
    x, w, b = (
        rng.standard_normal((2, 4, 5, 5, 4)),
        rng.standard_normal((6, 4 // kw.get("groups", 1), 2, 3, 2)),
        rng.standard_normal(6),
    )
    assert ag.gradcheck(lambda a, c, d: F.conv3d(a, c, d, **kw), [_t(x[:1, :, :, :]), _t(w), _t(b)])
    if torch is not None:
        _same(F.conv3d(_t(x), _t(w), _t(b), **kw), TF.conv3d(torch.tensor(x), torch.tensor(w), torch.tensor(b), **kw))
    assert nn.Conv3d(4, 6, 3, padding=1)(ag.randn(1, 4, 4, 4, 4, rng=0)).shape == (1, 6, 4, 4, 4)


@needs_torch
@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize(
    "kw", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 2, "padding": 1}, {"kernel_size": 2, "dilation": 2}]
)
def test_max_pool_with_indices_and_unpool_equal_pytorchs(k, kw):
    rng = np.random.default_rng(7)
    a = np.round(rng.standard_normal((2, 3) + (6,) * k) * 2) / 2  # ties included
    ours, theirs = getattr(F, f"max_pool{k}d"), getattr(TF, f"max_pool{k}d")
    x, tx = _t(a), torch.tensor(a, requires_grad=True)
    v, i = ours(x, **kw, return_indices=True)
    tv, ti = theirs(tx, **kw, return_indices=True)
    _same(v, tv)
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    w = rng.standard_normal(tv.shape)
    (v * ag.tensor(w)).sum().backward()
    (tv * torch.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())  # to the element picked, ties too
    if "dilation" not in kw:
        un = getattr(F, f"max_unpool{k}d")(
            v, i, kw["kernel_size"], kw.get("stride"), kw.get("padding", 0), output_size=a.shape
        )
        tun = getattr(TF, f"max_unpool{k}d")(
            tv, ti, kw["kernel_size"], kw.get("stride"), kw.get("padding", 0), output_size=a.shape
        )
        _same(un, tun)


@needs_torch
def test_avg_pool3d_and_pool_modules():
    a = values((2, 3, 4, 4, 4))
    _same(F.avg_pool3d(_t(a), 2), TF.avg_pool3d(torch.tensor(a), 2))
    _same(
        nn.AvgPool3d(3, 1, 1, count_include_pad=False)(_t(a)),
        torch.nn.AvgPool3d(3, 1, 1, count_include_pad=False)(torch.tensor(a)),
    )
    v, i = nn.MaxPool2d(2, return_indices=True)(_t(a[:, :, 0]))
    back = nn.MaxUnpool2d(2)(v, i)
    assert back.shape == (2, 3, 4, 4) and (back.numpy() != 0).sum() == v.size
    assert ag.gradcheck(lambda t: F.max_unpool1d(t, np.array([[[0, 3]]]), 2), [_t(values((1, 1, 2)))])
