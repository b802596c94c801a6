"""Ops that only Tensors have: their Jacobian is not diagonal, so each gives
its contributions directly with ``vjp(B, ctx, g, out, *x)`` (g is ∂L/∂out).

The elementwise ops shared with Value live in :mod:`.ops`.
"""

from __future__ import annotations

from .ops import Op
from .tensor import Scatter


class Element(Op):
    """f(X) = X[i, j, …] as a :class:`Value`: one entry of a Tensor.

    The bridge between the two views of one model: the scalar view reads each
    weight w_fh as a Value whose parent is the weight Tensor W, so gradients
    found through the scalar graph land in ``W.grad``.
    ∂f/∂X = the one-hot array at the index: ``W.grad[i, j] += g``.
    """

    symbol = "[·]"
    formula = "f = X[i];  ∂f/∂X[i] = 1, 0 elsewhere"
    elementwise = False

    @staticmethod
    def describe(ctx):
        return "[" + ", ".join(str(i) for i in ctx) + "]"

    @staticmethod
    def forward(B, ctx, x):
        return float(x[ctx])

    @staticmethod
    def vjp(B, ctx, g, out, x):
        return (Scatter(ctx, g),)
