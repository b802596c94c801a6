"""Softmax and log-softmax along one axis: the Tensor ops whose every output
depends on every input of its slice, so each vjp mixes the whole slice of G = ∂L/∂f.
Both shift by the slice's maximum first, which keeps every exponent ≤ 0.

On Values a softmax output layer is M nodes, one per a_m = softmax_m(v₁, …, v_M)
(:class:`SoftmaxAt`): the lecture's output unit, drawn as one node in the
output layer, as Σw·x is one ``Dot`` node.

An empty axis gives an empty result (as PyTorch; there is no maximum to shift
by, and nothing to normalise). A shift that overflows (x − m = −1e308 − 1e308) is −∞, whose
exponential is the right 0, so numpy's overflow warning is silenced there.
"""

from __future__ import annotations

import numpy as np

from .ops import Op

__all__ = ["Softmax", "LogSoftmax", "SoftmaxAt"]


def _shifted(x, axis):
    """x − max(x) along ``axis``: every entry ≤ 0; −∞ where the difference overflows."""
    with np.errstate(over="ignore"):
        return x - x.max(axis=axis, keepdims=True)


class Softmax(Op):
    """s_k = e^{x_k − m} / Σ_j e^{x_j − m} along an axis, m = max_j x_j (stable);
    ∂L/∂x_k = s_k·(G_k − Σ_j G_j·s_j).

    Shifting by the maximum changes nothing mathematically and keeps every
    exponent ≤ 0: softmax([1e4, 1e4]) = [0.5, 0.5], not nan.
    """

    symbol = "softmax"
    formula = "s = eˣ⁻ᵐ/Σeˣ⁻ᵐ;  ∂L/∂x = s·(G − Σ G·s)"

    @staticmethod
    def describe(axis):
        return f"axis={axis}"

    @staticmethod
    def forward(B, axis, x):
        if x.shape[axis] == 0:  # an empty slice: an empty result
            return x.copy()
        e = np.exp(_shifted(x, axis))
        return e / e.sum(axis=axis, keepdims=True)

    @staticmethod
    def vjp(B, axis, g, s, x):
        return (s * (g - (g * s).sum(axis=axis, keepdims=True)),)


class LogSoftmax(Op):
    """ℓ_k = x_k − m − ln Σ_j e^{x_j − m} along an axis (stable);  ∂L/∂x_k = G_k − s_k·Σ_j G_j.

    s = e^ℓ is the softmax; ln Σ e^{x−m} ≥ 0 never overflows.
    """

    name = "log_softmax"
    symbol = "log softmax"
    formula = "ℓ = x − m − ln Σeˣ⁻ᵐ;  ∂L/∂x = G − eˡ·Σ G"

    @staticmethod
    def describe(axis):
        return f"axis={axis}"

    @staticmethod
    def forward(B, axis, x):
        if x.shape[axis] == 0:
            return x.copy()
        z = _shifted(x, axis)
        return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))

    @staticmethod
    def vjp(B, axis, g, out, x):
        return (g - np.exp(out) * g.sum(axis=axis, keepdims=True),)


class SoftmaxAt(Op):
    """a_m = e^{v_m − c} / Σ_k e^{v_k − c}, c = max_k v_k: one output of a softmax
    layer on Values, with the M inputs v₁ … v_M as parents; ``ctx`` is m − 1.

    ∂a_m/∂v_k = a_m·(δ_mk − a_k). Shifting by the maximum c changes nothing
    mathematically and keeps every exponent ≤ 0 (softmax of 1000, 0, −1000 is exact).
    """

    name = "softmax_at"
    symbol = "softmax"
    formula = "a_m = e^(v_m)/Σ_k e^(v_k);  ∂a_m/∂v_k = a_m·(δ_mk − a_k)"

    @staticmethod
    def describe(m):
        return f"m={m + 1}"

    @staticmethod
    def forward(B, m, *v):
        c = max(v)
        e = [B.exp(vk - c) for vk in v]
        return e[m] / sum(e)

    @staticmethod
    def partials(B, m, out, *v):
        c = max(v)
        e = [B.exp(vk - c) for vk in v]
        s = sum(e)
        return tuple(out * ((1.0 if k == m else 0.0) - ek / s) for k, ek in enumerate(e))

