"""One step of :func:`~stepgrad.optim.fit`'s loop in each view, and the loss over a data set.

A step is the lecture's forward phase, loss L_i and backward phase on the
picked samples: :func:`tensor_step` runs them as one batch of Tensors,
:func:`scalar_step` as one graph of Values per sample. Both return L_i as a
float and the predictions as an array, and leave ∂L_i/∂w in the weights' ``.grad``.
"""

from __future__ import annotations

import math

import numpy as np

from stepgrad.autograd import Node, Tensor, no_grad, nsum

__all__ = ["tensor_step", "scalar_step", "evaluate", "match_outputs", "Diverged",
           "checked_loss", "guess_loss", "EpochHits"]


class Diverged(Exception):
    """The loss of a step was NaN or infinite: ``args == (loss, step)``."""


def checked_loss(loss_fn, a, y):
    """``loss_fn(a, y)``, refused with a TypeError unless it is a node of the graph."""
    L = loss_fn(a, y)
    if not isinstance(L, Node):
        raise TypeError(f"the loss function returned a {type(L).__name__}, not a node of the "
                        "graph, so there is nothing to differentiate: build it from the "
                        "prediction with its ops (e.g. ((a - y) * (a - y)).mean()), "
                        "not from a.data or float()")
    return L


def tensor_step(model, loss_fn, X, Y, idx):
    """Forward the rows ``idx`` of X (all rows for None) as one Tensor batch, backward."""
    a = model(X if idx is None else X[idx])
    L = checked_loss(loss_fn, a, Y if idx is None else Y[idx])
    value = L.item()
    if math.isfinite(value):
        L.backward()
    return value, a.data


def scalar_step(model, loss_fn, X, Y, idx):
    """The same with each sample a graph of Values (the lecture's scalar view)."""
    rows = range(len(X)) if idx is None else idx
    losses, preds = [], []
    for i in rows:
        a = model.scalar_forward(X[i].tolist())
        losses.append(checked_loss(loss_fn, a, Y[i]))
        preds.append([v.data for v in a])
    L = nsum(losses) * (1.0 / len(losses)) if len(losses) > 1 else losses[0]
    if math.isfinite(L.data):
        L.backward()
    return L.data, np.array(preds)


class EpochHits:
    """The correct predictions of an epoch's steps, counted once, at the end of the epoch.

    Each step's predictions are copied into one array, row after row in the order
    the steps took the samples, and ``correct`` (:func:`~.fit_checks.accuracy_rule`,
    an argmax per row) runs once over all of them instead of once per step: the
    same count, as each row is right or wrong by itself, for one numpy call
    per epoch instead of one per step.

    Args:
        correct: ``correct(predictions, index) -> count``.
        n: the samples of an epoch (the rows the array holds).
    """

    def __init__(self, correct, n: int):
        self.correct, self.n = correct, n
        self.rows = np.empty(0)  # the kept predictions: its first ``filled`` rows
        self.filled, self.hits = 0, 0
        self.index: list = []  # the samples of each step (None: all of them)

    def add(self, a: np.ndarray, idx) -> None:
        """Keep the predictions ``a`` of the samples ``idx`` (None: all, in order)."""
        rows, k = self.rows, len(a)
        if (rows.shape[1:] != a.shape[1:] or rows.dtype != a.dtype
                or self.filled + k > len(rows)):  # the first step, or predictions unlike
            self.count()                             # the others: counted as they are
            rows = self.rows = np.empty((max(self.n, k),) + a.shape[1:], a.dtype)
        rows[self.filled:self.filled + k] = a
        self.filled += k
        self.index.append(idx)

    def count(self) -> None:
        """Count the kept rows' correct predictions into ``hits``, and start afresh."""
        if self.filled:
            idx = slice(None) if self.index[0] is None else np.concatenate(self.index)
            self.hits += self.correct(self.rows[:self.filled], idx)
        self.filled, self.index = 0, []

    def epoch(self) -> int:
        """The epoch's count of correct predictions; the next epoch starts at 0."""
        self.count()
        hits, self.hits = self.hits, 0
        return hits


def evaluate(model, loss_fn, X, Y, view, correct=None):
    """(mean loss, correct count or None) on (X, Y), in eval mode, recording nothing."""
    model.eval()
    try:
        with no_grad():
            if view == "tensor":
                a = model(X)
                value = checked_loss(loss_fn, a, Y).item()
                a = a.data
            else:
                outs = [model.scalar_forward(x.tolist()) for x in X]
                value = sum(checked_loss(loss_fn, o, y).data for o, y in zip(outs, Y)) / len(X)
                a = np.array([[v.data for v in o] for o in outs])
    finally:
        model.train()
    return value, (None if correct is None else correct(a, slice(None)))


def guess_loss(model, loss_fn, X, Y) -> float:
    """Q_ȳ: the mean loss of the constant guess ȳ, what a network that learnt nothing of x scores.

    Every sample is answered with the targets' mean over the samples (for class
    indices, the class frequencies). NaN when that guess is not a prediction
    the loss takes (a loss of the scalar view only, targets of another width),
    or its loss is not finite: :class:`~.fit_watch.EpochWatch` then uses Q₀ alone.
    """
    model.eval()
    try:
        with no_grad():
            width = model(X[:1]).data.shape[-1]
            if Y.ndim == 1 and Y.dtype.kind in "iu":
                mean = np.bincount(Y, minlength=width) / len(Y)
            else:
                mean = np.mean(Y.reshape(len(Y), -1), axis=0)
            if mean.shape != (width,):
                return math.nan
            guess = Tensor(np.tile(mean, (len(Y), 1)), requires_grad=False)
            value = float(checked_loss(loss_fn, guess, Y).item())
    except Exception:  # noqa: BLE001 - any loss that cannot score the guess: use Q₀ alone
        return math.nan
    finally:
        model.train()
    return value if math.isfinite(value) else math.nan


def match_outputs(model, X, Y):
    """Y (N,) becomes (N, 1) when the model has one output (so losses see like shapes)."""
    if Y.ndim == 1:
        model.eval()
        with no_grad():
            out = model(X[:1])
        model.train()
        if out.data.shape[-1] == 1:
            return Y[:, None]
    return Y
