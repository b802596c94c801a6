"""Diagnostics for the lecture's training problems: vanishing and exploding
gradients, saturated sigmoid/tanh units, dead ReLUs.

* :func:`gradient_norms`: ‖∂L/∂W‖ per parameter after backward; norms that
  shrink layer by layer towards the input signal vanishing gradients, norms
  that grow, exploding ones.
* :func:`unit_health`: runs a batch through each layer (no graph recorded)
  and reports, per layer, the share of saturated units (sigmoid: α < 0.01 or
  α > 0.99; tanh: |α| > 0.99, where σ′ < 0.02 and almost no gradient passes)
  and the share of dead ReLUs (u_h ≤ 0 for every sample: σ′ = 0, the unit
  never learns again).
"""

from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor, no_grad

from .layers import Layer
from .module import Module

__all__ = ["gradient_norm", "gradient_norms", "unit_health", "layer_trace"]


def gradient_norm(grad: np.ndarray | None) -> float:
    """‖∂L/∂W‖₂ of one gradient array (0.0 where no gradient arrived): one dot product."""
    if grad is None:
        return 0.0
    flat = grad.reshape(-1)  # a view of a contiguous gradient
    return math.sqrt(float(np.dot(flat, flat)))


def gradient_norms(model: Module) -> OrderedDict[str, float]:
    """``{name: ‖grad‖₂}`` for every parameter (0.0 where no gradient arrived)."""
    return OrderedDict((name, gradient_norm(p.grad)) for name, p in model.named_parameters())


def layer_trace(model: Module,
                X: Tensor | ArrayLike) -> list[tuple[str, Layer, np.ndarray, np.ndarray]]:
    """``[(name, layer, U, A)]``: pre-activations u and outputs α of each Layer on X.

    Other modules (Dropout, BatchNorm) are applied in their current mode;
    nothing is recorded for backward and BatchNorm's running statistics are
    left as they were.
    """
    names = {id(p): n for n, p in model.named_parameters()}
    H = X if isinstance(X, Tensor) else Tensor(np.asarray(X, dtype=np.float64), requires_grad=False)
    out = []
    stages = getattr(model, "layers", [model])
    with no_grad():
        for m in stages:
            if isinstance(m, Layer):
                U = m.preactivation(H if H.ndim == 2 else H.reshape(1, -1))
                H = m.activation(U)
                out.append((names.get(id(m.weight), "weight"), m, U.data, H.data))
            else:
                saved = [(b, getattr(m, b).copy()) for b in m.buffer_names]
                H = m.forward(H)
                for b, arr in saved:
                    getattr(m, b)[...] = arr
    return out


def unit_health(model: Module, X: Tensor | ArrayLike,
                threshold: float = 0.99) -> list[dict[str, str | float | None]]:
    """Per layer: ``{"layer", "activation", "saturated", "dead"}`` on the batch X.

    ``saturated`` is the share of (sample, unit) outputs in σ's flat tails
    (for a σ with a ``saturated`` rule: sigmoid and tanh; else None); ``dead`` the
    share of units on σ's flat side for every sample of X (for a σ with a ``dead``
    rule: ReLU, u ≤ 0; else None). The rules are the activations' own
    (:mod:`.activations`).
    """
    report: list[dict[str, str | float | None]] = []
    for name, layer, U, A in layer_trace(model, X):
        act = layer.activation
        saturated = None if act.saturated is None else float(np.mean(act.saturated(A, threshold)))
        dead = None if act.dead is None else float(np.mean(act.dead(U)))
        report.append({"layer": name, "activation": act.name, "saturated": saturated,
                       "dead": dead})
    return report
