"""The lecture's losses, as compositions of autograd ops, on Value lists and Tensors.

Every loss is ``loss(prediction, target, reduction="mean")``:

* ``prediction``: the network's outputs a, as a list of Values (one sample,
  the scalar view) or a Tensor (the Tensor view: rows are samples n, the last
  axis the outputs m; a 1-D Tensor is one sample);
* ``target``: the y's as numbers (a list, an array, or a Tensor whose data is
  used: no gradient flows into targets); same length or shape as the
  prediction (class indices are allowed for ``cross_entropy``);
* ``reduction``: ``"mean"`` (default) or ``"sum"``; elementwise losses
  average or add over every entry, the per-sample losses (``half_sse``,
  ``cross_entropy``) over samples.

Each formula is written once: :func:`_map` applies it to a whole Tensor at once
or to each (a_i, y_i) pair of a Value list.
"""

from __future__ import annotations

import math

import numpy as np

from stepgrad.autograd import Node, Tensor, Value, nsum

__all__ = ["mse", "half_sse", "msle", "mae", "cross_entropy", "binary_cross_entropy",
           "squared_hinge", "LOSSES"]

_REDUCTIONS = ("mean", "sum")


# ------------------------------------------------------------------ plumbing


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean' or 'sum', got {reduction!r}")


def _target_data(target):
    if isinstance(target, Node):
        return target.data
    if isinstance(target, (list, tuple)):
        return [t.data if isinstance(t, Node) else t for t in target]
    return target


def _pair(name: str, prediction, target):
    """``(a, y)``: a Tensor and an array, or a tuple of Values and a tuple of floats."""
    y = _target_data(target)
    if isinstance(prediction, np.ndarray):
        prediction = Tensor(prediction)
    if isinstance(prediction, Tensor):
        y = np.asarray(y, dtype=prediction.data.dtype)
        if y.shape != prediction.shape:
            raise ValueError(f"{name}: prediction has shape {prediction.shape} but target has "
                             f"shape {y.shape}")
        return prediction, y
    a = _values(name, prediction)
    y = (y,) if np.ndim(y) == 0 else tuple(y)
    if len(a) != len(y):
        raise ValueError(f"{name}: prediction has {len(a)} entries but target has {len(y)}")
    return a, tuple(float(v) for v in y)


def _values(name: str, prediction) -> tuple:
    if isinstance(prediction, Value):
        return (prediction,)
    if isinstance(prediction, (list, tuple)):
        return tuple(v if isinstance(v, Value) else Value(v) for v in prediction)
    raise TypeError(f"{name}: prediction must be a Tensor or a list of Values, "
                    f"got {type(prediction).__name__}")


def _map(f, a, y):
    """f on the whole Tensor, or on each pair (a_i, y_i) of a Value list."""
    if isinstance(a, Tensor):
        return f(a, y)
    return [f(ai, yi) for ai, yi in zip(a, y)]


def _reduce(terms, reduction: str):
    """Mean or sum over every entry."""
    if isinstance(terms, Tensor):
        return terms.mean() if reduction == "mean" else terms.sum()
    s = nsum(terms)
    return s * (1.0 / len(terms)) if reduction == "mean" else s


def _reduce_samples(terms, reduction: str, scale: float = 1.0):
    """scale·Σ_m for each sample, then mean or sum over the samples n.

    For a Tensor this is one sum and one product, (scale/N)·Σ_n Σ_m, the
    same number in fewer nodes. A Value list is one sample.
    """
    if isinstance(terms, Tensor):
        if reduction == "mean":
            scale /= terms.data.size // max(terms.shape[-1], 1) if terms.ndim else 1
        total = terms.sum()
        return total if scale == 1.0 else total * scale
    total = nsum(terms)
    return total if scale == 1.0 else total * scale


def _err(a, y):
    """a − y for a constant target: one Add node with −y (no negation node)."""
    return a + (-y)


def _sq(d):
    """d²: ``d ** 2`` on a Value (drawn as a power), ``d * d`` on a Tensor (no
    domain checks on the array: the same number, faster)."""
    return d * d if isinstance(d, Tensor) else d**2


def _first_bad(name, what, values, ok, hint=""):
    arr = np.asarray(values, dtype=np.float64)
    bad = ~ok(arr)
    if np.any(bad):
        raise ValueError(f"{name}: {what}, got {float(arr[bad].flat[0])!r}{hint}")


