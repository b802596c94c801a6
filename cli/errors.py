"""How the command reports: one line on stderr and exit code 2 for anything the user can fix,
and printing that survives a closed pipe (``stepgrad demo | head``)."""

from __future__ import annotations

import os
import shutil
import sys

__all__ = ["CLIError", "USAGE_ERROR", "say", "require_dot"]

USAGE_ERROR = 2
DOT_INSTALL = "sudo apt-get install -y graphviz"


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


def require_dot() -> None:
    """Graphviz's ``dot`` draws the graphs: stop with the install command if it is missing."""
    if shutil.which("dot") is None:
        raise CLIError(f"Graphviz's dot program is missing (it draws the graphs); install it "
                       f"with: {DOT_INSTALL}")
