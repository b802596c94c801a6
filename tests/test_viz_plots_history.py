"""plot_history draws what fit recorded: L_i and Q per step, the loss per epoch,
validation, and μ when a schedule changed it."""

import io

import matplotlib
import numpy as np
import pytest
from figure_checks import assert_legend_names_what_is_drawn, assert_limits_hold_data, legend_texts

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
    assert labels == ["training loss (= Q: one step per epoch, λ = 1)",
                      "held-out (validation) loss"]
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
