"""`python -m viz --example neuron|mlp|conv|lstm --mode forward|backward|both --out DIR`: draw a built-in graph."""
import argparse
import pathlib
import sys

from .draw import draw
from .examples import EXAMPLES, lstm
from .render import DotNotFoundError, render


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m viz", description=__doc__.split(":")[1].strip())
    ap.add_argument("--example", choices=sorted(EXAMPLES), default="neuron")
    ap.add_argument("--mode", choices=("forward", "backward", "both"), default="both")
    ap.add_argument("--out", default="out", help="folder for the drawings (default: out)")
    ap.add_argument("--format", choices=("svg", "png", "pdf"), default="svg")
    ap.add_argument("--steps", type=int, default=5, help="time steps of the lstm example")
    ap.add_argument("--collapse", default=None, help="draw these scopes as boxes: a name, a glob (t=*) or a depth")
    args = ap.parse_args(argv)
    loss = lstm(args.steps)[0] if args.example == "lstm" else EXAMPLES[args.example]()
    collapse = int(args.collapse) if args.collapse and args.collapse.isdigit() else args.collapse
    path = pathlib.Path(args.out) / f"{args.example}_{args.mode}.{args.format}"
    try:
        render(loss, path, mode=args.mode, collapse=collapse)
    except DotNotFoundError as e:
        print(e, file=sys.stderr)
        print(draw(loss, args.mode, collapse=collapse).source)
        return 1
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
