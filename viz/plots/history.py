"""The loss curves of a training run: L_i and Q per step, the loss per epoch,
validation when there was some, and μ when a schedule changed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stepgrad.optim import History

from .style import COLORS, figure

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.figure import Figure

__all__ = ["history_curves", "plot_history"]


def history_curves(history: History) -> dict:
    """The numbers :func:`plot_history` draws, as arrays on one x axis: epochs.

    Returns:
        dict with
        ``step_x`` (step k at epoch k / steps per epoch), ``step_loss`` (L_i),
        ``Q_x``, ``Q`` (Q before the first step at 0, then after each step),
        ``epoch`` (1, 2, …), ``loss``, ``val_loss`` (None without validation),
        ``accuracy``, ``val_accuracy`` (None when the targets are not classes),
        ``lr`` (μ per epoch, None when it never changed).

    Raises:
        ValueError: the History has no completed epoch.
    """
    epochs = len(history.loss)
    if epochs == 0:
        raise ValueError("this History has no completed epoch: nothing to plot "
                         "(fit ran for 0 epochs or was stopped in the first one)")
    per_epoch = len(history.step_loss) / epochs
    steps = np.arange(1, len(history.step_loss) + 1)

    def maybe(values):
        return None if not values or any(v is None for v in values) else np.asarray(values, float)

    lr = maybe(history.lr)
    return {
        "step_x": steps / per_epoch,
        "step_loss": np.asarray(history.step_loss, float),
        "Q_x": np.arange(len(history.Q)) / per_epoch,
        "Q": np.asarray(history.Q, float),
        "epoch": np.arange(1, epochs + 1),
        "loss": np.asarray(history.loss, float),
        "val_loss": maybe(history.val_loss),
        "accuracy": maybe(history.accuracy),
        "val_accuracy": maybe(history.val_accuracy),
        "lr": None if lr is None or np.all(lr == lr[0]) else lr,
    }


def _best_epoch_mark(history, c) -> tuple | None:
    """(epoch, legend text) of the best epoch's line, saying only what fit did; None for no line.

    fit sets ``history.best_epoch`` only when it put those weights back (with
    ``restore_best`` and validation, or on Ctrl-C or divergence, by validation
    loss, else by training loss); epoch 0 is the initial weights. Without a
    restore, the lowest validation loss is marked and the last weights are
    said to be kept.
    """
    measure = "training" if c["val_loss"] is None else "validation"
    if history.best_epoch is not None:
        which = "the initial weights" if history.best_epoch == 0 else "its weights"
        return history.best_epoch, (f"lowest {measure} loss: epoch {history.best_epoch}, "
                                    f"{which} restored")
    if c["val_loss"] is None or not np.isfinite(c["val_loss"]).any():
        return None
    k = int(np.nanargmin(c["val_loss"])) + 1
    return k, f"lowest validation loss: epoch {k} (the last epoch's weights kept)"


def plot_history(history: History, log: bool | None = None) -> Figure:
    """The loss curves of a :class:`~stepgrad.optim.History` as a matplotlib Figure.

    The top panel shows each step's loss L_i (pale), its running average
    Q := λ·L_i + (1 − λ)·Q, the mean loss of each epoch and, with validation,
    the validation loss. A panel for the accuracy follows when the targets were
    classes, and one for the learning rate μ when a schedule changed it.

    Args:
        history: what :func:`stepgrad.optim.fit` returned.
        log: a logarithmic loss axis; None chooses it when the losses span more
            than two decades.
    """
    c = history_curves(history)
    panels = ["loss"] + ["accuracy"] * (c["accuracy"] is not None) + ["lr"] * (c["lr"] is not None)
    heights = {"loss": 3.0, "accuracy": 1.6, "lr": 1.3}
    fig, axes = figure(9.0, sum(heights[p] for p in panels) + 0.6, nrows=len(panels), sharex=True,
                       squeeze=False, gridspec_kw={"height_ratios": [heights[p] for p in panels]})
    axes = dict(zip(panels, axes[:, 0]))
    ax = axes["loss"]
    many = len(c["step_loss"]) > len(c["loss"])  # several steps per epoch: L_i ≠ Q
    if many:
        ax.plot(c["step_x"], c["step_loss"], color=COLORS["L"], lw=0.6, alpha=0.7,
                label="L_i (each step)")
    # one step per epoch with λ = 1: Q after step e is the loss of epoch e, the same line
    q_is_loss = not many and np.allclose(c["Q"][1:], c["loss"], rtol=1e-12, atol=0)
    if not q_is_loss:
        ax.plot(c["Q_x"], c["Q"], color=COLORS["Q"], lw=1.8, label="Q := λ·L_i + (1 − λ)·Q")
    ax.plot(c["epoch"], c["loss"], "o-", color=COLORS["loss"], ms=3.5, lw=1.2,
            label="training loss (= Q: one step per epoch, λ = 1)" if q_is_loss
            else "training loss (mean over the epoch)")
    if c["val_loss"] is not None:
        ax.plot(c["epoch"], c["val_loss"], "s-", color=COLORS["val"], ms=3.5, lw=1.2,
                label="held-out (validation) loss")
    best = _best_epoch_mark(history, c)
    if best is not None:
        ax.axvline(best[0], color=COLORS["val"], ls=":", lw=1, label=best[1])
    q_drawn = c["Q"][1:] if q_is_loss else c["Q"]
    smooth = np.concatenate([q_drawn, c["loss"]] + ([c["val_loss"]] * (c["val_loss"] is not None)))
    smooth = smooth[np.isfinite(smooth) & (smooth > 0)]
    if log is None:
        log = smooth.size > 0 and smooth.max() / smooth.min() > 100
    if log:
        ax.set_yscale("log")
    elif many and smooth.size:  # the L_i spikes may run off the top; the curves may not
        top = max(smooth.max(), np.percentile(c["step_loss"], 98))
        ax.set_ylim(0, 1.05 * top)
    ax.set_ylabel("loss")
    ax.set_title(f"Training: {history.epochs} epochs, {history.steps} steps, "
                 f"stopped: {history.stop_reason or '?'}")
    ax.legend(loc="best", fontsize=9)
    ax.grid(alpha=0.3)
    if "accuracy" in axes:
        a = axes["accuracy"]
        a.plot(c["epoch"], c["accuracy"], "o-", color=COLORS["acc"], ms=3,
               label="training accuracy")
        if c["val_accuracy"] is not None:
            a.plot(c["epoch"], c["val_accuracy"], "s-", color=COLORS["val"], ms=3,
                   label="held-out (validation) accuracy")
        a.set_ylim(-0.02, 1.02)
        a.set_ylabel("accuracy")
        a.legend(loc="lower right", fontsize=9)
        a.grid(alpha=0.3)
    if "lr" in axes:
        a = axes["lr"]
        a.step(c["epoch"], c["lr"], where="mid", color=COLORS["lr"])
        a.set_ylabel("μ (lr)")
        a.grid(alpha=0.3)
    axes[panels[-1]].set_xlabel("epoch")
    return fig
