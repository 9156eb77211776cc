"""Loss modules: each holds its options and calls the matching nn.functional loss."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from ..module import Module

if TYPE_CHECKING:
    from typing import Literal

    import numpy as np

    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    _Reduction = Literal["mean", "sum", "none"]


__all__ = ["MSELoss", "NLLLoss", "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss"]


class _Loss(Module):
    def __init__(self, reduction: _Reduction = "mean") -> None:
        super().__init__()
        F.loss._check_reduction(reduction, type(self).__name__)
        self.reduction = reduction


class MSELoss(_Loss):
    def forward(self, input: TensorLike, target: TensorLike) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class NLLLoss(_Loss):
    weight: np.ndarray | None  # a buffer

    def __init__(
        self, weight: Tensor | np.ndarray | None = None, ignore_index: int = -100, reduction: _Reduction = "mean"
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)  # a buffer, as in PyTorch: saved in state_dict
        self.ignore_index = ignore_index

    def forward(self, input: TensorLike, target: TensorLike) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class CrossEntropyLoss(_Loss):
    weight: np.ndarray | None  # a buffer

    def __init__(
        self,
        weight: Tensor | np.ndarray | None = None,
        ignore_index: int = -100,
        reduction: _Reduction = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: TensorLike, target: TensorLike) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index, self.reduction, self.label_smoothing)


class BCELoss(_Loss):
    weight: np.ndarray | None  # a buffer

    def __init__(self, weight: Tensor | np.ndarray | None = None, reduction: _Reduction = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)

    def forward(self, input: TensorLike, target: TensorLike) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


class BCEWithLogitsLoss(_Loss):
    weight: np.ndarray | None  # buffers
    pos_weight: np.ndarray | None

    def __init__(
        self,
        weight: Tensor | np.ndarray | None = None,
        reduction: _Reduction = "mean",
        pos_weight: Tensor | np.ndarray | None = None,
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input: TensorLike, target: TensorLike) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction, self.pos_weight)
