"""plot_runs: several runs on one axis, each told apart by colour, dash and marker."""

import matplotlib
import numpy as np
import pytest
from figure_checks import (
    assert_legend_names_what_is_drawn,
    assert_legend_outside_the_axes,
    assert_limits_hold_data,
)

from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp, fit
from stepgrad.viz.plots import plot_runs, run_curves

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def runs():
    X, Y = lecture_data(40, seed=1)
    out = {}
    for rule in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam):
        model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
        out[rule.__name__] = fit(model, X, Y, optimizer=rule(model.parameters(), lr=0.01),
                                 batch_size=1, epochs=4, tol=None, seed=0, progress=False)
    return out


def test_each_run_is_drawn_with_its_own_dash_and_marker_and_named_in_an_outside_legend(runs):
    fig = plot_runs(runs, title="μ = 0.01")
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == list(runs)
    styles = {(str(ln.get_linestyle()), ln.get_marker()) for ln in lines}
    assert len(styles) == len(runs)                      # no two runs look alike
    assert_limits_hold_data(ax)
    assert_legend_names_what_is_drawn(ax)
    assert_legend_outside_the_axes(fig, ax)
    assert ax.get_title() == "μ = 0.01"


def test_a_run_lying_on_another_still_shows_inside_it(runs):
    """Momentum and Nesterov nearly coincide here: the later is thinner, with smaller markers."""
    momentum, nesterov = runs["Momentum"].loss, runs["Nesterov"].loss
    assert np.allclose(momentum, nesterov, rtol=0.1)
    lines = {ln.get_label(): ln for ln in plot_runs(runs).axes[0].get_lines()}
    m, n = lines["Momentum"], lines["Nesterov"]
    assert n.get_linewidth() < m.get_linewidth() and n.get_markersize() < m.get_markersize()
    assert n.get_zorder() > m.get_zorder()


def test_the_curves_are_the_histories(runs):
    c = run_curves(runs)
    for name, (epochs, values) in c.items():
        assert list(epochs) == [1, 2, 3, 4] and list(values) == runs[name].loss


def test_no_runs_is_refused():
    with pytest.raises(ValueError, match="no runs to draw"):
        plot_runs({})
