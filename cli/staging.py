"""All of a command's outputs, or none of them: files are written into a hidden folder and moved
into place together at the end.

    with all_or_none(Path("stepgrad-demo")) as staged:
        write_network_svg(model, staged / "network.svg")
        save(model, staged / "model.npz")
    # here every file is in stepgrad-demo/; after Ctrl-C, a full disk or an error, none is

* ``out`` missing: the hidden folder ``.out.partial-XXXX`` is made beside it and
  renamed to ``out`` at the end (one atomic rename), so an interrupted run leaves
  no folder at all (not an empty one).
* ``out`` an existing folder: the hidden folder is made inside it and each file
  is moved over its name with Ctrl-C (SIGINT) and SIGTERM held back, so the
  moves finish; a signal that came meanwhile is acted on after the last one.

On any failure (an exception, KeyboardInterrupt) the hidden folder and what it
holds are removed. Only a kill that cannot be caught (SIGKILL, a power cut)
leaves a hidden ``.partial-`` folder, which a later run names.
"""

from __future__ import annotations

import importlib
import os
import secrets
import shutil
import signal
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["all_or_none", "stale_partials", "signals_held", "load_uninterrupted"]

_HELD = {signal.SIGINT, signal.SIGTERM}


def _prefix(out: Path, inside: bool) -> str:
    return ".stepgrad.partial-" if inside else f".{out.name}.partial-"


def stale_partials(out) -> list:
    """Hidden folders left by an earlier run that was killed before it could clean up."""
    out = Path(out)
    found = list(out.parent.glob(_prefix(out, False) + "*"))
    if out.is_dir():
        found += out.glob(_prefix(out, True) + "*")
    return sorted(p for p in found if p.is_dir())


@contextmanager
def signals_held() -> Iterator[None]:
    """Hold back SIGINT and SIGTERM (delivered when the block ends).

    Two guards. The signal mask keeps a signal that comes during the block pending in
    the kernel. A signal that came just before the block is already past the mask:
    Python's C-level handler has noted it, and Python would raise KeyboardInterrupt at
    its next check, inside the block (inside a C extension's initialisation, say). So
    for the block the Python-level handlers only record what came, and it is raised
    again, to the handler there was before, when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    old_handlers: dict = {}
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        for s in _HELD:
            old_handlers[s] = signal.signal(s, lambda signum, frame: caught.append(signum))
        yield
    finally:
        for s, handler in old_handlers.items():  # masked: nothing can arrive in between
            if handler is not None:              # None: set from C, cannot be restored
                signal.signal(s, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)  # pending ones: old handlers
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def load_uninterrupted(*modules: str) -> None:
    """Import third-party modules now, with Ctrl-C held back until they are loaded.

    Ctrl-C inside a C extension's initialisation (matplotlib's ft2font, PIL) leaves
    it half made, and Python then aborts at exit with a fatal error; a command that
    loads them lazily while it writes would crash so instead of exiting with 130.
    """
    with signals_held():
        for name in modules:
            importlib.import_module(name)


def _new_folder(parent: Path, prefix: str) -> Path:
    """A new folder with a random name and mkdir's own mode (0777 less the umask, which is
    read by nobody and changed by nobody: it becomes ``out`` itself when out is new)."""
    while True:
        path = parent / (prefix + secrets.token_hex(4))
        try:
            path.mkdir(mode=0o777)
            return path
        except FileExistsError:  # pragma: no cover - 1 in 4 billion
            continue


@contextmanager
def all_or_none(out):
    """Yield a hidden folder to write into; at the end move its files into ``out`` together.

    Warns (UserWarning) when an earlier, killed run left a hidden folder behind.
    """
    out = Path(out)
    for stale in stale_partials(out):
        warnings.warn(f"{stale} was left by an earlier run that was killed (or one still "
                      f"running); once none runs, remove it: rm -r {stale}", UserWarning,
                      stacklevel=3)
    inside = out.is_dir()
    staged = _new_folder(out if inside else out.parent, _prefix(out, inside))
    try:
        yield staged
        with signals_held():
            if inside:
                for path in sorted(staged.iterdir()):
                    os.replace(path, out / path.name)
                staged.rmdir()
            else:
                os.rename(staged, out)  # fails (and cleans up) if out appeared meanwhile
    except BaseException as e:
        shutil.rmtree(staged, ignore_errors=True)
        if isinstance(e, OSError) and e.errno is not None:  # name the user's file, not ours
            e.filename = _public(e.filename, staged, out)
        raise


def _public(filename, staged: Path, out: Path) -> str:
    """``out/name`` for a path inside the hidden folder; ``out`` when no file was named."""
    if not filename:
        return str(out)
    try:
        return str(out / Path(filename).relative_to(staged))
    except ValueError:  # another file
        return str(filename)
