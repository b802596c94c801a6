"""Replacing a file safely: the whole new file or the old one, with the mode a user expects.

:func:`write_atomically` writes into a hidden temporary file beside the target
(``.model.npz.<random>.tmp``), flushes it to disk and renames it over the
target, so a crash or a full disk never leaves half a file where a good one was.

What a user expects, decided here:

* **mode**: a new file gets 0666 less the umask, as ``open(path, "w")`` gives;
  the kernel applies the umask when the temporary file is created
  (``os.open(tmp, O_CREAT | O_EXCL, 0o666)``). The process umask is never read
  or changed, so a thread that creates files meanwhile is never affected.
  Replacing a file keeps its mode (``os.fchmod`` on the temporary file).
* **a read-only file** (no write bit, or not writable by this user) is not
  replaced: ``PermissionError`` says so and how to allow it.
* **a symlink** is written through: the file it points to is replaced, the link
  stays (as an editor saving a linked file does). A link to a device or a
  folder is refused, as is any target that is not a regular file.
* **errors** name the target, never the hidden temporary file; on any failure
  (an exception, Ctrl-C, a full disk) the temporary file is removed.
* **stale temporary files**, left by a save that was killed (SIGKILL, a power
  cut), are reported by the next save of the same target (a UserWarning naming
  each file and its size). A save in progress holds a lock on its temporary
  file (taken microseconds after creating it), so a file counts as stale only
  when it is unlocked and was last written :data:`STALE_AFTER` seconds ago: a
  running save, in this process or another, is never reported.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import time
import warnings
from pathlib import Path

try:  # POSIX: a running save locks its temporary file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["write_atomically", "resolve_target", "stale_temporaries", "STALE_AFTER"]

STALE_AFTER = 1.0
"""Seconds since its last write after which an unlocked temporary file is stale."""


def resolve_target(path) -> Path:
    """The file a save of ``path`` replaces: ``path``, or what its symlinks point to.

    Raises:
        FileNotFoundError: its folder does not exist.
        IsADirectoryError, PermissionError, ValueError: it is a folder, a read-only
            file, or not a regular file (a device, a pipe).
    """
    path = Path(path)
    target = Path(os.path.realpath(path))
    shown = str(path) if target == path.absolute() else f"{path} (a link to {target})"
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"cannot save {shown}: the folder "
                                f"{target.parent} does not exist", str(path))
    try:
        st = target.stat()
    except FileNotFoundError:
        return target
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, f"cannot save {shown}: it is a folder",
                                str(path))
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"cannot save {shown}: it is not a regular file (a device or a "
                         f"pipe); save to a file name")
    if not st.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, f"cannot save {shown}: it is read-only (mode "
                              f"{stat.S_IMODE(st.st_mode):04o}); not replacing it: make it "
                              f"writable (chmod u+w) or save to another name", str(path))
    return target


def _prefix(target: Path) -> str:
    return f".{target.name}."


def stale_temporaries(target) -> list:
    """Temporary files of earlier saves of ``target`` that no running save holds."""
    target = Path(target)
    found = []
    for p in target.parent.glob(_prefix(target) + "*.tmp"):
        try:
            if time.time() - p.stat().st_mtime < STALE_AFTER:
                continue  # maybe a save between creating the file and locking it
            fd = os.open(p, os.O_RDONLY)
        except OSError:
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # fails while a save writes
            found.append(p)
        except OSError:
            pass
        finally:
            os.close(fd)
    return sorted(found)


def _create_temporary(target: Path, shown: Path) -> tuple:
    """``(fd, path)`` of a new hidden file beside ``target``, mode 0666 less the umask."""
    while True:
        tmp = target.parent / f"{_prefix(target)}{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), tmp
        except FileExistsError:  # pragma: no cover - 1 in 4 billion
            continue
        except OSError as e:
            raise type(e)(e.errno, f"cannot save {shown}: {e.strerror} (a new file in "
                          f"{target.parent} is needed)", str(shown)) from None


def write_atomically(path, write) -> Path:
    """Replace ``path`` with what ``write(file)`` writes into a binary file object.

    Returns:
        ``path``. Raises what :func:`resolve_target` raises, and an ``OSError``
        naming ``path`` when the disk is full or the folder not writable.
    """
    path = Path(path)
    target = resolve_target(path)
    for stale in stale_temporaries(target):
        warnings.warn(f"{stale} ({stale.stat().st_size:,} bytes) is left from an earlier save "
                      f"of {path} that was killed; it is not a model: delete it "
                      f"(rm '{stale}')", UserWarning, stacklevel=3)
    fd, tmp = _create_temporary(target, path)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)  # tells stale_temporaries this one is alive
        try:
            os.fchmod(fd, stat.S_IMODE(target.stat().st_mode))  # replacing: keep its mode
        except FileNotFoundError:
            pass
        with os.fdopen(fd, "wb") as f:
            fd = None
            write(f)
            f.flush()
            os.fsync(f.fileno())
            os.replace(tmp, target)  # still locked until the file is closed
    except BaseException as e:
        if fd is not None:
            os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        if isinstance(e, OSError) and e.errno is not None:
            e.filename = str(path)  # name the target, never the hidden file
        raise
    _sync_folder(target.parent)
    return path


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk (where the system allows opening a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(fd)
