"""autograd_core: a reverse-mode automatic differentiation engine on NumPy, written to be read."""
from .tensor import Tensor
from .function import Function
from .dtype import get_default_dtype, set_default_dtype
from .grad_mode import no_grad, enable_grad, is_grad_enabled
from .scope import name_scope, current_scope
from .creation import (tensor, zeros, ones, full, zeros_like, ones_like, arange, randn, rand, from_numpy, randint,
                       randperm, multinomial)
from .serialize import save, load
from .random import manual_seed
from .spellings import Size, ValuesIndices
from .graph import grad, toposort
from .gradcheck import gradcheck, gradgradcheck, GradcheckError
from .anomaly import detect_anomaly, is_anomaly_enabled, AnomalyError
from .ops.elementwise import where, maximum, minimum, clip, exp, log, sqrt, tanh, sigmoid, relu, leaky_relu
from .ops.reduce import logsumexp, softmax, log_softmax, argmax, argmin
from .ops.scan import (prod, cumsum, cumprod, cummax, sort, argsort, topk, median, norm, amax, amin, any,
                       all)
from .ops.math import (sin, cos, tan, arcsin, arccos, arctan, arctan2, sinh, cosh, log2, log10, log1p, expm1, exp2,
                       erf, square, rsqrt, sign, floor, ceil, round, trunc, isnan, isinf, isfinite, logaddexp,
                       copysign, lerp, remainder, fmod, floor_divide)
from .ops.movement import concatenate, cat, stack, split, pad, broadcast_to, squeeze, unsqueeze, flatten
from .ops.linalg import matmul
from .ops.einsum import einsum, outer, dot, cross
from .ops.arrange import flip, roll, repeat, repeat_interleave, tile, diagonal, tril, triu, unflatten
from .ops.gather import (take_along_axis, gather, index_select, scatter, scatter_add, index_add, masked_fill, one_hot,
                         nonzero)
from .ops.window import sliding_window, window_output_size
from .ops.correlate import correlate
from .ops.recurrent import fused_lstm_update, fused_gru_update
from .gc_policy import relax_full_collections, restore_python_gc  # opt-in tuning: importing changes nothing
from .malloc_policy import keep_freed_memory, release_freed_memory

import numpy as _np

# dtypes by PyTorch's names too (ag.long, ag.float32, ...), so `dtype=ag.long` reads as torch.long does
float16 = half = _np.float16
float32 = float = _np.float32
float64 = double = _np.float64
int32 = int = _np.int32
int64 = long = _np.int64
bool = _np.bool_

import builtins as _builtins

# `from autograd_core import *` must not replace Python's own any, all, round, float, int, bool
__all__ = [n for n in dir() if not n.startswith("_") and not hasattr(_builtins, n)]
