"""A batch's cross-entropy on class indices as one node (Tensor only).

The lecture's categorical cross-entropy is L = −Σ_m y_m ln a_m; with one-hot
targets only the true class's term is left, L_n = −ln a_{n,y_n}. Built from the
primitive ops, the mean over a batch is four nodes (pick a_{n,y_n}, ln, Σ, ×
(−1/N)), each a pass of Python and an array; :class:`CrossEntropyAt` is the
same numbers in one node, with the derivative beside it: only the true class
gets a gradient, ∂L/∂a_{n,y_n} = −c/a_{n,y_n}.

``stepgrad.nn.cross_entropy`` records it for probabilities a that need no
moving into [eps, 1] (a softmax output, the common case); the other cases keep
the composite form, where the clamp is a node of its own.
"""

from __future__ import annotations

import numpy as np

from .ops import Op
from .reductions import minimum, total
from .scatter import Scatter

__all__ = ["CrossEntropyAt", "BelowFloor"]


class BelowFloor(ValueError):
    """A picked probability a_{n,y_n} below the floor ``CrossEntropyAt`` was recorded with
    (or NaN): ``stepgrad.nn.cross_entropy`` catches it and takes its clamped form."""


class CrossEntropyAt(Op):
    """L = −c·Σ_n ln a_{n,y_n};  ∂L/∂a_{n,y_n} = −c/a_{n,y_n}, 0 for every other class.

    a (N, M) holds probabilities (each row a distribution, such as the softmax
    output a_m), y_n is sample n's class index, c = 1/N for the mean over the
    batch (1 for the sum). ``consts`` is ``(key, c)``, key = (arange(N), y) the
    entries a_{n,y_n}. The same numbers as ``(a[key].log().sum()) * (−c)``, in
    the same order; a non-positive a_{n,y_n} raises ValueError (log's domain).

    ``consts`` may be ``(key, c, floor)``: then every a_{n,y_n} must be at least
    ``floor`` (> 0), tested by one reduction, and :class:`BelowFloor` is raised
    otherwise (NaN included). ``cross_entropy`` records it so with its eps: the
    entries it needs no clamp for are those ≥ eps, and it is told so by the forward
    pass itself instead of gathering and testing them before.
    """

    name = "cross_entropy_at"
    symbol = "cross_entropy"
    formula = "L = −c·Σₙ ln a_{n,yₙ};  ∂L/∂a_{n,yₙ} = −c/a_{n,yₙ}, 0 elsewhere"

    @staticmethod
    def describe(consts):
        return f"c={consts[1]:.4g}"

    @staticmethod
    def forward(B, consts, a):
        key, c = consts[0], consts[1]
        p = a[key]
        if len(consts) == 2:
            return total(B.log(p), axis=None) * -c  # Σ, as ndarray.sum
        floor = consts[2]
        low = minimum(p, axis=None) if p.size else 1.0
        if not (low >= floor and low > 0):  # (NaN fails both)
            raise BelowFloor(f"cross_entropy_at: a true class's probability a_(n,y_n) = {low!r}"
                             f" is below the floor {floor:g} the node was recorded with")
        return total(np.log(p), axis=None) * -c  # every entry ≥ floor > 0: in log's domain

    @staticmethod
    def vjp(B, consts, g, out, a):
        key, c = consts[0], consts[1]
        # (1/a_{n,yₙ})·(G·(−c)): log's slope times the upstream, as the four nodes multiply it
        # key is (arange(N), y) for a batch: one entry of each row
        p = a[key]
        return (Scatter(key, (1.0 / p) * (g * -c), type(key) is tuple and a.ndim == 2, p),)
