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

Each formula is written once, in a Tensor's vocabulary: a Tensor prediction
runs it on the whole batch, a list of Values runs it as a
:class:`~stepgrad.nn.value_vector.ValueVector` entry by entry, so both views
record the same ops for the same formula (``(a − y)²`` is ``d * d`` in both).

Where the slides write a loss differently (sums for categorical cross-entropy
and squared hinge, BCE's brackets, the MSLE table's numbers), the docstring says
so; docs/lecture-slips.md lists every such place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Node, Tensor, Value, apply
from stepgrad.autograd.loss_ops import BelowFloor, CrossEntropyAt
from stepgrad.autograd.reductions import maximum, minimum
from stepgrad.autograd.softmax_ops import Softmax
from stepgrad.common.registry import Registry

from .value_vector import ValueVector

__all__ = ["mse", "half_sse", "msle", "mae", "cross_entropy", "binary_cross_entropy",
           "squared_hinge", "LOSSES", "get_loss"]

Prediction = Tensor | np.ndarray | Value | Sequence[Value | float]
"""The network's outputs a: a Tensor (rows are samples) or one sample's Values."""
Target = Node | ArrayLike | Sequence[Node | float]
"""The y's as numbers (a Tensor's or Values' data is read: no gradient flows into targets)."""
LossFn = Callable[..., Tensor | Value]
"""``loss(prediction, target, reduction="mean")``: a Value for a list of Values, else a Tensor."""

LOSSES = Registry("loss")
"""Every named loss L(prediction, target), by its function's name; fit(loss=…), the
command's choices and the pictures read it. Add one with ``@LOSSES.register()`` on
its function here (see CONTRIBUTING.md)."""

_REDUCTIONS = ("mean", "sum")


# ------------------------------------------------------------------ plumbing


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{name}: reduction must be 'mean' or 'sum', got {reduction!r}")


def _prediction(name: str, prediction):
    """The prediction as a node of the batch: a Tensor, or one sample's ValueVector."""
    if isinstance(prediction, Tensor):
        return prediction
    if isinstance(prediction, np.ndarray):
        return Tensor(prediction)
    if isinstance(prediction, Value):
        return ValueVector([prediction])
    if isinstance(prediction, (list, tuple)):
        return ValueVector([v if isinstance(v, Value) else Value(v) for v in prediction])
    raise TypeError(f"{name}: prediction must be a Tensor or a list of Values, "
                    f"got {type(prediction).__name__}")


def _target(target) -> np.ndarray:
    if isinstance(target, Node):
        return np.asarray(target.data)
    if isinstance(target, (list, tuple)):
        return np.asarray([t.data if isinstance(t, Node) else t for t in target])
    return np.asarray(target)


def _pair(name: str, prediction, target):
    """``(a, y)``: the prediction as a Tensor or ValueVector, the target a float array.

    Class indices (an integer array of shape (N,) for a prediction (N, M), or
    one int for one sample) become one-hot rows y_m.
    """
    a = _prediction(name, prediction)
    y = _target(target)
    shape = a.shape
    if len(shape) >= 1 and shape[-1] > 1 and y.shape == shape[:-1]:
        y = _one_hot(name, y, shape[-1])
    elif y.dtype.kind in "iu" and y.shape == shape and y.size and not _is_one_hot(y):
        raise ValueError(f"{name}: an integer target of the prediction's shape {shape} must "
                         "hold one-hot rows; class indices have one entry per sample: shape "
                         f"{shape[:-1] or '()'} for a prediction of shape (N, {shape[-1]}) "
                         "(a 1-D prediction is one sample)")
    y = y.astype(np.float64, copy=False)
    if y.ndim == 0 and shape == (1,):
        y = y.reshape(1)
    if y.shape != shape:
        if isinstance(a, ValueVector):
            raise ValueError(f"{name}: prediction has {len(a)} entries but target has "
                             f"{y.size}")
        raise ValueError(f"{name}: prediction has shape {shape} but target has shape "
                         f"{y.shape}")
    return a, y


