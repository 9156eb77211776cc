"""Layers: Modules that hold parameters and call nn.functional."""
from .linear import Linear, Identity
from .conv import Conv1d, Conv2d, Conv3d
from .pool import (MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, SumPool1d, SumPool2d,
                   AdaptiveAvgPool1d, AdaptiveAvgPool2d, MaxUnpool1d, MaxUnpool2d, MaxUnpool3d)
from .flatten import Flatten
from .blocks import ResidualBlock, InceptionBlock
from .activation import (ReLU, Tanh, Sigmoid, LeakyReLU, Softmax, LogSoftmax, SiLU, GELU, ELU, SELU, CELU, ReLU6,
                         Hardtanh, Hardsigmoid, Hardswish, LogSigmoid, Mish, Softsign, Softplus, Softmin, PReLU)
from .loss import MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss
from .dropout import Dropout
from .batchnorm import BatchNorm1d, BatchNorm2d
from .embedding import Embedding
from .recurrent import RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU
from .norm import LayerNorm, GroupNorm
from .attention import MultiheadAttention
from .resize import Upsample, PixelShuffle
from .conv_transpose import ConvTranspose1d, ConvTranspose2d
