""":func:`~stepgrad.optim.fit`'s settings, checked and grouped by what they decide.

* :class:`Stepping`: how one step is taken (the loss Lᵢ, the optimizer, the
  schedule, the view);
* :class:`TrainingData`: the samples, how an epoch visits them (:class:`Batches`)
  and the validation set;
* :class:`Stopping`: when the loop stops and which weights it ends with;
* :class:`Reporting`: who is told after each epoch (callbacks, the progress bar).

Each is made by its ``checked`` constructor from fit's arguments, which raises an
error naming the argument (see :mod:`.fit_checks`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .fit_checks import (
    accuracy_rule,
    as_data,
    check_callbacks,
    check_int,
    check_schedule,
    check_tol,
    resolve_loss,
    resolve_optimizer,
)
from .fit_steps import match_outputs, scalar_step, tensor_step
from .optimizer import Optimizer
from .schedules import Schedule

__all__ = ["Stepping", "Batches", "Validation", "TrainingData", "Stopping", "Reporting"]


@dataclass(frozen=True)
class Stepping:
    """How each step is taken: forward and Lᵢ = ``loss``, backward, ``optimizer.step()``,
    in the ``view`` ``"tensor"`` (a batch at a time) or ``"scalar"`` (Values per sample)."""

    loss: Callable
    optimizer: Optimizer
    schedule: Schedule | None
    view: str

    @classmethod
    def checked(cls, model, loss, optimizer, schedule, view) -> Stepping:
        loss_fn = resolve_loss(loss)
        opt = resolve_optimizer(optimizer, model)
        schedule = check_schedule(schedule, opt)
        if view not in ("tensor", "scalar"):
            raise ValueError(f"view must be 'tensor' or 'scalar', got view={view!r}")
        return cls(loss_fn, opt, schedule, view)

    @property
    def step(self):
        """``step(model, loss, X, Y, idx) -> (Lᵢ, predictions)`` of the view (:mod:`.fit_steps`)."""
        return tensor_step if self.view == "tensor" else scalar_step


class Batches:
    """The index arrays of one epoch's steps: a new random order each epoch, or None
    (every sample) for the full batch."""

    def __init__(self, n: int, batch_size):
        self.n, self.k = n, batch_size
        self.full = batch_size is None or batch_size >= n
        self.steps = 1 if self.full else -(-n // batch_size)

    def __len__(self) -> int:
        return self.steps

    def __call__(self, rng):
        if self.full:
            return [None]
        order = rng.permutation(self.n)
        return [order[s * self.k:(s + 1) * self.k] for s in range(self.steps)]


@dataclass(frozen=True)
class Validation:
    """The held-out samples evaluated after each epoch, and their accuracy rule (or None)."""

    X: np.ndarray
    Y: np.ndarray
    correct: Callable | None


@dataclass(frozen=True)
class TrainingData:
    """The training samples (X, Y), how an epoch visits them, the accuracy rule, and the
    validation set (or None)."""

    X: np.ndarray
    Y: np.ndarray
    batches: Batches
    correct: Callable | None
    validation: Validation | None

    @classmethod
    def checked(cls, model, X, Y, batch_size, validation) -> TrainingData:
        X, Y = as_data(X, Y)
        batch_size = check_int("batch_size", batch_size, allow_none=True)
        if validation is not None:
            if not isinstance(validation, (tuple, list)) or len(validation) != 2:
                raise ValueError("validation must be a pair (X_val, Y_val)")
            Xv, Yv = as_data(validation[0], validation[1], what="X_val, Y_val")
            Yv = match_outputs(model, Xv, Yv)
            validation = Validation(Xv, Yv, accuracy_rule(Yv))
        Y = match_outputs(model, X, Y)
        return cls(X, Y, Batches(len(X), batch_size), accuracy_rule(Y), validation)


@dataclass(frozen=True)
class Stopping:
    """When training stops: after ``epochs``, when Q moved less than ``tol`` over an
    epoch, when no weight moved by ``w_tol``, or ``patience`` epochs after the best
    validation loss (None: that test is off); ``restore_best``: end with the best
    epoch's weights (with validation)."""

    epochs: int
    tol: float | None
    w_tol: float | None
    patience: int | None
    restore_best: bool

    @classmethod
    def checked(cls, epochs, tol, w_tol, patience, restore_best, validation) -> Stopping:
        epochs = check_int("epochs", epochs)
        patience = check_int("patience", patience, allow_none=True)
        if patience is not None and validation is None:
            raise ValueError("patience (early stopping) needs validation=(X_val, Y_val)")
        return cls(epochs, check_tol(tol), check_tol(w_tol, "w_tol"), patience,
                   bool(restore_best))


@dataclass(frozen=True)
class Reporting:
    """Who hears of each epoch: ``callbacks`` ``f(history)`` (a returned ``True`` stops
    training) and, with ``progress``, a tqdm bar."""

    callbacks: list
    progress: bool

    @classmethod
    def checked(cls, callbacks, progress) -> Reporting:
        return cls(check_callbacks(callbacks), bool(progress))
