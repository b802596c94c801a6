"""Function forms of the ops, for lists of nodes and for readability.

``nsum`` and ``dot`` are the n-ary ops: one node for Σᵢ xᵢ or Σᵢ wᵢ·xᵢ
instead of a chain of n binary nodes.
"""

from __future__ import annotations

from . import ops
from .node import Node, apply
from .value import Value

__all__ = ["exp", "log", "tanh", "sigmoid", "relu", "sign", "hardtanh", "identity",
           "nsum", "dot", "mean"]


def _node(x):
    return x if isinstance(x, Node) else Value._lift(x)


def exp(x):
    """eˣ."""
    return _node(x).exp()


def log(x):
    """ln x (x > 0)."""
    return _node(x).log()


def tanh(x):
    """tanh x."""
    return _node(x).tanh()


def sigmoid(x):
    """1/(1 + e⁻ˣ)."""
    return _node(x).sigmoid()


def relu(x):
    """max{x, 0}."""
    return _node(x).relu()


def sign(x):
    """sign x."""
    return _node(x).sign()


def hardtanh(x):
    """max{min{x, 1}, −1}."""
    return _node(x).hardtanh()


def identity(x):
    """x."""
    return _node(x).identity()


_SEQUENCES = (list, tuple)


def _nodes(xs, what: str) -> tuple:
    """The terms as nodes of one kind; numbers become constant leaves."""
    xs = tuple(xs)
    kinds = set(map(type, xs))
    if len(kinds) == 1 and issubclass(kinds.pop(), Node):  # already nodes of one kind
        return xs
    if not xs:
        raise ValueError(f"{what}: needs at least one term, got none")
    first = next((x for x in xs if isinstance(x, Node)), None)
    kind = type(first) if first is not None else Value
    lift = first._lift if first is not None else Value._lift
    return tuple([x if type(x) is kind else lift(x) for x in xs])


def nsum(xs):
    """Σᵢ xᵢ as one node (ops.Sum); numbers are lifted to constant nodes."""
    xs = _nodes(xs, "nsum")
    return apply(ops.Sum, xs)


def dot(w, x, bias=None):
    """u = Σᵢ wᵢ·xᵢ (+ bias) as one node (ops.Dot): a neuron's weighted sum.

    In the lecture's notation u_h = Σ_{f=0}^{F} w_fh·x_f with x₀ = 1, the bias
    w₀ₕ is ``bias``. ``w`` and ``x`` must have the same length.
    """
    if type(w) not in _SEQUENCES:
        w = tuple(w)
    if type(x) not in _SEQUENCES:
        x = tuple(x)
    n = len(w)
    if len(x) != n:
        raise ValueError(f"dot: w has {n} entries but x has {len(x)}")
    if bias is None:
        terms, ctx = (*w, *x), (n, False)
    else:
        terms, ctx = (*w, *x, bias), (n, True)
    if len(set(map(type, terms))) != 1 or not isinstance(terms[0], Node):
        terms = _nodes(terms, "dot")  # lift numbers, or explain the mix of kinds
    return apply(ops.Dot, terms, ctx)


def mean(xs):
    """(1/n)·Σᵢ xᵢ."""
    xs = tuple(xs)
    return nsum(xs) * (1.0 / len(xs)) if xs else nsum(xs)
