"""Optimizers with PyTorch's names, arguments and update rules."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam, AdamW
