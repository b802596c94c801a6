"""Several training runs on one axis: the loss per epoch of each, told apart at a glance.

Curves that lie on top of each other (Momentum and Nesterov often do) must
still be readable, so each run gets its own colour, dash and marker, each is
drawn thinner and with smaller markers than the one before (so a later run on
top of an earlier one shows inside it), and the legend sits outside the axes,
where it covers no data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from stepgrad.optim import OPTIMIZERS, History

from .style import LINE_STYLES, figure, rule_color

__all__ = ["run_curves", "plot_runs"]

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.figure import Figure

def run_curves(runs: Mapping[str, History], key: str = "loss",
               ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{name: (epochs 1…E, values)}`` of ``History.<key>`` for each run.

    Raises:
        ValueError: no runs, or a run with no completed epoch.
    """
    if not runs:
        raise ValueError("plot_runs: no runs to draw (pass {name: History})")
    out = {}
    for name, h in runs.items():
        values = np.asarray(getattr(h, key), dtype=float)
        if values.size == 0:
            raise ValueError(f"plot_runs: the run {name!r} has no completed epoch")
        out[name] = (np.arange(1, values.size + 1), values)
    return out


def plot_runs(runs: Mapping[str, History], key: str = "loss", title: str | None = None,
              log: bool = True) -> Figure:
    """The per-epoch ``key`` (default the mean loss) of several runs, one line each.

    Args:
        runs: ``{name: History}``, drawn in this order; a name of an update rule
            (``"Adam"``) gets that rule's colour.
        key: a per-epoch field of History: ``"loss"``, ``"val_loss"``, ``"accuracy"``.
        title: the axes' title.
        log: a logarithmic y axis (when every value is > 0).
    """
    curves = run_curves(runs, key)
    fig, ax = figure(9.0, 3.6)
    for k, (name, (epochs, values)) in enumerate(curves.items()):
        dash, marker = LINE_STYLES[k % len(LINE_STYLES)]
        # each line thinner, each marker smaller than the one before and drawn over it,
        # so a run that lies exactly on an earlier one still shows inside it
        ax.plot(epochs, values, ls=dash, marker=marker, ms=max(11.0 - 1.5 * k, 3.0),
                lw=max(3.0 - 0.4 * k, 1.0), mfc="none", mew=1.4, zorder=2 + k,
                color=rule_color(name) if name in OPTIMIZERS else None, label=name)
    if log and all(np.all(v > 0) for _, v in curves.values()):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel({"loss": "mean loss of the epoch"}.get(key, key.replace("_", " ")))
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return fig
