"""The activation and loss plots draw the library's own σ, σ′ and losses."""

import io
import math

import matplotlib
import numpy as np
import pytest
from figure_checks import assert_legend_names_what_is_drawn, assert_limits_hold_data

from stepgrad.autograd import Value
from stepgrad.nn import mae, mse, msle
from stepgrad.viz.plots import (
    LECTURE_EXAMPLE,
    activation_curves,
    loss_curves,
    plot_activations,
    plot_losses,
    slide_relu_derivative,
)

matplotlib.use("Agg")

POINTS = [-2.5, -1.0, -0.3, 0.4, 1.0, 2.2]


def is_png(fig) -> bool:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue().startswith(b"\x89PNG")


def test_the_six_curves_are_the_ops_values_and_derivatives():
    curves = activation_curves(POINTS)
    assert list(curves) == ["identity", "sign", "sigmoid", "tanh", "relu", "hardtanh"]
    for name, (x, f, df) in curves.items():
        for xi, fi, dfi in zip(x, f, df):
            v = Value(xi)
            out = getattr(v, name)()
            out.backward()
            assert fi == pytest.approx(out.data, abs=1e-15), name
            assert dfi == pytest.approx(v.grad, abs=1e-15), name


def test_the_curves_match_the_slides_formulas_away_from_kinks():
    x, f, df = activation_curves(POINTS)["sigmoid"][0:3]
    s = 1 / (1 + np.exp(-x))
    assert np.allclose(f, s) and np.allclose(df, s * (1 - s))
    x, f, df = activation_curves(POINTS)["tanh"]
    assert np.allclose(df, 1 - np.tanh(x) ** 2)


def test_the_slides_relu_derivative_is_wrong_left_of_zero():
    x, _, df = activation_curves(POINTS)["relu"]
    slide = slide_relu_derivative(x)
    assert np.all(slide[x > 0] == df[x > 0])
    assert np.all(slide[x < 0] == -1) and np.all(df[x < 0] == 0)


def test_softmax_has_no_curve():
    with pytest.raises(ValueError, match="not elementwise"):
        activation_curves(POINTS, names=("softmax",))


def test_the_activation_plot_overlays_the_slide_on_relu():
    fig = plot_activations()
    assert len(fig.axes) == 6
    relu = [ax for ax in fig.axes if ax.get_title() == "ReLU"][0]
    assert "slide: σ′ = sign(x)" in relu.get_legend_handles_labels()[1]
    assert is_png(fig)


def test_loss_curves_are_the_librarys_losses_on_the_lectures_targets():
    curves = loss_curves(ratios=[0.0, 0.6, 1.0, 1.5])
    for (_, y) in LECTURE_EXAMPLE:
        a, L = curves["mse"][y]
        assert list(a) == [0.0, 0.6 * y, y, 1.5 * y]
        assert np.allclose(L, (a - y) ** 2)
        assert np.allclose(curves["mae"][y][1], np.abs(a - y))
        assert np.allclose(curves["msle"][y][1], (np.log1p(y) - np.log1p(a)) ** 2)
        for fn, name in ((mse, "mse"), (mae, "mae"), (msle, "msle")):
            assert curves[name][y][1][1] == pytest.approx(fn([Value(a[1])], [y]).data)


def test_the_lectures_table_msle_ranks_the_cases_opposite_to_mse():
    (a1, y1), (a2, y2) = LECTURE_EXAMPLE
    assert mse([Value(a1)], [y1]).data == 4 and mse([Value(a2)], [y2]).data == 40000
    assert msle([Value(a2)], [y2]).data < msle([Value(a1)], [y1]).data
    assert msle([Value(a1)], [y1]).data == pytest.approx(math.log(6 / 4) ** 2)


def test_the_loss_plot_renders():
    fig = plot_losses()
    assert [ax.get_yscale() for ax in fig.axes] == ["log"] * 3
    assert is_png(fig)


def test_every_panel_holds_its_curves_and_names_them():
    """The identity panel once cut σ(x) = x off below −1.6; every curve is inside now."""
    fig = plot_activations()
    for ax in fig.axes:
        assert_limits_hold_data(ax)
        assert_legend_names_what_is_drawn(ax)
