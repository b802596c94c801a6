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

``backward`` is one short loop (:func:`backprop`): an iterative topological
sort, the seed ∂L/∂L = 1, then each node in reverse order hands each parent
its contribution ``upstream · local derivative``, added with ``+=``. Pass an
``observer`` to see each step (:class:`BackwardStep`) in the order the engine
takes it; ``viz`` replays exactly these steps.
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager

from . import ops as _ops

__all__ = [
    "Node", "BackwardStep", "apply", "backprop", "toposort", "no_grad", "enable_grad",
    "is_grad_enabled",
]


_new = object.__new__


class _GradMode:
    enabled = True


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad`."""
    return _GradMode.enabled


@contextmanager
def no_grad():
    """Within this block ops record no graph: results are leaves.

    Use it for evaluation and for parameter updates::

        with no_grad():
            y = model(x)
    """
    before = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = before


@contextmanager
def enable_grad():
    """Record graphs again inside a :func:`no_grad` block."""
    before = _GradMode.enabled
    _GradMode.enabled = True
    try:
        yield
    finally:
        _GradMode.enabled = before


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


class BackwardStep:
    """One step of the backward pass, as the engine takes it.

    Attributes:
        index: 0 for the first node processed (the root), then 1, 2, ...
        node: the node whose gradient is handed to its parents.
        upstream: ∂L/∂node, complete at this point.
        local: the local derivatives ∂node/∂parentᵢ, one per parent, for
            elementwise ops; ``None`` for ops that give contributions
            directly (matmul, reductions: their Jacobian is not diagonal).
        contributions: what was added to each parent's ``grad``:
            ``upstream · local`` (before undoing broadcasting).
    """

    __slots__ = ("index", "node", "upstream", "local", "contributions")

    def __init__(self, index, node, upstream, local, contributions):
        self.index = index
        self.node = node
        self.upstream = upstream
        self.local = local
        self.contributions = contributions

    @property
    def parents(self) -> tuple:
        return self.node._parents

    def __repr__(self) -> str:
        name = self.node.op.name if self.node.op else "leaf"
        return f"BackwardStep({self.index}, {name}, upstream={self.upstream!r})"


def toposort(root, leaves: bool = True) -> list:
    """Every node ``root`` depends on, each after all its parents (iterative).

    No recursion, so a chain of a million nodes sorts at Python's default
    recursion limit. Parents are visited in their recorded order, so the
    result is the same on every run. With ``leaves=False`` only the nodes made
    by an op are listed (what backward walks).
    """
    if root._op is None:
        return [root] if leaves else []
    order = []
    seen = set()
    stack = [(root, False)]
    push = stack.append
    pop = stack.pop
    add = seen.add
    while stack:
        node, expanded = pop()
        if expanded:
            order.append(node)
            continue
        if node in seen:  # pushed twice before it was expanded
            continue
        add(node)
        push((node, True))
        for p in reversed(node._parents):
            if p._op is not None and p not in seen:  # leaves are never expanded
                push((p, False))
    if not leaves:
        return order
    full = []
    for node in order:  # each leaf just before the first node that uses it
        for p in node._parents:
            if p._op is None and p not in seen:
                seen.add(p)
                full.append(p)
        full.append(node)
    return full


def backprop(root, seed, observer=None) -> None:
    """Reverse-mode differentiation of ``root`` with ∂L/∂root = ``seed``.

    Gradients of intermediate nodes are reset to zero first, then every
    contribution is added with ``+=``. Leaves keep what they had, so calling
    backward twice accumulates into the leaves, as PyTorch does.

    Each node in reverse topological order hands parent i the contribution
    ``upstream · local_i`` (elementwise ops) or what its ``vjp`` returns. When
    nobody observes, a Value node adds its contributions straight into its
    parents' ``grad`` (its parents are Values: ops never mix the two kinds)
    without building the list of contributions; that is the only difference.
    """
    topo = toposort(root, leaves=False)
    for node in topo:
        node.grad = node._GRAD0
    if root._op is None:
        root._accumulate(seed)
    else:
        root.grad = seed
    fast = observer is None  # nobody watches: Value nodes skip the bookkeeping
    index = 0
    for node in reversed(topo):
        g = node.grad
        if g is None:  # a Tensor node no gradient reached
            continue
        op = node._op
        parents = node._parents
        if op.elementwise:
            n = len(parents)
            if n == 1:  # the common arities without building a list
                p = parents[0]
                local = op.partials(node._math, node._ctx, node.data, p.data)
                if fast and node._scalar:
                    p.grad += g * local[0]
                    continue
            elif n == 2:
                a, b = parents
                local = op.partials(node._math, node._ctx, node.data, a.data, b.data)
                if fast and node._scalar:
                    a.grad += g * local[0]
                    b.grad += g * local[1]
                    continue
            else:
                local = op.partials(node._math, node._ctx, node.data, *[p.data for p in parents])
                if fast and node._scalar:
                    for p, d in zip(parents, local):
                        p.grad += g * d
                    continue
            # an Add's local derivative 1.0 passes g on as it is, with no copy
            contributions = [g if type(d) is float and d == 1.0 else g * d for d in local]
        else:
            local = None
            x = [p.data for p in parents]
            contributions = op.vjp(node._math, node._ctx, g, node.data, *x)
        for p, c in zip(parents, contributions):
            if p._scalar:
                p.grad += c
            elif c is not None:
                p._accumulate(c)
        if not fast:
            observer(BackwardStep(index, node, g, local, contributions))
            index += 1


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
