"""Checks on the paths the command is given, each failing with one clear line (a CLIError).

* an input file must exist, be a file and be readable;
* an output folder is created when its parent exists (or, with ``create=False``, left to
  :func:`~.staging.all_or_none` to create at the end), must be a folder and writable;
* an output file is never replaced unless ``--force`` is given.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from stepgrad.saving.atomic import write_atomically

from .errors import CLIError

__all__ = ["input_file", "output_folder", "output_file", "refuse_overwrite", "write_output"]


def input_file(path, what: str = "file") -> Path:
    """``path`` as an existing, readable file."""
    path = Path(path)
    if not path.exists():
        raise CLIError(f"no such {what}: {path}")
    if path.is_dir():
        raise CLIError(f"{path} is a folder; expected a {what}")
    if not os.access(path, os.R_OK):
        raise CLIError(f"{path} is not readable (permission denied)")
    return path


def _check_writable(folder: Path) -> None:
    """Write and remove a probe file: the only test that also holds for root and odd mounts."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".stepgrad-probe-")
    except OSError as e:
        raise CLIError(f"cannot write into {folder}: {e.strerror or e} (a read-only folder?)") \
            from None
    os.close(fd)
    os.unlink(probe)


def output_folder(path, option: str = "--out", create: bool = True) -> Path:
    """``path`` as a writable folder, created (one level) when missing.

    With ``create=False`` a missing folder is not made: its parent must be
    writable (the command makes the folder when it writes, so a run that stops
    early leaves none behind).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise CLIError(f"{option} {path} is a file; expected a folder")
    if not path.exists():
        parent = path.parent
        if not parent.is_dir():
            raise CLIError(f"{option} {path}: the folder {parent} does not exist")
        if not create:
            _check_writable(parent)
            return path
        try:
            path.mkdir()
        except OSError as e:
            raise CLIError(f"{option} {path}: cannot create it: {e.strerror or e}") from None
    _check_writable(path)
    return path


def output_file(path, force: bool, option: str = "--out") -> Path:
    """``path`` as a file that may be written: its folder exists and is writable."""
    path = Path(path)
    if path.is_dir():
        raise CLIError(f"{option} {path} is a folder; expected a file name")
    if not path.parent.is_dir():
        raise CLIError(f"{option} {path}: the folder {path.parent} does not exist")
    _check_writable(path.parent)
    refuse_overwrite([path], force)
    return path


def refuse_overwrite(paths, force: bool) -> None:
    """Stop before any work when a target exists and ``--force`` was not given."""
    if force:
        for p in paths:
            if Path(p).is_dir():
                raise CLIError(f"{p} is a folder; it cannot be replaced by a file")
        return
    existing = [str(p) for p in paths if Path(p).exists()]
    if existing:
        raise CLIError(f"{', '.join(existing)} already exist{'s' if len(existing) == 1 else ''}; "
                       f"not overwriting (pass --force to replace, or choose another --out)")


def write_output(path, data: bytes) -> None:
    """Write ``data`` to ``path``; an OSError (a full disk) names ``path``.

    A regular file (or a new one) is written beside it and renamed over it, so a
    failed write leaves the old file, or none, never half of one; a device or a
    pipe (``/dev/stdout``) is written directly.
    """
    path = Path(path)
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as f:
                f.write(data)
            return
        write_atomically(path, lambda f: f.write(data))  # a new file: 0666 less the umask
    except OSError as e:
        e.filename = str(path)
        raise
