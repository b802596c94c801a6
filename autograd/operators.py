"""The operators and methods Value and Tensor share: each one ``apply`` of an op.

Primitive operators (``+``, ``*``, ``**``) and functions (``exp``, ``tanh``,
``relu``, ...) record one node of the op table (:mod:`.ops`); the composites
(``-x``, ``a - b``, ``a / b``) are one-liners over them, with the identity in a
comment. A Value and a Tensor never meet in one op: ``_lift`` raises
TypeError saying how to convert.
"""

from __future__ import annotations

import numbers

from . import ops
from .backward_graph import backprop_graph
from .node import Node, NodeT, apply

__all__ = ["Operators"]


class Operators(Node):
    """Python's operators and the elementwise functions, for both node kinds."""

    __slots__ = ()

    # ------------------------------------------------- primitive operators

    def __add__(self, other):
        return apply(ops.Add, (self, self._lift(other)))

    def __radd__(self, other):
        return apply(ops.Add, (self._lift(other), self))

    def __mul__(self, other):
        return apply(ops.Mul, (self, self._lift(other)))

    def __rmul__(self, other):
        return apply(ops.Mul, (self._lift(other), self))

    def __pow__(self, other):
        if isinstance(other, Node):
            return apply(ops.Pow, (self, self._lift(other)))
        return apply(ops.PowConst, (self,), self._exponent(other))

    def __rpow__(self, other):
        return apply(ops.Pow, (self._lift(other), self))

    def exp(self: NodeT) -> NodeT:
        """eˣ."""
        return apply(ops.Exp, (self,))

    def log(self: NodeT) -> NodeT:
        """ln x; x <= 0 raises ValueError."""
        return apply(ops.Log, (self,))

    def tanh(self: NodeT) -> NodeT:
        """tanh x, stable at ±1000."""
        return apply(ops.Tanh, (self,))

    def sigmoid(self: NodeT) -> NodeT:
        """1/(1 + e⁻ˣ), stable at ±1000."""
        return apply(ops.Sigmoid, (self,))

    def relu(self: NodeT) -> NodeT:
        """max{x, 0}; relu′(0) = 0."""
        return apply(ops.Relu, (self,))

    def sign(self: NodeT) -> NodeT:
        """sign x; its derivative is 0 everywhere."""
        return apply(ops.Sign, (self,))

    def hardtanh(self: NodeT) -> NodeT:
        """max{min{x, 1}, −1}; derivative 1 on (−1, 1), else 0."""
        return apply(ops.Hardtanh, (self,))

    def abs(self: NodeT) -> NodeT:
        """|x|; derivative sign x, 0 at 0."""
        return apply(ops.Abs, (self,))

    __abs__ = abs

    def identity(self: NodeT) -> NodeT:
        """x, as a node of its own (the identity activation)."""
        return apply(ops.Identity, (self,))

    # --------------------------------------------- composites (one-liners)

    def __neg__(self):  # -self
        return self * -1.0

    def __pos__(self):
        return self

    def __sub__(self, other):  # self + (-other)
        if isinstance(other, (int, float)):
            return apply(ops.Add, (self, self._lift(-other)))  # self + (-other), one node
        return self + (-self._lift(other))

    def __rsub__(self, other):  # other + (-self)
        return self._lift(other) + (-self)

    def __truediv__(self, other):  # self · other⁻¹
        if isinstance(other, (int, float)):
            self.math.nonzero(other, "division", "x / y needs y ≠ 0")
            return self * self.math.pow(float(other), -1.0)
        other = self._lift(other)
        self.math.nonzero(other.data, "division", "x / y needs y ≠ 0")
        return self * other**-1

    def __rtruediv__(self, other):  # other · self⁻¹
        self.math.nonzero(self.data, "division", "x / y needs y ≠ 0")
        return self._lift(other) * self**-1

    # ------------------------------------------------------------- helpers

    def _backprop_graph(self, grad) -> None:  # backward(create_graph=True)
        backprop_graph(self, grad)

    @staticmethod
    def _exponent(n) -> float:
        if type(n) is float or type(n) is int:
            return float(n)
        if isinstance(n, numbers.Real) and not isinstance(n, bool):
            return float(n)
        raise TypeError(f"pow: the exponent must be a number or a node, got {type(n).__name__}")
