"""nn.functional: layers as functions, composed from autograd_core primitives (no hand-written backward, but for
binary_cross_entropy, whose gradient at its clamps is PyTorch's, not the composition's: see loss.py)."""
from .linear import linear
from .conv import conv_output_size, conv1d, conv2d, conv3d
from .pool import (max_pool1d, max_pool2d, max_pool3d, avg_pool1d, avg_pool2d, avg_pool3d, sum_pool1d, sum_pool2d,
                   adaptive_avg_pool1d, adaptive_avg_pool2d, max_unpool1d, max_unpool2d, max_unpool3d)
from .activation import (relu, tanh, sigmoid, leaky_relu, softmax, log_softmax, softplus, silu, gelu, elu, selu, celu,
                         hardtanh, relu6, hardsigmoid, hardswish, logsigmoid, mish, softsign, prelu, softmin)
from .loss import mse_loss, cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits
from .dropout import dropout
from .normalization import batch_norm
from .embedding import embedding
from .recurrent import rnn_cell, lstm_cell, gru_cell
from .layer_norm import layer_norm, group_norm
from .distance import normalize, cosine_similarity, pairwise_distance
from .attention import scaled_dot_product_attention
from .resize import interpolate, pixel_shuffle
from .conv_transpose import conv_transpose1d, conv_transpose2d
