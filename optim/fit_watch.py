"""What :func:`~stepgrad.optim.fit` watches at the end of each epoch.

:class:`EpochWatch` holds everything of the loop that is not the lecture's
algorithm: the validation loss, the best weights so far (restored after
early stopping, Ctrl-C or divergence), the stop tests ("until Q or w
converges", patience, a callback's ``True``, a loss grown by an order of
magnitude), the progress bar, and the saturation warning.

Divergence. An epoch loss of :data:`GROWTH` times Q_ref or more is *high*, with
Q_ref = max(Q₀, Q_ȳ): Q₀ the loss at the initial weights, Q_ȳ the loss of the
constant guess ȳ (:func:`~.fit_steps.guess_loss`, what a network that learnt
nothing of x scores). Training stops as ``"diverged"``, with a warning naming μ
and the best weights so far restored, when

* the loss is NaN or infinite (at any step), or
* it has been high for :data:`HIGH_EPOCHS` epochs in a row, or
* it is GROWTH·Q₀ or more, and above Q_ȳ, when another test would stop
  training: a loss that sits flat far above where it started, worse than
  knowing nothing, is never "converged" (a softmax thrown into saturation by
  μ = 10⁶ sits at 27.6 after starting at 0.70; a trained one, from 0.003, at
  6.9, just under 10·Q_ȳ = 10·ln 2), and a run whose epochs run out there has
  diverged.

Why not simply "an epoch loss ≥ 10·Q₀", the rule before: it called good runs
diverged (tests/test_optim_fit_divergence.py has each). From a good start Q₀ is
near 0 and a ratio of small numbers says nothing (fit again on a trained
network, Adam at μ = 0.05, one sample per step: 3.8·10⁻⁴ → 1.3·10⁻² in the first
epoch, 2.5·10⁻⁵ at the end); Q₀ is taken in eval mode and the epoch losses in
training mode, where dropout adds its noise (Q₀ = 2.1·10⁻³, epoch losses up to
14 times that); and Adam's first steps, each μ long in every weight, can throw
the loss up 21 times for two epochs before it falls far below Q₀ (a 1-64-64-1
net on sin 2x, μ = 0.1: 4.5·10⁻⁵ at the end). The reference Q_ref ≥ Q_ȳ answers
the first two, the :data:`HIGH_EPOCHS` in a row the third; a run that truly
diverges stays high (the runs that overflow or saturate in
tests/test_engine_reliability.py are high from their first or second epoch on).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from tqdm.auto import tqdm

from .fit_steps import evaluate

__all__ = ["EpochWatch", "SATURATION_EPOCHS", "GROWTH", "HIGH_EPOCHS"]

SATURATION_EPOCHS = 5  # flat epochs, above the initial Q, before fit warns
GROWTH = 10.0  # an epoch loss this many times Q_ref is high: never convergence
HIGH_EPOCHS = 5  # epochs in a row at a high loss that are divergence
# An epoch becomes the best only when it lowers the monitored loss by more than rounding:
# a full-batch epoch's training loss is measured at the weights it starts from, so an epoch
# whose loss equals the best one's up to the last bit (its step made things worse) must not
# take the best weights' place (numpy versions differ in that last bit).
ROUNDING = 1e-12


class EpochWatch:
    """The end-of-epoch bookkeeping and stop tests of one :func:`fit` run.

    Args:
        model: the model being trained.
        stepping: the loss, the optimizer (its μ named in the saturation warning), the view.
        validation: the :class:`~.fit_settings.Validation` set, or None.
        stopping: the stop tests (:class:`~.fit_settings.Stopping`).
        reporting: the callbacks and the progress bar (:class:`~.fit_settings.Reporting`).
        Q0: Q at the initial weights (the first "best" value without validation).
        Q_guess: Q_ȳ, the loss of the constant guess (NaN: unknown, Q₀ alone is used), or a
            function that computes it: called the first time an epoch loss reaches
            GROWTH·Q₀, the only case that asks for it (Q_ref ≥ Q₀).
    """

    def __init__(self, model, stepping, validation, stopping, reporting, Q0: float,
                 Q_guess: float | Callable[[], float] = float("nan")):
        self.model, self.stepping, self.validation = model, stepping, validation
        self.stopping, self.reporting, self.Q0 = stopping, reporting, Q0
        self._guess = Q_guess
        self.high = 0  # epochs in a row with a loss ≥ GROWTH·Q_ref
        value = Q0 if validation is None else self.evaluate(validation)[0]
        self.read_state = model.state_reader()  # model.state_dict(), its parts listed once
        self.best = {"epoch": 0, "state": self.read_state(), "value": value}
        self.weights: dict | None = self.best["state"] if stopping.w_tol is not None else None
        self.warned = False
        self.bar = tqdm(total=stopping.epochs, desc="epoch", unit="epoch",
                        disable=not reporting.progress, leave=True)

    @property
    def Q_guess(self) -> float:
        """Q_ȳ, the loss of the constant guess (computed at the first call when given as a
        function)."""
        if callable(self._guess):
            self._guess = float(self._guess())
        return self._guess

    @property
    def Q_ref(self) -> float:
        """max(Q₀, Q_ȳ), or Q₀ when Q_ȳ is unknown."""
        guess = self.Q_guess
        return max(self.Q0, guess) if np.isfinite(guess) else self.Q0

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
        if monitor < self.best["value"] - ROUNDING * abs(self.best["value"]):
            self.best = {"epoch": epoch, "state": self.read_state(), "value": monitor}
        self.show(h)
        L, Q0 = h.loss[-1], self.Q0
        # Q_ref ≥ Q₀: a loss under GROWTH·Q₀ is not high, and Q_ȳ is not needed to say so
        high = L > Q0 and L >= GROWTH * Q0 and L >= GROWTH * self.Q_ref
        self.high = self.high + 1 if high else 0
        if self.high >= HIGH_EPOCHS:
            ref = "Q₀" if self.Q_ref == Q0 else \
                f"the loss of the constant guess ȳ ({self.Q_guess:.4g}, above Q₀)"
            return self.diverged(h, f"{GROWTH:g} times {ref} or more for {self.high} epochs "
                                    "in a row")
        self.warn_if_saturated(h)
        reason = self.other_stop(epoch, h, steps_per_epoch)
        # worse than where it started by GROWTH and than knowing nothing: never converged
        worse = L >= GROWTH * Q0 and L > Q0 and not L < self.Q_guess
        if worse and (reason in ("converged", "w_converged") or
                      (reason is None and epoch == stop.epochs)):
            guess = "" if not np.isfinite(self.Q_guess) else \
                f", and above the constant guess's loss ({self.Q_guess:.4g}),"
            return self.diverged(h, f"{GROWTH:g} times Q₀ or more{guess} "
                                    + ("when the epochs ran out" if reason is None
                                       else "and stopped changing"))
        return reason

    def other_stop(self, epoch: int, h, steps_per_epoch: int) -> str | None:
        """A callback's True, early stopping, or Q or w converged; else None."""
        stop = self.stopping
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

    def diverged(self, h, how: str) -> str:
        """Warn, naming μ and ``how`` the loss was too high; return "diverged"."""
        L, Q0 = h.loss[-1], self.Q0
        times = f" ({L / Q0:.3g}×)" if Q0 > 0 else ""
        warnings.warn(f"fit stopped: the loss grew from Q₀ = {Q0:.4g} to {L:.4g}{times} in "
                      f"{len(h.loss)} epoch{'s' if len(h.loss) > 1 else ''}: training diverged "
                      f"(lower the learning rate μ = {self.stepping.optimizer.lr:g}); the "
                      f"weights of epoch {self.best['epoch']} are restored (the loss was {how})",
                      RuntimeWarning, stacklevel=4)
        return "diverged"

    def weights_settled(self) -> bool:
        """max |w_e − w_{e−1}| < w_tol over every weight, between the ends of two epochs."""
        now, before = self.read_state(), self.weights
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
        if self.warned or len(h.loss) < k + 1 or not min(h.loss[-(k + 1):]) > self.Q0:
            return  # (that cheap test first: a loss at or below Q₀ in those epochs is no warning)
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
        if self.bar.disable:  # progress=False: nothing to write
            return
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
