"""Convolution's windows and matrix product fused into one primitive that never holds every window at once.

`correlate(x, w, stride, dilation)`: x (B, G, C, N1..Nk), w (G, O, C, F1..Fk) -> y (B, G, O, M1..Mk) with
y[b, g, o, m] = sum over c, f of w[g, o, c, f] * x[b, g, c, m*S + f*D]: the lectures' "slide the filter over the
image", per group g. It gives the same numbers as the composition sliding_window -> transpose -> reshape -> matmul
(tests/test_correlate.py checks both), but that composition copies the windows of the whole batch into one matrix
(im2col: 37 MB for 64x16x32x32 with 3x3 filters), keeps it until backward and makes a gradient as large again.
Here the matrix is built a few images at a time, multiplied while it is still in cache, and built again in backward.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function
from ..tensor import Tensor, as_tensor
from .window import Col2Im, SlidingWindow, _col2im, _per_axis, _windows, window_output_size

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..types import Array, Operand, Shape, TensorLike

__all__ = ["Strided", "Shifted", "Correlate", "correlate"]

# The window matrix of one chunk of images stays under this, twice this machine's L2 cache per core. Measured on
# benchmarks/conv.py's large case (0.5 to 4 MiB): 2 and 4 MiB within 2% (2 MiB needs less memory), the whole
# batch at once (37 MB) 1.4x slower.
CHUNK_BYTES = 2**21


class Strided:
    """Any stride: the matrix has a column per output pixel, its rows are windows' entries (sliding_window's view)."""

    def __init__(self, in_sizes: Shape, window: Shape, stride: Shape, dilation: Shape, out_sizes: Shape) -> None:
        self.window, self.stride, self.dilation, self.out_sizes = window, stride, dilation, out_sizes
        self.columns = math.prod(out_sizes)
        k = len(window)
        self.order = (0, 1, 2) + tuple(range(3 + k, 3 + 2 * k)) + tuple(range(3, 3 + k))  # M..F <-> F..M

    def cols(self, x: Array) -> Array:
        """(b, G, C*F1*..*Fk, columns), contiguous: a row per channel and kernel offset, holding a shifted image."""
        win = _windows(x, self.window, self.stride, self.dilation, self.out_sizes)  # (b, G, C, M.., F..), a view
        return win.transpose(self.order).reshape(x.shape[:2] + (-1, self.columns))  # the copy

    def output(self, y: Array) -> Array:
        return y.reshape(y.shape[:3] + self.out_sizes)

    def columns_of(self, g: Array) -> Array:
        return g.reshape(g.shape[:3] + (self.columns,))

    def add_back(self, dcols: Array, dx: Array) -> None:
        """Add each window's gradient (b, G, C*F, columns) back where the window came from, into dx."""
        dcols = dcols.reshape(dcols.shape[:2] + dx.shape[2:3] + self.window + self.out_sizes)
        _col2im(dcols.transpose(self.order), None, self.window, self.stride, self.dilation, out=dx)


class Shifted(Strided):
    """Stride 1: a kernel offset f is a shift of the flattened image by sum f*D*P (P the row-major pitches), so each
    row of the matrix is one contiguous slice of x. The columns run over the flat positions from the first output
    pixel to the last, pitch included: the few that fall between rows are computed, never read, and get a zero
    gradient. On benchmarks/conv.py's large case, forward + backward 15% faster than Strided (measured paired):
    its copies and adds move rows of ~1000 numbers where Strided's move one image row, 32."""

    def __init__(self, in_sizes: Shape, window: Shape, stride: Shape, dilation: Shape, out_sizes: Shape) -> None:
        super().__init__(in_sizes, window, stride, dilation, out_sizes)
        self.pitch = tuple(math.prod(in_sizes[i + 1 :]) for i in range(len(in_sizes)))
        self.columns = 1 + sum((m - 1) * p for m, p in zip(out_sizes, self.pitch))
        self.shifts = [
            sum(f * d * p for f, d, p in zip(offset, dilation, self.pitch)) for offset in np.ndindex(*window)
        ]

    def cols(self, x: Array) -> Array:
        n = x.itemsize
        view = as_strided(
            x,
            x.shape[:3] + self.window + (self.columns,),
            x.strides[:3] + tuple(d * p * n for d, p in zip(self.dilation, self.pitch)) + (n,),
            writeable=False,
        )
        return view.reshape(x.shape[:2] + (-1, self.columns))

    def _pixels(self, flat: Array) -> Array:
        """The output pixels (..., M1..Mk) of a (..., columns) array, as a view."""
        n = flat.itemsize
        return as_strided(
            flat,
            flat.shape[:-1] + self.out_sizes,
            flat.strides[:-1] + tuple(p * n for p in self.pitch),
            writeable=flat.flags.writeable,
        )

    def output(self, y: Array) -> Array:
        return self._pixels(y)

    def columns_of(self, g: Array) -> Array:
        flat = np.zeros(g.shape[:3] + (self.columns,), g.dtype)
        self._pixels(flat)[...] = g
        return flat

    def add_back(self, dcols: Array, dx: Array) -> None:
        dcols = dcols.reshape(dcols.shape[:2] + dx.shape[2:3] + (len(self.shifts), self.columns))
        flat = dx.reshape(dx.shape[:3] + (-1,))  # dx is a fresh contiguous buffer, so this is a view
        for i, s in enumerate(self.shifts):
            flat[..., s : s + self.columns] += dcols[..., i, :]


def _layout(x: Array, w: Array, stride: Shape, dilation: Shape, out_sizes: Shape) -> Strided:
    kind = Shifted if all(s == 1 for s in stride) else Strided
    return kind(x.shape[3:], w.shape[3:], stride, dilation, out_sizes)


