"""nn: modules, layers, losses and optimizers built from autograd_core primitives."""

from . import data, functional, init, optim, utils
from .layers import *  # noqa: F401,F403
from .module import Module, ModuleDict, ModuleList, Sequential
from .parameter import Parameter

__all__ = ["Parameter", "Module", "Sequential", "ModuleList", "ModuleDict", "Linear", "Identity", "Conv1d", "Conv2d",
           "Conv3d", "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d", "AvgPool2d", "AvgPool3d", "SumPool1d",
           "SumPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d",
           "Flatten", "ResidualBlock", "InceptionBlock", "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Softmax",
           "LogSoftmax", "SiLU", "GELU", "ELU", "SELU", "CELU", "ReLU6", "Hardtanh", "Hardsigmoid", "Hardswish",
           "LogSigmoid", "Mish", "Softsign", "Softplus", "Softmin", "PReLU", "MSELoss", "CrossEntropyLoss", "NLLLoss",
           "BCELoss", "BCEWithLogitsLoss", "Dropout", "BatchNorm1d", "BatchNorm2d", "Embedding", "RNNCell",
           "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "LayerNorm", "GroupNorm", "MultiheadAttention", "Upsample",
           "PixelShuffle", "ConvTranspose1d", "ConvTranspose2d", "data", "init", "functional", "optim", "utils"]  # fmt: skip
