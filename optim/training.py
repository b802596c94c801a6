"""``fit``: the lecture's training loop, sample-wise, mini-batch or full batch.

The lecture's algorithm (``batch_size=1``), line by line::

    initialise w (the model), Q := Q(w) = (1/l)·Σᵢ Lᵢ(w)
    do
        select xᵢ from Xˡ at random
        forward phase, loss Lᵢ(w)
        backward phase: ∂Lᵢ/∂w
        gradient step: w := w − μ·L′ᵢ(w)   (or any rule of stepgrad.optim)
        Q := λ·Lᵢ + (1 − λ)·Q
    until Q or w converges

``batch_size=k`` takes k samples per step (Lᵢ is then their mean loss:
mini-batch SGD); ``batch_size=None`` takes all of them: gradient descent, whose
step uses ∂L/∂w = (1/N)·Σₙ ∂Lₙ/∂w. (The slides print the gradient-descent box
and the SGD box identically, both with "select xᵢ"; the formulas under the
gradient-descent box, the mean over all N samples, are what it means.)

fit's settings are grouped by what they decide (:mod:`.fit_settings`: how a step
is taken, the data, when to stop, who is told); everything else of the loop
(validation, early stopping, the progress bar, Ctrl-C, divergence, saturation)
lives in :mod:`.fit_watch`, the steps of each view in :mod:`.fit_steps`, the
argument checks in :mod:`.fit_checks`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.common.rng import Seed
from stepgrad.nn import Module
from stepgrad.nn.diagnostics import gradient_norm
from stepgrad.nn.losses import LossFn

from .fit_checks import check_lam
from .fit_settings import Reporting, Stepping, Stopping, TrainingData
from .fit_steps import Diverged, evaluate, guess_loss
from .fit_watch import EpochWatch
from .history import History
from .optimizer import Optimizer
from .schedules import Schedule

__all__ = ["fit"]


def fit(model: Module, X: ArrayLike, Y: ArrayLike, *,
        # each step: what is minimised and how (Stepping)
        loss: str | LossFn = "half_sse", optimizer: Optimizer | str | None = None,
        schedule: Schedule | None = None, view: str = "tensor",
        # the data: how it is visited and averaged (TrainingData)
        batch_size: int | None = 1, seed: Seed = None, lam: float | None = None,
        validation: tuple[ArrayLike, ArrayLike] | None = None,
        # when to stop (Stopping)
        epochs: int = 100, tol: float | None = 1e-6, w_tol: float | None = None,
        patience: int | None = None, restore_best: bool = True,
        # what is reported on the way (Reporting)
        callbacks: Iterable[Callable[[History], object]] = (), progress: bool = True,
        ) -> History:
    """Train ``model`` on (X, Y) with the lecture's loop and return its :class:`History`.

    Everything after Y is given by name, in four groups: each step (loss, optimizer,
    schedule, view), the data (batch_size, seed, lam, validation), when to stop (epochs,
    tol, w_tol, patience, restore_best) and what is reported (callbacks, progress).

    Args:
        model: a :class:`stepgrad.nn.Module` (e.g. ``MLP([6, 9, 2])``).
        X: inputs, shape (N, F), one sample xᵢ per row.
        Y: targets, shape (N, M); or (N,): class indices (an integer array, for
            M > 1 outputs) or one output's targets.
        loss: a loss ``loss(prediction, target)`` returning a node, or its name in
            ``stepgrad.nn.LOSSES`` (any case); the default is the lecture's
            Lᵢ = ½Σₘ(aₘ − yₘ)².
        optimizer: an optimizer on ``model.parameters()``, or a rule's name
            (``"adam"``: its default settings); default ``SGD(lr=0.1)``.
        schedule: a :class:`~stepgrad.optim.schedules.Schedule` on the optimizer;
            fit calls its ``step()`` after each epoch, or after each gradient
            step when it was made with ``by="step"``.
        view: ``"tensor"`` (a batch at a time, fast) or ``"scalar"`` (each sample
            as a graph of Values, the lecture's view; slow, for small data).
        batch_size: 1 (the lecture's sample-wise SGD), k (mini-batches of k, the last
            one smaller), or None (the full batch: gradient descent). Each epoch
            visits every sample once, in a new random order (none for the full batch).
        seed: seeds the order in which samples are picked.
        lam: λ in Q := λ·Lᵢ + (1 − λ)·Q, in (0, 1]; None means 1/(steps per epoch),
            so Q averages about the last epoch (λ = 1 for the full batch: Q = L).
        validation: (X_val, Y_val), evaluated after each epoch.
        epochs: the most epochs to run.
        tol: the convergence test, checked at the end of each epoch e >= 2: stop
            when |Q_e − Q_{e−1}| < tol, Q_e being Q after the epoch's last step.
            Checking per epoch, not per step, keeps one lucky small step from
            stopping a noisy run; from epoch 2 on, because with the full batch
            (λ = 1) Q_1 is the loss at the initial weights, which is Q_0.
            None: never stop on convergence.
        w_tol: the lecture's "or w converges": stop when no weight moved by
            w_tol or more over an epoch, max |w_e − w_{e−1}| < w_tol. None: off.
        patience: with validation, stop when the validation loss has not
            improved for this many epochs (early stopping).
        restore_best: with validation, end with the weights of the epoch with the
            lowest validation loss. On Ctrl-C or divergence the best weights so far
            are restored in any case (by validation loss, else by epoch loss).
        callbacks: functions ``f(history)`` called after each epoch. Returning
            ``True`` (exactly: a bool) stops training; any other value, such as a
            schedule's new learning rate, is ignored. To watch training in Jupyter,
            pass ``callbacks=[stepgrad.viz.live.LiveTraining(model)]``.
        progress: show a tqdm progress bar (inline in notebooks) with epoch, Q and
            validation loss; False hides it.

    Returns:
        History: Q per step, loss and accuracy per epoch, per-layer gradient norms,
        the stop reason (see :data:`stepgrad.optim.history.STOP_REASONS`).

    Warns:
        RuntimeWarning: training diverged (stops as ``"diverged"``, never
            ``"converged"``): the loss became NaN or infinite, or the epoch loss was
            10·Q_ref or more, Q_ref = max(Q₀, the loss of the constant guess ȳ), for 5
            epochs in a row, or when it would have converged or the epochs ran out
            (:mod:`.fit_watch` says why this rule); or the loss rose above Q₀ and
            stayed flat for several epochs (μ saturates the net).
    """
    stepping = Stepping.checked(model, loss, optimizer, schedule, view)
    data = TrainingData.checked(model, X, Y, batch_size, validation)
    stop = Stopping.checked(epochs, tol, w_tol, patience, restore_best, data.validation)
    lam = check_lam(lam, len(data.batches))
    model.train()
    Q = evaluate(model, stepping.loss, data.X, data.Y, view)[0]  # the lecture's "evaluate Q(w)"
    h = History(lam=lam, Q=[Q], grad_norms={n: [] for n, _ in model.named_parameters()})
    watch = EpochWatch(model, stepping, data.validation, stop,
                       Reporting.checked(callbacks, progress), Q,
                       lambda: guess_loss(model, stepping.loss, data.X, data.Y))
    rng, opt, reason = np.random.default_rng(seed), stepping.optimizer, "epochs"
    step, loss_fn, schedule = stepping.step, stepping.loss, stepping.schedule
    X, Y, n, batches = data.X, data.Y, len(data.X), data.batches
    each_step = schedule if schedule is not None and schedule.by == "step" else None
    each_epoch = schedule if schedule is not None and schedule.by == "epoch" else None
    # ‖∂L/∂W‖₂ of each parameter, summed over an epoch's steps: the parameters listed once
    # (gradient_norms(model) would make its dict of names every step)
    names, params = zip(*model.named_parameters()) if h.grad_norms else ((), ())
    # zero_grad of the parameters listed once (Module.zero_grad lists them at every call),
    # unless the model defines its own
    zero_all = model.zero_grad if type(model).zero_grad is not Module.zero_grad else None
    unique = model.parameters()
    try:
        for epoch in range(1, stop.epochs + 1):
            h.lr.append(opt.lr)
            total = hits = 0.0
            sums = [0.0] * len(params)
            for idx in batches(rng):                            # select xᵢ from Xˡ at random
                if zero_all is None:
                    for p in unique:
                        p.zero_grad()
                else:
                    zero_all()
                L, a = step(model, loss_fn, X, Y, idx)          # forward, Lᵢ, backward
                if not math.isfinite(L):
                    raise Diverged(L, h.steps + 1)
                for k, p in enumerate(params):
                    sums[k] += gradient_norm(p.grad)
                opt.step()                                      # w := w − μ·L′ᵢ(w)
                Q = lam * L + (1 - lam) * Q                     # Q := λ·Lᵢ + (1 − λ)·Q
                h.step_loss.append(L)
                h.Q.append(Q)
                total += L * (n if idx is None else len(idx))
                if data.correct:
                    hits += data.correct(a, slice(None) if idx is None else idx)
                if each_step is not None:
                    each_step.step()
            norms = dict(zip(names, sums))
            h.end_epoch(total / n, hits / n if data.correct else None, norms, len(batches))
            if each_epoch is not None:
                each_epoch.step()
            reason = watch.end_epoch(epoch, h, len(batches)) or reason
            if reason != "epochs":                          # until Q or w converges
                break
    except KeyboardInterrupt:
        reason = "interrupted"
    except Diverged as e:
        reason = "diverged"
        warnings.warn(f"fit stopped: the loss became {e.args[0]} at step {e.args[1]} (lower "
                      f"the learning rate μ = {opt.lr:g}); the weights of epoch "
                      f"{watch.best['epoch']} are restored", RuntimeWarning, stacklevel=2)
    return watch.finish(h, reason)
