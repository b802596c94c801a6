"""The optimizer in a model file, checked field by field when it is loaded.

``meta.json`` holds ``"optimizer": {"name", "hyper", "scalars", "arrays"}``: the
class name, its hyperparameters (μ as ``lr``, Adam's ``betas`` = (β₁, β₂), …), and
per parameter i its state fields, the numbers in ``scalars[i]`` (Adam's step
count t) and the names of the arrays stored as members ``optimizer.<i>.<field>``
(Adam's m and v). Everything is checked before the optimizer is made, and a bad
value is refused with :class:`~.errors.ModelFileError` naming the file and the
field (``optimizer.hyper.lr``, ``optimizer.scalars[2].step``, ``optimizer.1.sum_sq``):
an unknown or missing hyperparameter, μ ≤ 0 or not finite, a ``betas`` that is not
a pair, a step count that is not an integer ≥ 0, a state array of the wrong shape,
NaN or infinite, or negative where it is a sum or mean of g² (AdaGrad's Σg², RMSProp's
and Adam's second moment).
"""

from __future__ import annotations

import inspect
import math
import numbers

import numpy as np

from stepgrad.optim import OPTIMIZERS

from .errors import ModelFileError

__all__ = ["state_entries", "rebuild_optimizer", "NONNEGATIVE"]

NONNEGATIVE = frozenset({"sum_sq", "mean_sq", "second_moment"})
"""State fields that are sums or means of g², never negative."""

_KEYS = ("name", "hyper", "scalars", "arrays")


def state_entries(optimizer, model) -> tuple:
    """``(meta, arrays)``: the optimizer's metadata and its state arrays (members
    ``optimizer.<i>.<field>``), for :func:`~.model_file.save`."""
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


def _number(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _hyper(fail, cls, hyper) -> dict:
    """The hyperparameters, each checked, lists made tuples."""
    if not isinstance(hyper, dict):
        raise fail("optimizer.hyper", f"is {hyper!r}; expected an object of hyperparameters")
    takes = [n for n in inspect.signature(cls).parameters if n != "params"]
    for k in hyper:
        if k not in takes:
            raise fail(f"optimizer.hyper.{k}", f"is not a hyperparameter of {cls.__name__} "
                                               f"(it takes {', '.join(takes)})")
    missing = [k for k in takes if k not in hyper]
    if missing:
        raise fail("optimizer.hyper", f"lacks {', '.join(missing)} ({cls.__name__} was saved "
                                      f"with all of {', '.join(takes)})")
    lr = hyper["lr"]
    if not _number(lr) or not 0 < lr < math.inf:
        raise fail("optimizer.hyper.lr", f"is {lr!r}; μ must be a finite number > 0")
    out = {}
    for k, v in hyper.items():
        if k == "betas":
            if not isinstance(v, list) or len(v) != 2 or not all(map(_number, v)):
                raise fail("optimizer.hyper.betas", f"is {v!r}; {cls.__name__} needs two "
                                                    f"numbers, (β₁, β₂)")
            v = tuple(v)
        elif not _number(v):
            raise fail(f"optimizer.hyper.{k}", f"is {v!r}; expected a number")
        out[k] = v
    return out


def _scalar(fail, i: int, field: str, v):
    where = f"optimizer.scalars[{i}].{field}"
    if field == "step":
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise fail(where, f"is {v!r}; a step count t is an integer >= 0")
        return v
    if not _number(v) or not math.isfinite(v):
        raise fail(where, f"is {v!r}; expected a finite number")
    if field in NONNEGATIVE and v < 0:
        raise fail(where, f"is {v!r}; a sum or mean of g² is never negative")
    return float(v)


def _array(fail, archive, i: int, field: str, shape) -> np.ndarray:
    key = f"optimizer.{i}.{field}"
    if key not in archive.members:
        raise fail(key, "is listed in the metadata but missing from the file")
    a = archive.array(key, shape)
    bad = ~np.isfinite(a) | ((a < 0) if field in NONNEGATIVE else False)
    if bad.any():
        at = tuple(int(j) for j in np.argwhere(bad)[0])
        why = "a sum or mean of g² is never negative" if np.isfinite(a[at]) else \
            "state must be finite"
        raise fail(key, f"holds {float(a[at])} at {list(at)}; {why}")
    return a


def rebuild_optimizer(path, info, archive, model):
    """The saved optimizer on ``model.parameters()``, every field checked first."""

    def fail(field: str, why: str) -> ModelFileError:
        return ModelFileError(f"{path}: {field} {why}")

    if not info:
        raise ModelFileError(f"{path} holds no optimizer state (save it with "
                             f"save(model, path, optimizer=opt))")
    if not isinstance(info, dict):
        raise fail("optimizer", f"is {type(info).__name__}; expected an object")
    missing = [k for k in _KEYS if k not in info]
    if missing:
        raise fail("optimizer", f"lacks {', '.join(missing)}")
    name = info["name"]
    cls = OPTIMIZERS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise fail("optimizer.name", f"is {name!r}, not an optimizer of stepgrad "
                                     f"({', '.join(OPTIMIZERS)})")
    hyper = _hyper(fail, cls, info["hyper"])
    params = model.parameters()
    for key in ("scalars", "arrays"):
        entry = info[key]
        if not isinstance(entry, list) or len(entry) != len(params):
            raise fail(f"optimizer.{key}", f"must be a list with one entry per parameter "
                                           f"({len(params)}), got {entry!r:.60}")
    state = []
    fields = cls.State._fields
    for i, (p, scalars, names) in enumerate(zip(params, info["scalars"], info["arrays"])):
        if not isinstance(scalars, dict):
            raise fail(f"optimizer.scalars[{i}]", f"is {scalars!r:.60}; expected an object")
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise fail(f"optimizer.arrays[{i}]", f"is {names!r:.60}; expected a list of names")
        if sorted([*scalars, *names]) != sorted(fields):
            raise fail(f"optimizer state {i}", f"has fields {sorted([*scalars, *names])}; "
                                               f"{name} keeps {list(fields)}")
        entry = {f: _scalar(fail, i, f, v) for f, v in scalars.items()}
        entry.update({f: _array(fail, archive, i, f, p.data.shape) for f in names})
        state.append(entry)
    try:
        opt = cls(params, **hyper)
        opt.load_state_dict({"optimizer": name, "hyper": hyper, "state": state})
    except (ValueError, TypeError) as e:
        raise fail("optimizer", f"is not valid: {e}") from None
    return opt
