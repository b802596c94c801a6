"""Saving and loading a trained MLP (and its optimizer): one ``.npz`` file, no pickles.

``save(model, path, optimizer=opt)`` writes it, ``load(path)`` reads it back.

The file is a numpy ``.npz`` archive (a zip of ``.npy`` arrays) holding

* ``w1``, ``w2``, …: the weight arrays, w¹_fh of shape (F + 1, H) with the
  biases in row 0, w²_hm of shape (H + 1, M), … exactly as in the model
  (float64, so a load gives bit-identical weights and predictions);
* ``meta.json``: the metadata as UTF-8 JSON bytes (a uint8 array): the
  architecture (``sizes``), the activations (σ_h of each hidden layer, σ_m),
  the format version and the stepgrad version that wrote it;
* optionally ``optimizer.<i>.<field>``: each state array of the optimizer (Adam's
  m and v of parameter i, …), its name, hyperparameters and step counts in the
  metadata.

Loading uses ``allow_pickle=False`` and refuses, with :class:`ModelFileError`
saying which, a file that is truncated, corrupt, pickle-bearing, of another
format version, or whose arrays do not fit its architecture (or the model it
is loaded into). Saving writes a temporary file beside the target and renames
it over the target, so a crash never leaves a half-written file over a good one.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

import stepgrad
from stepgrad.nn import ACTIVATIONS, MLP
from stepgrad.optim import OPTIMIZERS

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "save", "load"]

FORMAT = "stepgrad-mlp"
FORMAT_VERSION = 1
META = "meta.json"


class ModelFileError(ValueError):
    """A file that :func:`load` refuses; the message says why."""


def _library_version() -> str:
    return stepgrad.__version__


# --------------------------------------------------------------------- save


def _architecture(model) -> dict:
    if not isinstance(model, MLP):
        raise TypeError(f"save writes an MLP, got a {type(model).__name__}; for other modules "
                        f"save model.state_dict() yourself")
    acts = [layer.activation.name for layer in model.layers]
    for layer in model.layers:
        if ACTIVATIONS.get(layer.activation.name) is not layer.activation:
            raise ValueError(f"cannot save the activation {layer.activation.name!r}: only the "
                             f"named ones ({', '.join(ACTIVATIONS)}) can be saved and loaded")
    return {"class": "MLP", "sizes": list(model.sizes), "hidden": acts[:-1], "output": acts[-1]}


def _optimizer_entries(optimizer, model) -> tuple[dict, dict]:
    """The optimizer's metadata and its state arrays (keys ``optimizer.<i>.<field>``)."""
    params = model.parameters()
    if len(optimizer.params) != len(params) or any(
            p is not q for p, q in zip(optimizer.params, params)):
        raise ValueError("the optimizer does not hold this model's parameters "
                         "(make it with optimizer = Adam(model.parameters(), ...))")
    sd = optimizer.state_dict()
    arrays, scalars = {}, []
    for i, fields in enumerate(sd["state"]):
        kept = {}
        for field, value in fields.items():
            if isinstance(value, np.ndarray):
                arrays[f"optimizer.{i}.{field}"] = value
            else:
                kept[field] = value
        scalars.append(kept)
    meta = {"name": sd["optimizer"], "hyper": sd["hyper"], "scalars": scalars,
            "arrays": [sorted(k for k in f if k not in s) for f, s in zip(sd["state"], scalars)]}
    return meta, arrays


