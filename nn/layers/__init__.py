"""Layers: Modules that hold parameters and call nn.functional."""
from .linear import Linear, Identity
from .activation import ReLU, Tanh, Sigmoid, LeakyReLU, Softmax, LogSoftmax
from .loss import MSELoss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss
from .recurrent import RNNCell, LSTMCell, GRUCell, RNN, LSTM, GRU
