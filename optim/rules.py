"""The six update rules as pure math: ``rule(θ, g, state, ...) -> (θ_new, state_new)``.

Nothing here changes a parameter or a node. ``θ`` (a weight), ``g`` (its
gradient ∂L/∂θ) and every state field are Python floats or numpy arrays: the
formulas are plain arithmetic, so one line serves a :class:`Value`'s float and
a :class:`Tensor`'s array alike. The classes in :mod:`.optimizer` read
``p.data`` and ``p.grad``, call these functions, and write ``p.data`` back.

The rules come in order of increasing complexity, each a small step from the
one before, in the lecture's symbols: μ the learning rate (``lr``), γ the
momentum coefficient (``momentum``; PyTorch writes it μ), β a decay
(``beta``, ``betas``), ε (``eps``), κ the weight decay (``weight_decay``; the
L2 penalty's weight of :func:`stepgrad.nn.l2_penalty`, not λ, which is Q's
smoothing in ``fit``). Weight decay is the L2 penalty's gradient coupled into
g before the rule, as PyTorch couples it: ``g ← g + κ·θ`` on the weights. A
2-D θ is a layer's weight in the lecture's layout, row 0 its biases w_0h
(x₀ = 1): the lecture penalises weights, not biases, so that row is left
alone (PyTorch would decay it too, unless given a separate parameter group).
A vector or scalar θ is decayed whole. For a model this is exactly the
gradient of ``l2_penalty(model.parameters(), κ)``; a test pins both.

Every state is a small named record whose fields are the symbols of the
math, so an optimizer's state can be printed per parameter.

On a Tensor the optimizer takes the same steps in place
(:mod:`.rules_in_place`: the same numbers, bit for bit, written into θ and the
state's arrays instead of new arrays).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = [
    "SGDState", "MomentumState", "AdaGradState", "RMSPropState", "AdamState",
    "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "zeros_like", "decayed",
]


def zeros_like(theta):
    """0.0 for a float θ, an array of zeros for an array θ."""
    if isinstance(theta, np.ndarray):
        return np.zeros_like(theta)
    return 0.0


def decayed(g, theta, weight_decay):
    """g + κ·θ on the weights: the gradient of (κ/2)·Σ w², biases left alone.

    A 2-D θ is in the lecture's layout (row 0 the biases w_0h), so row 0 gets
    no κ·θ; any other θ gets it everywhere.
    """
    if weight_decay == 0:
        return g
    decay = weight_decay * theta
    if isinstance(theta, np.ndarray) and theta.ndim == 2:
        decay[0] = 0.0  # the biases w_0h: not penalised
    return g + decay


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


Theta = float | np.ndarray
"""A parameter's θ (or its g, or a state field): a float for a Value, an array for a Tensor."""


class SGDState(NamedTuple):
    """Plain gradient descent keeps no state."""


def sgd(theta: Theta, g: Theta, state: SGDState, lr: float, weight_decay: float = 0.0
        ) -> tuple[Theta, SGDState]:
    """Gradient step, the lecture's w := w − μ·L′ᵢ(w).

    ::

        input: μ (lr), κ (weight_decay)
        g ← g + κ·θ        (on the weights; a 2-D θ's bias row 0 is left alone)
        θ ← θ − μ·g
    """
    g = decayed(g, theta, weight_decay)
    return theta - lr * g, state


# ------------------------------------------------ 2. Momentum, 3. Nesterov


class MomentumState(NamedTuple):
    """v: the velocity, a running sum of past gradients decayed by γ (0 at first)."""

    velocity: float | np.ndarray


def momentum(theta: Theta, g: Theta, state: MomentumState, lr: float, momentum: float = 0.9,
             weight_decay: float = 0.0) -> tuple[Theta, MomentumState]:
    """Heavy-ball momentum in PyTorch's form.

    ::

        input: μ (lr), γ (momentum), κ (weight_decay);  v₀ = 0
        g ← g + κ·θ
        v ← γ·v + g
        θ ← θ − μ·v

    The textbook form (Sutskever et al. 2013) puts the learning rate inside the
    velocity: v ← γ·v + η·g, θ ← θ − v. The two give the same θ while the
    learning rate is constant (v_textbook = μ·v). They differ after μ changes:
    here the new μ scales the whole velocity at once; in the textbook form only
    the new gradients carry the new rate.

    The lecture's slide is neither: it prints v_t = v_{t−1} + ε·g,
    θ_{t+1} = θ_t − μ·v_t, a velocity with no decay at all (γ = 1), ε a second
    learning rate. That is exactly ``Momentum(momentum=1, lr=μ·ε)``
    (v here = v_slide/ε); a test runs the printed form against it. With γ = 1
    the velocity never forgets a gradient; the usual γ is 0.9.
    """
    g = decayed(g, theta, weight_decay)
    v = momentum * state.velocity + g
    return theta - lr * v, MomentumState(v)


