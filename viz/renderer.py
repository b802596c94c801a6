"""The one place a picture is laid out: which Graphviz program runs, and how it is run.

Two programs read stepgrad's DOT text and lay it out:

* ``"dot"``: the system Graphviz (apt, brew, winget, conda), found on PATH, then
  beside the running interpreter;
* ``"pure"``: ``graphviz-pure``, a Rust port of Graphviz's ``dot`` that pip
  installs (``pip install graphviz-pure``, or the ``render`` extra of stepgrad).
  It is looked for beside the running interpreter first, in the scripts folder
  of its installation scheme (a venv's ``bin/`` or ``Scripts\\``, then the user
  scheme's), because a Jupyter kernel started from a venv often does not have
  that folder on its PATH; then on PATH.

Which one draws: :func:`use_renderer` (``"dot"``, ``"pure"`` or None), else the
``STEPGRAD_RENDERER`` environment variable (``dot`` or ``pure``), else the
system ``dot`` when there is one (the reference), else ``graphviz-pure``. With
neither, :class:`GraphvizMissing` says what fixes it on this machine: the pip
command first, then the system install for this platform.

:func:`layout` runs the chosen program with the DOT text on stdin. What it prints
on stderr never reaches the student (graphviz-pure warns about the width of
every non-ASCII character: ∂, ⇒, subscripts); it goes to the ``stepgrad.viz``
logger at debug level. A failure is a :class:`RenderError` naming the program,
with the first line of its message.
"""

from __future__ import annotations

import logging
import os
import platform as _platform
import shlex
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

__all__ = ["RENDERERS", "PROGRAMS", "ABOUT", "ENV", "GraphvizMissing", "RenderError", "Renderer",
           "use_renderer", "which_renderer", "find_renderer", "scripts_folders",
           "program_file", "pip_install", "system_install", "install_hint", "layout"]

RENDERERS = ("dot", "pure")
PROGRAMS = {"dot": "dot", "pure": "graphviz-pure"}
ABOUT = {"dot": "the system Graphviz", "pure": "pip-installed, a Rust port of Graphviz's dot"}
ENV = "STEPGRAD_RENDERER"
PIP_PACKAGE = "graphviz-pure"
DOWNLOAD = "https://graphviz.org/download/"

log = logging.getLogger("stepgrad.viz")
_chosen: str | None = None  # set by use_renderer


class GraphvizMissing(RuntimeError):
    """No program to lay out the picture was found (``.source`` still holds the DOT text)."""


class RenderError(RuntimeError):
    """The layout program ran and failed: the message names it and quotes its first line."""


@dataclass(frozen=True)
class Renderer:
    """A layout program: ``name`` (``"dot"`` or ``"pure"``) and the ``path`` that runs."""

    name: str
    path: str

    @property
    def program(self) -> str:
        return PROGRAMS[self.name]

    def version(self) -> str:
        """The program's version number, as ``-V`` prints it (``2.43.0``, ``0.2.2``)."""
        try:
            p = subprocess.run([self.path, "-V"], capture_output=True, text=True, timeout=30,
                               creationflags=_NO_WINDOW)
        except (OSError, subprocess.SubprocessError) as e:
            return f"unknown ({e.__class__.__name__})"
        words = (p.stderr or p.stdout).split()
        return words[words.index("version") + 1] if "version" in words[:-1] else "unknown"

    def __str__(self) -> str:
        return f"{self.program} ({self.path})"


_NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # Windows: no console flashing up


# --------------------------------------------------------------- the platform


def program_file(program: str, platform: str | None = None) -> str:
    """The file name pip and installers give a program: ``graphviz-pure.exe`` on Windows."""
    return program + ".exe" if (platform or sys.platform) == "win32" else program


def scripts_folders(platform: str | None = None) -> list[Path]:
    """Where pip puts the running interpreter's programs, best first.

    The scripts folder of the interpreter's installation scheme (a venv's ``bin/``,
    ``Scripts\\`` on Windows), the user scheme's (``pip install --user``), and the
    interpreter's own folder. ``platform``: another ``sys.platform`` value, for tests
    (the folders that platform's schemes give for this interpreter's prefix).
    """
    if platform is None or platform == sys.platform:
        schemes = [sysconfig.get_default_scheme(), sysconfig.get_preferred_scheme("user")]
    elif platform == "win32":
        schemes = ["nt", "nt_user"]
    else:
        schemes = ["posix_prefix",
                   "osx_framework_user" if platform == "darwin" else "posix_user"]
    folders = []
    for scheme in schemes:
        try:
            folders.append(Path(sysconfig.get_path("scripts", scheme)))
        except KeyError:  # a scheme this Python does not know
            continue
    folders.append(Path(sys.executable).parent)
    return list(dict.fromkeys(folders))


