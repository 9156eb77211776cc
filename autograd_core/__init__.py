"""autograd_core: a reverse-mode automatic differentiation engine on NumPy, written to be read."""

import numpy as _np

from .anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from .creation import (
    arange,
    from_numpy,
    full,
    multinomial,
    ones,
    ones_like,
    rand,
    randint,
    randn,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtype import get_default_dtype, set_default_dtype
from .function import Function
from .gc_policy import relax_full_collections, restore_python_gc  # opt-in tuning: importing changes nothing
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import grad, toposort
from .malloc_policy import keep_freed_memory, release_freed_memory
from .ops.arrange import diagonal, flip, repeat, repeat_interleave, roll, tile, tril, triu, unflatten
from .ops.correlate import correlate
from .ops.einsum import cross, dot, einsum, outer
from .ops.elementwise import clip, exp, leaky_relu, log, maximum, minimum, relu, sigmoid, sqrt, tanh, where
from .ops.gather import (
    gather,
    index_add,
    index_select,
    masked_fill,
    nonzero,
    one_hot,
    scatter,
    scatter_add,
    take_along_axis,
)
from .ops.linalg import matmul
from .ops.math import (
    arccos,
    arcsin,
    arctan,
    arctan2,
    ceil,
    copysign,
    cos,
    cosh,
    erf,
    exp2,
    expm1,
    floor,
    floor_divide,
    fmod,
    isfinite,
    isinf,
    isnan,
    lerp,
    log1p,
    log2,
    log10,
    logaddexp,
    remainder,
    round,
    rsqrt,
    sign,
    sin,
    sinh,
    square,
    tan,
    trunc,
)
from .ops.movement import broadcast_to, cat, concatenate, flatten, pad, split, squeeze, stack, unsqueeze
from .ops.recurrent import fused_gru_update, fused_lstm_update
from .ops.reduce import argmax, argmin, log_softmax, logsumexp, softmax
from .ops.scan import all, amax, amin, any, argsort, cummax, cumprod, cumsum, median, norm, prod, sort, topk
from .ops.window import sliding_window, window_output_size
from .random import manual_seed
from .scope import current_scope, name_scope
from .serialize import load, save
from .spellings import Size, ValuesIndices
from .tensor import Tensor

# dtypes by PyTorch's names too (ag.long, ag.float32, ...), so `dtype=ag.long` reads as torch.long does
float16 = half = _np.float16
float32 = float = _np.float32
float64 = double = _np.float64
int32 = int = _np.int32
int64 = long = _np.int64
bool = _np.bool_


# `from autograd_core import *` leaves Python's own any, all, round, float, int, bool alone: they are not listed
__all__ = ["tensor", "Tensor", "Function", "get_default_dtype", "set_default_dtype", "no_grad", "enable_grad",
           "is_grad_enabled", "name_scope", "current_scope", "zeros", "ones", "full", "zeros_like", "ones_like",
           "arange", "randn", "rand", "from_numpy", "randint", "randperm", "multinomial", "save", "load",
           "manual_seed", "Size", "ValuesIndices", "grad", "toposort", "gradcheck", "gradgradcheck", "GradcheckError",
           "detect_anomaly", "is_anomaly_enabled", "AnomalyError", "where", "maximum", "minimum", "clip", "exp",
           "log", "sqrt", "tanh", "sigmoid", "relu", "leaky_relu", "logsumexp", "softmax", "log_softmax", "argmax",
           "argmin", "prod", "cumsum", "cumprod", "cummax", "sort", "argsort", "topk", "median", "norm", "amax",
           "amin", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "arctan2", "sinh", "cosh", "log2", "log10",
           "log1p", "expm1", "exp2", "erf", "square", "rsqrt", "sign", "floor", "ceil", "trunc", "isnan", "isinf",
           "isfinite", "logaddexp", "copysign", "lerp", "remainder", "fmod", "floor_divide", "concatenate", "cat",
           "stack", "split", "pad", "broadcast_to", "squeeze", "unsqueeze", "flatten", "matmul", "einsum", "outer",
           "dot", "cross", "flip", "roll", "repeat", "repeat_interleave", "tile", "diagonal", "tril", "triu",
           "unflatten", "take_along_axis", "gather", "index_select", "scatter", "scatter_add", "index_add",
           "masked_fill", "one_hot", "nonzero", "sliding_window", "window_output_size", "correlate",
           "fused_lstm_update", "fused_gru_update", "relax_full_collections", "restore_python_gc",
           "keep_freed_memory", "release_freed_memory", "float16", "half", "float32", "float64", "double", "int32",
           "int64", "long"]  # fmt: skip
