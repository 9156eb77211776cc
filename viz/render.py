"""Write a drawing to SVG, PNG or PDF (chosen by the file's suffix) with Graphviz's `dot` program."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from autograd_core import Tensor

from .args import file_path, folder
from .draw import draw

if TYPE_CHECKING:
    import os
    import pathlib

    import graphviz

    from .draw import Mode

__all__ = ["DotNotFoundError", "render", "write"]

FORMATS = ("svg", "png", "pdf")
INSTALL_HINT = (
    "install Graphviz's `dot` program: `apt-get install graphviz` (Debian/Ubuntu), `brew install "
    "graphviz` (macOS), `conda install graphviz`, or see https://graphviz.org/download"
)


class DotNotFoundError(RuntimeError):
    """The Graphviz `dot` program is needed to lay out and render a drawing and was not found."""


def render(
    t: Tensor | Sequence[Tensor] | graphviz.Digraph,
    path: str | os.PathLike[str],
    mode: Mode = "forward",
    **kwargs: Any,
) -> pathlib.Path:
    """Draw t (a Tensor, or an already made graphviz.Digraph) into path; returns the path.

    The format comes from the suffix (.svg, .png, .pdf). Without `dot`, the DOT source is written beside the
    file (same name, .gv) and DotNotFoundError says how to install Graphviz.
    """
    import graphviz

    target = file_path(path, "viz.render")
    fmt = target.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"viz.render: the file name must end in one of {['.' + f for f in FORMATS]}, got {target.name!r}"
        )
    if target.is_dir():
        raise ValueError(f"viz.render: {str(target)!r} is a directory; give the name of the file to write")
    folder(target.parent, "viz.render")
    if not isinstance(t, (graphviz.Digraph, Tensor, list, tuple)):
        raise TypeError(
            f"viz.render: expected a Tensor, a list of Tensors or a graphviz.Digraph, got {type(t).__name__}"
        )
    g = t if isinstance(t, graphviz.Digraph) else draw(t, mode, _who="viz.render", **kwargs)
    return write(g, target, fmt)


def write(g: graphviz.Digraph, path: pathlib.Path, fmt: str) -> pathlib.Path:
    import graphviz

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        data = g.pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        src = path.with_suffix(".gv")
        src.write_text(g.source)
        raise DotNotFoundError(
            f"cannot render {path.name}: {INSTALL_HINT}. The DOT source was written to "
            f"{src}; paste it into any Graphviz viewer."
        ) from None
    path.write_bytes(data)
    return path
