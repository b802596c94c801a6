"""The core: what every node records, and ``apply``, which records it.

:class:`Node` is the common base of :class:`~stepgrad.autograd.value.Value`
(a Python float) and :class:`~stepgrad.autograd.tensor.Tensor` (a numpy
array). Both record the same things, in ``__slots__``:

* ``data``: the number or array;
* ``grad``: ∂L/∂node after ``backward``;
* ``parents``: the ordered tuple of the nodes it was computed from
  (``a * a`` has the parent ``a`` twice, and is drawn with two edges);
* ``op``: the op class that made it (``None`` for a leaf), and ``consts``, the
  op's constants.

A node refers to its parents and to its op class, and to nothing else: no
closure, no op object that holds its output. A finished graph has no
reference cycle and is freed at once by reference counting.

This module knows no op: the operators (``+``, ``*``, ``tanh``, ...) are in
:mod:`.operators`, the backward pass in :mod:`.backward`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .anomaly import check_forward
from .backward import BackwardStep, backprop
from .grad_mode import NO_GRAD_RESULT, GradMode
from .ops import Op

if TYPE_CHECKING:
    from numpy.typing import ArrayLike

__all__ = ["Node", "apply"]

NodeT = TypeVar("NodeT", bound="Node")
"""A node kind (Value or Tensor): an op on Values gives a Value, on Tensors a Tensor."""


def apply(op: type[Op], parents: tuple[NodeT, ...], consts: object = None,
          kind: type[NodeT] | None = None) -> NodeT:
    """Run ``op`` forward on ``parents`` (nodes) and record the result node.

    This is the one place that does the plumbing: pick the node kind (Value or
    Tensor, from the first parent unless ``kind`` is given), compute the
    forward with that kind's backend (``kind.math``), and record parents, op
    and consts unless grad recording is off.
    """
    if kind is None:
        kind = type(parents[0])
    try:  # free unless it raises (Python 3.11's zero-cost exceptions)
        if len(parents) == 1:  # the common arities without building a list
            data = op.forward(kind.math, consts, parents[0].data)
        elif len(parents) == 2:
            data = op.forward(kind.math, consts, parents[0].data, parents[1].data)
        else:
            data = op.forward(kind.math, consts, *[p.data for p in parents])
    except ValueError as e:  # numpy's "could not be broadcast": name the op and the shapes
        if kind.is_scalar or "broadcast" not in str(e):
            raise
        raise kind._broadcast_error(op, parents) from None
    if GradMode.plain:  # recording, unchecked: the common case
        return kind._make(data, parents, op, consts)
    if GradMode.enabled:
        node = kind._make(data, parents, op, consts)
    else:  # no_grad(): a leaf, marked so that backward() on it can say why nothing flows
        node = kind._make(data, (), None, NO_GRAD_RESULT)
    if GradMode.anomaly:
        check_forward(node, op, parents)
    return node


class Node:
    """What Value and Tensor share: the graph record and ``backward``.

    Subclasses define the slots and the class attributes ``math`` (the
    backend their ops compute with), ``is_scalar`` (True for a Value: its data
    is one Python float), ``_GRAD0`` (an intermediate node's gradient before
    backward) and the methods ``_make``, ``_lift`` and ``_accumulate``.

    Comparisons compare the data and record no graph, as numpy and PyTorch:
    ``<``, ``<=``, ``>``, ``>=``, ``==`` and ``!=`` give a bool for Values and a
    boolean array for Tensors, so ``max(a, b)`` of two Values is the larger
    node. Hashing is by identity, so nodes are kept in sets and dicts by
    identity (the engine does): two nodes with equal data are still two keys.
    Use ``a is b`` to ask whether two nodes are the same node.
    """

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to our reflected operators

    # What each subclass provides, declared for the reader and the type checker (the
    # slots and the methods themselves are the subclass's):
    data: Any
    label: str
    _parents: tuple[Node, ...]
    _op: Any
    _consts: Any
    math: Any
    is_scalar: bool
    grad: Any  # a float for a Value; an array (or None) for a Tensor
    _make: Callable[..., Any]  # (data, parents, op, consts) -> a node of the subclass's kind
    _lift: Callable[[Any], Node]
    _seed: Callable[[Any], Any]
    _accumulate: Callable[[Any], None]
    _backprop_graph: Callable[[Any], None]
    _broadcast_error: Callable[[type[Op], tuple[Node, ...]], ValueError]  # Tensor's only
    zero_grad: Callable[[], None]

    # ------------------------------------------------------------- graph

    @property
    def parents(self) -> tuple:
        """The nodes this one was computed from, in order (empty for a leaf)."""
        return self._parents

    @property
    def op(self) -> type[Op] | None:
        """The op class that made this node, or ``None`` for a leaf."""
        return self._op

    @property
    def consts(self) -> Any:  # a number, a tuple, an axis…: what the op reads
        """The op's constants (an exponent, an axis), or ``None`` for a leaf
        (``NO_GRAD_RESULT`` for a Value made inside ``no_grad()``)."""
        return self._consts

    @property
    def is_leaf(self) -> bool:
        return self._op is None

    def backward(self, grad: ArrayLike | Node | None = None,
                 observer: Callable[[BackwardStep], object] | None = None,
                 create_graph: bool = False, keep_grads: bool = True) -> None:
        """Fill ``.grad`` of every node this one depends on with ∂self/∂node.

        Args:
            grad: ∂L/∂self; defaults to 1 (self is the loss L).
            observer: called with each :class:`BackwardStep` in the engine's
                order, for stepping through backprop (``viz`` uses it).
            create_graph: record the backward pass as a graph: each leaf's
                ``grad`` is then a node that can be differentiated again and
                drawn (see :mod:`.backward_graph`).
            keep_grads: False keeps only the leaves' gradients in a graph of
                Tensors: an intermediate node's ``grad`` is None afterwards, its
                memory freed (or written over) as soon as it has been passed on, as
                PyTorch keeps no gradient of a non-leaf by default. ``fit`` uses it.
                An observer, ``create_graph`` and graphs of Values keep every gradient.

        Leaves accumulate: call ``zero_grad`` (or set ``grad``) between steps.
        """
        if create_graph:
            if observer is not None:
                raise ValueError("backward: an observer watches the plain backward pass; "
                                 "with create_graph=True draw the gradient's graph instead")
            self._backprop_graph(grad)
            return
        backprop(self, self._seed(grad), observer, keep_grads)

    def detach(self: NodeT) -> NodeT:
        """The same data as a new leaf, cut off from the graph."""
        return self._make(self.data, (), None, None)

    # ------------------------------------------------------- comparisons

    def __lt__(self, other):
        """``a < b`` compares the data: a bool for Values, a bool array for Tensors."""
        return self.data < _data(other)

    def __le__(self, other):
        return self.data <= _data(other)

    def __gt__(self, other):
        return self.data > _data(other)

    def __ge__(self, other):
        return self.data >= _data(other)

    def __eq__(self, other):
        """``a == b`` compares the data (not identity: use ``a is b`` for that)."""
        return self.data == _data(other)

    def __ne__(self, other):
        return self.data != _data(other)

    __hash__ = object.__hash__  # by identity: nodes are set members and dict keys


def _data(x):
    """The data of a node, or x itself (a number or array): comparisons record no graph."""
    return x.data if isinstance(x, Node) else x
