"""What :func:`~stepgrad.optim.fit` watches at the end of each epoch.

:class:`EpochWatch` holds everything of the loop that is not the lecture's
algorithm: the validation loss, the best weights so far (restored after
early stopping, Ctrl-C or divergence), the stop tests ("until Q or w
converges", patience, a callback's ``True``, a loss grown by an order of
magnitude), the progress bar, and the saturation warning.

A loss that grows is never "converged": an epoch whose mean loss is
:data:`GROWTH` times Q₀ or more stops training as ``"diverged"``, with a
warning naming μ, before the convergence test can see it sit flat (a softmax
thrown into saturation by μ = 10⁶ sits at 12.5 after starting at 0.69).
"""

from __future__ import annotations

import warnings

import numpy as np
from tqdm.auto import tqdm

from .fit_steps import evaluate

__all__ = ["EpochWatch", "SATURATION_EPOCHS", "GROWTH"]

SATURATION_EPOCHS = 5  # flat epochs, above the initial Q, before fit warns
GROWTH = 10.0  # an epoch loss this many times Q₀ is divergence, never convergence


class EpochWatch:
    """The end-of-epoch bookkeeping and stop tests of one :func:`fit` run.

    Args:
        model: the model being trained.
        stepping: the loss, the optimizer (its μ named in the saturation warning), the view.
        validation: the :class:`~.fit_settings.Validation` set, or None.
        stopping: the stop tests (:class:`~.fit_settings.Stopping`).
        reporting: the callbacks and the progress bar (:class:`~.fit_settings.Reporting`).
        Q0: Q at the initial weights (the first "best" value without validation).
    """

    def __init__(self, model, stepping, validation, stopping, reporting, Q0: float):
        self.model, self.stepping, self.validation = model, stepping, validation
        self.stopping, self.reporting, self.Q0 = stopping, reporting, Q0
        value = Q0 if validation is None else self.evaluate(validation)[0]
        self.best = {"epoch": 0, "state": model.state_dict(), "value": value}
        self.weights: dict | None = self.best["state"] if stopping.w_tol is not None else None
        self.warned = False
        self.bar = tqdm(total=stopping.epochs, desc="epoch", unit="epoch",
                        disable=not reporting.progress, leave=True)

    def evaluate(self, validation) -> tuple:
        """(mean loss, correct count or None) on the validation set."""
        return evaluate(self.model, self.stepping.loss, validation.X, validation.Y,
                        self.stepping.view, validation.correct)

    def end_epoch(self, epoch: int, h, steps_per_epoch: int) -> str | None:
        """Record the epoch's validation loss and best weights; the stop reason or None."""
        monitor, stop = h.loss[-1], self.stopping
        if self.validation is not None:
            monitor, hits = self.evaluate(self.validation)
            h.val_loss.append(monitor)
            h.val_accuracy.append(None if hits is None else hits / len(self.validation.X))
        if monitor < self.best["value"]:
            self.best = {"epoch": epoch, "state": self.model.state_dict(), "value": monitor}
        self.show(h)
        if self.grown(h):
            return "diverged"
        self.warn_if_saturated(h)
        stops = [cb(h) for cb in self.reporting.callbacks]  # every callback, every epoch
        if any(r is True or r is np.True_ for r in stops):
            return "callback"
        if stop.patience is not None and epoch - self.best["epoch"] >= stop.patience:
            return "early_stopping"
        if stop.tol is not None and epoch > 1 and \
                abs(h.Q[-1] - h.Q[-1 - steps_per_epoch]) < stop.tol:
            return "converged"
        if stop.w_tol is not None and self.weights_settled():
            return "w_converged"
        return None

    def grown(self, h) -> bool:
        """True, with a warning naming μ, when the epoch's loss is GROWTH·Q₀ or more."""
        L, Q0 = h.loss[-1], self.Q0
        if not (L >= GROWTH * Q0 and L > Q0):
            return False
        times = f" ({L / Q0:.3g}×)" if Q0 > 0 else ""
        warnings.warn(f"fit stopped: the loss grew from Q₀ = {Q0:.4g} to {L:.4g}{times} in "
                      f"{len(h.loss)} epoch{'s' if len(h.loss) > 1 else ''}: training diverged "
                      f"(lower the learning rate μ = {self.stepping.optimizer.lr:g}); the "
                      f"weights of epoch {self.best['epoch']} are restored", RuntimeWarning,
                      stacklevel=4)
        return True

    def weights_settled(self) -> bool:
        """max |w_e − w_{e−1}| < w_tol over every weight, between the ends of two epochs."""
        now, before = self.model.state_dict(), self.weights
        assert before is not None  # set at the start when w_tol is given
        change = max(float(np.max(np.abs(now[k] - before[k]), initial=0.0)) for k in now)
        self.weights = now
        return change < self.stopping.w_tol

    def warn_if_saturated(self, h) -> None:
        """Warn once when the epoch loss rose above Q₀ and then stayed flat.

        That is what a learning rate far too large does without overflowing:
        the first steps throw u_h into σ's flat tails, where σ′ ≈ 0, and no
        gradient is left to bring them back.
        """
        k = SATURATION_EPOCHS
        if self.warned or len(h.loss) < k + 1:
            return
        last = np.asarray(h.loss[-(k + 1):])
        flat = np.ptp(last) <= 1e-3 * max(abs(last.mean()), 1e-12)
        if flat and last.min() > self.Q0:
            self.warned = True
            warnings.warn(f"fit: the loss rose from Q = {self.Q0:.4g} to {last[-1]:.4g} and "
                          f"has not moved for {k} epochs: the learning rate μ = "
                          f"{self.stepping.optimizer.lr:g} has likely saturated the network (units "
                          "stuck where σ′ ≈ 0); try a learning rate 10 to 1000 times smaller",
                          RuntimeWarning, stacklevel=4)

    def show(self, h) -> None:
        val = f", val_loss={h.val_loss[-1]:.4g}" if h.val_loss else ""
        self.bar.set_postfix_str(f"Q={h.Q[-1]:.4g}{val}", refresh=False)
        self.bar.update(1)

    def finish(self, h, reason: str):
        """Close the bar, restore the best weights where asked, and return ``h``."""
        self.bar.close()
        h.stop_reason = reason
        if reason in ("interrupted", "diverged") or (self.stopping.restore_best
                                                     and self.validation is not None):
            self.model.load_state_dict(self.best["state"])
            h.best_epoch = self.best["epoch"]
        self.model.zero_grad()
        return h
