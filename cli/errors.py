"""How the command reports: one line on stderr and exit code 2 for anything the user can fix,
and printing that survives a closed pipe (``stepgrad demo | head``)."""

from __future__ import annotations

import os
import sys

from stepgrad.viz.renderer import GraphvizMissing, which_renderer

__all__ = ["CLIError", "USAGE_ERROR", "say", "require_renderer"]

USAGE_ERROR = 2


class CLIError(Exception):
    """A problem the user can fix (a bad argument, an unusable path): printed as one line."""


def say(text: str = "") -> None:
    """Print a line to stdout; once the reader has gone (``| head``), print nothing more.

    The work goes on (files are still written); stdout is pointed at /dev/null so
    that neither this nor the interpreter's last flush raises BrokenPipeError.
    """
    if sys.stdout is None:
        return
    try:
        print(text, flush=True)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def require_renderer() -> None:
    """A Graphviz program draws the graphs (the system ``dot`` or the pip-installed
    ``graphviz-pure``): stop with the command that installs one if there is none."""
    try:
        which_renderer()
    except (GraphvizMissing, ValueError) as e:
        raise CLIError(str(e)) from None
