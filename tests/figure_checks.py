"""What a student sees in a figure, as checks: the axes hold the data drawn on them,
the legend names what is drawn, the legend covers no data. Shared by the plot tests."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg


def drawn_lines(ax) -> list:
    """The data lines of an axes (reference lines such as axhline/axvline left out)."""
    return [line for line in ax.get_lines() if line.get_transform() is ax.transData]


def assert_limits_hold_data(ax, lines=None) -> None:
    """Every finite point of every data line lies inside the axes' x and y limits."""
    x0, x1 = sorted(ax.get_xlim())
    y0, y1 = sorted(ax.get_ylim())
    for line in lines if lines is not None else drawn_lines(ax):
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        ok = np.isfinite(x) & np.isfinite(y)
        label = line.get_label()
        assert np.all((x[ok] >= x0) & (x[ok] <= x1)), f"{label!r}: x outside {x0, x1}"
        assert np.all((y[ok] >= y0) & (y[ok] <= y1)), \
            f"{label!r}: y in [{y[ok].min()}, {y[ok].max()}], the axes show [{y0}, {y1}]"


def legend_texts(ax) -> list:
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def labelled_lines(ax) -> list:
    """Labels of the lines and collections drawn on ax that would appear in a legend."""
    handles, labels = ax.get_legend_handles_labels()
    return labels


def assert_legend_names_what_is_drawn(ax) -> None:
    """The legend lists exactly the labelled artists on the axes, each with data."""
    texts = legend_texts(ax)
    assert texts, "the axes have no legend"
    assert texts == labelled_lines(ax)
    handles, _ = ax.get_legend_handles_labels()
    for h, t in zip(handles, texts):
        if hasattr(h, "get_data"):
            x, _ = h.get_data()
            assert len(x) > 0, f"the legend names {t!r}, which has no data"


def assert_legend_outside_the_axes(fig, ax) -> None:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    axes = ax.get_window_extent(renderer)
    assert legend.x0 >= axes.x1 or legend.y1 <= axes.y0 or legend.y0 >= axes.y1, \
        "the legend overlaps the axes, where it can cover data"
    figure = fig.bbox
    assert legend.x1 <= figure.x1 + 1 and legend.y0 >= figure.y0 - 1, "the legend is cut off"
