"""Text and colours for drawings: small arrays in full, large ones as shape and norm; gradient size as colour."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, SupportsFloat

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    from autograd_core import Function

__all__ = ["visible", "number", "array_text", "shape_text", "grad_text", "rms", "grad_colour", "nbytes_text",
           "is_builtin", "op_label", "split_rule", "rule_for", "local_rule", "norm_text"]  # fmt: skip

# Control characters (C0, DEL, C1), lone surrogates and U+FFFE/U+FFFF: Graphviz drops some of them silently,
# XML (so SVG) cannot hold them, and a newline would end a line of to_text.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible(s: object) -> str:
    """str(s) with each invisible or unprintable character written as its Python escape: \\x00, \\n as \\x0a."""
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", str(s))


def number(v: SupportsFloat, precision: int = 4) -> str:
    return f"{float(v):.{precision}g}"


def array_text(a: npt.ArrayLike, max_values: int = 6, precision: int = 4) -> str | None:
    """A scalar or up to max_values elements in full; None when larger (the caller shows shape and norm)."""
    a = np.asarray(a)
    if a.size == 1:
        return number(a.reshape(-1)[0], precision)
    if a.size > max_values:
        return None
    if a.dtype.kind == "b":
        return str(a.tolist())
    return "[" + ", ".join(number(v, precision) for v in a.reshape(-1)) + "]"


def shape_text(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def grad_text(g: np.ndarray | None, max_values: int = 6, precision: int = 4) -> str:
    """A gradient's value when small, else its shape and L2 norm."""
    if g is None:
        return "?"
    small = array_text(g, max_values, precision)
    return small if small is not None else f"{shape_text(g.shape)} |g|={number(np.linalg.norm(g), 3)}"


def rms(g: npt.ArrayLike) -> float:
    g = np.asarray(g, dtype=np.float64)
    return float(np.sqrt(np.mean(g * g))) if g.size else 0.0


def grad_colour(g: npt.ArrayLike | None) -> str:
    """Blue for vanishing (rms 1e-6 and below), white at 1, red for exploding (1e3 and above): a log scale."""
    if g is None:
        return "white"
    m = rms(g)
    if m == 0 or not math.isfinite(m):
        return "#bbbbbb" if m == 0 else "#ff00ff"  # exactly zero: grey; inf/nan: magenta, impossible to miss
    x = math.log10(m)
    if x < 0:
        f = min(-x / 6, 1.0)
        r, gr, b = 1 - 0.75 * f, 1 - 0.55 * f, 1.0
    else:
        f = min(x / 3, 1.0)
        r, gr, b = 1.0, 1 - 0.8 * f, 1 - 0.8 * f
    return f"#{round(255 * r):02x}{round(255 * gr):02x}{round(255 * b):02x}"


GRAD_LEGEND = "fill: rms of the gradient, log scale (blue 1e-6, white 1, red 1e3; grey 0)"


def nbytes_text(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable: the loop returns at GB")


# ---- ops as the lectures write them ---------------------------------------------------------------------------
# Class name -> label, for the engine's own primitives. A user's Function keeps its class name.
OP_LABELS: dict[str, str] = {
    "Add": "+",
    "Sub": "-",
    "Mul": "*",
    "Div": "/",
    "Neg": "-",
    "PowScalar": "**p",
    "Pow": "**",
    "Exp": "exp",
    "Log": "log",
    "Sqrt": "√",
    "Abs": "abs",
    "Tanh": "tanh",
    "Sigmoid": "σ",
    "Relu": "relu",
    "LeakyRelu": "leaky_relu",
    "Where": "where",
    "Maximum": "maximum",
    "Cast": "cast",
    "Sum": "sum",
    "Max": "max",
    "Reshape": "reshape",
    "Transpose": "transpose",
    "BroadcastTo": "broadcast",
    "GetItem": "[ ]",
    "ScatterAdd": "scatter_add",
    "Concatenate": "concat",
    "Pad": "pad",
    "MatMul": "@",
    "SlidingWindow": "windows",
    "WindowMax": "max over windows",
    "Col2Im": "col2im",
    "Correlate": "conv",
    "LSTMStep": "lstm_cell",
    "GRUStep": "gru_cell",
    "BinaryCrossEntropy": "binary_cross_entropy",
    "Sin": "sin",
    "Cos": "cos",
    "Arcsin": "arcsin",
    "Arctan": "arctan",
    "Arctan2": "arctan2",
    "Log1p": "log1p",
    "Expm1": "expm1",
    "Erf": "erf",
    "Constant": "const",
    "Remainder": "%",
    "Cumsum": "cumsum",
    "Norm": "‖·‖",
    "Einsum": "einsum",
}
# Compositions of primitives, for whoever draws them as one node (names as nn.functional spells them).
COMPOSITE_LABELS = (
    "mean",
    "conv1d",
    "conv2d",
    "max_pool1d",
    "max_pool2d",
    "avg_pool2d",
    "softmax",
    "log_softmax",
    "cross_entropy",
    "mse_loss",
    "linear",
)
PRIME = "\u2032"  # ′: the backward of an op, as the lectures write f′


def is_builtin(ctx: Function) -> bool:
    return type(ctx).__module__.startswith("autograd_core.")


def op_label(
    ctx: Function, params: dict[str, float] | None = None, backward: bool = False, style: str = "lecture"
) -> str:
    """The text drawn on an op's node: `tanh`, `*`, `**2`, `conv2d`; `tanh′` in backward mode.
    style="class": the class name (`TanhBackward` in backward mode). params: what forward saved (for `**p`)."""
    name = type(ctx).__name__
    if style == "class" or not is_builtin(ctx):
        return name + ("Backward" if backward else "")
    label = OP_LABELS.get(name, name.lower())  # a primitive added later: NumPy's spelling, near enough
    if name == "PowScalar":
        p = (params or {}).get("p")
        if p is not None:
            label = "**" + number(p)
    elif name == "Correlate":
        w = ctx.parents[1] if len(ctx.parents) > 1 else None
        label = f"conv{w.ndim - 3}d" if w is not None and w.ndim > 3 else "conv"  # w: (G, O, C, F1..Fk)
    return label + (PRIME if backward else "")


def split_rule(rule: str) -> list[str]:
    """A rule's parts, one per input: "g * y, g * x" -> ["g * y", "g * x"] (commas inside brackets kept)."""
    parts, depth, cur = [], 0, ""
    for c in rule:
        depth += c in "([{"
        depth -= c in ")]}"
        if c == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += c
    parts.append(cur.strip())
    return parts


def rule_for(ctx: Function, pos: int | None = None) -> str:
    """The op's local rule in lecture notation (its class's `rule`), the part for input pos when it has one per
    input; the class name when the op states none."""
    rule = getattr(type(ctx), "rule", None)
    if not isinstance(rule, str) or not rule:
        return type(ctx).__name__
    parts = split_rule(rule)
    if pos is not None and len(parts) == len(ctx.parents) and len(parts) > 1:
        return parts[pos]
    return rule


def local_rule(rule: str) -> str:
    """The local gradient alone: "g * (1 - out²)" -> "1 - out²"; rules without a leading "g * " unchanged."""
    if rule in ("g", "-g"):
        return rule.replace("g", "1")
    if rule.startswith("g * "):
        rule = rule[4:]
        if rule.startswith("(") and rule.endswith(")") and rule.count("(") == 1:
            rule = rule[1:-1]
    return rule


def norm_text(a: npt.ArrayLike, precision: int = 3) -> str:
    return f"‖·‖={number(np.linalg.norm(np.asarray(a, dtype=np.float64)), precision)}"
