"""nn.functional: layers as functions, composed from autograd_core primitives (no hand-written backward)."""
from .linear import linear
from .activation import relu, tanh, sigmoid, leaky_relu, softmax, log_softmax, softplus
from .loss import mse_loss, cross_entropy, nll_loss, binary_cross_entropy, binary_cross_entropy_with_logits
from .dropout import dropout
from .normalization import batch_norm
from .embedding import embedding
