"""einsum with any subscripts NumPy accepts (explicit or implicit output, repeated letters, `...`), its gradient by
einsum again; outer, dot and cross composed from it and from indexing.

Each operand's gradient is the einsum of the output gradient with the other operands into that operand's letters;
letters it alone sums over come back by broadcasting, and a letter it repeats (a diagonal, `ii->i`) by placing
the result on that diagonal. Size-1 axes under `...` are broadcast before the primitive, so their gradient is
summed back by broadcast_to's backward.
"""

from __future__ import annotations

import string
from typing import TYPE_CHECKING

import numpy as np

from ..function import Function
from ..tensor import Tensor, as_tensor

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Operand, TensorLike

__all__ = ["Einsum", "einsum", "outer", "dot", "cross"]


def _parse(subscripts: str, ndims: Sequence[int]) -> tuple[list[str], str]:
    """Explicit letters per operand and for the output, `...` replaced by letters no operand uses."""
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum: subscripts must be a str, got {type(subscripts).__name__}")
    s = subscripts.replace(" ", "")
    lhs, arrow, out = s.partition("->")
    ins = lhs.split(",")
    if len(ins) != len(ndims):
        raise ValueError(f"einsum: {subscripts!r} names {len(ins)} operands, got {len(ndims)}")
    used = set("".join(ins) + out) - set(".")
    bad = used - set(string.ascii_letters)
    if bad:
        raise ValueError(f"einsum: subscripts may use letters and '...', got {sorted(bad)} in {subscripts!r}")
    spare = [c for c in string.ascii_letters if c not in used]
    widest = max([n - len(sub.replace("...", "")) for sub, n in zip(ins, ndims) if "..." in sub], default=0)
    ell = "".join(spare[:widest])
    explicit = []
    for sub, n in zip(ins, ndims):
        if "..." in sub:
            k = n - len(sub.replace("...", ""))
            if k < 0:
                raise ValueError(f"einsum: operand with {n} dimensions cannot match {sub!r}")
            sub = sub.replace("...", ell[widest - k :])
        if len(sub) != n:
            raise ValueError(f"einsum: {sub!r} names {len(sub)} axes for an operand with {n} dimensions")
        explicit.append(sub)
    if arrow:
        out = out.replace("...", ell)
        if len(set(out)) != len(out):
            raise ValueError(f"einsum: the output of {subscripts!r} repeats a letter")
        missing = set(out) - set("".join(explicit))
        if missing:
            raise ValueError(f"einsum: output letters {sorted(missing)} appear in no operand of {subscripts!r}")
    else:
        letters = "".join(explicit)
        out = ell + "".join(sorted(c for c in set(letters) - set(ell) if letters.count(c) == 1))
    return explicit, out


def _einsum_any(spec: str, *operands: Operand) -> Operand:
    """np.einsum on arrays, the recorded einsum on Tensors (a backward pass being recorded)."""
    if any(isinstance(o, Tensor) for o in operands):
        return einsum(spec, *operands)
    return np.einsum(spec, *operands, optimize=len(operands) > 2)


class Einsum(Function):
    rule = "einsum of g with the other operands, into each operand's letters"

    @staticmethod
    def forward(ctx: Function, *arrays: Array, ins: tuple[str, ...], out: str) -> Array:
        ctx.save_for_backward(*arrays)
        ctx.ins, ctx.out = ins, out
        return np.einsum(",".join(ins) + "->" + out, *arrays, optimize=len(arrays) > 2)

    @staticmethod
    def backward(ctx: Function, g: Operand) -> tuple[Operand | None, ...]:
        arrays = ctx.saved_tensors
        grads = []
        for k, (_sub, need) in enumerate(zip(ctx.ins, ctx.needs_input_grad)):
            grads.append(_operand_grad(g, arrays, ctx.ins, ctx.out, k) if need else None)
        return tuple(grads)


