"""Text and colours for drawings: small arrays in full, large ones as shape and norm; gradient size as colour."""
import math
import re

import numpy as np

# Control characters (C0, DEL, C1), lone surrogates and U+FFFE/U+FFFF: Graphviz drops some of them silently,
# XML (so SVG) cannot hold them, and a newline would end a line of to_text.
_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible(s):
    """str(s) with each invisible or unprintable character written as its Python escape: \\x00, \\n as \\x0a."""
    return _INVISIBLE.sub(lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", str(s))


def number(v, precision=4):
    return f"{float(v):.{precision}g}"


def array_text(a, max_values=6, precision=4):
    """A scalar or up to max_values elements in full; None when larger (the caller shows shape and norm)."""
    a = np.asarray(a)
    if a.size == 1:
        return number(a.reshape(-1)[0], precision)
    if a.size > max_values:
        return None
    if a.dtype.kind == "b":
        return str(a.tolist())
    return "[" + ", ".join(number(v, precision) for v in a.reshape(-1)) + "]"


def shape_text(shape):
    return "(" + ", ".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def grad_text(g, max_values=6, precision=4):
    """A gradient's value when small, else its shape and L2 norm."""
    if g is None:
        return "?"
    small = array_text(g, max_values, precision)
    return small if small is not None else f"{shape_text(g.shape)} |g|={number(np.linalg.norm(g), 3)}"


def rms(g):
    g = np.asarray(g, dtype=np.float64)
    return float(np.sqrt(np.mean(g * g))) if g.size else 0.0


def grad_colour(g):
    """Blue for vanishing (rms 1e-6 and below), white at 1, red for exploding (1e3 and above): a log scale."""
    if g is None:
        return "white"
    m = rms(g)
    if m == 0 or not math.isfinite(m):
        return "#bbbbbb" if m == 0 else "#ff00ff"   # exactly zero: grey; inf/nan: magenta, impossible to miss
    x = math.log10(m)
    if x < 0:
        f = min(-x / 6, 1.0)
        r, gr, b = 1 - 0.75 * f, 1 - 0.55 * f, 1.0
    else:
        f = min(x / 3, 1.0)
        r, gr, b = 1.0, 1 - 0.8 * f, 1 - 0.8 * f
    return "#%02x%02x%02x" % (round(255 * r), round(255 * gr), round(255 * b))


GRAD_LEGEND = "fill: rms of the gradient, log scale (blue 1e-6, white 1, red 1e3; grey 0)"


def nbytes_text(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
