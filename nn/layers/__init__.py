"""Layers: Modules that hold parameters and call nn.functional."""
from .linear import Linear, Identity
from .recurrent import RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU
