"""Saving and loading a trained MLP (and its optimizer): one ``.npz`` file, no pickles.

``save(model, path, optimizer=opt)`` writes it, ``load(path)`` reads it back.

The file is a numpy ``.npz`` archive (a zip of ``.npy`` arrays) holding

* ``w1``, ``w2``, …: the weight arrays, w¹_fh of shape (F + 1, H) with the
  biases in row 0, w²_hm of shape (H + 1, M), … exactly as in the model
  (float64, so a load gives bit-identical weights and predictions);
* ``meta.json``: the metadata as UTF-8 JSON bytes (a uint8 array): the
  architecture (``sizes``), the activations (σ_h of each hidden layer, σ_m),
  the format version and the stepgrad version that wrote it, and, when given,
  the loss the model was trained with and the class name of each output a_m
  (read back by :func:`trained_with`);
* optionally ``optimizer.<i>.<field>``: each state array of the optimizer (Adam's
  m and v of parameter i, …), its name, hyperparameters and step counts in the
  metadata.

Loading never trusts what the file declares: every member's shape and dtype are
checked against the layer sizes in the metadata before anything is allocated,
sizes and nesting are bounded (:mod:`.archive`), weights must be finite, and the
optimizer's metadata is checked field by field (:mod:`.optimizer_state`). A
refused file raises :class:`ModelFileError` naming the file and the member or
field. Saving replaces the target atomically, keeps its mode, writes through a
symlink and never replaces a read-only file (:mod:`.atomic`).
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple, overload

import numpy as np

import stepgrad
from stepgrad.nn import ACTIVATIONS, LOSSES, MLP
from stepgrad.optim import Optimizer

from .archive import Archive
from .atomic import write_atomically
from .errors import ModelFileError
from .optimizer_state import rebuild_optimizer, state_entries

__all__ = ["FORMAT", "FORMAT_VERSION", "save", "load", "TrainedWith", "trained_with"]

FORMAT = "stepgrad-mlp"
FORMAT_VERSION = 1
META = "meta.json"

PathLike = str | os.PathLike[str]


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


def _training(model, loss, classes) -> dict:
    """The loss's name and the class names, checked: what :func:`trained_with` reads back."""
    if loss is not None and loss not in LOSSES:
        raise ValueError(f"save: loss must be one of the names {', '.join(LOSSES)}, got {loss!r}")
    if classes is not None:
        classes = [str(c) for c in classes]
        if len(classes) != model.sizes[-1]:
            raise ValueError(f"save: {len(classes)} class names for {model.sizes[-1]} "
                             f"outputs a_m")
    return {"loss": loss, "classes": classes}


def save(model: MLP, path: PathLike, optimizer: Optimizer | None = None, *,
         loss: str | None = None, classes: Sequence[str] | None = None) -> Path:
    """Write ``model`` (an MLP), and optionally ``optimizer``'s state, to ``path``.

    Args:
        model: the :class:`~stepgrad.nn.MLP` to save.
        path: the file to write (the name is used as given; ``.npz`` is the convention).
        optimizer: an optimizer of :mod:`stepgrad.optim` on ``model.parameters()``,
            whose state (Adam's moments, step counts, …) is saved too.
        loss: the name of the loss it was trained with (``"cross_entropy"``).
        classes: the class name of each output a_m (``("setosa", …)``).

    Returns:
        The path written.

    The target is replaced atomically (:func:`~.atomic.write_atomically`): the
    archive is written to a hidden temporary file in the same folder, flushed to
    disk, then renamed over ``path``; a failure removes the temporary file and
    leaves the old file as it was. A new file gets 0666 less the umask (which is
    never changed), a replaced one keeps its mode; a symlink is written through
    (the file it points to is replaced, the link stays).

    Raises:
        FileNotFoundError: the folder does not exist.
        PermissionError: the target is read-only (it is never replaced), or the
            folder is not writable.
        OSError: the disk is full; the message names ``path``, never the
            temporary file.
    """
    path = Path(path)
    meta = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "stepgrad_version": _library_version(), **_architecture(model), "optimizer": None,
            **_training(model, loss, classes)}
    arrays = dict(model.state_dict())
    if optimizer is not None:
        meta["optimizer"], opt_arrays = state_entries(optimizer, model)
        arrays.update(opt_arrays)
    arrays[META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    return write_atomically(path, lambda f: f.write(_npz(arrays)))


def _npz(arrays: dict[str, Any]) -> bytes:
    """The ``.npz`` archive of ``arrays``, built in memory.

    The file is then written in one call, so a full disk fails that write alone. Given the
    file itself, numpy 1.24 (the floor; numpy 2.4 closes it in a ``finally``) leaves its
    ``ZipFile`` open when a write fails: the file is closed under it, and the ``ZipFile``'s
    ``__del__`` later prints "ValueError: seek of closed file" below stepgrad's one-line error.
    (``Any``: numpy 2's stub of ``savez`` has an ``allow_pickle: bool`` beside ``**arrays``.)
    """
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


# --------------------------------------------------------------------- load


def _meta(archive: Archive) -> dict:
    path = archive.path
    if META.removesuffix(".npy") not in archive.members:
        raise ModelFileError(f"{path} is not a stepgrad model: it has no {META}")
    meta = archive.meta(META)
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


def _weights(archive: Archive, meta: dict, into) -> dict:
    """The weight arrays w1, w2, …, each checked against the metadata's sizes before it is
    read, and finite."""
    path = archive.path
    sizes = meta.get("sizes")
    if (not isinstance(sizes, list) or len(sizes) < 2
            or not all(isinstance(s, int) and not isinstance(s, bool) and s >= 1
                       for s in sizes)):
        raise ModelFileError(f"{path} has a wrong architecture: sizes {sizes!r}")
    expected = {f"w{i + 1}": (sizes[i] + 1, sizes[i + 1]) for i in range(len(sizes) - 1)}
    names = [k for k in archive.members if k != META.removesuffix(".npy")
             and not k.startswith("optimizer.")]
    if sorted(names) != sorted(expected):
        raise ModelFileError(f"{path} has a wrong architecture: sizes {sizes} need arrays "
                             f"{sorted(expected)}, the file has {sorted(names)}")
    layers = meta.get("hidden", []) + [meta.get("output")] \
        if isinstance(meta.get("hidden"), list) else None
    if into is not None and (into.sizes != sizes
                             or [a.activation.name for a in into.layers] != layers):
        have = f"{into.sizes}, {[a.activation.name for a in into.layers]}"
        raise ModelFileError(f"{path} has a wrong architecture for this model: the file holds "
                             f"{sizes}, {layers}; the model is {have}")
    weights = {}
    for name, shape in expected.items():
        got, dtype = archive.declared(name)
        if got != shape or dtype != np.float64:
            raise ModelFileError(f"{path} has a wrong architecture: {name} is {dtype} of shape "
                                 f"{got}, sizes {sizes} need float64 of shape {shape}")
        w = archive.array(name, shape)
        if not np.isfinite(w).all():
            at = [int(j) for j in np.argwhere(~np.isfinite(w))[0]]
            raise ModelFileError(f"{path}: member {name}.npy holds {w[tuple(at)]} at {at}; "
                                 f"a model's weights must be finite (was it saved after "
                                 f"training diverged?)")
        weights[name] = w
    return weights


@overload
def load(path: PathLike, *, into: MLP | None = None, optimizer: Literal[False] = False) -> MLP: ...
@overload
def load(path: PathLike, *, into: MLP | None = None,
         optimizer: Literal[True]) -> tuple[MLP, Optimizer]: ...
def load(path: PathLike, *, into: MLP | None = None,
         optimizer: bool = False) -> MLP | tuple[MLP, Optimizer]:
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
            another format version, a wrong architecture, a member whose size
            does not fit it (checked before allocating), NaN weights or bad
            optimizer metadata; the message names the file and the member or field.
    """
    path = Path(path)
    with Archive(path) as archive:
        meta = _meta(archive)
        weights = _weights(archive, meta, into)
        model = into
        if model is None:
            try:
                model = MLP(meta["sizes"], hidden=meta["hidden"], output=meta["output"],
                            seed=0)
            except (ValueError, TypeError, KeyError) as e:
                raise ModelFileError(f"{path} has a wrong architecture: {e}") from None
        opt = rebuild_optimizer(path, meta.get("optimizer"), archive, model) if optimizer \
            else None
    model.load_state_dict(weights)  # only now: a refused file leaves ``into`` unchanged
    return model if opt is None else (model, opt)   # opt is None unless optimizer=True


class TrainedWith(NamedTuple):
    """What a model file says about its training: the loss's name and the class names
    of the outputs a_1 … a_M (each None when the file does not say)."""

    loss: str | None
    classes: tuple | None


def trained_with(path: PathLike) -> TrainedWith:
    """The loss and class names :func:`save` kept in ``path`` (checked like the rest)."""
    path = Path(path)
    with Archive(path) as archive:
        meta = _meta(archive)
    loss, classes = meta.get("loss"), meta.get("classes")
    if loss is not None and loss not in LOSSES:
        raise ModelFileError(f"{path}: its loss {loss!r} is not one of {', '.join(LOSSES)}")
    sizes = meta.get("sizes")
    if classes is not None and (not isinstance(classes, list) or not all(
            isinstance(c, str) for c in classes) or not isinstance(sizes, list)
            or len(classes) != sizes[-1]):
        raise ModelFileError(f"{path}: its class names {classes!r} are not one name per output")
    return TrainedWith(loss, None if classes is None else tuple(classes))