def _chunks(x: Array, w: Array, columns: int) -> list[slice]:
    """Slices of the batch axis: as many images as keep one chunk's window matrix under CHUNK_BYTES."""
    per_image = math.prod(w.shape[:1] + w.shape[2:]) * columns * x.itemsize
    step = max(1, CHUNK_BYTES // per_image)
    return [slice(i, i + step) for i in range(0, x.shape[0], step)]


class Correlate(Function):
    saves = {"x": 0, "w": 1}
    rule = "wᵀ @ windows(g) added back, windows(x)ᵀ @ g"

    @staticmethod
    def forward(ctx: Function, x: Array, w: Array, stride: Shape, dilation: Shape, out_sizes: Shape) -> Array:
        ctx.x, ctx.w, ctx.geometry = x, w, (stride, dilation, out_sizes)
        x = np.ascontiguousarray(x)
        layout = _layout(x, w, stride, dilation, out_sizes)
        wm = w.reshape(w.shape[:2] + (-1,))  # (G, O, C*F)
        y = np.empty(x.shape[:1] + w.shape[:2] + out_sizes, np.result_type(x, w))
        for c in _chunks(x, w, layout.columns):
            y[c] = layout.output(np.matmul(wm, layout.cols(x[c])))
        return y

    @staticmethod
    def backward(ctx: Function, grad: Operand) -> tuple[Operand | None, Operand | None]:
        x, w, (stride, dilation, out_sizes) = ctx.x, ctx.w, ctx.geometry
        if isinstance(grad, Tensor):  # create_graph: run the composition, so that this backward is recorded too
            return _composed_backward(x, w, grad, stride, dilation, out_sizes, ctx.needs_input_grad)
        x = np.ascontiguousarray(x)
        layout = _layout(x, w, stride, dilation, out_sizes)
        wm = w.reshape(w.shape[:2] + (-1,))
        dx = np.zeros(x.shape, grad.dtype) if ctx.needs_input_grad[0] else None
        dw = np.zeros(wm.shape, grad.dtype) if ctx.needs_input_grad[1] else None
        for c in _chunks(x, w, layout.columns):
            g = layout.columns_of(grad[c])  # (b, G, O, columns)
            if dw is not None:
                dw += np.matmul(g, layout.cols(x[c]).swapaxes(-1, -2)).sum(axis=0)
            if dx is not None:
                layout.add_back(np.matmul(wm.swapaxes(-1, -2), g), dx[c])
        return dx, None if dw is None else dw.reshape(w.shape)


def _composed_backward(
    x: Operand, w: Operand, grad: Tensor, stride: Shape, dilation: Shape, out_sizes: Shape, needs: Sequence[bool]
) -> tuple[Tensor | None, Tensor | None]:
    """The same gradients from recorded primitives: windows and matmul for dw, matmul and col2im for dx."""
    x, w = as_tensor(x), as_tensor(w)
    window = w.shape[3:]
    order = Strided(x.shape[3:], window, stride, dilation, out_sizes).order
    gm = grad.reshape(grad.shape[:3] + (-1,))
    dx = dw = None
    if needs[0]:
        dcols = (w.reshape(w.shape[:2] + (-1,)).swapaxes(-1, -2) @ gm).reshape(x.shape[:3] + window + out_sizes)
        dx = Col2Im.apply(dcols.transpose(order), in_shape=x.shape, geometry=(window, stride, dilation))
    if needs[1]:
        win = SlidingWindow.apply(x, window=window, stride=stride, dilation=dilation, out_sizes=out_sizes)
        cols = win.transpose(order).reshape(x.shape[:2] + (-1, math.prod(out_sizes)))
        dw = (gm @ cols.swapaxes(-1, -2)).sum(axis=0).reshape(w.shape)
    return dx, dw


def correlate(
    x: TensorLike,
    w: TensorLike,
    stride: int | tuple[int, ...] | list[int] = 1,
    dilation: int | tuple[int, ...] | list[int] = 1,
) -> Tensor:
    """Slide each group's filters over its channels: x (B, G, C, N1..Nk), w (G, O, C, F1..Fk) -> (B, G, O, M1..Mk).

    The k = w.ndim - 3 last axes are spatial; Mi = (Ni - Di*(Fi - 1) - 1) // Si + 1. No padding: pad x first.
    """
    x, w = as_tensor(x), as_tensor(w)
    k = w.ndim - 3
    if k < 1 or x.ndim != k + 3:
        raise ValueError(
            f"correlate: expected x of shape (B, G, C, N1..Nk) and w of shape (G, O, C, F1..Fk) "
            f"with the same k >= 1, got shapes {x.shape} and {w.shape}"
        )
    if x.shape[1] != w.shape[0] or x.shape[2] != w.shape[2]:
        raise ValueError(
            f"correlate: x of shape {x.shape} has {x.shape[1]} groups of {x.shape[2]} channels, "
            f"w of shape {w.shape} expects {w.shape[0]} groups of {w.shape[2]}"
        )
    window = w.shape[3:]
    stride, dilation = _per_axis(stride, k, "stride"), _per_axis(dilation, k, "dilation")
    out = tuple(window_output_size(n, f, s, d) for n, f, s, d in zip(x.shape[3:], window, stride, dilation))
    if min(window) < 1 or min(out) < 1:
        raise ValueError(
            f"correlate: a window of size {window} with dilation {dilation} does not fit the input's "
            f"spatial size {x.shape[3:]}"
        )
    return Correlate.apply(x, w, stride=stride, dilation=dilation, out_sizes=out)