def _is_one_hot(y: np.ndarray) -> bool:
    return bool(np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=-1) == 1))


def _check_indices(name: str, idx: np.ndarray, m: int, upper: bool = True) -> None:
    """Refuse class indices that are not integers or not in 0…M−1, naming the problem.

    ``upper=False`` leaves the test idx < M to the caller's gather, whose IndexError
    the caller turns into this function's error (cross_entropy: one reduction fewer).
    """
    if idx.dtype.kind not in "iu":
        raise ValueError(f"{name}: a target of shape {idx.shape or '()'} is read as class "
                         f"indices (one per sample), and indices must be integers, got "
                         f"dtype {idx.dtype}; pass y.astype(int), or one-hot rows of the "
                         "prediction's shape")
    if idx.size and (minimum(idx, axis=None) < 0 or (upper and maximum(idx, axis=None) >= m)):
        if idx.ndim == 0:
            raise ValueError(f"{name}: class index must be in 0..{m - 1}, got {int(idx)}")
        raise ValueError(f"{name}: class indices must be in 0..{m - 1}, got {idx.min()}"
                         f"..{idx.max()}")


def _one_hot(name: str, idx: np.ndarray, m: int) -> np.ndarray:
    """Class indices 0…M−1 as one-hot rows."""
    _check_indices(name, idx, m)
    return np.eye(m)[idx]


def _class_indices(name: str, a, target):
    """The class indices when ``target`` holds one per sample of the Tensor ``a`` (shape
    (N,) for a prediction (N, M), one int for one sample), else None: checked to be
    integers ≥ 0; one ≥ M makes the caller's gather raise IndexError (see cross_entropy)."""
    if not isinstance(a, Tensor):
        return None
    shape = a.shape
    y = _target(target)
    if len(shape) >= 1 and shape[-1] > 1 and y.shape == shape[:-1]:
        _check_indices(name, y, shape[-1], upper=False)  # ≥ M: the gather's IndexError
        return y
    return None


def _picked(y: np.ndarray):
    """The index of each sample's true class, a[n, y_n]: ``(arange(N), y)`` for a batch,
    the int y for one sample."""
    if y.ndim == 0:
        return int(y)
    if y.ndim == 1:
        return (np.arange(len(y)), y)
    return tuple(np.indices(y.shape, sparse=True)) + (y,)


def _reduce(terms, reduction: str):
    """Mean or sum over every entry."""
    return terms.mean() if reduction == "mean" else terms.sum()