def _operand_grad(g: Operand, arrays: Sequence[Operand], ins: Sequence[str], out: str, k: int) -> Operand:
    sub = ins[k]
    unique = "".join(dict.fromkeys(sub))
    others = [(s, a) for j, (s, a) in enumerate(zip(ins, arrays)) if j != k]
    reachable = set(out).union(*(set(s) for s, _ in others))
    kept = "".join(c for c in unique if c in reachable)
    spec = ",".join([out] + [s for s, _ in others]) + "->" + kept
    gk = _einsum_any(spec, g, *[a for _, a in others])
    size = dict(zip(sub, arrays[k].shape))
    if kept != unique:  # letters only this operand sums over: the gradient is the same all along them
        gk = gk.reshape(tuple(size[c] if c in kept else 1 for c in unique))
        gk = (
            gk.broadcast_to(tuple(size[c] for c in unique))
            if isinstance(gk, Tensor)
            else np.broadcast_to(gk, tuple(size[c] for c in unique))
        )
    if unique == sub:
        return gk
    # a repeated letter: the operand's elements off that diagonal never reached the output
    from .movement import scatter_add

    grid = np.indices(tuple(size[c] for c in unique), sparse=True)
    index = tuple(grid[unique.index(c)] for c in sub)
    if not isinstance(gk, Tensor):
        gk = np.ascontiguousarray(gk)
    return scatter_add(gk, arrays[k].shape, index)


def einsum(subscripts: str, *operands: TensorLike) -> Tensor:
    """np.einsum, differentiable in every operand (PyTorch's einsum also takes the operands as one list)."""
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ops = [as_tensor(o) for o in operands]
    ins, out = _parse(subscripts, [o.ndim for o in ops])
    sizes: dict[str, int] = {}
    for sub, o in zip(ins, ops):
        for c, n in zip(sub, o.shape):
            if n != 1:
                if sizes.get(c, n) != n:
                    raise ValueError(
                        f"einsum: letter {c!r} stands for sizes {sizes[c]} and {n} in {subscripts!r} "
                        f"(shapes {[tuple(o.shape) for o in ops]})"
                    )
                sizes[c] = n
    ops = [
        o
        if all(n == sizes.get(c, 1) for c, n in zip(sub, o.shape))
        else o.broadcast_to(tuple(sizes.get(c, 1) for c in sub))
        for sub, o in zip(ins, ops)
    ]
    return Einsum.apply(*ops, ins=tuple(ins), out=out)


def outer(a: TensorLike, b: TensorLike) -> Tensor:
    """The outer product of two vectors (flattened first, as np.outer)."""
    a, b = as_tensor(a), as_tensor(b)
    return a.reshape(-1, 1) * b.reshape(1, -1)


def dot(a: TensorLike, b: TensorLike) -> Tensor:
    """np.dot: a product for 0-d, the inner product of vectors, a matrix product, or for N-D the sum over a's last
    axis and b's second-to-last."""
    a, b = as_tensor(a), as_tensor(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    la = string.ascii_lowercase[: a.ndim - 1]
    lb = string.ascii_lowercase[a.ndim - 1 : a.ndim - 1 + b.ndim - 1]
    lb_sub = lb[:-1] + "z" + lb[-1:] if b.ndim > 1 else "z"
    return einsum(f"{la}z,{lb_sub}->{la}{lb}", a, b)


def cross(a: TensorLike, b: TensorLike, axis: int = -1, *, dim: int | None = None) -> Tensor:
    """The cross product of 3-vectors along axis (NumPy's default: the last)."""
    a, b = as_tensor(a), as_tensor(b)
    axis = axis if dim is None else dim
    if a.shape[axis] != 3 or b.shape[axis] != 3:
        raise ValueError(f"cross needs 3 components along axis {axis}, got shapes {a.shape} and {b.shape}")
    ax = axis % a.ndim
    lead = (slice(None),) * ax
    i, j = np.array([1, 2, 0]), np.array([2, 0, 1])
    return a[lead + (i,)] * b[lead + (j,)] - a[lead + (j,)] * b[lead + (i,)]
