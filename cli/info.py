"""``stepgrad info`` and ``stepgrad --version``: the versions of stepgrad, Python, numpy and the
Graphviz program that lays out the pictures, with its path (so a teacher can see which one a
student's machine uses, and set it: ``STEPGRAD_RENDERER=dot|pure``)."""

from __future__ import annotations

import argparse
import sys

import numpy as np

import stepgrad
from stepgrad.viz.renderer import (
    ABOUT,
    ENV,
    RENDERERS,
    GraphvizMissing,
    find_renderer,
    which_renderer,
)

from .errors import say

__all__ = ["info_lines", "run_info", "VersionAction"]


def info_lines() -> list[str]:
    """stepgrad, Python, numpy, then the renderer that draws (and any other one installed)."""
    lines = [f"stepgrad {stepgrad.__version__}",
             f"python {sys.version.split()[0]} ({sys.executable})",
             f"numpy {np.__version__}"]
    try:
        chosen = which_renderer()
    except (GraphvizMissing, ValueError) as e:
        chosen = None
        lines.append(f"renderer: none ({e})")
    for name in RENDERERS:
        r = chosen if chosen is not None and chosen.name == name else find_renderer(name)
        if r is None:
            continue
        role = "renderer" if r == chosen else "also installed"
        lines.append(f"{role}: {r.program} {r.version()}, {ABOUT[name]} ({r.path})")
    lines.append(f"choose with {ENV}=dot|pure or stepgrad.viz.use_renderer('dot'|'pure')")
    return lines


def run_info() -> int:
    for line in info_lines():
        say(line)
    return 0


class VersionAction(argparse.Action):
    """``--version``: the same lines as ``stepgrad info``, then exit."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="print the versions of stepgrad, numpy and the renderer, and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        run_info()
        parser.exit()
