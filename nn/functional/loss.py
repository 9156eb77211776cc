"""Loss functions with PyTorch's names, arguments and reductions ('mean' | 'sum' | 'none')."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from autograd_core import Tensor
from autograd_core.ops.loss import BinaryCrossEntropy

from ._args import as_tensor, composite
from .activation import _softplus, log_softmax

if TYPE_CHECKING:
    from typing import Any, Literal

    from autograd_core.types import TensorLike


__all__ = ["mse_loss", "nll_loss", "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits"]

_REDUCTIONS = ("mean", "sum", "none")


def _check_reduction(reduction: str, fn: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean() if loss.size else _divided(loss.sum(), 0)
    return loss.sum() if reduction == "sum" else loss


def _divided(total: Tensor, count: float) -> Tensor:
    """total / count; NaN without NumPy's warning when count is 0 (no targets, or all ignored), as in PyTorch."""
    return total / np.asarray(count, total.dtype) if count else total * np.asarray(np.nan, total.dtype)


def _same_shape(input: Tensor, target: Tensor, fn: str) -> None:
    if input.shape != target.shape:
        raise ValueError(f"{fn}: target shape {target.shape} must equal the input shape {input.shape}")


def _as_float_target(target: TensorLike, input: Tensor) -> Tensor:
    """The target as a Tensor; a constant target of another dtype (ints, float64 labels) takes the input's."""
    target = as_tensor(target)
    if target.dtype != input.dtype and not target.requires_grad:
        target = Tensor(target.data.astype(input.dtype))
    return target


def _check_broadcasts(a: TensorLike | None, input: Tensor, name: str, fn: str) -> None:
    """A per-element weight must broadcast to the input's shape without growing it."""
    if a is None:
        return
    shape = _raw(a).shape
    try:
        ok = np.broadcast_shapes(shape, input.shape) == input.shape
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{fn}: {name} of shape {shape} does not broadcast to the input's shape {input.shape}")


def _raw(a: TensorLike | None) -> Any:
    return None if a is None else np.asarray(a.data if isinstance(a, Tensor) else a)


# ---- regression ------------------------------------------------------------------------------


@composite
def mse_loss(input: TensorLike, target: TensorLike, reduction: Literal["mean", "sum", "none"] = "mean") -> Tensor:
    """Mean squared error (input - target)**2."""
    input = as_tensor(input)
    target = _as_float_target(target, input)
    _check_reduction(reduction, "mse_loss")
    _same_shape(input, target, "mse_loss")
    d = input - target
    return _reduce(d * d, reduction)


# ---- classification over C classes -----------------------------------------------------------


def _class_targets(input, target, weight, ignore_index, fn):
    """Check (input, class-index target, weight); return the target as an int array and the class count."""
    if input.ndim == 0:
        raise ValueError(f"{fn}: input must have a class dimension, got a 0-d input")
    t = _raw(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"{fn}: target must hold integer class indices, got dtype {t.dtype}")
    expected = () if input.ndim == 1 else (input.shape[0],) + input.shape[2:]
    if t.shape != expected:
        raise ValueError(
            f"{fn}: for an input of shape {input.shape} the target must have shape {expected}, got {t.shape}"
        )
    n_classes = input.shape[0] if input.ndim == 1 else input.shape[1]
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bad.any():
        raise ValueError(
            f"{fn}: target class index {t[bad].flat[0]} is out of range: expected 0 <= index < "
            f"{n_classes} (or ignore_index={ignore_index})"
        )
    if weight is not None and _raw(weight).shape != (n_classes,):
        raise ValueError(f"{fn}: weight must have shape ({n_classes},) (one per class), got {_raw(weight).shape}")
    return t, n_classes


