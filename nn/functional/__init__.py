"""nn.functional: layers as functions, composed from autograd_core primitives (no hand-written backward, but for
binary_cross_entropy, whose gradient at its clamps is PyTorch's, not the composition's: see loss.py)."""

from .activation import (
    celu,
    elu,
    gelu,
    hardsigmoid,
    hardswish,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softsign,
    tanh,
)
from .attention import scaled_dot_product_attention
from .conv import conv1d, conv2d, conv3d, conv_output_size
from .conv_transpose import conv_transpose1d, conv_transpose2d
from .distance import cosine_similarity, normalize, pairwise_distance
from .dropout import dropout
from .embedding import embedding
from .layer_norm import group_norm, layer_norm
from .linear import linear
from .loss import binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy, mse_loss, nll_loss
from .normalization import batch_norm
from .pool import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
    sum_pool1d,
    sum_pool2d,
)
from .recurrent import gru_cell, lstm_cell, rnn_cell
from .resize import interpolate, pixel_shuffle

__all__ = ["linear", "conv_output_size", "conv1d", "conv2d", "conv3d", "max_pool1d", "max_pool2d", "max_pool3d",
           "avg_pool1d", "avg_pool2d", "avg_pool3d", "sum_pool1d", "sum_pool2d", "adaptive_avg_pool1d",
           "adaptive_avg_pool2d", "max_unpool1d", "max_unpool2d", "max_unpool3d", "relu", "tanh", "sigmoid",
           "leaky_relu", "softmax", "log_softmax", "softplus", "silu", "gelu", "elu", "selu", "celu", "hardtanh",
           "relu6", "hardsigmoid", "hardswish", "logsigmoid", "mish", "softsign", "prelu", "softmin", "mse_loss",
           "cross_entropy", "nll_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "dropout",
           "batch_norm", "embedding", "rnn_cell", "lstm_cell", "gru_cell", "layer_norm", "group_norm", "normalize",
           "cosine_similarity", "pairwise_distance", "scaled_dot_product_attention", "interpolate", "pixel_shuffle",
           "conv_transpose1d", "conv_transpose2d"]  # fmt: skip
