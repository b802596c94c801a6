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
           "checked_loss", "guess_loss"]


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
    # the batch as a constant Tensor, without a copy: the rows idx of X are gathered into a
    # new array (by take: X[idx]'s rows, in half its time), X is fit's own array
    a = model(Tensor.constant(X if idx is None else X.take(idx, axis=0)))
    L = checked_loss(loss_fn, a, Y if idx is None else Y[idx])
    value = L.item()
    if math.isfinite(value):
        L.backward(keep_grads=False)  # only ∂L/∂w is read: the batch's own gradients go early
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
