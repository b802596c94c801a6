"""The engine: how a node records its graph and how backward walks it.

:class:`Node` is the common base of :class:`~stepgrad.autograd.value.Value`
(a Python float) and :class:`~stepgrad.autograd.tensor.Tensor` (a numpy
array). Both record the same things, in ``__slots__``:

* ``data``: the number or array;
* ``grad``: ∂L/∂node after ``backward``;
* ``parents``: the ordered tuple of the nodes it was computed from
  (``a * a`` has the parent ``a`` twice, and is drawn with two edges);
* ``op``: the op class that made it (``None`` for a leaf), and ``ctx``, the
  op's constants.

A node refers to its parents and to its op class, and to nothing else: no
closure, no op object that holds its output. A finished graph has no
reference cycle and is freed at once by reference counting.

``backward`` is one short loop, :func:`~.backward.backprop` (in
:mod:`.backward`, with the topological sort and :class:`BackwardStep`);
whether ops record at all is :mod:`.grad_mode` (``no_grad``).
"""

from __future__ import annotations

import numbers

from . import ops as _ops
from .backward import BackwardStep, backprop, toposort
from .grad_mode import _GradMode, enable_grad, is_grad_enabled, no_grad

__all__ = [
    "Node", "BackwardStep", "apply", "backprop", "toposort", "no_grad", "enable_grad",
    "is_grad_enabled",
]


_new = object.__new__


def apply(op, parents: tuple, ctx=None, kind=None):
    """Run ``op`` forward on ``parents`` (nodes) and record the result node.

    This is the one place that does the plumbing: pick the node kind (Value or
    Tensor, from the first parent unless ``kind`` is given), compute the
    forward with that kind's backend, and record parents, op and ctx unless
    grad recording is off.
    """
    if kind is None:
        kind = type(parents[0])
    try:  # free unless it raises (Python 3.11's zero-cost exceptions)
        if len(parents) == 1:  # the common arities without building a list
            data = op.forward(kind._math, ctx, parents[0].data)
        elif len(parents) == 2:
            data = op.forward(kind._math, ctx, parents[0].data, parents[1].data)
        else:
            data = op.forward(kind._math, ctx, *[p.data for p in parents])
    except ValueError as e:  # numpy's "could not be broadcast": name the op and the shapes
        if kind._scalar or "broadcast" not in str(e):
            raise
        raise kind._broadcast_error(op, parents) from None
    if not _GradMode.enabled:
        return kind._make(data, (), None, None)
    if kind._scalar:  # a Value: fill its slots here, one call fewer per node
        node = _new(kind)
        node.data = data
        node.grad = 0.0
        node._parents = parents
        node._op = op
        node._ctx = ctx
        node.label = ""
        return node
    return kind._make(data, parents, op, ctx)



class Node:
    """What Value and Tensor share: graph record, operators, backward.

    Subclasses define the slots and four class attributes: ``_math`` (the
    backend their ops compute with), ``_scalar``, ``_GRAD0`` (an intermediate
    node's gradient before backward) and the methods ``_make``, ``_lift`` and
    ``_accumulate``.
    """

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to our reflected operators

    # ------------------------------------------------------------- graph

    @property
    def parents(self) -> tuple:
        """The nodes this one was computed from, in order (empty for a leaf)."""
        return self._parents

    @property
    def op(self):
        """The op class that made this node, or ``None`` for a leaf."""
        return self._op

    @property
    def ctx(self):
        """The op's constants (an exponent, an axis), or ``None``."""
        return self._ctx

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    def backward(self, grad=None, observer=None) -> None:
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node.

        Args:
            grad: ∂L/∂self; defaults to 1 (self is the loss L).
            observer: called with each :class:`BackwardStep` in the engine's
                order, for stepping through backprop (``viz`` uses it).

        Leaves accumulate: call ``zero_grad`` (or set ``grad``) between steps.
        """
        backprop(self, self._seed(grad), observer)

    def detach(self):
        """The same data as a new leaf, cut off from the graph."""
        return self._make(self.data, (), None, None)

    # ------------------------------------------------- primitive operators

    def __add__(self, other):
        return apply(_ops.Add, (self, self._lift(other)))

    def __radd__(self, other):
        return apply(_ops.Add, (self._lift(other), self))

    def __mul__(self, other):
        return apply(_ops.Mul, (self, self._lift(other)))

    def __rmul__(self, other):
        return apply(_ops.Mul, (self._lift(other), self))

    def __pow__(self, other):
        if isinstance(other, Node):
            return apply(_ops.Pow, (self, self._lift(other)))
        return apply(_ops.PowConst, (self,), self._exponent(other))

    def __rpow__(self, other):
        return apply(_ops.Pow, (self._lift(other), self))

    def exp(self):
        """eˣ."""
        return apply(_ops.Exp, (self,))

    def log(self):
        """ln x; x <= 0 raises ValueError."""
        return apply(_ops.Log, (self,))

    def tanh(self):
        """tanh x, stable at ±1000."""
        return apply(_ops.Tanh, (self,))

    def sigmoid(self):
        """1/(1 + e⁻ˣ), stable at ±1000."""
        return apply(_ops.Sigmoid, (self,))

    def relu(self):
        """max{x, 0}; relu′(0) = 0."""
        return apply(_ops.Relu, (self,))

    def sign(self):
        """sign x; its derivative is 0 everywhere."""
        return apply(_ops.Sign, (self,))

    def hardtanh(self):
        """max{min{x, 1}, −1}; derivative 1 on (−1, 1), else 0."""
        return apply(_ops.Hardtanh, (self,))

    def abs(self):
        """|x|; derivative sign x, 0 at 0."""
        return apply(_ops.Abs, (self,))

    __abs__ = abs

    def identity(self):
        """x, as a node of its own (the identity activation)."""
        return apply(_ops.Identity, (self,))

    # --------------------------------------------- composites (one-liners)

    def __neg__(self):  # -self
        return self * -1.0

    def __pos__(self):
        return self

    def __sub__(self, other):  # self + (-other)
        if isinstance(other, (int, float)):
            return apply(_ops.Add, (self, self._lift(-other)))  # self + (-other), one node
        return self + (-self._lift(other))

    def __rsub__(self, other):  # other + (-self)
        return self._lift(other) + (-self)

    def __truediv__(self, other):  # self · other⁻¹
        if isinstance(other, (int, float)):
            return self * self._math.pow(float(other), -1.0)
        return self * self._lift(other) ** -1

    def __rtruediv__(self, other):  # other · self⁻¹
        return self._lift(other) * self**-1

    # ------------------------------------------------------------- helpers

    @staticmethod
    def _exponent(n) -> float:
        if type(n) is float or type(n) is int:
            return float(n)
        if isinstance(n, numbers.Real) and not isinstance(n, bool):
            return float(n)
        raise TypeError(f"pow: the exponent must be a number or a node, got {type(n).__name__}")
