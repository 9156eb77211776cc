"""Optimizers with PyTorch's names, arguments and update rules; learning-rate schedulers in lr_scheduler."""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam, AdamW
from .adadelta import Adadelta
from .adagrad import Adagrad
from .rmsprop import RMSprop
from .nadam import NAdam
from . import lr_scheduler
