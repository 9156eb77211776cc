"""Activation modules with PyTorch's names and arguments; each calls nn.functional."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import functional as F
from ..module import Module

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from autograd_core import Tensor
    from autograd_core.types import TensorLike

    class _Activation(Module):
        """What _activation makes: options by keyword or position (PyTorch's names), forward calling F.<fn>."""

        _options: dict[str, Any]

        def __init__(self, *args: Any, **kwargs: Any) -> None: ...
        def forward(self, x: TensorLike) -> Tensor: ...


__all__ = ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Softmax", "LogSoftmax", "PReLU"]


class ReLU(Module):
    def forward(self, x: TensorLike) -> Tensor:
        return F.relu(x)


class Tanh(Module):
    def forward(self, x: TensorLike) -> Tensor:
        return F.tanh(x)


class Sigmoid(Module):
    def forward(self, x: TensorLike) -> Tensor:
        return F.sigmoid(x)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: TensorLike) -> Tensor:
        return F.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Softmax(Module):
    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: TensorLike) -> Tensor:
        return F.softmax(x, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x: TensorLike) -> Tensor:
        return F.log_softmax(x, self.dim)


def _activation(name: str, fn: Callable[..., Tensor], **defaults: Any) -> type[_Activation]:
    """A Module class calling F.<fn> with the keyword arguments it was made with (PyTorch's names and defaults)."""

    def __init__(self: _Activation, *args: Any, **kwargs: Any) -> None:
        Module.__init__(self)
        names = list(defaults)
        if len(args) > len(names):
            raise TypeError(
                f"{name} takes at most {len(names)} positional arguments ({', '.join(names)}), got {len(args)}"
            )
        unknown = set(kwargs) - set(names)
        if unknown:
            raise TypeError(f"{name} got unexpected arguments {sorted(unknown)}; it takes {names}")
        self._options = {**defaults, **dict(zip(names, args)), **kwargs}
        self.__dict__.update(self._options)

    def forward(self: _Activation, x: TensorLike) -> Tensor:
        return fn(x, **self._options)

    def extra_repr(self: _Activation) -> str:
        return ", ".join(f"{k}={v!r}" for k, v in self._options.items())

    return type(  # a Module subclass with _Activation's methods, made at run time
        name,
        (Module,),
        {
            "__init__": __init__,
            "forward": forward,
            "extra_repr": extra_repr,
            "__doc__": f"Module form of nn.functional.{fn.__name__}.",
        },
    )


SiLU = _activation("SiLU", F.silu)
GELU = _activation("GELU", F.gelu, approximate="none")
ELU = _activation("ELU", F.elu, alpha=1.0)
SELU = _activation("SELU", F.selu)
CELU = _activation("CELU", F.celu, alpha=1.0)
ReLU6 = _activation("ReLU6", F.relu6)
Hardtanh = _activation("Hardtanh", F.hardtanh, min_val=-1.0, max_val=1.0)
Hardsigmoid = _activation("Hardsigmoid", F.hardsigmoid)
Hardswish = _activation("Hardswish", F.hardswish)
LogSigmoid = _activation("LogSigmoid", F.logsigmoid)
Mish = _activation("Mish", F.mish)
Softsign = _activation("Softsign", F.softsign)
Softplus = _activation("Softplus", F.softplus, beta=1.0, threshold=20.0)
Softmin = _activation("Softmin", F.softmin, dim=-1)


class PReLU(Module):
    """max(0, x) + a * min(0, x) with a learnable a: one for all channels, or num_parameters of them (axis 1)."""

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        import numpy as np

        from autograd_core import get_default_dtype

        from ..parameter import Parameter

        self.num_parameters = num_parameters
        self.weight = Parameter(np.full(num_parameters, init, get_default_dtype()))

    def forward(self, x: TensorLike) -> Tensor:
        return F.prelu(x, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"
