"""`Parameter`: a leaf Tensor that a Module registers as one of its weights."""

from autograd_core import Tensor

__all__ = ["Parameter"]


class Parameter(Tensor):
    """A tensor that requires grad and is found by `Module.parameters()`."""

    def __init__(self, data, requires_grad=True, name=None):
        data = data.data if isinstance(data, Tensor) else data
        super().__init__(data, requires_grad=requires_grad, name=name)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()
