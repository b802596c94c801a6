"""``Value``: one Python float and its place in the computation graph.

This is the node a student steps through: every multiply of a neuron can be
a node of its own (or one fused :class:`~stepgrad.autograd.nary_ops.Dot` node),
drawn, labelled and inspected. See :mod:`.node` for what every node records,
:mod:`.operators` for its operators and :mod:`.backward` for the backward pass.
"""

from __future__ import annotations

import numbers

from .backend import ScalarMath
from .node import Node
from .operators import Operators

__all__ = ["Value"]

_new = object.__new__


class Value(Operators):
    """A scalar node: ``data`` (float), ``grad`` (float, ∂L/∂self), ``label``.

    Python numbers work on either side of every operator::

        >>> x = Value(0.5, label="x")
        >>> y = (3 * x + 1).tanh()
        >>> y.backward()
        >>> round(x.grad, 4)   # 3·(1 − tanh²2.5)
        0.0798

    A Value and a Tensor do not mix in one op (TypeError): take a scalar out
    of a Tensor with :meth:`Tensor.scalars`, or make a Tensor of the Value's
    data with ``Tensor(v.data)``.
    """

    __slots__ = ("data", "grad", "_parents", "_op", "_consts", "label")

    math = ScalarMath
    is_scalar = True
    _GRAD0 = 0.0

    def __init__(self, data, label: str = ""):
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self._parents = ()
        self._op = None
        self._consts = None
        self.label = label

    @staticmethod
    def _make(data, parents, op, consts):
        v = _new(Value)
        v.data = data
        v.grad = 0.0
        v._parents = parents
        v._op = op
        v._consts = consts
        v.label = ""
        return v

    @staticmethod
    def _lift(other):
        if type(other) is Value:
            return other
        if isinstance(other, Node):
            raise TypeError(
                "cannot combine a Value with a Tensor in one op: make the Value a Tensor "
                "with Tensor(v.data), or take Values out of the Tensor with t.scalars()"
            )
        v = _new(Value)
        v.data = other if type(other) is float else _as_float(other)
        v.grad = 0.0
        v._parents = ()
        v._op = None
        v._consts = None
        v.label = ""
        return v

    def _accumulate(self, g) -> None:
        self.grad += g

    @staticmethod
    def _seed(grad):
        return 1.0 if grad is None else _as_float(grad)

    def zero_grad(self) -> None:
        self.grad = 0.0

    def item(self) -> float:
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        lab = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.4g}, grad={float(self.grad):.4g}{lab})"  # grad: a node too


def _as_float(x) -> float:
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real):
        return float(x)
    raise TypeError(
        f"a Value holds a real number, got {type(x).__name__}"
        + (" (use a Tensor for arrays)" if hasattr(x, "shape") or isinstance(x, (list, tuple))
           else "")
    )
