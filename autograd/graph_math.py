"""The third backend: math made of the engine's own ops, so a gradient is a graph.

Every op's derivative is written once, in the op table, against a backend
``B``: ``1 − out·out`` for tanh, ``n·B.rawpow(a, n − 1)`` for aⁿ,
``B.where(cond, G, 0)`` for where. :class:`~.backend.ScalarMath` evaluates
those lines on floats and :class:`~.backend.ArrayMath` on arrays. Hand the
same lines *nodes* instead (the parents and the output themselves) and
:class:`GraphMath` as ``B``, and every function call records one op of the
table, while ``+``, ``−``, ``×``, ``÷`` on nodes record themselves: the
derivative comes out as a node of a new graph, which the engine can
differentiate again. That is how :mod:`.backward_graph` builds the backward
pass as a graph (``backward(create_graph=True)``), and why no second
derivative is written anywhere: d(1 − σ²)/dx is backprop through ``Mul`` and
``Add``, like any other expression.

Kinks: relu′, hardtanh′ and clip′ are indicators (1 where the input is inside,
0 elsewhere) and sign′ = 0; here they are constants, so their own derivative
is 0. The second derivative of relu, abs, sign, hardtanh and clip is 0
wherever it exists (everywhere but the kinks, where the first derivative
jumps): the engine gives 0 there too, as PyTorch does.
"""

from __future__ import annotations

import numpy as np

from .grad_mode import GradMode
from .node import Node, apply
from .ops import Abs, Exp, Hardtanh, Log, Pow, PowConst, Relu, Sigmoid, Sign, Tanh
from .softmax_ops import SoftmaxAt
from .tensor_ops import Where

__all__ = ["GraphMath"]


def _record(op, parents: tuple, consts, data):
    """A node made by ``op`` whose data is already computed (no domain check)."""
    kind = type(parents[0])
    if GradMode.enabled:
        return kind._make(data, parents, op, consts)
    return kind._make(data, (), None, None)


class GraphMath:
    """Math on nodes (Values or Tensors): each function records one op of the table.

    The functions have the names and the rules of
    :class:`~.backend.ScalarMath` and :class:`~.backend.ArrayMath`; domain
    checks read the nodes' data.
    """

    @staticmethod
    def exp(x):
        return apply(Exp, (x,))

    @staticmethod
    def log(x):
        return apply(Log, (x,))

    @staticmethod
    def tanh(x):
        return apply(Tanh, (x,))

    @staticmethod
    def sigmoid(x):
        return apply(Sigmoid, (x,))

    @staticmethod
    def relu(x):
        return apply(Relu, (x,))

    @staticmethod
    def sign(x):
        return apply(Sign, (x,))

    @staticmethod
    def hardtanh(x):
        return apply(Hardtanh, (x,))

    @staticmethod
    def abs(x):
        return apply(Abs, (x,))

    @staticmethod
    def softmax(v: tuple) -> list:
        """[a₁, …, a_M] as M SoftmaxAt nodes of the Values v (a softmax layer's outputs)."""
        return [apply(SoftmaxAt, v, k) for k in range(len(v))]

    @staticmethod
    def add(a, b):
        """a + b, recorded (an Add node)."""
        return a + b

    @staticmethod
    def indicator(condition, like):
        """1 where ``condition`` holds, else 0: a constant (its derivative is 0)."""
        return like.math.indicator(condition, like.data)

    @staticmethod
    def one_minus_square(s):
        """1 − s·s, recorded (a Mul node and the subtraction)."""
        return 1.0 - s * s

    @staticmethod
    def positive(x, op: str, why: str) -> None:
        x.math.positive(x.data, op, why)

    @staticmethod
    def nonzero(x, op: str, why: str) -> None:
        x.math.nonzero(x.data, op, why)

    @staticmethod
    def pow(a, n):
        """aⁿ with the engine's domain rules: Pow for a node n, PowConst for a number."""
        if isinstance(n, Node):
            return apply(Pow, (a, n))
        return apply(PowConst, (a,), float(n))

    @staticmethod
    def rawpow(a, n):
        """aⁿ where a domain problem gives inf or nan, as the numeric backends (a
        derivative such as ½·a^(−½) at a = 0): the node records PowConst (or Pow)."""
        if isinstance(n, Node):
            return apply(Pow, (a, n))  # a > 0: Pow's forward checked it already
        return _record(PowConst, (a,), float(n), a.math.rawpow(a.data, n))

    @staticmethod
    def expand(g, shape: tuple):
        """``g`` broadcast to ``shape`` (the adjoint of a sum): g + 0, an Add node."""
        return g + np.zeros(shape, g.data.dtype)

    @staticmethod
    def where(cond, a, b):
        """``a`` where ``cond`` holds, else ``b`` (either may be a number): a Where node."""
        like = a if isinstance(a, Node) else b
        return apply(Where, (like._lift(a), like._lift(b)), cond)