def nesterov(theta: Theta, g: Theta, state: MomentumState, lr: float, momentum: float = 0.9,
             weight_decay: float = 0.0) -> tuple[Theta, MomentumState]:
    """Nesterov's accelerated gradient (NAG) in PyTorch's form.

    ::

        input: μ (lr), γ (momentum > 0), κ (weight_decay);  v₀ = 0
        g ← g + κ·θ
        v ← γ·v + g
        θ ← θ − μ·(g + γ·v)

    The look-ahead form keeps iterates φ and evaluates the gradient at the
    look-ahead point φ − μγ·v; this θ *is* that point (θ = φ − μγ·v), so the
    same run needs the gradient only at the current θ.

    The lecture's slide prints v_t = v_{t−1} + ε·∇f(θ_{t−1} − μ·v_{t−1}) with
    the jump θ_{t+1} = θ_t − μ·v_t. With those indices θ_{t−1} − μ·v_{t−1} is
    θ_t, the current point: as printed, the slide's NAG is plain momentum with
    γ = 1 (and its classical momentum takes ∇f one step late, at θ_{t−1}).
    Read with the jump θ_t = θ_{t−1} − μ·v_t, as meant, it is again without
    decay (γ = 1): ``Nesterov(momentum=1, lr=μ·ε)``, whose θ is the slide's
    look-ahead point θ_t − μ·v_t. Tests run both readings.
    """
    g = decayed(g, theta, weight_decay)
    v = momentum * state.velocity + g
    return theta - lr * (g + momentum * v), MomentumState(v)


# -------------------------------------------------------------- 4. AdaGrad


class AdaGradState(NamedTuple):
    """v: the sum of all squared gradients so far, Σ g² (elementwise)."""

    sum_sq: float | np.ndarray


def adagrad(theta: Theta, g: Theta, state: AdaGradState, lr: float, eps: float = 1e-10,
            weight_decay: float = 0.0) -> tuple[Theta, AdaGradState]:
    """AdaGrad, the lecture's slide (ε outside the square root, as PyTorch).

    ::

        input: μ (lr), ε (eps), κ (weight_decay);  v₀ = 0
        g ← g + κ·θ
        v ← v + g²
        θ ← θ − μ·g / (√v + ε)
    """
    g = decayed(g, theta, weight_decay)
    v = state.sum_sq + g * g
    return theta - lr * _over(g, v**0.5 + eps, eps), AdaGradState(v)


# -------------------------------------------------------------- 5. RMSProp


class RMSPropState(NamedTuple):
    """v: the exponential moving average of squared gradients."""

    mean_sq: float | np.ndarray


def rmsprop(theta: Theta, g: Theta, state: RMSPropState, lr: float, beta: float = 0.99,
            eps: float = 1e-8, weight_decay: float = 0.0) -> tuple[Theta, RMSPropState]:
    """RMSProp, the lecture's slide: AdaGrad with Σ replaced by a moving average.

    ::

        input: μ (lr), β (beta; PyTorch's alpha), ε (eps), κ;  v₀ = 0
        g ← g + κ·θ
        v ← β·v + (1 − β)·g²
        θ ← θ − μ·g / (√v + ε)

    The slide adds "β ≈ 1 ⇒ θ_{t+1} = θ_t − μ·sign g". That holds at β = 0,
    not near 1: with β = 0, v = g² and every step is μ·g/(|g| + ε), exactly
    μ·sign g for ε = 0. Near β = 1 the first steps are far larger (the first is
    μ·g/√((1 − β)g²) = μ/√(1 − β)·sign g, ten times μ for β = 0.99), and later
    steps divide g by the root of a long average of g², not by |g|. Tests pin both.
    """
    g = decayed(g, theta, weight_decay)
    v = beta * state.mean_sq + (1 - beta) * (g * g)
    return theta - lr * _over(g, v**0.5 + eps, eps), RMSPropState(v)


# ----------------------------------------------------------------- 6. Adam


class AdamState(NamedTuple):
    """t: steps taken; v: first moment (mean of g); s: second moment (mean of g²)."""

    step: int
    first_moment: float | np.ndarray
    second_moment: float | np.ndarray


def adam(theta: Theta, g: Theta, state: AdamState, lr: float,
         betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0
         ) -> tuple[Theta, AdamState]:
    """Adam: momentum (v) plus RMSProp (s), both bias-corrected.

    ::

        input: μ (lr), β₁, β₂ (betas), ε (eps), κ;  v₀ = s₀ = 0, t₀ = 0
        g ← g + κ·θ
        t ← t + 1
        v ← β₁·v + (1 − β₁)·g          v̂ = v / (1 − β₁ᵗ)
        s ← β₂·s + (1 − β₂)·g²         ŝ = s / (1 − β₂ᵗ)
        θ ← θ − μ·v̂ / (√ŝ + ε)

    The lecture's slide writes the last line as θ − μ·v̂/(√ŝ + ε)·g: that
    extra factor g is a slip. With it the first step is μ·sign(g)·g = μ·|g|,
    downhill or not: it lowers θ even where g < 0, and its size scales with g,
    losing Adam's scale invariance (a test pins this). This is the standard
    rule of Kingma & Ba and PyTorch: the first step moves each weight by about
    μ, whatever the gradient's size.

    The last line is computed in the order Kingma & Ba give for it (their
    Section 2): with c = √(1 − β₂ᵗ), μ·v̂/(√ŝ + ε) = (μ·c/(1 − β₁ᵗ))·v/(√s + ε·c),
    the same number, one division by c fewer on every weight.
    """
    beta1, beta2 = betas
    g = decayed(g, theta, weight_decay)
    t = state.step + 1
    v = beta1 * state.first_moment + (1 - beta1) * g
    s = beta2 * state.second_moment + (1 - beta2) * (g * g)
    c = (1 - beta2**t) ** 0.5  # √(1 − β₂ᵗ): √ŝ = √s / c
    step = lr * c / (1 - beta1**t)  # μ·c / (1 − β₁ᵗ)
    return theta - step * _over(v, s**0.5 + eps * c, eps), AdamState(t, v, s)
