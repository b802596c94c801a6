"""The six update rules as pure math: ``rule(θ, g, state, ...) -> (θ_new, state_new)``.

Nothing here changes a parameter or a node. ``θ`` (a weight), ``g`` (its
gradient ∂L/∂θ) and every state field are Python floats or numpy arrays: the
formulas are plain arithmetic, so one line serves a :class:`Value`'s float and
a :class:`Tensor`'s array alike. The classes in :mod:`.optimizer` read
``p.data`` and ``p.grad``, call these functions, and write ``p.data`` back.

The rules come in order of increasing complexity, each a small step from the
one before, in the lecture's symbols: μ the learning rate (``lr``), γ the
momentum coefficient (``momentum``; PyTorch writes it μ), β a decay
(``beta``, ``betas``), ε (``eps``), λ_wd the weight decay (``weight_decay``).
Weight decay is PyTorch's (coupled, L2): ``g ← g + λ_wd·θ`` before the rule.

Every state is a small named record whose fields are the symbols of the
math, so an optimizer's state can be printed per parameter.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "SGDState", "MomentumState", "AdaGradState", "RMSPropState", "AdamState",
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "zeros_like",
]


def zeros_like(theta):
    """0.0 for a float θ, an array of zeros for an array θ."""
    if isinstance(theta, np.ndarray):
        return np.zeros_like(theta)
    return 0.0


def _decay(g, theta, weight_decay):
    """g + λ_wd·θ (L2 weight decay as PyTorch couples it into the gradient)."""
    return g if weight_decay == 0 else g + weight_decay * theta


def _over(num, den, eps):
    """num / den, where den = √(…) + ε; with ε = 0 a zero den gives 0, not 0/0 = NaN.

    A zero den means every gradient so far was zero, so num is zero too.
    """
    if eps > 0:
        return num / den
    if isinstance(den, np.ndarray):
        return np.divide(num, den, out=np.zeros_like(den), where=den != 0)
    return num / den if den != 0 else 0.0


# ------------------------------------------------------------------ 1. SGD


class SGDState(NamedTuple):
    """Plain gradient descent keeps no state."""


def sgd(theta, g, state: SGDState, lr, weight_decay=0.0):
    """Gradient step, the lecture's w := w − μ·L′ᵢ(w).

    ::

        input: μ (lr), λ_wd (weight_decay)
        g ← g + λ_wd·θ
        θ ← θ − μ·g
    """
    g = _decay(g, theta, weight_decay)
    return theta - lr * g, state


# ------------------------------------------------ 2. Momentum, 3. Nesterov


class MomentumState(NamedTuple):
    """v: the velocity, a running sum of past gradients decayed by γ (0 at first)."""

    velocity: float | np.ndarray


def momentum(theta, g, state: MomentumState, lr, momentum=0.9, weight_decay=0.0):
    """Heavy-ball momentum in PyTorch's form.

    ::

        input: μ (lr), γ (momentum), λ_wd (weight_decay);  v₀ = 0
        g ← g + λ_wd·θ
        v ← γ·v + g
        θ ← θ − μ·v

    The textbook form (the lecture's slide, Sutskever et al.) puts the
    learning rate inside the velocity: v ← γ·v + η·g, θ ← θ − v. The two give
    the same θ while the learning rate is constant (v_textbook = μ·v). They
    differ after μ changes: here the new μ scales the whole velocity at once;
    in the textbook form only the new gradients carry the new rate.
    """
    g = _decay(g, theta, weight_decay)
    v = momentum * state.velocity + g
    return theta - lr * v, MomentumState(v)


def nesterov(theta, g, state: MomentumState, lr, momentum=0.9, weight_decay=0.0):
    """Nesterov's accelerated gradient (NAG) in PyTorch's form.

    ::

        input: μ (lr), γ (momentum > 0), λ_wd (weight_decay);  v₀ = 0
        g ← g + λ_wd·θ
        v ← γ·v + g
        θ ← θ − μ·(g + γ·v)

    The lecture's look-ahead form keeps iterates φ and evaluates the gradient
    at the look-ahead point φ − μγ·v; this θ *is* that point (θ = φ − μγ·v),
    so the same run needs the gradient only at the current θ.
    """
    g = _decay(g, theta, weight_decay)
    v = momentum * state.velocity + g
    return theta - lr * (g + momentum * v), MomentumState(v)


# -------------------------------------------------------------- 4. AdaGrad


class AdaGradState(NamedTuple):
    """v: the sum of all squared gradients so far, Σ g² (elementwise)."""

    sum_sq: float | np.ndarray


def adagrad(theta, g, state: AdaGradState, lr, eps=1e-10, weight_decay=0.0):
    """AdaGrad, the lecture's slide (ε outside the square root, as PyTorch).

    ::

        input: μ (lr), ε (eps), λ_wd (weight_decay);  v₀ = 0
        g ← g + λ_wd·θ
        v ← v + g²
        θ ← θ − μ·g / (√v + ε)
    """
    g = _decay(g, theta, weight_decay)
    v = state.sum_sq + g * g
    return theta - lr * _over(g, v**0.5 + eps, eps), AdaGradState(v)


# -------------------------------------------------------------- 5. RMSProp


class RMSPropState(NamedTuple):
    """v: the exponential moving average of squared gradients."""

    mean_sq: float | np.ndarray


def rmsprop(theta, g, state: RMSPropState, lr, beta=0.99, eps=1e-8, weight_decay=0.0):
    """RMSProp, the lecture's slide: AdaGrad with Σ replaced by a moving average.

    ::

        input: μ (lr), β (beta; PyTorch's alpha), ε (eps), λ_wd;  v₀ = 0
        g ← g + λ_wd·θ
        v ← β·v + (1 − β)·g²
        θ ← θ − μ·g / (√v + ε)
    """
    g = _decay(g, theta, weight_decay)
    v = beta * state.mean_sq + (1 - beta) * (g * g)
    return theta - lr * _over(g, v**0.5 + eps, eps), RMSPropState(v)


# ----------------------------------------------------------------- 6. Adam


class AdamState(NamedTuple):
    """t: steps taken; v: first moment (mean of g); s: second moment (mean of g²)."""

    step: int
    first_moment: float | np.ndarray
    second_moment: float | np.ndarray


def adam(theta, g, state: AdamState, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """Adam: momentum (v) plus RMSProp (s), both bias-corrected.

    ::

        input: μ (lr), β₁, β₂ (betas), ε (eps), λ_wd;  v₀ = s₀ = 0, t₀ = 0
        g ← g + λ_wd·θ
        t ← t + 1
        v ← β₁·v + (1 − β₁)·g          v̂ = v / (1 − β₁ᵗ)
        s ← β₂·s + (1 − β₂)·g²         ŝ = s / (1 − β₂ᵗ)
        θ ← θ − μ·v̂ / (√ŝ + ε)

    The lecture's slide writes the last line as θ − μ·v̂/(√ŝ + ε)·g: that
    extra factor g is a slip (the step would scale with g² and lose Adam's
    scale invariance). This is the standard rule of Kingma & Ba and PyTorch:
    the first step moves each weight by about μ, whatever the gradient's size.
    """
    beta1, beta2 = betas
    g = _decay(g, theta, weight_decay)
    t = state.step + 1
    v = beta1 * state.first_moment + (1 - beta1) * g
    s = beta2 * state.second_moment + (1 - beta2) * (g * g)
    v_hat_scale = lr / (1 - beta1**t)  # μ / (1 − β₁ᵗ)
    s_hat_root = s**0.5 / (1 - beta2**t) ** 0.5  # √ŝ
    return theta - v_hat_scale * _over(v, s_hat_root + eps, eps), AdamState(t, v, s)
