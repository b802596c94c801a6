"""What every plot shares: a bare matplotlib Figure at notebook width, and the colours.

Plots are made with :class:`matplotlib.figure.Figure`, not ``pyplot``: nothing is
registered with a global figure manager, so a notebook shows the returned
Figure once (not twice) and a script or test needs no display. Save one with
``fig.savefig("plot.png")``.
"""

from __future__ import annotations

__all__ = ["figure", "COLORS", "RULE_COLORS"]

#: The train, validation, Q and learning-rate lines.
COLORS = {"L": "#93c5fd", "Q": "#1d4ed8", "loss": "#111827", "val": "#ea580c",
          "lr": "#059669", "acc": "#7c3aed"}

#: One colour per update rule, in the lecture's order.
RULE_COLORS = {"SGD": "#111827", "Momentum": "#2563eb", "Nesterov": "#0891b2",
               "AdaGrad": "#16a34a", "RMSProp": "#ea580c", "Adam": "#dc2626"}


def figure(width: float = 9.0, height: float = 4.0, layout: str | None = "constrained",
           **subplots):
    """A Figure of ``width`` × ``height`` inches (9 in ≈ a notebook's width at 100 dpi).

    Extra keyword arguments go to ``Figure.subplots`` (``nrows``, ``ncols``,
    ``sharex``, ``gridspec_kw``, …); returns ``(fig, axes)``. ``layout=None``
    skips matplotlib's constrained layout (half the drawing time, for live views).
    """
    from matplotlib.figure import Figure  # optional: imported when drawing

    fig = Figure(figsize=(width, height), dpi=100, layout=layout)
    return fig, fig.subplots(**subplots)
