"""The ``stepgrad`` command.

    stepgrad demo     a small expression: its forward values and its gradients
"""

from __future__ import annotations

import argparse

from .demo import run_demo


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="stepgrad", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="forward values and gradients of a small expression")
    args = parser.parse_args(argv)
    if args.command == "demo":
        return run_demo()
    return 2  # pragma: no cover - argparse rejects unknown commands
