"""einsum (any subscripts NumPy accepts), outer, dot, cross: forward == NumPy, gradcheck and gradgradcheck."""

import numpy as np
import pytest
from core_cases import check_op, values

import autograd_core as ag

try:
    import torch
except ImportError:
    torch = None

CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    ("ii->i", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(3,), (3,)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (5, 3, 4)]),
    ("...ij,...jk->...ik", [(1, 2, 3), (5, 3, 4)]),
    ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("iij->j", [(3, 3, 2)]),
    ("ij,ij->i", [(2, 3), (2, 3)]),
    ("ij,kl->", [(2, 2), (3, 3)]),
    ("...i->...", [(2, 3, 4)]),
    ("i...->...", [(2, 3, 4)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("i j , j k -> i k", [(2, 3), (3, 2)]),
    ("ji", [(2, 3)]),
]


@pytest.mark.parametrize("spec, shapes", CASES, ids=[c[0] + str(c[1]) for c in CASES])
def test_einsum_forward_and_derivatives(spec, shapes):
    arrays = [values(s) for s in shapes]
    ref = lambda *a: np.einsum(spec, *a)
    check_op(lambda *t: ag.einsum(spec, *t), ref, *arrays)
    if len(arrays) == 1:  # linear in its one operand: square it so the backward of the backward runs
        check_op(lambda t: ag.einsum(spec, t * t), lambda a: np.einsum(spec, a * a), arrays[0])


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("spec, shapes", CASES[:14], ids=[c[0] for c in CASES[:14]])
def test_einsum_gradients_equal_pytorchs(spec, shapes):
    arrays = [values(s) for s in shapes]
    ts = [ag.tensor(a, dtype="float64", requires_grad=True) for a in arrays]
    (ag.einsum(spec, *ts) ** 2).sum().backward()
    tt = [torch.tensor(a, requires_grad=True) for a in arrays]
    (torch.einsum(spec, *tt) ** 2).sum().backward()
    for a, b in zip(ts, tt):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "spec, shapes, match",
    [
        ("ij,jk->ik", [(2, 3), (4, 4)], "letter 'j'"),
        ("ij->ii", [(2, 2)], "repeats a letter"),
        ("ij->k", [(2, 2)], "appear in no operand"),
        ("ij", [(2, 2, 2)], "names 2 axes"),
        ("i#", [(2, 2)], "letters"),
        ("ij,jk", [(2, 3)], "names 2 operands"),
    ],
)
def test_einsum_names_what_does_not_fit(spec, shapes, match):
    with pytest.raises(ValueError, match=match):
        ag.einsum(spec, *[ag.zeros(*s) for s in shapes])


def test_einsum_takes_a_list_of_operands_as_pytorch():
    a, b = values((2, 3)), values((3, 2))
    np.testing.assert_allclose(ag.einsum("ij,jk->ik", [ag.tensor(a), ag.tensor(b)]).numpy(), a @ b)


@pytest.mark.parametrize(
    "sa, sb", [((3,), (3,)), ((2, 3), (3, 4)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 2, 3), (4, 3, 2)), ((), (3,))]
)
def test_dot_is_numpys(sa, sb):
    check_op(ag.dot, np.dot, values(sa), values(sb))


def test_outer_and_cross():
    check_op(ag.outer, np.outer, values((3,)), values((2, 2)))
    check_op(ag.cross, np.cross, values((4, 3)), values((4, 3)))
    check_op(lambda a, b: ag.cross(a, b, dim=0), lambda a, b: np.cross(a, b, axis=0), values((3, 2)), values((3, 2)))
    with pytest.raises(ValueError, match="3 components"):
        ag.cross(ag.zeros(2), ag.zeros(2))
