"""nn.functional: layers as functions, composed from autograd_core primitives (no hand-written backward)."""
from .linear import linear
from .recurrent import rnn_cell, lstm_cell, gru_cell
