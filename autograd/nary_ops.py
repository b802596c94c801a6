"""The n-ary ops: a sum or a neuron's weighted sum as one node instead of a chain.

``nsum`` (:class:`Sum`) and ``dot`` (:class:`Dot`) keep a network's scalar graph
small: u_h = Σ_f w_fh·x_f is one node with 2F + 1 parents, drawn as the
lecture draws a neuron, instead of micrograd's 2F binary nodes.
"""

from __future__ import annotations

from operator import mul

from .ops import Op

__all__ = ["Sum", "Dot"]


class Sum(Op):
    """f(x₁, …, xₙ) = Σᵢ xᵢ as one node;  ∂f/∂xᵢ = 1 (``nsum``; a Tensor's
    ``sum`` over axes is :class:`~.tensor_ops.SumAxes`)."""

    name = "nsum"
    symbol = "Σxᵢ"
    formula = "f = Σᵢ xᵢ;  ∂f/∂xᵢ = 1"

    @staticmethod
    def forward(B, consts, *x):
        return sum(x[1:], x[0])

    @staticmethod
    def partials(B, consts, out, *x):
        return (1.0,) * len(x)


class Dot(Op):
    """u = Σᵢ wᵢ·xᵢ (+ w₀) as one node: a neuron's weighted sum.

    Parents are ``(w₁, …, wₙ, x₁, …, xₙ)`` and, with a bias, ``w₀`` last: the
    lecture's u_h = Σ_{f=0}^{F} w_fh·x_f with x₀ = 1. ``consts`` is ``(n, bias)``.

    ∂u/∂wᵢ = xᵢ,  ∂u/∂xᵢ = wᵢ,  ∂u/∂w₀ = 1.
    One node instead of micrograd's 2n keeps network graphs small and fast.
    """

    symbol = "Σw·x"
    formula = "u = Σᵢ wᵢ·xᵢ + w₀;  ∂u/∂wᵢ = xᵢ,  ∂u/∂xᵢ = wᵢ,  ∂u/∂w₀ = 1"

    @staticmethod
    def describe(consts):
        n, bias = consts
        return f"n={n}" + (" +w₀" if bias else "")

    @staticmethod
    def forward(B, consts, *p):
        n, bias = consts
        if bias:  # w₀ + w₁x₁ + … + wₙxₙ, added in this order (as micrograd's neuron)
            return sum(map(mul, p[:n], p[n : 2 * n]), p[-1])
        return sum(map(mul, p[:n], p[n : 2 * n]))

    @staticmethod
    def partials(B, consts, out, *p):
        n, bias = consts
        d = p[n : 2 * n] + p[:n]
        return d + (1.0,) if bias else d

