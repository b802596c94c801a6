"""The ``stepgrad`` command.

    stepgrad demo [--svg FILE] [--force]    one neuron: forward values, backward steps, gradients
"""

from __future__ import annotations

import argparse

from .demo import run_demo


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="stepgrad", description="stepgrad: watch backprop happen")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="one neuron: forward values, backward steps, gradients")
    demo.add_argument("--svg", metavar="FILE", help="also save the graph as SVG")
    demo.add_argument("--force", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo(svg=args.svg, force=args.force)
    return 2  # pragma: no cover - argparse rejects unknown commands
