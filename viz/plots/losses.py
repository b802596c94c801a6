"""The regression losses side by side on the lecture's MSE/MSLE example.

The lecture compares a = 3 for y = 5 (a 40 % error) with a = 3000 for
y = 3200 (6.25 %): MSE punishes the second 10,000 times more, MSLE less,
because log((y + 1)/(a + 1)) depends on the ratio, not the difference. Here
each loss is drawn over predictions a = r·y, r from 0 to 2, for both targets.
The values are the library's losses (``stepgrad.nn``), one prediction at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor
from stepgrad.nn import LOSSES

from .style import figure

__all__ = ["LECTURE_EXAMPLE", "loss_curves", "plot_losses"]

#: The lecture's table: (prediction a, target y).
LECTURE_EXAMPLE = ((3.0, 5.0), (3000.0, 3200.0))

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.figure import Figure

_TITLES = {"mse": "MSE  (a − y)²", "mae": "MAE  |a − y|",
           "msle": "MSLE  (log(y + 1) − log(a + 1))²"}


def _loss_at(name: str, a: float, y: float) -> float:
    return LOSSES[name](Tensor(np.array([a])), np.array([y])).item()


def loss_curves(ratios: ArrayLike | None = None,
                example: Sequence[tuple[float, float]] = LECTURE_EXAMPLE,
                names: Sequence[str] = ("mse", "mae", "msle"),
                ) -> dict[str, dict[float, tuple[np.ndarray, np.ndarray]]]:
    """``{name: {y: (a, L(a, y))}}`` over predictions a = r·y, from the library's losses.

    Args:
        ratios: the r's (default 201 points on [0, 2]).
        example: the (a, y) pairs whose targets y are swept.
        names: loss names of ``stepgrad.nn.LOSSES`` that compare one a with one y.
    """
    ratios = np.linspace(0.0, 2.0, 201) if ratios is None else np.asarray(ratios, dtype=float)
    out: dict[str, dict] = {}
    for name in names:
        out[name] = {}
        for _, y in example:
            a = ratios * y
            out[name][y] = (a, np.array([_loss_at(name, ai, y) for ai in a]))
    return out


def plot_losses(ratios: ArrayLike | None = None,
                example: Sequence[tuple[float, float]] = LECTURE_EXAMPLE) -> Figure:
    """MSE, MAE and MSLE over the relative prediction a/y, the lecture's two cases marked."""
    curves = loss_curves(ratios, example)
    fig, axes = figure(9.0, 3.6, ncols=len(curves))
    colors = ("#1d4ed8", "#ea580c")
    for ax, (name, by_target) in zip(axes, curves.items()):
        marked = []
        for n, (color, (a0, y)) in enumerate(zip(colors, example)):
            a, L = by_target[y]
            ax.plot(a / y, L, color=color, lw=1.8, label=f"y = {y:g}")
            L0 = _loss_at(name, a0, y)
            marked.append(L0)
            ax.plot(a0 / y, L0, "o", color=color, ms=6, mec="white")
            ax.annotate(f"a = {a0:g}: {L0:.3g}", (a0 / y, L0), textcoords="offset points",
                        xytext=(-4, -20) if n == 0 else (8, 4), fontsize=8, color=color,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                              "alpha": 0.85})
        ax.set_yscale("log")
        ax.set_ylim(min(marked) / 30, None)
        ax.set_title(_TITLES.get(name, name), fontsize=10)
        ax.set_xlabel("prediction a / target y")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper center")
    axes[0].set_ylabel("loss of one prediction")
    (a1, y1), (a2, y2) = example[:2]
    fig.suptitle(f"a = {a1:g} for y = {y1:g} is {abs(a1 - y1) / y1:.0%} off, a = {a2:g} for "
                 f"y = {y2:g} only {abs(a2 - y2) / y2:.2%}: MSE and MAE punish the second more, "
                 "MSLE less", fontsize=10)
    return fig
