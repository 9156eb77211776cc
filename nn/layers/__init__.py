"""Layers: Modules that hold parameters and call nn.functional."""
from .linear import Linear, Identity
from .activation import ReLU, Tanh, Sigmoid, LeakyReLU, Softmax, LogSoftmax
from .loss import MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss
from .dropout import Dropout
from .batchnorm import BatchNorm1d, BatchNorm2d
from .embedding import Embedding