def _data(a):
    return a.data if isinstance(a, Tensor) else [v.data for v in a]


def _clip(a, lo: float, hi: float):
    """min{max{a, lo}, hi}: Tensor.clip, or per Value (a clipped Value is a constant)."""
    if isinstance(a, Tensor):
        return a.clip(lo, hi)
    if a.data < lo:
        return Value(lo)
    return Value(hi) if a.data > hi else a


# ----------------------------------------------------------- regression losses


def mse(prediction, target, reduction: str = "mean"):
    """Mean squared error: L = (1/N) Σ_i (a_i − y_i)² (``"sum"``: Σ_i (a_i − y_i)²)."""
    _check_reduction("mse", reduction)
    a, y = _pair("mse", prediction, target)
    return _reduce(_map(lambda a, y: _sq(_err(a, y)), a, y), reduction)


def half_sse(prediction, target, reduction: str = "mean"):
    """The lecture's sample-wise loss: L_n = ½ Σ_m (a_m − y_m)².

    With ε_m = ∂L_n/∂a_m = a_m − y_m, the prediction error of the slides.
    Over a batch, ``"mean"`` gives L = (1/N) Σ_n L_n and ``"sum"`` Σ_n L_n.
    """
    _check_reduction("half_sse", reduction)
    a, y = _pair("half_sse", prediction, target)
    return _reduce_samples(_map(lambda a, y: _sq(_err(a, y)), a, y), reduction, 0.5)


def msle(prediction, target, reduction: str = "mean"):
    """Mean squared logarithmic error: L = (1/N) Σ_i (log(y_i + 1) − log(a_i + 1))².

    Raises:
        ValueError: a prediction or target ≤ −1 (log(a + 1) is undefined).
    """
    _check_reduction("msle", reduction)
    a, y = _pair("msle", prediction, target)
    _first_bad("msle", "predictions must be > -1 (log(a + 1))", _data(a), lambda v: v > -1)
    _first_bad("msle", "targets must be > -1 (log(y + 1))", y, lambda v: v > -1)
    if isinstance(a, Tensor):
        return _reduce(_sq((a + 1.0).log() + (-np.log1p(y))), reduction)
    return _reduce([(math.log1p(yi) - (ai + 1.0).log()) ** 2 for ai, yi in zip(a, y)],
                   reduction)


def mae(prediction, target, reduction: str = "mean"):
    """Mean absolute error: L = (1/N) Σ_i |a_i − y_i| (slope 0 where a_i = y_i)."""
    _check_reduction("mae", reduction)
    a, y = _pair("mae", prediction, target)
    return _reduce(_map(lambda a, y: _err(a, y).abs(), a, y), reduction)


# ------------------------------------------------------- classification losses


def _class_targets(name, prediction, target):
    """Class indices → one-hot rows; anything else is returned unchanged."""
    t = _target_data(target)
    if isinstance(prediction, (Tensor, np.ndarray)):
        shape = prediction.shape
        arr = np.asarray(t)
        if arr.dtype.kind in "iu" and arr.shape == shape[:-1]:
            m = shape[-1]
            if np.any((arr < 0) | (arr >= m)):
                raise ValueError(f"{name}: class indices must be in 0..{m - 1}, got {arr.min()}"
                                 f"..{arr.max()}")
            return np.eye(m)[arr]
        return t
    n = 1 if isinstance(prediction, Value) else len(prediction)
    if isinstance(t, (int, np.integer)) and not isinstance(t, bool):
        if not 0 <= t < n:
            raise ValueError(f"{name}: class index must be in 0..{n - 1}, got {t}")
        return [1.0 if m == t else 0.0 for m in range(n)]
    return t