def _reduce_samples(terms, reduction: str, scale: float = 1.0):
    """scale·Σ_m for each sample, then mean or sum over the samples n.

    One sum and one product, (scale/N)·Σ_n Σ_m: the same number as a sum per
    sample, in fewer nodes. A 1-D prediction (one Tensor row or a list of
    Values) is one sample.
    """
    if reduction == "mean":
        scale /= max(terms.size // max(terms.shape[-1], 1), 1)
    total = terms.sum()
    return total if scale == 1.0 else total * scale


def _sq(d):
    """d², recorded as ``d * d`` (one Mul node; a power node checks its domain)."""
    return d * d


def _clamped(a, lo: float, hi: float):
    """a with its values moved into [lo, hi] for a log, and its gradient passed on whole.

    ``a + (clip(a) − a)``, the shift a constant: the value is clip(a), so the log
    is finite, and ∂/∂a is 1, so log's slope 1/clip(a) reaches a. A probability
    of exactly 0 for the true class gives L = −ln eps ≈ 27.6 and ∂L/∂a = −1/eps =
    −10¹² (PyTorch's BCELoss gives the same −10¹²), a push back, never the flat 0
    that clipping would give. Inside [lo, hi] a is returned as it is (no node).
    """
    shift = np.clip(a.data, lo, hi) - a.data
    return a + shift if np.any(shift) else a


def _first_bad(name, what, values, ok, hint=""):
    arr = np.asarray(values, dtype=np.float64)
    bad = ~ok(arr)
    if np.any(bad):
        raise ValueError(f"{name}: {what}, got {float(arr[bad].flat[0])!r}{hint}")


# ----------------------------------------------------------- regression losses


@LOSSES.register()
def mse(prediction: Prediction, target: Target, reduction: str = "mean") -> Tensor | Value:
    """Mean squared error: L = (1/N) Σ_i (a_i − y_i)² (``"sum"``: Σ_i (a_i − y_i)²)."""
    _check_reduction("mse", reduction)
    a, y = _pair("mse", prediction, target)
    return _reduce(_sq(a - y), reduction)


@LOSSES.register()
def half_sse(prediction: Prediction, target: Target, reduction: str = "mean") -> Tensor | Value:
    """The lecture's sample-wise loss: L_n = ½ Σ_m (a_m − y_m)².

    With ε_m = ∂L_n/∂a_m = a_m − y_m, the prediction error of the slides.
    Over a batch, ``"mean"`` gives L = (1/N) Σ_n L_n and ``"sum"`` Σ_n L_n.
    """
    _check_reduction("half_sse", reduction)
    a, y = _pair("half_sse", prediction, target)
    return _reduce_samples(_sq(a - y), reduction, 0.5)


@LOSSES.register()
def msle(prediction: Prediction, target: Target, reduction: str = "mean") -> Tensor | Value:
    """Mean squared logarithmic error: L = (1/N) Σ_i (log(a_i + 1) − log(y_i + 1))².

    The log is the natural log, as the slide's formula. The slide's table
    prints 0.22 for (a, y) = (3, 5) and 0.02 for (3000, 3200), but its formula
    gives (ln 6 − ln 4)² ≈ 0.164 and (ln 3001 − ln 3201)² ≈ 0.0042. The slide
    does not say where its numbers come from; a reconstruction that fits is
    |log₁₀(y/a)| ≈ 0.222 and 0.028 cut (not rounded: 0.028 rounds to 0.03) to
    two decimals (docs/lecture-slips.md; a test computes both).

    Raises:
        ValueError: a prediction or target ≤ −1 (log(a + 1) is undefined).
    """
    _check_reduction("msle", reduction)
    a, y = _pair("msle", prediction, target)
    _first_bad("msle", "predictions must be > -1 (log(a + 1))", a.data, lambda v: v > -1)
    _first_bad("msle", "targets must be > -1 (log(y + 1))", y, lambda v: v > -1)
    return _reduce(_sq((a + 1.0).log() - np.log1p(y)), reduction)


@LOSSES.register()
def mae(prediction: Prediction, target: Target, reduction: str = "mean") -> Tensor | Value:
    """Mean absolute error: L = (1/N) Σ_i |a_i − y_i| (slope 0 where a_i = y_i)."""
    _check_reduction("mae", reduction)
    a, y = _pair("mae", prediction, target)
    return _reduce((a - y).abs(), reduction)


# ------------------------------------------------------- classification losses


def _check_distribution(a, tol: float = 1e-4) -> None:
    """Refuse predictions that are not probability distributions over the last axis
    (entries in [0, 1], each row summing to 1 within ``tol``)."""
    p = a.data
    _first_bad("cross_entropy", "probabilities must be in [0, 1]", p,
               lambda v: (v >= 0) & (v <= 1), "; for logits pass from_logits=True")
    sums = p.sum(axis=-1)
    bad = np.abs(sums - 1.0) > tol
    if np.any(bad):
        row = int(np.argmax(bad.ravel()))
        where = f"row {row} sums" if sums.ndim else "the prediction sums"
        raise ValueError(f"cross_entropy: the predictions are not probability distributions "
                         f"({where} to {float(sums.ravel()[row]):.6g}, not 1): build the "
                         "model with output=\"softmax\", or pass the logits (output="
                         "\"identity\") with from_logits=True; for one output per sample "
                         "use binary_cross_entropy")


@LOSSES.register()
def cross_entropy(prediction: Prediction, target: Target, reduction: str = "mean",
                  from_logits: bool = False, eps: float = 1e-12) -> Tensor | Value:
    """Categorical cross-entropy of one or many samples: L_n = −Σ_m y_m log a_m.

    The slide writes it as a sum, L = −Σ_i y_i log a_i; ``reduction="sum"`` is
    that form over a batch, the default ``"mean"`` divides by the number of
    samples N (for one sample the two agree).

    Args:
        prediction: probabilities a_m (a softmax output: each row sums to 1),
            or, with ``from_logits=True``, the logits u_m before the softmax.
        target: one-hot (or soft) rows y_m of the prediction's shape, or class
            indices (an int for one sample; an int array of shape (N,)).
        from_logits: compute log a_m = u_m − log Σ_k e^{u_k} stably, shifting
            by c = max_k u_k: logits [1000, 0, −1000] with class 2 give 2000.
        eps: log a_m is taken of max{a_m, eps}, with the slope 1/max{a_m, eps}:
            a_m = 0 for the true class gives L = −ln eps ≈ 27.6 and ∂L/∂a_m =
            −1/eps = −10¹², a large push as in PyTorch (not a zero gradient).

    Raises:
        ValueError: probabilities outside [0, 1] or rows that do not sum to 1
            (such as a sigmoid output layer's; the message names the fix), class
            indices that are not integers or out of range, or shapes that differ.
    """
    _check_reduction("cross_entropy", reduction)
    a = _prediction("cross_entropy", prediction)
    idx = _class_indices("cross_entropy", a, target)
    if idx is not None:  # L_n = −log a_{n,y_n}: the true class's entry, no one-hot row
        try:
            return _cross_entropy_of_indices(a, idx, reduction, from_logits, eps)
        except IndexError:  # an index ≥ M, which _class_indices left to the gather: named
            try:
                _check_indices("cross_entropy", idx, a.shape[-1])
            except ValueError as named:
                raise named from None  # not numpy's IndexError from deep inside
            raise
    a, y = _pair("cross_entropy", prediction, target)
    if from_logits:
        logp = a.log_softmax(axis=-1)
    else:
        _check_distribution(a)
        logp = _clamped(a, eps, 1.0).log()
    return _reduce_samples(logp * y, reduction, -1.0)


def _cross_entropy_of_indices(a: Tensor, y: np.ndarray, reduction: str, from_logits: bool,
                              eps: float) -> Tensor:
    """L = −(1/N)·Σ_n log a_{n,y_n} for class indices y: each sample's true-class entry
    gathered by indexing (its backward scatters ∂L/∂a back to those entries), the same
    number as −(1/N)·Σ_n Σ_m y_nm·log a_nm with one-hot rows, without the (N, M) one-hot
    array and product. A softmax output whose picked entries need no clamp is one node,
    :class:`~stepgrad.autograd.loss_ops.CrossEntropyAt`; the other cases are composite
    (the log-softmax of logits, or the clamp into [eps, 1] a node of its own)."""
    key = _picked(y)
    if from_logits:
        return _total(a.log_softmax(axis=-1)[key], y, reduction)
    if a.op is Softmax and a.consts == a.ndim - 1:  # rows sum to 1 by construction
        # in [eps, 1]: nothing to clamp, one node. A softmax entry e_m/Σ_k e_k is never above
        # 1 (the rounded sum of non-negative terms is at least each term), so only eps is
        # tested, by the node's forward (the floor eps); NaN fails that and is named below
        try:
            return apply(CrossEntropyAt, (a,), (key, _scale(y, reduction), eps))
        except BelowFloor:
            _first_bad("cross_entropy", "probabilities must be in [0, 1]", a.data[key],
                       lambda v: (v >= 0) & (v <= 1), "; for logits pass from_logits=True")
    else:
        _check_distribution(a)
    return _total(_clamped(a[key], eps, 1.0).log(), y, reduction)


def _scale(y: np.ndarray, reduction: str) -> float:
    """c in L = −c·Σ_n ln a_{n,y_n}: 1/N for the mean, 1 for the sum."""
    return 1.0 / max(y.size, 1) if reduction == "mean" else 1.0


def _total(picked: Tensor, y: np.ndarray, reduction: str) -> Tensor:
    """−c·Σ_n of the gathered log-probabilities."""
    return picked.sum() * -_scale(y, reduction)


@LOSSES.register()
def binary_cross_entropy(prediction: Prediction, target: Target, reduction: str = "mean",
                         from_logits: bool = False, eps: float = 1e-12) -> Tensor | Value:
    """Binary cross-entropy: L = −(1/N) Σ_i [y_i log a_i + (1 − y_i) log(1 − a_i)].

    The slide prints −(1/N) Σ_i y_i log a_i + (1 − y_i) log(1 − a_i) without the
    brackets, which would leave the second term outside the sum and the minus
    sign; the brackets above are what is meant.

    From probabilities a_i, the logs are taken of a_i moved into [eps, 1 − eps],
    with the slope of the unmoved a_i: at a = 0, y = 1 the loss is −ln eps ≈ 27.6
    and ∂L/∂a = −1/eps = −10¹², as PyTorch's BCELoss (a clip would give slope 0,
    and a wrong prediction of exactly 0 or 1 would never be corrected). At a = 0,
    y = 0 the slope is the exact 1/(1 − a) = 1, where PyTorch's (a − y)/max{a(1 − a),
    eps} gives 0.
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
        r = a.abs()
        return _reduce(0.5 * a + 0.5 * r - a * y + ((-r).exp() + 1.0).log(), reduction)
    _first_bad("binary_cross_entropy", "probabilities must be in [0, 1]", a.data,
               lambda v: (v >= 0) & (v <= 1), "; for logits pass from_logits=True")
    p = _clamped(a, eps, 1.0 - eps)
    return _reduce(-(y * p.log() + (1.0 - y) * (1.0 - p).log()), reduction)


@LOSSES.register()
def squared_hinge(prediction: Prediction, target: Target,
                  reduction: str = "mean") -> Tensor | Value:
    """Squared hinge: L = (1/N) Σ_i max{0, 1 − y_i·a_i}², labels y_i ∈ {−1, +1}.

    The slide writes it as a sum, Σ_i max{0, 1 − y_i a_i}²: that is
    ``reduction="sum"``; the default averages over the N entries.

    Raises:
        ValueError: labels other than ±1; 0/1 labels get a hint to convert
            them with y = 2y − 1.
    """
    _check_reduction("squared_hinge", reduction)
    a, y = _pair("squared_hinge", prediction, target)
    if not np.all(np.abs(y) == 1):
        if np.all((y == 0) | (y == 1)):
            raise ValueError("squared_hinge: labels must be -1 or +1, got 0/1 labels; "
                             "convert them with y = 2*y - 1")
        _first_bad("squared_hinge", "labels must be -1 or +1", y, lambda v: np.abs(v) == 1)
    return _reduce(_sq((1.0 - a * y).relu()), reduction)


def get_loss(spec: str | LossFn) -> LossFn:
    """A loss function: a callable, or a name of :data:`LOSSES` (any case: ``"MSE"``)."""
    if callable(spec):
        return spec
    if isinstance(spec, str):
        return LOSSES.lookup(spec)
    raise TypeError(f"a loss is a function or one of the names {', '.join(LOSSES)}, "
                    f"got {type(spec).__name__}")
