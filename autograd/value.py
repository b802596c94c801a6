"""``Value``: one Python float and its place in the computation graph.

This is the node a student steps through: every multiply of a neuron can be
a node of its own (or one fused :class:`~stepgrad.autograd.nary_ops.Dot` node),
drawn, labelled and inspected. See :mod:`.node` for what every node records,
:mod:`.operators` for its operators and :mod:`.backward` for the backward pass.

A Value keeps its parents in two fields, ``_a`` and ``_b``, instead of a tuple:
a graph of a million nodes is then a million objects, not two million, which
is half the work for Python's garbage collector (it walks every live object
of a growing graph again and again) and half the memory. ``parents`` gives
them as the tuple every other part of the engine reads.

``a + b`` and ``a * b`` of two Values (and of a Value and a number) make their
node directly: the node :func:`~.node.apply` would make for ``ops.Add`` and
``ops.Mul``, with the same op class, parents and data (Python's ``+`` and ``*``
on the two floats, which is what ``Add.forward`` and ``Mul.forward`` compute),
without the generic plumbing. Their derivatives are read from the op table in
backward, as for every op. Inside ``no_grad()`` or ``detect_anomaly()`` they go
through ``apply``.

The one-parent functions (``exp``, ``log``, ``tanh``, ``sigmoid``, ``relu``),
``x ** n`` for a number n and ``x - n`` make their node the same way: the data
is the op's own ``forward`` on :class:`ScalarMath` (the call ``apply`` makes),
the node the one ``apply`` would record. ``tests/test_autograd_value_nodes.py``
compares each with ``apply`` to the last bit.
"""

from __future__ import annotations

import numbers
from typing import SupportsFloat

from .backend import ScalarMath
from .grad_mode import GradMode
from .node import Node, apply
from .operators import Operators
from .ops import Add, Exp, Log, Mul, PowConst, Relu, Sigmoid, Tanh

__all__ = ["Value"]

_new = object.__new__


_pow_forward = PowConst.forward


def _function(op, method):
    """The method ``x.f()`` of a one-parent op: the node ``apply(op, (x,))`` makes,
    with the data from ``op.forward`` on ScalarMath, made without apply's plumbing."""
    forward = op.forward

    def f(self: Value) -> Value:
        if not GradMode.plain:
            return apply(op, (self,))
        v = _new(Value)
        v.data = forward(ScalarMath, None, self.data)
        v.grad = 0.0
        v._a = self
        v._b = None
        v._op = op
        v._consts = None
        v.label = ""
        return v

    f.__name__ = method.__name__
    f.__qualname__ = "Value." + method.__name__
    f.__doc__ = method.__doc__
    return f


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

    # _a, _b: the parents. A leaf: None, None; one parent: it, None; two: both;
    # three or more (nsum, dot): the tuple of them in _a, None.
    __slots__ = ("data", "grad", "_a", "_b", "_op", "_consts", "label")
    _a: Value | tuple[Value, ...] | None
    _b: Value | None

    math = ScalarMath
    is_scalar = True
    _GRAD0 = 0.0

    def __init__(self, data: SupportsFloat, label: str = ""):
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self._a = self._b = None
        self._op = None
        self._consts = None
        self.label = label

    @property
    def _parents(self) -> tuple:
        """The parents as a tuple, in order (what :attr:`Node.parents` gives)."""
        a = self._a
        if a is None:  # a leaf
            return ()
        if type(a) is tuple:  # three or more parents
            return a
        b = self._b
        return (a,) if b is None else (a, b)

    @_parents.setter
    def _parents(self, parents: tuple) -> None:
        n = len(parents)
        if n == 2:
            self._a, self._b = parents
        else:
            self._a = None if n == 0 else parents[0] if n == 1 else parents
            self._b = None

    @staticmethod
    def _make(data, parents, op, consts):
        v = _new(Value)
        v.data = data
        v.grad = 0.0
        n = len(parents)  # the _parents setter, written out (apply makes every node here)
        if n == 2:
            v._a, v._b = parents
        else:
            v._a = None if n == 0 else parents[0] if n == 1 else parents
            v._b = None
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
        v._a = v._b = None
        v._op = None
        v._consts = None
        v.label = ""
        return v

    # ------------------------------------------- + and ×: the node made directly

    def __add__(self, other):
        """a + b: the node ``apply(ops.Add, (a, b))`` makes, made here directly."""
        if type(other) is not Value:
            if type(other) is float:  # a number: its leaf, as _lift makes it, written out
                leaf = _new(Value)
                leaf.data = other
                leaf.grad = 0.0
                leaf._a = leaf._b = None
                leaf._op = None
                leaf._consts = None
                leaf.label = ""
                other = leaf
            else:
                other = Value._lift(other)
        if not GradMode.plain:
            return apply(Add, (self, other))
        v = _new(Value)
        v.data = self.data + other.data  # Add.forward
        v.grad = 0.0
        v._a = self
        v._b = other
        v._op = Add
        v._consts = None
        v.label = ""
        return v

    def __radd__(self, other):  # other + self: Add with the number first
        other = Value._lift(other)
        if not GradMode.plain:
            return apply(Add, (other, self))
        v = _new(Value)
        v.data = other.data + self.data
        v.grad = 0.0
        v._a = other
        v._b = self
        v._op = Add
        v._consts = None
        v.label = ""
        return v

    def __mul__(self, other):
        """a · b: the node ``apply(ops.Mul, (a, b))`` makes, made here directly."""
        if type(other) is not Value:
            if type(other) is float:  # a number: its leaf, as _lift makes it, written out
                leaf = _new(Value)
                leaf.data = other
                leaf.grad = 0.0
                leaf._a = leaf._b = None
                leaf._op = None
                leaf._consts = None
                leaf.label = ""
                other = leaf
            else:
                other = Value._lift(other)
        if not GradMode.plain:
            return apply(Mul, (self, other))
        v = _new(Value)
        v.data = self.data * other.data  # Mul.forward
        v.grad = 0.0
        v._a = self
        v._b = other
        v._op = Mul
        v._consts = None
        v.label = ""
        return v

    def __rmul__(self, other):  # other · self: Mul with the number first
        other = Value._lift(other)
        if not GradMode.plain:
            return apply(Mul, (other, self))
        v = _new(Value)
        v.data = other.data * self.data
        v.grad = 0.0
        v._a = other
        v._b = self
        v._op = Mul
        v._consts = None
        v.label = ""
        return v

    def __sub__(self, other):  # self + (−other): a - n is one Add node with the leaf −n
        if type(other) is float or type(other) is int:
            return self + (-other)
        return Operators.__sub__(self, other)

    def __pow__(self, other):
        """xⁿ for a number n: the node ``apply(ops.PowConst, (x,), float(n))`` makes."""
        if type(other) is not float and type(other) is not int:
            return Operators.__pow__(self, other)
        n = float(other)
        if not GradMode.plain:
            return apply(PowConst, (self,), n)
        v = _new(Value)
        v.data = _pow_forward(ScalarMath, n, self.data)
        v.grad = 0.0
        v._a = self
        v._b = None
        v._op = PowConst
        v._consts = n
        v.label = ""
        return v

    # the one-parent functions: the node apply(op, (x,)) makes, made directly
    exp = _function(Exp, Operators.exp)
    log = _function(Log, Operators.log)
    tanh = _function(Tanh, Operators.tanh)
    sigmoid = _function(Sigmoid, Operators.sigmoid)
    relu = _function(Relu, Operators.relu)

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
