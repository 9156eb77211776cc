"""`python -m viz --example neuron|mlp|conv|lstm --mode forward|backward|both --out DIR [--detail ops] [--style slide]`: draw a built-in graph."""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .args import file_in_the_way
from .draw import draw
from .examples import EXAMPLES, lstm
from .render import DotNotFoundError, render
from .trace import Trace
from .view import collapse_rule, scope_parts

if TYPE_CHECKING:
    from autograd_core import Tensor


def steps(text: str) -> int:
    if not re.fullmatch(r"\s*[+-]?\d+\s*", text):
        raise argparse.ArgumentTypeError(f"expected a whole number of time steps, got {text!r}")
    if int(text) < 1:
        raise argparse.ArgumentTypeError(f"the lstm needs at least 1 time step, got {int(text)}")
    return int(text)


def out_folder(text: str) -> pathlib.Path:
    f = file_in_the_way(pathlib.Path(text))
    if f is not None:
        raise argparse.ArgumentTypeError(f"{str(f)!r} is a file, not a directory")
    return pathlib.Path(text)


def collapse(text: str) -> int | str:
    """A depth (0, 1, ...) or a scope name or glob; negative depths are refused rather than matched as names."""
    if re.fullmatch(r"\s*-\d+\s*", text):
        raise argparse.ArgumentTypeError(f"a depth must be >= 0, got {text.strip()}")
    if not text:
        raise argparse.ArgumentTypeError("expected a scope name, a glob (t=*) or a depth, got an empty string")
    return int(text) if text.strip().isdigit() else text


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m viz", description=__doc__.split(":")[1].strip())
    ap.add_argument("--example", choices=sorted(EXAMPLES), default="neuron")
    ap.add_argument("--mode", choices=("forward", "backward", "both"), default="both")
    ap.add_argument(
        "--out", type=out_folder, default=pathlib.Path("out"), help="folder for the drawings (default: out)"
    )
    ap.add_argument("--format", choices=("svg", "png", "pdf"), default="svg")
    ap.add_argument("--steps", type=steps, default=None, help="time steps of the lstm example (default: 5)")
    ap.add_argument(
        "--collapse", type=collapse, default=None, help="draw these scopes as boxes: a name, a glob (t=*) or a depth"
    )
    ap.add_argument(
        "--detail",
        choices=("lecture", "ops"),
        default="lecture",
        help="lecture: modules and composites as one node, fitted to a slide (default); ops: every primitive",
    )
    ap.add_argument(
        "--style", choices=("default", "slide"), default="default", help="slide: larger text, top to bottom"
    )
    args = ap.parse_args(argv)
    if args.steps is not None and args.example != "lstm":
        ap.error(f"argument --steps: only the lstm example has time steps, not {args.example}")
    loss = lstm(args.steps or 5)[0] if args.example == "lstm" else EXAMPLES[args.example]()
    if args.collapse is not None:
        check_collapse(ap, args, loss)
    path = args.out / f"{args.example}_{args.mode}.{args.format}"
    try:
        render(loss, path, mode=args.mode, collapse=args.collapse, detail=args.detail, style=args.style)
    except DotNotFoundError as e:
        print(e, file=sys.stderr)
        print(draw(loss, args.mode, collapse=args.collapse, detail=args.detail, style=args.style).source)
        return 1
    print(path)
    return 0


def check_collapse(ap: argparse.ArgumentParser, args: argparse.Namespace, loss: Tensor) -> None:
    """A --collapse that matches no scope would draw the graph as if it were not given: say so instead."""
    trace = Trace(loss)
    scopes = sorted(
        {
            "/".join(scope_parts(trace.scope(k))[:n])
            for k in range(len(trace.ops))
            for n in range(1, len(scope_parts(trace.scope(k))) + 1)
        }
    )
    rule = collapse_rule(args.collapse)
    if not any(rule(s) for s in scopes):
        listed = ", ".join(scopes[:8]) + (", ..." if len(scopes) > 8 else "") if scopes else "none"
        ap.error(
            f"argument --collapse: {args.collapse!r} matches no scope of the {args.example} example "
            f"(its scopes: {listed})"
        )


if __name__ == "__main__":
    sys.exit(main())