def _classes_last(x):
    """(N, C, d1..dk) -> (N*d1*..*dk, C) and (C,) -> (1, C): one row of class scores per target."""
    if x.ndim == 1:
        return x.reshape(1, x.shape[0])
    if x.ndim > 2:
        x = x.transpose((0,) + tuple(range(2, x.ndim)) + (1,))
    return x.reshape(x.size // max(x.shape[-1], 1), x.shape[-1])  # not -1: ambiguous for an empty batch


@composite
def nll_loss(
    input: TensorLike,
    target: TensorLike,
    weight: TensorLike | None = None,
    ignore_index: int = -100,
    reduction: Literal["mean", "sum", "none"] = "mean",
) -> Tensor:
    """Negative log-likelihood -weight[t] * input[t] of log-probabilities `input` (N, C, ...) at class indices t.

    'mean' divides by the summed weights of the targets that are not ignore_index, like PyTorch.
    """
    input = as_tensor(input)
    _check_reduction(reduction, "nll_loss")
    t, n_classes = _class_targets(input, target, weight, ignore_index, "nll_loss")
    flat_t = t.reshape(-1)
    keep = flat_t != ignore_index
    safe_t = np.where(keep, flat_t, 0)  # ignored rows read class 0 and get weight 0
    w = np.ones(n_classes, input.dtype) if weight is None else _raw(weight).astype(input.dtype)
    w_t = w[safe_t] * keep
    picked = _classes_last(input)[np.arange(flat_t.size), safe_t]  # (M,)
    loss = -picked * w_t
    if reduction == "none":
        return loss.reshape(t.shape)
    if reduction == "sum":
        return loss.sum()
    return _divided(loss.sum(), w_t.sum())


def _weighted(logp, weight, class_dim):
    """logp times the per-class weight, broadcast along class_dim (logp itself without a weight)."""
    if weight is None:
        return logp
    w = _raw(weight).astype(logp.dtype)
    return logp * w.reshape((w.shape[0],) + (1,) * (logp.ndim - class_dim - 1))


@composite
def cross_entropy(
    input: TensorLike,
    target: TensorLike,
    weight: TensorLike | None = None,
    ignore_index: int = -100,
    reduction: Literal["mean", "sum", "none"] = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Cross-entropy of logits `input` (N, C, ...) against class indices: nll_loss(log_softmax(input, 1)).

    A floating target of the input's shape holds class probabilities instead (ignore_index does not apply).
    With label_smoothing e the target is (1 - e) * one_hot + e / C; the smoothing term is weighted,
    masked and reduced as PyTorch does.
    """
    input = as_tensor(input)
    _check_reduction(reduction, "cross_entropy")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    if input.ndim and _raw(target).dtype.kind == "f":
        return _soft_cross_entropy(input, target, weight, reduction, label_smoothing, class_dim)
    t, n_classes = _class_targets(input, target, weight, ignore_index, "cross_entropy")
    logp = log_softmax(input, dim=class_dim)
    nll = nll_loss(logp, t, weight, ignore_index, reduction)
    if label_smoothing == 0:
        return nll
    keep = t != ignore_index
    smooth = -_weighted(logp, weight, class_dim).sum(axis=class_dim)
    denom = keep.sum() if weight is None else _raw(weight)[t[keep]].sum()
    smooth = smooth * keep.astype(input.dtype)
    if reduction == "mean":
        smooth = _divided(smooth.sum(), denom)
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _soft_cross_entropy(input, target, weight, reduction, label_smoothing, class_dim):
    """-sum_c weight_c * target_c * log_softmax(input)_c; 'mean' averages over the N*d1*... rows, like PyTorch."""
    target = _as_float_target(target, input)
    if target.shape != input.shape:
        raise ValueError(
            f"cross_entropy: a floating target holds class probabilities and must have the input's "
            f"shape {input.shape}, got {target.shape} (class indices must be integers)"
        )
    n_classes = input.shape[class_dim]
    if weight is not None and _raw(weight).shape != (n_classes,):
        raise ValueError(
            f"cross_entropy: weight must have shape ({n_classes},) (one per class), got {_raw(weight).shape}"
        )
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    logp = log_softmax(input, dim=class_dim)
    return _reduce(-(_weighted(logp, weight, class_dim) * target).sum(axis=class_dim), reduction)


# ---- binary ----------------------------------------------------------------------------------


def _check_probabilities(a, name, fn):
    values = a.data
    if not ((values >= 0) & (values <= 1)).all():  # NaN fails both comparisons, so it is refused too
        bad = values[~((values >= 0) & (values <= 1))]
        raise ValueError(
            f"{fn}: every {name} element must be a probability in [0, 1], got {bad.flat[0]} (of "
            f"{bad.size} outside it)" + ("; for logits use binary_cross_entropy_with_logits" if name == "input" else "")
        )


@composite
def binary_cross_entropy(
    input: TensorLike,
    target: TensorLike,
    weight: TensorLike | None = None,
    reduction: Literal["mean", "sum", "none"] = "mean",
) -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) for probabilities p and targets t in [0, 1]; each log is clamped at -100
    and the gradients are PyTorch's (see BinaryCrossEntropy)."""
    input = as_tensor(input)
    target = _as_float_target(target, input)
    _check_reduction(reduction, "binary_cross_entropy")
    _same_shape(input, target, "binary_cross_entropy")
    _check_broadcasts(weight, input, "weight", "binary_cross_entropy")
    _check_probabilities(input, "input", "binary_cross_entropy")
    _check_probabilities(target, "target", "binary_cross_entropy")
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * as_tensor(weight)
    return _reduce(loss, reduction)


@composite
def binary_cross_entropy_with_logits(
    input: TensorLike,
    target: TensorLike,
    weight: TensorLike | None = None,
    reduction: Literal["mean", "sum", "none"] = "mean",
    pos_weight: TensorLike | None = None,
) -> Tensor:
    """binary_cross_entropy(sigmoid(x), t) computed from logits x without overflow, even for |x| = 1e4:

    (1 - t) * x + (1 + (pos_weight - 1) * t) * softplus(-x).
    """
    input = as_tensor(input)
    target = _as_float_target(target, input)
    _check_reduction(reduction, "binary_cross_entropy_with_logits")
    _same_shape(input, target, "binary_cross_entropy_with_logits")
    _check_broadcasts(weight, input, "weight", "binary_cross_entropy_with_logits")
    _check_broadcasts(pos_weight, input, "pos_weight", "binary_cross_entropy_with_logits")
    sp = _softplus(-input)
    if pos_weight is None:
        loss = (1 - target) * input + sp
    else:
        loss = (1 - target) * input + (1 + (as_tensor(pos_weight) - 1) * target) * sp
    if weight is not None:
        loss = loss * as_tensor(weight)
    return _reduce(loss, reduction)
