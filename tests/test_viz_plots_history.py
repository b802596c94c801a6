"""plot_history draws what fit recorded: L_i and Q per step, the loss per epoch,
validation, and μ when a schedule changed it."""

import io

import matplotlib
import numpy as np
import pytest
from figure_checks import (
    assert_legend_names_what_is_drawn,
    assert_limits_hold_data,
    drawn_lines,
    legend_texts,
)

from stepgrad.nn import MLP
from stepgrad.optim import SGD, History, StepDecay, fit
from stepgrad.viz.plots import history_curves, plot_history

matplotlib.use("Agg")


def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6))
    return X, np.eye(2)[(X[:, 0] + X[:, 1] > 0).astype(int)]


def png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_curves_are_the_history_on_an_epoch_axis():
    X, Y = data()
    h = fit(MLP([6, 9, 2], seed=0), X, Y, batch_size=4, epochs=3, seed=0, progress=False)
    c = history_curves(h)
    assert list(c["epoch"]) == [1, 2, 3]
    assert list(c["loss"]) == h.loss and list(c["Q"]) == h.Q
    assert c["Q_x"][0] == 0 and c["Q_x"][-1] == 3 and len(c["Q_x"]) == len(h.Q)
    assert c["step_x"][9] == 1.0  # 40 samples / batch 4 = 10 steps per epoch
    assert c["val_loss"] is None and c["lr"] is None
    assert list(c["accuracy"]) == h.accuracy


def test_validation_and_a_schedule_add_their_curves_and_panels():
    X, Y = data()
    model = MLP([6, 9, 2], seed=0)
    opt = SGD(model.parameters(), lr=0.2)
    sched = StepDecay(opt, step_size=2, gamma=0.5)
    h = fit(model, X[:30], Y[:30], optimizer=opt, epochs=4, seed=0, progress=False,
            validation=(X[30:], Y[30:]), callbacks=[lambda h: sched.step()])
    c = history_curves(h)
    assert list(c["lr"]) == [0.2, 0.2, 0.1, 0.1]
    assert list(c["val_loss"]) == h.val_loss
    fig = plot_history(h)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy", "μ (lr)"]
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "held-out (validation) loss" in labels and "Q := λ·L_i + (1 − λ)·Q" in labels
    assert legend_texts(fig.axes[1]) == ["training accuracy", "held-out (validation) accuracy"]
    for ax in fig.axes[:2]:
        assert_limits_hold_data(ax)
        assert_legend_names_what_is_drawn(ax)
    assert png(fig).startswith(b"\x89PNG")


def test_full_batch_draws_no_q_line_under_the_loss_and_its_legend_lists_no_q():
    """One step per epoch with λ = 1: Q is the epoch's loss, one line, named so."""
    X, Y = data()
    h = fit(MLP([6, 9, 2], seed=0), X, Y, batch_size=None, epochs=5, tol=None, seed=0,
            progress=False, validation=(X[:10], Y[:10]), restore_best=False)
    ax = plot_history(h).axes[0]
    labels = [ln.get_label() for ln in ax.get_lines()]
    k = 1 + int(np.argmin(h.val_loss))
    assert labels == ["training loss (= Q: one step per epoch, λ = 1)",
                      "held-out (validation) loss",
                      f"lowest validation loss: epoch {k} (the last epoch's weights kept)"]
    assert_legend_names_what_is_drawn(ax)
    assert_limits_hold_data(ax)


def test_regression_without_schedule_is_one_panel():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 2))
    Y = X[:, :1] * 0.5
    h = fit(MLP([2, 3, 1], output="identity", seed=0), X, Y, epochs=2, progress=False)
    fig = plot_history(h)
    assert len(fig.axes) == 1
    assert png(fig).startswith(b"\x89PNG")


def test_an_empty_history_says_so():
    with pytest.raises(ValueError, match="no completed epoch"):
        plot_history(History(lam=0.1))


def test_importing_stepgrad_viz_does_not_import_matplotlib():
    import subprocess
    import sys

    code = ("import sys, stepgrad.viz, stepgrad.viz.network, stepgrad.viz.live; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def best_line(ax):
    """(x, label) of the best epoch's vertical line, or None."""
    lines = [ln for ln in ax.get_lines() if ln.get_label().startswith("lowest")]
    assert len(lines) <= 1
    return None if not lines else (lines[0].get_xdata()[0], lines[0].get_label())


def assert_curves_fit(ax):
    """The limits hold every curve but the L_i spikes (plot_history may clip those)."""
    assert_limits_hold_data(ax, [ln for ln in drawn_lines(ax)
                                 if not ln.get_label().startswith("L_i")])


def early_stopped(restore_best):
    X, Y = data()
    model = MLP([6, 9, 2], seed=0)
    h = fit(model, X[:30], Y[:30], optimizer=SGD(model.parameters(), lr=2.0), epochs=60,
            batch_size=4, tol=None, seed=0, progress=False, validation=(X[30:], Y[30:]),
            patience=5, restore_best=restore_best)
    assert h.stop_reason == "early_stopping"
    return h, model


def test_the_best_epoch_line_says_weights_restored_only_when_fit_restored_them():
    h, _ = early_stopped(restore_best=True)
    ax = plot_history(h).axes[0]
    assert best_line(ax) == (h.best_epoch, f"lowest validation loss: epoch {h.best_epoch}, "
                                           "its weights restored")
    assert_legend_names_what_is_drawn(ax)
    assert_curves_fit(ax)

    h, _ = early_stopped(restore_best=False)
    assert h.best_epoch is None
    ax = plot_history(h).axes[0]
    k = 1 + int(np.argmin(h.val_loss))
    assert k < h.epochs                                   # the last weights are not the best
    assert best_line(ax) == (k, f"lowest validation loss: epoch {k} (the last epoch's weights "
                                "kept)")
    assert not any("restored" in t for t in legend_texts(ax))
    assert_legend_names_what_is_drawn(ax)
    assert_curves_fit(ax)


def test_a_divergence_restores_weights_even_without_restore_best_and_the_legend_says_so():
    X, Y = data()
    model = MLP([6, 9, 2], output="identity", seed=0)
    with pytest.warns(RuntimeWarning, match="fit stopped"):
        h = fit(model, X, Y * 1e3, loss="mse", optimizer=SGD(model.parameters(), lr=1e3),
                batch_size=None, epochs=50, progress=False, restore_best=False)
    assert h.stop_reason == "diverged" and h.best_epoch is not None
    ax = plot_history(h).axes[0]
    x, label = best_line(ax)
    assert x == h.best_epoch and label.startswith("lowest training loss: epoch")
    assert label.endswith("the initial weights restored" if h.best_epoch == 0
                          else "its weights restored")


def test_the_initial_weights_restored_are_marked_at_epoch_0():
    X, Y = data()
    h = fit(MLP([6, 9, 2], seed=0), X, Y, epochs=3, batch_size=None, tol=None, progress=False)
    h.best_epoch = 0                                      # as fit leaves it when epoch 0 was best
    ax = plot_history(h).axes[0]
    assert best_line(ax) == (0, "lowest training loss: epoch 0, the initial weights restored")
    x0, _ = ax.get_xlim()
    assert x0 <= 0
    h.best_epoch = None
    assert best_line(plot_history(h).axes[0]) is None   # no validation, nothing restored: no line