def _file_mode(path: Path) -> int:
    """The mode a plain ``open(path, "w")`` would give: the old file's, else 0666 minus umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def save(model, path, optimizer=None) -> Path:
    """Write ``model`` (an MLP), and optionally ``optimizer``'s state, to ``path``.

    Args:
        model: the :class:`~stepgrad.nn.MLP` to save.
        path: the file to write (the name is used as given; ``.npz`` is the convention).
        optimizer: an optimizer of :mod:`stepgrad.optim` on ``model.parameters()``,
            whose state (Adam's moments, step counts, …) is saved too.

    Returns:
        The path written.

    The target is replaced atomically: the archive is written to a temporary
    file in the same folder, flushed to disk, then renamed over ``path``.
    """
    path = Path(path)
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "stepgrad_version": _library_version(), **_architecture(model), "optimizer": None}
    arrays = dict(model.state_dict())
    if optimizer is not None:
        meta["optimizer"], opt_arrays = _optimizer_entries(optimizer, model)
        arrays.update(opt_arrays)
    arrays[META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, _file_mode(path))  # mkstemp's 0600 would hide the model from others
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------- load


def _read(path: Path) -> dict:
    """Every array of the archive, read with allow_pickle=False, or ModelFileError."""
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except IsADirectoryError:
        raise ModelFileError(f"{path} is a directory, not a model file") from None
    if head[:2] != b"PK":
        raise ModelFileError(f"{path} is not a stepgrad model: not an .npz (zip) archive")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except ValueError as e:
        if "allow_pickle" in str(e):
            raise ModelFileError(f"{path} holds a pickled (object) array; refused: stepgrad "
                                 f"never unpickles, as a pickle can run any code") from None
        raise ModelFileError(f"{path} is corrupt: {e}") from None
    except (zipfile.BadZipFile, EOFError, OSError) as e:
        if "not a zip file" in str(e) or isinstance(e, EOFError):
            raise ModelFileError(f"{path} is truncated: the end of its zip archive is "
                                 f"missing") from None
        raise ModelFileError(f"{path} is corrupt: {e}") from None


def _meta(path: Path, arrays: dict) -> dict:
    raw = arrays.pop(META, None)
    if raw is None:
        raise ModelFileError(f"{path} is not a stepgrad model: it has no {META}")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ModelFileError(f"{path} is corrupt: its {META} is not JSON ({e})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError(f"{path} is not a stepgrad model (format {meta.get('format')!r})"
                             if isinstance(meta, dict) else f"{path} is corrupt: bad {META}")
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelFileError(
            f"{path} has format version {version!r} (written by stepgrad "
            f"{meta.get('stepgrad_version', '?')}); this stepgrad ({_library_version()}) "
            f"reads version {FORMAT_VERSION}")
    return meta


def _check_architecture(path: Path, meta: dict, arrays: dict, into) -> None:
    sizes = meta.get("sizes")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(s, int) and s >= 1 for s in sizes)):
        raise ModelFileError(f"{path} has a wrong architecture: sizes {sizes!r}")
    expected = {f"w{i + 1}": (sizes[i] + 1, sizes[i + 1]) for i in range(len(sizes) - 1)}
    weights = {k: v for k, v in arrays.items() if not k.startswith("optimizer.")}
    if set(weights) != set(expected):
        raise ModelFileError(f"{path} has a wrong architecture: sizes {sizes} need arrays "
                             f"{sorted(expected)}, the file has {sorted(weights)}")
    for name, shape in expected.items():
        if weights[name].shape != shape or weights[name].dtype != np.float64:
            raise ModelFileError(
                f"{path} has a wrong architecture: {name} is {weights[name].dtype} of shape "
                f"{weights[name].shape}, sizes {sizes} need float64 of shape {shape}")
    if into is not None and (into.sizes != sizes or [a.activation.name for a in into.layers]
                             != meta["hidden"] + [meta["output"]]):
        have = f"{into.sizes}, {[a.activation.name for a in into.layers]}"
        raise ModelFileError(f"{path} has a wrong architecture for this model: the file holds "
                             f"{sizes}, {meta['hidden'] + [meta['output']]}; the model is {have}")


def _optimizer(path: Path, meta: dict, arrays: dict, model):
    info = meta.get("optimizer")
    if not info:
        raise ModelFileError(f"{path} holds no optimizer state (save it with "
                             f"save(model, path, optimizer=opt))")
    cls = OPTIMIZERS.get(str(info.get("name")))
    if cls is None:
        raise ModelFileError(f"{path} names an unknown optimizer {info.get('name')!r}")
    hyper = {k: tuple(v) if isinstance(v, list) else v for k, v in info["hyper"].items()}
    opt = cls(model.parameters(), **hyper)
    state = []
    for i, (scalars, names) in enumerate(zip(info["scalars"], info["arrays"])):
        fields = dict(scalars)
        for name in names:
            key = f"optimizer.{i}.{name}"
            if key not in arrays:
                raise ModelFileError(f"{path} is corrupt: the optimizer state {key} is missing")
            fields[name] = arrays[key]
        state.append(fields)
    try:
        opt.load_state_dict({"optimizer": info["name"], "hyper": hyper, "state": state})
    except (ValueError, TypeError, KeyError) as e:
        raise ModelFileError(f"{path} has a wrong optimizer state: {e}") from None
    return opt


def load(path, *, into=None, optimizer: bool = False):
    """Read a model written by :func:`save` (``save(model, path)``).

    Args:
        path: the ``.npz`` file.
        into: an existing MLP to load the weights into (in place: its Tensors stay
            the same objects); its architecture must be the file's.
        optimizer: also rebuild the saved optimizer on the model's parameters.

    Returns:
        The MLP, or ``(model, optimizer)`` with ``optimizer=True``.

    Raises:
        FileNotFoundError: no such file.
        ModelFileError: the file is truncated, corrupt, holds a pickle, has
            another format version, or a wrong architecture; the message says which.
    """
    path = Path(path)
    arrays = _read(path)
    meta = _meta(path, arrays)
    _check_architecture(path, meta, arrays, into)
    if into is None:
        try:
            into = MLP(meta["sizes"], hidden=meta["hidden"], output=meta["output"], seed=0)
        except (ValueError, TypeError, KeyError) as e:
            raise ModelFileError(f"{path} has a wrong architecture: {e}") from None
    into.load_state_dict({k: v for k, v in arrays.items() if not k.startswith("optimizer.")})
    if optimizer:
        return into, _optimizer(path, meta, arrays, into)
    return into
