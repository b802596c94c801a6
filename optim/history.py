"""``History``: what :func:`~stepgrad.optim.fit` records while it trains."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["History", "STOP_REASONS"]

STOP_REASONS = {
    "epochs": "the epochs ran out",
    "converged": "Q converged: |Q_e − Q_{e−1}| < tol between the ends of epochs e−1 and e",
    "early_stopping": "the validation loss did not improve for `patience` epochs",
    "w_converged": "w converged: no weight moved by w_tol or more over the last epoch",
    "callback": "a callback returned True",
    "interrupted": "KeyboardInterrupt (Ctrl-C)",
    "diverged": "the loss became NaN or infinite, or stayed an order of magnitude above Q₀ "
                "and above the constant guess's loss (μ too large)",
}


@dataclass
class History:
    """The record of one :func:`fit` run.

    Attributes:
        lam: λ of Q := λ·L_i + (1 − λ)·Q.
        Q: Q before the first step (the mean loss over X at the initial
            weights, the lecture's "evaluate Q(w)"), then after each step:
            ``len(Q) == steps + 1``.
        step_loss: L_i of each step (the mean loss of its batch).
        loss: per epoch, the mean of the epoch's batch losses (weighted by
            batch size; taken as the weights moved, so no extra forward pass).
        accuracy: per epoch, the share of correct predictions in those batches
            (``None`` entries when the targets are not classes).
        val_loss, val_accuracy: per epoch, on ``validation`` (empty without it).
        grad_norms: ``{parameter name: [per epoch, mean over its steps of ‖∂L/∂W‖₂]}``.
        lr: the learning rate μ used in each epoch.
        stop_reason: one key of :data:`STOP_REASONS`.
        best_epoch: the epoch whose weights the model holds at the end when
            best weights were restored (0 = the initial weights), else None.
    """

    lam: float
    Q: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    grad_norms: dict = field(default_factory=dict)
    lr: list = field(default_factory=list)
    stop_reason: str = ""
    best_epoch: int | None = None

    def end_epoch(self, loss: float, accuracy: float | None, grad_norm_sums: dict[str, float],
                  steps: int) -> None:
        """Record an epoch: its mean loss, its accuracy, and its mean gradient norms
        (``grad_norm_sums`` holds each parameter's norms added over ``steps`` steps)."""
        self.loss.append(loss)
        self.accuracy.append(accuracy)
        for name, total in grad_norm_sums.items():
            self.grad_norms[name].append(total / steps)

    @property
    def epochs(self) -> int:
        """Completed epochs."""
        return len(self.loss)

    @property
    def steps(self) -> int:
        """Gradient steps taken."""
        return len(self.step_loss)

    def __repr__(self) -> str:
        last = f", loss={self.loss[-1]:.4g}" if self.loss else ""
        val = f", val_loss={self.val_loss[-1]:.4g}" if self.val_loss else ""
        q = f", Q={self.Q[-1]:.4g}" if self.Q else ""
        return (f"History(epochs={self.epochs}, steps={self.steps}{q}{last}{val}, "
                f"stop_reason={self.stop_reason!r})")
