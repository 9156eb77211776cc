"""Layers: Modules that hold parameters and call nn.functional."""

from .activation import (
    CELU,
    ELU,
    GELU,
    SELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Softsign,
    Tanh,
)
from .attention import MultiheadAttention
from .batchnorm import BatchNorm1d, BatchNorm2d
from .blocks import InceptionBlock, ResidualBlock
from .conv import Conv1d, Conv2d, Conv3d
from .conv_transpose import ConvTranspose1d, ConvTranspose2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten
from .linear import Identity, Linear
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, MSELoss, NLLLoss
from .norm import GroupNorm, LayerNorm
from .pool import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    AvgPool3d,
    MaxPool1d,
    MaxPool2d,
    MaxPool3d,
    MaxUnpool1d,
    MaxUnpool2d,
    MaxUnpool3d,
    SumPool1d,
    SumPool2d,
)
from .recurrent import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNCell
from .resize import PixelShuffle, Upsample

__all__ = ["Linear", "Identity", "Conv1d", "Conv2d", "Conv3d", "MaxPool1d", "MaxPool2d", "MaxPool3d", "AvgPool1d",
           "AvgPool2d", "AvgPool3d", "SumPool1d", "SumPool2d", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
           "MaxUnpool1d", "MaxUnpool2d", "MaxUnpool3d", "Flatten", "ResidualBlock", "InceptionBlock", "ReLU", "Tanh",
           "Sigmoid", "LeakyReLU", "Softmax", "LogSoftmax", "SiLU", "GELU", "ELU", "SELU", "CELU", "ReLU6",
           "Hardtanh", "Hardsigmoid", "Hardswish", "LogSigmoid", "Mish", "Softsign", "Softplus", "Softmin", "PReLU",
           "MSELoss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "Dropout", "BatchNorm1d",
           "BatchNorm2d", "Embedding", "RNNCell", "LSTMCell", "GRUCell", "RNN", "LSTM", "GRU", "LayerNorm",
           "GroupNorm", "MultiheadAttention", "Upsample", "PixelShuffle", "ConvTranspose1d", "ConvTranspose2d"]  # fmt: skip
