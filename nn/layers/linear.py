from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from autograd_core import get_default_dtype

from .. import functional as F
from .. import init
from ..module import Module
from ..parameter import Parameter

if TYPE_CHECKING:
    from typing import TypeVar

    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    _T = TypeVar("_T")


__all__ = ["Linear", "Identity"]


class Linear(Module):
    """y = x W^T + b with W of shape (out_features, in_features), initialised like PyTorch."""

    bias: Parameter | None  # registered: None with bias=False

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        for what, n in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 0:
                raise ValueError(f"Linear: {what} must be a non-negative int, got {n!r}")
        self.in_features, self.out_features = in_features, out_features
        dt = get_default_dtype()
        self.weight = Parameter(np.empty((out_features, in_features), dt))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if bias:
            bound = 1 / math.sqrt(in_features) if in_features > 0 else 0
            self.bias = Parameter(np.empty(out_features, dt))
            init.uniform_(self.bias, -bound, bound)
        else:
            self.register_parameter("bias", None)

    def forward(self, x: TensorLike) -> Tensor:
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    def forward(self, x: _T) -> _T:
        return x
