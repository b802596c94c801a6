"""What every plot shares: a bare matplotlib Figure at notebook width, and the colours.

Plots are made with :class:`matplotlib.figure.Figure`, not ``pyplot``: nothing is
registered with a global figure manager, so a notebook shows the returned
Figure once (not twice) and a script or test needs no display. Save one with
``fig.savefig("plot.png")``.
"""

from __future__ import annotations

from typing import Literal

from stepgrad.optim import OPTIMIZERS

__all__ = ["figure", "COLORS", "LINE_STYLES", "rule_color"]

#: The train, validation, Q and learning-rate lines.
COLORS = {"L": "#93c5fd", "Q": "#1d4ed8", "loss": "#111827", "val": "#ea580c",
          "lr": "#059669", "acc": "#7c3aed"}

#: (dash, marker) for the 1st, 2nd, … line of a comparison: no two of the first eight
#: alike, so lines that coincide (Momentum and Nesterov often do) stay apart.
LINE_STYLES = (("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"),
               ((0, (1, 1)), "P"), ("-", "X"), ("--", "*"))

#: Colours for rules registered without one, in turn.
SPARE_COLORS = ("#7c3aed", "#db2777", "#65a30d", "#0d9488", "#b45309")


def rule_color(name: str) -> str:
    """The colour of an update rule's line: its registered ``color``
    (``stepgrad.optim.OPTIMIZERS``), else a spare one by its place in the table."""
    color = OPTIMIZERS.about(name).get("color")
    if color is None:
        unnamed = [n for n in OPTIMIZERS if "color" not in OPTIMIZERS.about(n)]
        color = SPARE_COLORS[unnamed.index(name) % len(SPARE_COLORS)]
    return color


def figure(width: float = 9.0, height: float = 4.0,
           layout: Literal["constrained", "compressed", "tight"] | None = "constrained",
           **subplots):
    """A Figure of ``width`` × ``height`` inches (9 in ≈ a notebook's width at 100 dpi).

    Extra keyword arguments go to ``Figure.subplots`` (``nrows``, ``ncols``,
    ``sharex``, ``gridspec_kw``, …); returns ``(fig, axes)``. ``layout=None``
    skips matplotlib's constrained layout (half the drawing time, for live views).
    """
    from matplotlib.figure import Figure  # optional: imported when drawing

    fig = Figure(figsize=(width, height), dpi=100, layout=layout)
    return fig, fig.subplots(**subplots)
