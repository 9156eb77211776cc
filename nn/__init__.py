"""nn: modules, layers, losses and optimizers built from autograd_core primitives."""
from .parameter import Parameter
from .module import Module, Sequential, ModuleList, ModuleDict
from . import data, functional, init, optim, utils
from .layers import *  # noqa: F401,F403
