"""The six activations σ and their derivatives σ′, as the slides draw them.

The curves are the library's own: σ from ``Activation.function`` and σ′ from
``Activation.derivative``, which reads the engine's backward pass. On ReLU′
the slide's formula σ′(x) = sign(x) is overlaid: it is −1 for x < 0, where the
true derivative (and the engine's) is 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.nn import get_activation

from .style import figure

__all__ = ["SIX", "activation_curves", "slide_relu_derivative", "plot_activations"]

#: The lecture's six activations, in the slides' order.
SIX = ("identity", "sign", "sigmoid", "tanh", "relu", "hardtanh")

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.figure import Figure


def slide_relu_derivative(x: ArrayLike) -> np.ndarray:
    """The slide's ReLU′: σ′(x) = sign(x) (a slip: the derivative of max{x, 0} is 0 for x < 0)."""
    return np.sign(np.asarray(x, dtype=float))


def activation_curves(x: ArrayLike | None = None, names: Iterable[str] = SIX,
                      ) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``{name: (x, σ(x), σ′(x))}`` from the library's activations.

    Args:
        x: the points (default 601 points on [−3, 3]).
        names: activation names of ``stepgrad.nn.ACTIVATIONS`` (elementwise ones).
    """
    x = np.linspace(-3.0, 3.0, 601) if x is None else np.asarray(x, dtype=float)
    out = {}
    for name in names:
        act = get_activation(name)
        if not act.elementwise:
            raise ValueError(f"{name} is not elementwise: it has a Jacobian, not a curve σ′(x)")
        out[name] = (x, act.function(x), act.derivative(x))
    return out


def plot_activations(x: ArrayLike | None = None) -> Figure:
    """σ (solid) and σ′ (dashed) of the six activations, the slide's ReLU′ overlaid (dotted)."""
    curves = activation_curves(x)
    fig, axes = figure(9.0, 5.6, nrows=2, ncols=3, sharex=True)
    for ax, (name, (xs, f, df)) in zip(axes.ravel(), curves.items()):
        ax.axhline(0, color="#9ca3af", lw=0.6)
        ax.axvline(0, color="#9ca3af", lw=0.6)
        ax.plot(xs, f, color="#1d4ed8", lw=2.0, label="σ(x)")
        ax.plot(xs, df, color="#ea580c", lw=1.8, ls="--", label="σ′(x)")
        if name == "relu":
            ax.plot(xs, slide_relu_derivative(xs), color="#dc2626", lw=1.4, ls=":",
                    label="slide: σ′ = sign(x)")
            ax.annotate("slide's sign(x) is −1\nhere; true σ′ = 0", xy=(-0.8, -1),
                        xytext=(0.25, -1.35), fontsize=8, color="#dc2626",
                        arrowprops={"arrowstyle": "->", "color": "#dc2626"})
        ax.set_title("ReLU" if name == "relu" else name, fontsize=11)
        drawn = [f, df] + ([slide_relu_derivative(xs)] if name == "relu" else [])
        lo, hi = min(np.min(v) for v in drawn), max(np.max(v) for v in drawn)
        ax.set_ylim(min(lo, -1.0) - 0.6, max(hi, 1.0) + 0.6)   # every curve inside, with room
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7.5, loc="upper left")
    for ax in axes[1]:
        ax.set_xlabel("x")
    fig.suptitle("Activation functions σ and their derivatives σ′ (from the engine's backward)",
                 fontsize=12)
    return fig
