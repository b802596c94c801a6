"""Gradient norms per layer: the picture of vanishing and exploding gradients.

* :func:`plot_grad_norms`: ‖∂L/∂wˡ‖₂ of each layer over the epochs of a
  training run (``History.grad_norms``: per epoch, the mean over its steps).
* :func:`plot_depth_comparison`: a deep sigmoid network against a ReLU one at
  initialisation, ‖∂L/∂wˡ‖₂ layer by layer (``nn.diagnostics.gradient_norms``
  after one backward pass). Each sigmoid layer multiplies the error by
  σ′ ≤ ¼, so towards the input the norms fall by orders of magnitude; ReLU's
  σ′ = 1 on active units lets them through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from stepgrad.nn import MLP, gradient_norms, mse
from stepgrad.nn.labels import sup
from stepgrad.optim import History

from .style import figure

__all__ = ["grad_norm_curves", "depth_gradient_norms", "plot_grad_norms",
           "plot_depth_comparison"]

DEPTH_INIT = {"sigmoid": "glorot", "tanh": "glorot", "relu": "he"}

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.figure import Figure


def grad_norm_curves(history: History) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{parameter name: (epochs 1…E, ‖∂L/∂w‖₂ per epoch)}`` from ``History.grad_norms``."""
    curves = {name: (np.arange(1, len(v) + 1), np.asarray(v, dtype=float))
              for name, v in history.grad_norms.items() if len(v)}
    if not curves:
        raise ValueError("this History has no gradient norms: fit ran for 0 epochs")
    return curves


def depth_gradient_norms(activation: str, depth: int = 10, width: int = 16, n: int = 128,
                         seed: int = 0) -> np.ndarray:
    """‖∂L/∂wˡ‖₂ for l = 1 … depth + 1 of a fresh deep MLP after one backward pass.

    The network is ``MLP([2] + [width] * depth + [1], hidden=activation,
    output="identity")`` with the initialisation suited to σ (Glorot for
    sigmoid and tanh, He for ReLU), on n random points with targets
    y = x₁·x₂ and the MSE loss; the norms are ``nn.diagnostics.gradient_norms``.
    """
    if not isinstance(depth, int) or depth < 1:
        raise ValueError(f"depth must be an int >= 1 (hidden layers), got {depth!r}")
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    Y = (X[:, 0] * X[:, 1])[:, None]
    model = MLP([2] + [width] * depth + [1], hidden=activation, output="identity",
                init=DEPTH_INIT.get(activation, "glorot"), seed=seed)
    mse(model(X), Y).backward()
    return np.array(list(gradient_norms(model).values()))


def _lecture_name(name: str) -> str:
    """``w1`` as the lecture writes it, ``w¹`` (other parameter names unchanged)."""
    m = re.fullmatch(r"w(\d+)", name)
    return "w" + sup(int(m.group(1))) if m else name


def plot_grad_norms(history: History, log: bool = True) -> Figure:
    """‖∂L/∂wˡ‖₂ per layer over the epochs of a :class:`~stepgrad.optim.History`."""
    curves = grad_norm_curves(history)
    fig, ax = figure(9.0, 3.8)
    for name, (epochs, norms) in curves.items():
        ax.plot(epochs, norms, "o-", ms=3, lw=1.6, label=f"‖∂L/∂{_lecture_name(name)}‖₂")
    if log and all(np.all(v > 0) for _, v in curves.values()):
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("‖∂L/∂wˡ‖₂, epoch mean")
    ax.set_title("Gradient norm of each layer's weights during training")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9, loc="best", ncol=1 + len(curves) // 6)
    return fig


def plot_depth_comparison(depth: int = 10, width: int = 16,
                          activations: Sequence[str] = ("sigmoid", "relu"),
                          seed: int = 0) -> Figure:
    """Deep sigmoid against deep ReLU: ‖∂L/∂wˡ‖₂ layer by layer at initialisation."""
    fig, ax = figure(9.0, 3.8)
    colors = {"sigmoid": "#dc2626", "tanh": "#ea580c", "relu": "#1d4ed8"}
    for act in activations:
        norms = depth_gradient_norms(act, depth, width, seed=seed)
        layers = np.arange(1, len(norms) + 1)
        ax.plot(layers, norms, "o-", lw=1.8, color=colors.get(act), label=f"{act} hidden layers")
    ax.set_yscale("log")
    ax.set_xticks(np.arange(1, depth + 2))
    ax.set_xlabel(f"layer l (1 = next to the input, {depth + 1} = the output layer)")
    ax.set_ylabel("‖∂L/∂wˡ‖₂")
    ax.set_title(f"‖∂L/∂wˡ‖ of the {depth + 1} weight matrices ({depth} hidden layers of "
                 f"{width} units, then the output layer), at initialisation")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    return fig