def cross_entropy(prediction, target, reduction: str = "mean", from_logits: bool = False,
                  eps: float = 1e-12):
    """Categorical cross-entropy of one or many samples: L_n = −Σ_m y_m log a_m.

    Args:
        prediction: probabilities a_m (a softmax output), or, with
            ``from_logits=True``, the logits u_m before the softmax.
        target: one-hot (or soft) rows y_m of the prediction's shape, or class
            indices (an int for one sample; an int array of shape (N,)).
        from_logits: compute log a_m = u_m − log Σ_k e^{u_k} stably, shifting
            by c = max_k u_k: logits [1000, 0, −1000] with class 2 give 2000.
        eps: probabilities are clipped to [eps, 1] before the log.

    Raises:
        ValueError: probabilities outside [0, 1] (hint: ``from_logits=True``),
            a class index out of range, or shapes that differ.
    """
    _check_reduction("cross_entropy", reduction)
    target = _class_targets("cross_entropy", prediction, target)
    a, y = _pair("cross_entropy", prediction, target)
    if from_logits:
        if isinstance(a, Tensor):
            logp = a.log_softmax(axis=-1)
        else:
            c = max(v.data for v in a)
            lse = nsum([(v - c).exp() for v in a]).log() + c
            logp = [v - lse if ym != 0.0 else None for v, ym in zip(a, y)]
    else:
        _first_bad("cross_entropy", "probabilities must be in [0, 1]", _data(a),
                   lambda v: (v >= 0) & (v <= 1), "; for logits pass from_logits=True")
        logp = _map(lambda a, y: _clip(a, eps, 1.0).log(), a, y)
    if isinstance(a, Tensor):
        return _reduce_samples(logp * y, reduction, -1.0)
    terms = [lp if ym == 1.0 else lp * ym for lp, ym in zip(logp, y) if ym != 0.0]
    return -nsum(terms or [a[0] * 0.0])  # one-hot: just −log a_m of the true class


def binary_cross_entropy(prediction, target, reduction: str = "mean",
                         from_logits: bool = False, eps: float = 1e-12):
    """Binary cross-entropy: L = −(1/N) Σ_i [y_i log a_i + (1 − y_i) log(1 − a_i)].

    From probabilities a_i, clipped to [eps, 1 − eps]: finite at a = 0, y = 1.
    From logits z_i (``from_logits=True``), with a = σ(z), the stable form

        L_i = ½z + ½|z| − z·y + log(1 + e^{−|z|})   (= max{z, 0} − z·y + log(1 + e^{−|z|}))

    which never exponentiates a positive number; writing max{z, 0} as
    ½(z + |z|) keeps the slope right at z = 0 (σ(0) − y = ½ − y).

    Raises:
        ValueError: targets outside [0, 1]; probabilities outside [0, 1].
    """
    _check_reduction("binary_cross_entropy", reduction)
    a, y = _pair("binary_cross_entropy", prediction, target)
    _first_bad("binary_cross_entropy", "targets must be in [0, 1]", y,
               lambda v: (v >= 0) & (v <= 1))
    if from_logits:
        def f(z, y):
            r = z.abs()
            return 0.5 * z + 0.5 * r - z * y + ((-r).exp() + 1.0).log()
    else:
        _first_bad("binary_cross_entropy", "probabilities must be in [0, 1]", _data(a),
                   lambda v: (v >= 0) & (v <= 1), "; for logits pass from_logits=True")

        def f(a, y):
            p = _clip(a, eps, 1.0 - eps)
            return -(y * p.log() + (1.0 - y) * (1.0 - p).log())
    return _reduce(_map(f, a, y), reduction)


def squared_hinge(prediction, target, reduction: str = "mean"):
    """Squared hinge: L = (1/N) Σ_i max{0, 1 − y_i·a_i}², labels y_i ∈ {−1, +1}.

    Raises:
        ValueError: labels other than ±1; 0/1 labels get a hint to convert
            them with y = 2y − 1.
    """
    _check_reduction("squared_hinge", reduction)
    a, y = _pair("squared_hinge", prediction, target)
    labels = np.asarray(y, dtype=np.float64)
    if not np.all(np.abs(labels) == 1):
        if np.all((labels == 0) | (labels == 1)):
            raise ValueError("squared_hinge: labels must be -1 or +1, got 0/1 labels; "
                             "convert them with y = 2*y - 1")
        _first_bad("squared_hinge", "labels must be -1 or +1", labels, lambda v: np.abs(v) == 1)
    return _reduce(_map(lambda a, y: _sq((1.0 - a * y).relu()), a, y), reduction)


LOSSES = {f.__name__: f for f in (mse, half_sse, msle, mae, cross_entropy,
                                    binary_cross_entropy, squared_hinge)}
