"""Reading a model file's zip archive with every size bounded before anything is allocated.

A model file is a zip of ``.npy`` members. :class:`Archive` reads it without
numpy's ``np.load`` (which trusts what a file declares) and refuses, naming the
member, before it allocates:

* two members of one name (zip allows it; ``np.load`` would silently use the last);
* a ``meta.json`` over :data:`MAX_META_BYTES` or nested deeper than
  :data:`MAX_META_DEPTH` (a stepgrad model's is 3 deep);
* an ``.npy`` header over numpy's safe limit (:data:`MAX_HEADER_BYTES`, 10 kB),
  reported as exactly that (numpy's own message talks of pickles);
* an object array (a pickle: it could run any code; never unpickled);
* a member whose declared shape or dtype is not what the caller expects (the
  caller derives it from the layer sizes in ``meta.json``), or whose size in the
  zip directory disagrees with its header;
* a member that inflates more than :data:`MAX_INFLATION` times (a 200 kB file
  that would become 200 MB: stepgrad's own files are stored uncompressed).
"""

from __future__ import annotations

import json
import re
import zipfile
from itertools import accumulate
from pathlib import Path

import numpy as np
import numpy.lib.format as npy

from .errors import ModelFileError

__all__ = ["Archive", "MAX_META_BYTES", "MAX_META_DEPTH", "MAX_HEADER_BYTES", "MAX_INFLATION"]

MAX_META_BYTES = 1_000_000
MAX_META_DEPTH = 32
MAX_HEADER_BYTES = 10_000
MAX_INFLATION = 100
"""A member over 1 MB may inflate at most this many times (weights compress about 1.1×)."""

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


def _depth(raw: bytes) -> int:
    """How deep JSON text nests ``[`` and ``{``, without parsing it (no recursion)."""
    steps = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
    text = _STRING.sub(b'""', raw)
    return max(accumulate(steps.get(b, 0) for b in text), default=0)


class Archive:
    """A model file's members, opened for bounded reading (a context manager)."""

    def __init__(self, path):
        self.path = Path(path)
        try:
            with self.path.open("rb") as f:
                head = f.read(4)
        except IsADirectoryError:
            raise ModelFileError(f"{self.path} is a directory, not a model file") from None
        if head[:2] != b"PK":
            raise ModelFileError(f"{self.path} is not a stepgrad model: not an .npz (zip) "
                                 f"archive")
        try:
            self.zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, EOFError, OSError) as e:
            if isinstance(e, EOFError) or "not a zip file" in str(e):
                raise ModelFileError(f"{self.path} is truncated: the end of its zip archive "
                                     f"is missing") from None
            raise ModelFileError(f"{self.path} is corrupt: {e}") from None
        self.members = {}
        for info in self.zip.infolist():
            name = info.filename.removesuffix(".npy")
            if name in self.members:
                self.zip.close()
                raise ModelFileError(f"{self.path} holds two members named {info.filename}; "
                                     f"refused (which one is the model?)")
            self.members[name] = info

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def _fail(self, member: str, why: str) -> ModelFileError:
        return ModelFileError(f"{self.path}: member {member}.npy {why}")

    def header(self, name: str, f) -> tuple:
        """``(shape, fortran_order, dtype)`` of a member, read from its open stream."""
        try:
            version = npy.read_magic(f)
            header_len = int.from_bytes(f.read(2 if version == (1, 0) else 4), "little")
            if header_len > MAX_HEADER_BYTES:
                raise self._fail(name, f"has an .npy header of {header_len:,} bytes, over the "
                                       f"safe limit of {MAX_HEADER_BYTES:,}; refused")
            f.seek(0)
            npy.read_magic(f)
            read = npy.read_array_header_1_0 if version == (1, 0) else \
                npy.read_array_header_2_0
            # numpy 1.24 takes max_header_size too, but its type stubs do not list it
            shape, fortran, dtype = read(f, max_header_size=MAX_HEADER_BYTES)  # type: ignore[call-arg, unused-ignore]
        except (ValueError, zipfile.BadZipFile, EOFError, OSError) as e:
            raise self._fail(name, f"is not a valid .npy array ({e})") from None
        if dtype.hasobject:
            raise ModelFileError(f"{self.path} holds a pickled (object) array in {name}.npy; "
                                 f"refused: stepgrad never unpickles, as a pickle can run any "
                                 f"code")
        return shape, fortran, dtype

    def declared(self, name: str) -> tuple:
        """``(shape, dtype)`` that member ``name``'s header declares (nothing else is read)."""
        with self.zip.open(self.members[name]) as f:
            shape, fortran, dtype = self.header(name, f)
        return tuple(shape), dtype

    def array(self, name: str, shape: tuple, kind: str = "float64") -> np.ndarray:
        """Member ``name`` as a new array, if it is ``kind`` of ``shape`` (checked first)."""
        info = self.members[name]
        with self.zip.open(info) as f:
            got, fortran, dtype = self.header(name, f)
            if tuple(got) != tuple(shape) or dtype != np.dtype(kind) or fortran:
                raise self._fail(name, f"declares {dtype} of shape {tuple(got)}"
                                       f"{' (Fortran order)' if fortran else ''}; the "
                                       f"metadata's sizes need {kind} of shape {tuple(shape)}")
            nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if info.file_size != f.tell() + nbytes:
                raise self._fail(name, f"is {info.file_size:,} bytes in the zip directory, but "
                                       f"its header declares {f.tell() + nbytes:,}")
            if info.file_size > 1_000_000 and info.file_size > MAX_INFLATION * info.compress_size:
                raise self._fail(name, f"inflates from {info.compress_size:,} to "
                                       f"{info.file_size:,} bytes (over {MAX_INFLATION}×: a zip "
                                       f"bomb?); refused")
            try:
                data = f.read(nbytes)
                f.read(1)  # the end of the member: the CRC is checked here
            except (zipfile.BadZipFile, EOFError, OSError) as e:
                raise ModelFileError(f"{self.path} is corrupt: {e}") from None
        if len(data) != nbytes:
            raise ModelFileError(f"{self.path} is truncated in {name}.npy")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()

    def meta(self, name: str) -> dict:
        """The JSON metadata in member ``name`` (a uint8 array), bounded in size and depth."""
        info = self.members[name]
        if info.file_size > MAX_META_BYTES:
            raise self._fail(name, f"is {info.file_size:,} bytes; metadata over "
                                   f"{MAX_META_BYTES:,} bytes is refused")
        with self.zip.open(info) as f:
            shape, _, _ = self.header(name, f)
        if len(shape) != 1:
            raise self._fail(name, f"has shape {tuple(shape)}; expected the metadata's bytes")
        raw = self.array(name, shape, "uint8").tobytes()
        depth = _depth(raw)
        if depth > MAX_META_DEPTH:
            raise self._fail(name, f"is JSON nested {depth:,} deep; a stepgrad model's "
                                   f"metadata nests at most {MAX_META_DEPTH}")
        try:
            return json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ModelFileError(f"{self.path} is corrupt: its {name} is not JSON ({e})") \
                from None
