"""The lecture's backpropagation for a two-layer perceptron, written out by hand.

This is the one place in ``nn/`` with derivative math, kept apart as the
cross-check it is: the tests show that autograd (scalar view and Tensor view)
finds the same gradients to 1e-12. Notation as the slides, sample-wise:

    forward phase:   u_h = Σ_{f=0}^{F} w¹_fh·x_f,  α_h = σ_h(u_h)      (x₀ = 1)
                     v_m = Σ_{h=0}^{H} w²_hm·α_h,  a_m = σ_m(v_m)      (α₀ = 1)
                     L = ½ Σ_m (a_m − y_m)²
    output error:    ε_m = ∂L/∂a_m = a_m − y_m
    hidden error:    ε_h = Σ_{m=1}^{M} ε_m·σ′_m·w²_hm,    h = 1…H
    gradients:       ∂L/∂w²_hm = ε_m·σ′_m·α_h,             h = 0…H
                     ∂L/∂w¹_fh = ε_h·σ′_h·x_f,             f = 0…F

(The algorithm slide calls the hidden outputs u_h; here u_h is the weighted
sum and α_h = σ_h(u_h) the output, as on the gradient slides.) σ′_m = σ′_m(v_m)
and σ′_h = σ′_h(u_h) come from the activations' ``derivative``, the engine's
own local derivatives. Weights use the library's layout: ``w1[f, h]`` is w¹_fh,
shape (F + 1, H), row 0 the biases.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from .activations import ActivationLike, get_activation

__all__ = ["LectureBackprop", "lecture_backprop", "lecture_sgd_step"]


class LectureBackprop(NamedTuple):
    """Everything the slides compute for one sample (x̃ and α̃ include x₀ = α₀ = 1)."""

    x: np.ndarray        # x̃ = (1, x_1, …, x_F)
    u: np.ndarray        # u_h, h = 1…H
    alpha: np.ndarray    # α̃ = (1, α_1, …, α_H)
    v: np.ndarray        # v_m, m = 1…M
    a: np.ndarray        # a_m
    loss: float          # L = ½ Σ_m (a_m − y_m)²
    eps_m: np.ndarray    # ε_m = a_m − y_m
    eps_h: np.ndarray    # ε_h = Σ_m ε_m σ′_m w²_hm
    grad_w1: np.ndarray  # ∂L/∂w¹_fh, shape (F + 1, H)
    grad_w2: np.ndarray  # ∂L/∂w²_hm, shape (H + 1, M)


def lecture_backprop(w1: ArrayLike, w2: ArrayLike, x: ArrayLike, y: ArrayLike,
                     hidden: ActivationLike = "sigmoid",
                     output: ActivationLike = "sigmoid") -> LectureBackprop:
    """One sample's forward and backward phase, as the slides write them.

    Args:
        w1: w¹, shape (F + 1, H), row 0 the biases w¹_0h.
        w2: w², shape (H + 1, M), row 0 the biases w²_0m.
        x: the sample x_1…x_F; y: the target y_1…y_M.
        hidden, output: σ_h and σ_m by name (elementwise activations).
    """
    w1, w2 = np.asarray(w1, dtype=np.float64), np.asarray(w2, dtype=np.float64)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    F, H = w1.shape[0] - 1, w1.shape[1]
    M = w2.shape[1]
    if w2.shape[0] != H + 1 or x.shape != (F,) or y.shape != (M,):
        raise ValueError(f"lecture_backprop: w1 {w1.shape}, w2 {w2.shape}, x {x.shape}, "
                         f"y {y.shape} do not fit F = {F}, H = {H}, M = {M}")
    sigma_h, sigma_m = get_activation(hidden), get_activation(output)
    if not (sigma_h.elementwise and sigma_m.elementwise):
        raise ValueError("lecture_backprop: the slides' σ′ is elementwise (not softmax)")

    # forward phase
    xt = np.concatenate(([1.0], x))                                     # x₀ = 1
    u = np.array([sum(w1[f, h] * xt[f] for f in range(F + 1)) for h in range(H)])
    alpha = np.concatenate(([1.0], sigma_h.function(u)))                # α₀ = 1
    v = np.array([sum(w2[h, m] * alpha[h] for h in range(H + 1)) for m in range(M)])
    a = sigma_m.function(v)
    loss = 0.5 * sum((a[m] - y[m]) ** 2 for m in range(M))
    eps_m = a - y                                                       # ε_m = a_m − y_m

    # backward phase
    ds_m = sigma_m.derivative(v)                                        # σ′_m
    ds_h = sigma_h.derivative(u)                                        # σ′_h
    eps_h = np.array([sum(eps_m[m] * ds_m[m] * w2[h + 1, m] for m in range(M))
                      for h in range(H)])                               # ε_h, h = 1…H
    grad_w2 = np.empty((H + 1, M))
    for h in range(H + 1):
        for m in range(M):
            grad_w2[h, m] = eps_m[m] * ds_m[m] * alpha[h]               # ε_m σ′_m α_h
    grad_w1 = np.empty((F + 1, H))
    for f in range(F + 1):
        for h in range(H):
            grad_w1[f, h] = eps_h[h] * ds_h[h] * xt[f]                  # ε_h σ′_h x_f
    return LectureBackprop(xt, u, alpha, v, a, float(loss), eps_m, eps_h, grad_w1, grad_w2)


def lecture_sgd_step(w1: ArrayLike, w2: ArrayLike, x: ArrayLike, y: ArrayLike, mu: float,
                     hidden: ActivationLike = "sigmoid", output: ActivationLike = "sigmoid",
                     ) -> tuple[np.ndarray, np.ndarray, float]:
    """The slides' gradient step w := w − μ·∂L/∂w; returns (new w1, new w2, L)."""
    r = lecture_backprop(w1, w2, x, y, hidden, output)
    return np.asarray(w1) - mu * r.grad_w1, np.asarray(w2) - mu * r.grad_w2, r.loss
