"""The decision boundary of a 2-D classifier, over its data.

:func:`decision_grid` evaluates the model on a grid covering the data (one
Tensor-view forward pass, nothing recorded) and returns the predicted class of
each grid point; :func:`plot_decision_boundary` shades the class regions,
draws the boundary between them and the data on top.

Predicted classes follow the targets' convention: with M > 1 outputs the class
is argmaxₘ aₘ; with one output it is a > ½ for targets in {0, 1} and sign a
for targets in {−1, 1}.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import no_grad
from stepgrad.nn import Module

from .style import figure

__all__ = ["class_labels", "decision_grid", "plot_decision_boundary"]

REGION_COLORS = ("#bfdbfe", "#fed7aa", "#bbf7d0", "#fecaca", "#e9d5ff", "#fef08a")
POINT_COLORS = ("#1d4ed8", "#ea580c", "#16a34a", "#dc2626", "#7c3aed", "#ca8a04")

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.figure import Figure


def class_labels(y: ArrayLike) -> np.ndarray:
    """Targets as class indices 0, 1, …: one-hot rows by argmax, {−1, 1} as {0, 1}."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    y = y.reshape(len(y))
    if set(np.unique(y)) <= {-1.0, 1.0}:
        return (y > 0).astype(int)
    if not np.all(y == np.round(y)) or y.min() < 0:
        raise ValueError("y must hold classes: indices 0, 1, …, one-hot rows or ±1 "
                         f"(got values such as {y[np.argmax(y != np.round(y))]!r})")
    return y.astype(int)


def _predict(model, P: np.ndarray, signed: bool) -> np.ndarray:
    was = getattr(model, "training", None)
    if was is not None:
        model.eval()
    with no_grad():
        A = np.asarray(model(P).data)
    if was:
        model.train()
    A = A.reshape(len(P), -1)
    if A.shape[1] > 1:
        return A.argmax(axis=1)
    return (A[:, 0] > (0.0 if signed else 0.5)).astype(int)


def decision_grid(model: Module, X: ArrayLike, y: ArrayLike | None = None, resolution: int = 200,
                  margin: float = 0.15) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xx, yy, classes)``: the model's predicted class on a grid over the data X.

    Args:
        model: a model with 2 inputs (``MLP([2, …])``).
        X: the data, shape (N, 2); the grid covers it plus ``margin`` of its range.
        y: the targets (to know whether one output means {0, 1} or {−1, 1}).
        resolution: grid points along each axis.
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"the decision boundary is drawn in 2-D: X must have shape (N, 2), "
                         f"got {X.shape}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.maximum(hi - lo, 1e-9)
    gx = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    gy = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    xx, yy = np.meshgrid(gx, gy)
    signed = y is not None and set(np.unique(np.asarray(y))) <= {-1.0, 1.0}
    classes = _predict(model, np.column_stack([xx.ravel(), yy.ravel()]), signed)
    return xx, yy, classes.reshape(xx.shape)


def plot_decision_boundary(model: Module, X: ArrayLike, y: ArrayLike, resolution: int = 200,
                           title: str | None = None, class_names: Sequence[str] | None = None,
                           feature_names: Sequence[str] | None = None) -> Figure:
    """The class regions of a 2-D classifier, its boundary, and the data (X, y) on top.

    Args:
        title: what the plot shows; the accuracy on the drawn points is added to it.
        class_names: a name per class, for the legend (default "class 0", …).
        feature_names: the two axes' names (default x₁, x₂).
    """
    from matplotlib.colors import ListedColormap  # optional: imported when drawing

    X = np.asarray(X, dtype=float)
    labels = class_labels(y)
    xx, yy, classes = decision_grid(model, X, y, resolution)
    k = max(int(classes.max()), int(labels.max())) + 1
    if k > len(POINT_COLORS):
        raise ValueError(f"plot_decision_boundary colours up to {len(POINT_COLORS)} classes, "
                         f"got {k}")
    names = [f"class {c}" for c in range(k)] if class_names is None else list(class_names)
    if len(names) < k:
        raise ValueError(f"class_names names {len(names)} classes, the data and the model "
                         f"have {k}: {names}")
    fig, ax = figure(6.4, 5.4)
    levels = np.arange(k + 1) - 0.5
    # a list, not a tuple: matplotlib 3.8.0 reads a 2-tuple of colours as (colour, alpha)
    ax.contourf(xx, yy, classes, levels=levels, cmap=ListedColormap(list(REGION_COLORS[:k])))
    ax.contour(xx, yy, classes, levels=levels[1:-1], colors="#111827", linewidths=1.2)
    for c in range(k):
        pts = X[labels == c]
        ax.scatter(pts[:, 0], pts[:, 1], s=18, color=POINT_COLORS[c], edgecolor="white",
                   linewidth=0.5, label=names[c])
    signed = set(np.unique(np.asarray(y))) <= {-1.0, 1.0}
    accuracy = float(np.mean(_predict(model, X, signed) == labels))
    ax.set_title(f"{title or 'Decision boundary'} (accuracy on these points {accuracy:.1%})")
    xlabel, ylabel = feature_names or ("x₁", "x₂")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=9, loc="best", framealpha=0.9)
    return fig
