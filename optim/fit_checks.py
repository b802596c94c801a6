"""What :func:`~stepgrad.optim.fit` checks and prepares before it trains.

Each function turns one argument into what the loop needs, or raises an error
that names the argument, shows what it got and says what it expected.
"""

from __future__ import annotations

import numbers

import numpy as np

from stepgrad.autograd import Node
from stepgrad.nn import get_loss

from .optimizer import SGD, Optimizer, get_optimizer
from .schedules import Schedule

__all__ = ["as_data", "resolve_loss", "resolve_optimizer", "check_schedule", "check_callbacks",
           "check_int", "check_lam", "check_tol", "accuracy_rule"]


def as_data(X, Y, what: str = "X, Y") -> tuple:
    """X as a float64 array (N, F); Y as a float64 array (N, M) or (N,), or, for
    class indices, an integer array (N,)."""
    X = np.asarray(X.data if isinstance(X, Node) else X)
    Y = np.asarray(Y.data if isinstance(Y, Node) else Y)
    x_name, y_name = what.split(", ")
    for name, a in ((x_name, X), (y_name, Y)):
        if a.dtype.kind not in "fiub":
            raise TypeError(f"{name} must hold numbers, got an array of dtype {a.dtype}")
    X = X.astype(np.float64, copy=False)
    if not (Y.ndim == 1 and Y.dtype.kind in "iu"):  # class indices stay integers
        Y = Y.astype(np.float64, copy=False)
    if X.ndim != 2:
        raise ValueError(f"{x_name} must have shape (N, F), one sample per row; got {X.shape}")
    if Y.ndim not in (1, 2):
        raise ValueError(f"{y_name} must have shape (N, M) or (N,), got {Y.shape}")
    if len(X) != len(Y):
        raise ValueError(f"{x_name} has {len(X)} samples but {y_name} has {len(Y)}")
    if len(X) == 0:
        raise ValueError(f"{x_name} is empty: fit needs at least one sample")
    for name, a in ((x_name, X), (y_name, Y)):
        if not np.all(np.isfinite(a)):
            bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
            raise ValueError(f"{name} holds a non-finite number at index {bad}: {a[bad]!r}")
    return X, Y


def resolve_loss(loss):
    """A loss function: a callable, or a name of ``stepgrad.nn.LOSSES`` (any case)."""
    if not (callable(loss) or isinstance(loss, str)):
        raise ValueError(f"loss must be a function or a name such as 'half_sse', got {loss!r}")
    return get_loss(loss)


def resolve_optimizer(optimizer, model) -> Optimizer:
    """The optimizer, checked to update the model's parameters.

    ``None`` gives SGD with μ = 0.1; a name (``"adam"``, any case) gives that
    rule with its default hyperparameters on ``model.parameters()``.
    """
    params = model.parameters()
    if optimizer is None:
        return SGD(params, lr=0.1)
    if isinstance(optimizer, str):
        return get_optimizer(optimizer)(params)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a stepgrad.optim optimizer such as "
                        f"Adam(model.parameters()) or its name, got {type(optimizer).__name__}")
    own = {id(p) for p in params}
    foreign = [i for i, p in enumerate(optimizer.params) if id(p) not in own]
    if foreign:
        raise ValueError(f"the optimizer's parameters {foreign} are not parameters of the "
                         "model: build it with optimizer(model.parameters(), ...)")
    return optimizer


def check_schedule(schedule, optimizer):
    """A :class:`~.schedules.Schedule` driving fit's optimizer, or None."""
    if schedule is None:
        return None
    if not isinstance(schedule, Schedule):
        raise TypeError(f"schedule must be a stepgrad.optim schedule such as "
                        f"StepDecay(optimizer, step_size=10), got {type(schedule).__name__}")
    if schedule.optimizer is not optimizer:
        raise ValueError("the schedule drives another optimizer: build it on the optimizer "
                         "passed to fit")
    return schedule


def check_callbacks(callbacks) -> list:
    """The callbacks as a list of callables ``f(history)``."""
    callbacks = [callbacks] if callable(callbacks) else list(callbacks)
    for i, cb in enumerate(callbacks):
        if not callable(cb):
            raise TypeError(f"callbacks[{i}] is a {type(cb).__name__}, not a function "
                            "f(history)")
    return callbacks


def check_int(name: str, n, *, allow_none: bool = False):
    """A positive int (or None when allowed)."""
    if n is None and allow_none:
        return None
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be an integer >= 1{extra}, got {name}={n!r}")
    return int(n)


def check_lam(lam, steps_per_epoch: int) -> float:
    """λ in (0, 1]; None gives 1/(steps per epoch): Q then averages about one epoch."""
    if lam is None:
        return 1.0 / steps_per_epoch
    if isinstance(lam, bool) or not isinstance(lam, numbers.Real) or not 0 < float(lam) <= 1:
        raise ValueError(f"lam (λ in Q := λ·L_i + (1 − λ)·Q) must be in (0, 1], got lam={lam!r}")
    return float(lam)


def check_tol(tol, name: str = "tol"):
    """A tolerance >= 0, or None for no test."""
    if tol is None:
        return None
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real) or not float(tol) >= 0:
        raise ValueError(f"{name} must be a number >= 0 or None, got {name}={tol!r}")
    return float(tol)


def accuracy_rule(Y: np.ndarray):
    """``correct(prediction, index) -> count`` for class targets, or None for regression.

    * one-hot rows Y (N, M), M > 1: argmaxₘ aₘ = argmaxₘ yₘ;
    * class indices Y (N,) with M > 1 outputs: argmaxₘ aₘ = y;
    * one output with Y in {0, 1}: (a > ½) = y; with Y in {−1, 1}: sign a = y.
    """
    flat = Y.reshape(len(Y), -1)
    values = np.unique(flat)
    if flat.shape[1] > 1:
        if set(values) <= {0.0, 1.0} and np.all(flat.sum(axis=1) == 1):
            labels = flat.argmax(axis=1)
            return lambda a, idx: int(np.count_nonzero(a.argmax(axis=-1) == labels[idx]))
        return None
    y = flat[:, 0]
    if set(values) <= {-1.0, 1.0}:
        return lambda a, idx: int(np.count_nonzero(np.where(a.reshape(len(a), -1)[:, 0] > 0,
                                                            1.0, -1.0) == y[idx]))
    if np.all(values >= 0) and np.all(values == np.round(values)):
        def correct(a, idx):
            if a.ndim != 2:
                a = a.reshape(len(a), -1)
            guess = a.argmax(axis=1) if a.shape[1] > 1 else (a[:, 0] > 0.5)
            return int(np.count_nonzero(guess == y[idx]))
        return correct
    return None