def find_renderer(name: str, path: str | None = None, folders=None,
                  platform: str | None = None) -> Renderer | None:
    """The renderer ``name`` installed on this machine, or None.

    ``"pure"`` is looked for beside the interpreter (``folders``, default
    :func:`scripts_folders`) before PATH; ``"dot"`` on PATH first (the system
    Graphviz), then beside the interpreter (conda puts it there). ``path``: a
    PATH string instead of the environment's.
    """
    if name not in RENDERERS:
        raise ValueError(f"renderer must be one of {', '.join(map(repr, RENDERERS))}, "
                         f"got {name!r}")
    program = PROGRAMS[name]
    candidates = [Path(f) / program_file(program, platform)
                  for f in (scripts_folders(platform) if folders is None else folders)]
    beside = [str(p) for p in candidates if p.is_file() and os.access(p, os.X_OK)]
    on_path = shutil.which(program, path=path)
    ordered: list[str | None] = [*beside, on_path] if name == "pure" else [on_path, *beside]
    found = [f for f in ordered if f]
    return Renderer(name, found[0]) if found else None


# --------------------------------------------------------------- what to install


def _os_release() -> dict:
    try:
        return _platform.freedesktop_os_release()
    except OSError:
        return {}


def pip_install(executable: str | None = None, platform: str | None = None) -> str:
    """The pip command that installs the pip renderer into the running interpreter."""
    exe = executable or sys.executable or "python"
    if (platform or sys.platform) == "win32":
        exe = f'"{exe}"' if " " in exe else exe
    else:
        exe = shlex.quote(exe)
    return f"{exe} -m pip install {PIP_PACKAGE}"


def system_install(platform: str | None = None, os_release: dict | None = None) -> str:
    """How to install the system Graphviz here: apt, dnf, brew, winget, or the download page."""
    platform = platform or sys.platform
    if platform == "darwin":
        return "brew install graphviz"
    if platform == "win32":
        return f"winget install Graphviz.Graphviz (or the installer from {DOWNLOAD})"
    if platform.startswith("linux"):
        info = _os_release() if os_release is None else os_release
        family = f"{info.get('ID', '')} {info.get('ID_LIKE', '')}".split()
        if {"debian", "ubuntu"} & set(family):
            return "sudo apt-get install -y graphviz"
        if {"fedora", "rhel", "centos"} & set(family):
            return "sudo dnf install graphviz"
        return f"your distribution's graphviz package ({DOWNLOAD})"
    return f"Graphviz from {DOWNLOAD}"


def install_hint(platform: str | None = None, os_release: dict | None = None,
                 executable: str | None = None) -> str:
    """One line: the pip command first, then the system install for this platform."""
    return (f"install the pip renderer with:  {pip_install(executable, platform)}   "
            f"(or the system Graphviz: {system_install(platform, os_release)})")


# --------------------------------------------------------------- choosing


def use_renderer(name: str | None) -> None:
    """Make every picture use ``"dot"`` or ``"pure"``; None: the default again.

    A teacher sets it (or ``STEPGRAD_RENDERER``) so every student's pictures are
    laid out by the same program. Raises ValueError on another name.
    """
    global _chosen
    if name is not None and name not in RENDERERS:
        raise ValueError(f"use_renderer: expected 'dot', 'pure' or None, got {name!r}")
    _chosen = name


def which_renderer() -> Renderer:
    """The renderer the next picture will use (see the module doc for the order).

    Raises GraphvizMissing when none is installed, or when the one asked for
    (``use_renderer``, ``STEPGRAD_RENDERER``) is not; ValueError on a bad
    ``STEPGRAD_RENDERER``.
    """
    asked, how = _chosen, "use_renderer"
    if asked is None and os.environ.get(ENV):
        asked, how = os.environ[ENV].strip().lower(), ENV
        if asked not in RENDERERS:
            raise ValueError(f"{ENV}={os.environ[ENV]!r}: expected 'dot' or 'pure'")
    if asked is not None:
        found = find_renderer(asked)
        if found is None:
            fix = (pip_install() if asked == "pure" else system_install())
            raise GraphvizMissing(f"{how} asks for {PROGRAMS[asked]}, which was not found "
                                  f"(beside this Python or on PATH); install it with:  {fix}")
        return found
    for name in RENDERERS:
        found = find_renderer(name)
        if found is not None:
            return found
    raise GraphvizMissing(f"no Graphviz program was found to lay out the picture; "
                          f"{install_hint()}")


# --------------------------------------------------------------- running


def layout(source: str, format: str = "svg", engine: str = "dot",
           renderer: Renderer | None = None) -> bytes:
    """``source`` (DOT text) laid out and written as ``format`` by ``engine`` (``dot``,
    ``neato``, …) of the chosen renderer; returns the bytes the program wrote."""
    r = renderer or which_renderer()
    try:
        p = subprocess.run([r.path, f"-K{engine}", f"-T{format}"], input=source.encode("utf-8"),
                           capture_output=True, creationflags=_NO_WINDOW)
    except OSError as e:
        raise RenderError(f"{r} could not be run: {e}") from None
    message = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        raise RenderError(f"{r} failed (exit code {p.returncode}): {_first_line(message)}")
    if message.strip():
        log.debug("%s said: %s", r.program, message.strip())
    return p.stdout


def _first_line(message: str) -> str:
    """The first line of a failure that is not a warning (else the first line)."""
    lines = [s.strip() for s in message.splitlines() if s.strip()]
    errors = [s for s in lines if not s.lower().startswith("warning")]
    return (errors or lines or ["no message"])[0]
