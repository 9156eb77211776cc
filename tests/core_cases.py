"""The one helper that checks an op: forward equals NumPy; first and second derivatives equal finite differences."""

import numpy as np

import autograd_core as ag

RNG = np.random.default_rng(0)


def values(shape, kind="any", rng=RNG):
    """Float64 test inputs, chosen away from the kinks of the op under test.

    any: standard normal; pos: in [0.5, 2] (log, sqrt, pow bases); away: |x| in [0.3, 2] with random signs
    (abs, relu, division); distinct: a shuffled range, so max/min/maximum never tie.
    """
    shape = tuple(shape)
    n = int(np.prod(shape))
    if kind == "any":
        a = rng.standard_normal(n)
    elif kind == "pos":
        a = rng.uniform(0.5, 2.0, n)
    elif kind == "away":
        a = rng.uniform(0.3, 2.0, n) * rng.choice([-1.0, 1.0], n)
    elif kind == "distinct":
        a = (rng.permutation(n) - n / 2) * 0.37 + rng.uniform(-0.05, 0.05, n)
    else:
        raise ValueError(kind)
    return a.reshape(shape)


def check_op(fn, ref, *arrays, gradgrad=True, atol=1e-5, rtol=1e-3, eps=1e-6):
    """fn on float64 Tensors == ref on the arrays, and ag.gradcheck (and ag.gradgradcheck) pass.

    fn may return a Tensor or a list/tuple of Tensors (split); ref the matching array(s).
    """
    ts = [ag.tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    out = fn(*ts)
    expected = ref(*[np.array(a) for a in arrays])
    outs = out if isinstance(out, (list, tuple)) else [out]
    exps = expected if isinstance(expected, (list, tuple)) else [expected]
    assert len(outs) == len(exps)
    for o, e in zip(outs, exps):
        assert isinstance(o, ag.Tensor)
        assert o.shape == np.shape(e), (o.shape, np.shape(e))
        np.testing.assert_allclose(o.numpy(), e, rtol=1e-12, atol=1e-12)
    assert ag.gradcheck(fn, ts, eps=eps, atol=atol, rtol=rtol)
    if gradgrad:
        assert ag.gradgradcheck(fn, ts, eps=eps, atol=atol, rtol=rtol)
