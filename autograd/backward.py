"""The backward pass: the topological order and the loop that walks it.

:func:`backprop_reference` is the lecture's backward phase, line by line: an
iterative topological sort, the seed ∂L/∂L = 1, then each node in reverse
order hands each parent its contribution ``upstream · local derivative``,
added with ``+=``, and shows the step to an ``observer``
(:class:`BackwardStep`; ``viz`` replays exactly these steps).

:func:`backprop_values_fast` is the same pass for a graph of Values when
nobody watches: the same order and the same products, added straight into
the parents' ``grad`` without building the list of contributions.
:func:`backprop_tensors_fast` is the same pass for Tensors with fewer
temporary arrays: no contribution for a constant, an Add's upstream passed on
without a copy, ``upstream · local`` written into the op's fresh local array,
and gradients added in place where the array is the node's own. Tests run
each fast path against the reference on random graphs and demand identical
gradients. :func:`backprop` picks one of the three.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar

import numpy as np

from .anomaly import check_step
from .buffers import Lease, ZeroGrad, reusable
from .grad_mode import NO_GRAD_RESULT, GradMode
from .nary_ops import Dot
from .ops import Add, Mul, Relu
from .scatter import Scatter

_ndarray = np.ndarray
_multiply = np.multiply
_add_arrays = np.add
_copyto = np.copyto

__all__ = ["BackwardStep", "toposort", "toposort_values", "toposort_values_stack",
           "toposort_tensors", "backprop", "backprop_reference", "backprop_values_fast",
           "backprop_tensors_fast"]


class NodeLike(Protocol):
    """What the backward pass reads of a node: a Value or a Tensor.

    Both are :class:`~stepgrad.autograd.node.Node`, which imports this module (its
    ``backward`` calls :func:`backprop`), so here a node is described by what it has.
    """

    data: Any
    label: str
    _op: Any
    _consts: Any
    is_scalar: bool

    @property
    def _parents(self) -> tuple[Any, ...]: ...

    @property
    def op(self) -> Any: ...


NodeLikeT = TypeVar("NodeLikeT", bound=NodeLike)


class BackwardStep:
    """One step of the backward pass, as the engine takes it.

    Attributes:
        index: 0 for the first node processed (the root), then 1, 2, ...
        node: the node whose gradient is handed to its parents.
        upstream: ∂L/∂node, complete at this point.
        local: the local derivatives ∂node/∂parentᵢ, one per parent, for ops
            with ``partials``; ``None`` for ops that give contributions
            directly with ``vjp`` (matmul, reductions: their Jacobian is not
            diagonal).
        contributions: what was added to each parent's ``grad``:
            ``upstream · local`` (before undoing broadcasting).
        parents: the node's parents, in order.
    """

    __slots__ = ("index", "node", "upstream", "local", "contributions")

    def __init__(self, index: int, node: NodeLike, upstream: float | np.ndarray,
                 local: Sequence[Any] | None, contributions: Sequence[Any]):
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


def toposort(root: NodeLikeT, leaves: bool = True) -> list[NodeLikeT]:
    """Every node ``root`` depends on, each after all its parents (iterative).

    No recursion, so a chain of a million nodes sorts at Python's default
    recursion limit. Parents are visited in their recorded order, so the
    result is the same on every run. With ``leaves=False`` only the nodes made
    by an op are listed (what backward walks).
    """
    if root._op is None:
        return [root] if leaves else []
    order: list[NodeLikeT] = []
    seen: set[Any] = set()
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
    full: list[NodeLikeT] = []
    for node in order:  # each leaf just before the first node that uses it
        for p in node._parents:
            if p._op is None and p not in seen:
                seen.add(p)
                full.append(p)
        full.append(node)
    return full


OPEN_VIEWS: weakref.WeakSet = weakref.WeakSet()
"""The scalar views (:mod:`.scalar_view`) of the Tensors alive: their leaf Values
gather gradients that belong to the Tensor. Each backward pass over Values ends by
sending those home (:func:`send_views_home`), so reading ``W.grad`` is a plain read."""


def send_views_home() -> None:
    """Add to each open view's Tensor what its leaves gathered (the end of backward)."""
    for view in list(OPEN_VIEWS):
        view.send_home()


def backprop(root: NodeLike, seed: Any,
             observer: Callable[[BackwardStep], object] | None = None,
             keep_grads: bool = True) -> None:
    """Reverse-mode differentiation of ``root`` with ∂L/∂root = ``seed``.

    ``seed`` is a float for a Value root, an array of its shape for a Tensor
    (``Node._seed`` makes it).

    Intermediate nodes' gradients are reset first; leaves keep what they had,
    so calling backward twice accumulates into the leaves, as PyTorch does.
    ``keep_grads=False`` (Tensors, no observer): the intermediate nodes' gradients
    are dropped on the way (:func:`backprop_tensors_fast`).
    Inside ``detect_anomaly()`` every step is checked for NaN and inf.

    Raises:
        RuntimeError: ``root`` was made inside ``no_grad()`` or from constants
            only, so no gradient can reach any weight (PyTorch raises too).
    """
    if root._op is None and (root._consts is NO_GRAD_RESULT
                             or getattr(root, "requires_grad", True) is False):
        raise RuntimeError(_NO_GRAPH)
    if GradMode.anomaly:
        observer = _checked(observer)
    if observer is not None:
        backprop_reference(root, seed, observer)
    elif root.is_scalar:
        backprop_values_fast(root, seed)
    else:
        backprop_tensors_fast(root, seed, keep_grads)
    if root.is_scalar and OPEN_VIEWS:  # leaves of a Tensor's scalar view: their gradients
        send_views_home()              # go to the Tensor now


_NO_GRAPH = ("backward(): no gradient can flow from this result: it was computed inside "
             "no_grad(), or from constants only (requires_grad=False data, numbers, "
             "detach()), so it records no graph back to any weight; compute the loss outside "
             "no_grad(), from the model's parameters")


def backprop_reference(root, seed, observer=None) -> None:
    """The backward phase as the lecture writes it (any node kind, any op)."""
    topo = toposort(root, leaves=False)  # each node after its parents
    for node in topo:
        node.grad = node._GRAD0  # intermediates start from zero (None for a Tensor)
    if not topo:  # the root is a leaf: the seed is its gradient
        return root._accumulate(seed)
    root.grad = seed  # ∂L/∂L = 1
    index = 0
    for node in reversed(topo):
        upstream = node.grad  # ∂L/∂node: every contribution has arrived
        if upstream is None:  # a Tensor node that no gradient reached
            continue
        op, x = node._op, [p.data for p in node._parents]
        if op.has_partials:  # contribution = upstream × local derivative
            local = op.partials(node.math, node._consts, node.data, *x)
            contributions = [upstream * d for d in local]
        else:  # a vector-Jacobian product gives the contributions directly
            local = None
            contributions = op.vjp(node.math, node._consts, upstream, node.data, *x)
        for parent, c in zip(node._parents, contributions):
            if c is not None:
                parent._accumulate(c)  # += into each parent
        if observer is not None:
            observer(BackwardStep(index, node, upstream, local, contributions))
        index += 1


def backprop_values_fast(root, seed: float) -> None:
    """The fast path for a graph of Values, when nobody observes.

    The same order, the same products ``upstream · local`` and the same ``+=``
    as :func:`backprop_reference`, in the same floating-point order, so the
    gradients are identical; it only skips the bookkeeping (the list of
    contributions, the observer, the kind checks: a Value's parents are
    Values) and reads a Value's two parent fields directly (see
    :mod:`.value`) instead of building the tuple ``parents``.

    The three commonest ops take their local derivatives without calling
    ``partials``: Add's are (1, 1), and g·1.0 is g exactly, so g is added; Mul's
    are (b, a), the other parent's data; Dot's (w₁…wₙ, x₁…xₙ, w₀) are
    (x₁…xₙ, w₁…wₙ, 1), added in that parent order.
    ``tests/test_autograd_backward_loops.py`` ties them to ``Add.partials``,
    ``Mul.partials`` and ``Dot.partials`` (the same numbers, to the last bit, on
    ordinary and special floats) and the whole loop to the reference.
    """
    if root._op is None:
        root.grad += seed
        return
    topo = toposort_values(root)
    root.grad = seed
    B = root.math
    for node in reversed(topo):
        g = node.grad
        op = node._op
        a = node._a
        b = node._b
        if op is Add:  # Add.partials is (1.0, 1.0): g·1.0 is g, to the last bit
            a.grad += g
            b.grad += g
        elif op is Mul:  # Mul.partials(a, b) is (b, a): read here without the call
            a.grad += g * b.data
            b.grad += g * a.data
        elif op is Dot and type(a) is tuple:  # Dot.partials: ∂u/∂wᵢ = xᵢ, ∂u/∂xᵢ = wᵢ, ∂u/∂w₀ = 1
            n, bias = node._consts
            ws = a[:n]
            xs = a[n : 2 * n]
            for w, x in zip(ws, xs):
                w.grad += g * x.data
            for x, w in zip(xs, ws):
                x.grad += g * w.data
            if bias:
                a[-1].grad += g
        elif not op.has_partials:  # a custom vjp op on Values
            parents = node._parents
            for p, c in zip(parents, op.vjp(B, node._consts, g, node.data,
                                            *[p.data for p in parents])):
                if c is not None:
                    p.grad += c
        elif b is not None:  # two parents
            da, db = op.partials(B, node._consts, node.data, a.data, b.data)
            a.grad += g * da
            b.grad += g * db
        elif type(a) is not tuple:  # one parent
            a.grad += g * op.partials(B, node._consts, node.data, a.data)[0]
        else:  # three or more
            for p, d in zip(a, op.partials(B, node._consts, node.data, *[p.data for p in a])):
                p.grad += g * d


def toposort_values(root: Any) -> list:
    """:func:`toposort` (``leaves=False``) of a graph of Values, each node's gradient set to 0.

    The same walk in the same order as :func:`toposort`, reading the parent
    fields ``_a`` and ``_b`` of a Value directly; a test checks both orders agree.
    It recurses (a Python call per node costs less than pushing and popping two
    stack entries); a graph deeper than Python's recursion limit is walked again
    with an explicit stack (:func:`toposort_values_stack`), in the same order.
    """
    order: list[Any] = []
    try:
        _visit(root, set(), order)
    except RecursionError:  # a chain deeper than the recursion limit: no recursion
        return toposort_values_stack(root)
    return order


def _visit(node: Any, seen: set, order: list) -> None:
    """Depth first: each parent made by an op (in order), then ``node`` itself."""
    seen.add(node)
    a = node._a
    b = node._b
    if b is not None:  # two parents
        if a._op is not None and a not in seen:  # leaves are never visited
            _visit(a, seen, order)
        if b._op is not None and b not in seen:
            _visit(b, seen, order)
    elif type(a) is not tuple:  # one parent
        if a._op is not None and a not in seen:
            _visit(a, seen, order)
    else:  # three or more
        for p in a:
            if p._op is not None and p not in seen:
                _visit(p, seen, order)
    node.grad = 0.0  # intermediates start from zero
    order.append(node)


def toposort_values_stack(root: Any) -> list:
    """:func:`toposort_values` with an explicit stack instead of recursion (any depth)."""
    order = []
    seen: set[Any] = set()
    stack = [(root, False)]
    push = stack.append
    pop = stack.pop
    add = seen.add
    while stack:
        node, expanded = pop()
        if expanded:
            node.grad = 0.0  # intermediates start from zero
            order.append(node)
            continue
        if node in seen:  # pushed twice before it was expanded
            continue
        add(node)
        push((node, True))
        a = node._a
        b = node._b
        if b is not None:  # two parents: pushed last to first, as toposort does
            if b._op is not None and b not in seen:
                push((b, False))
            if a._op is not None and a not in seen:
                push((a, False))
        elif type(a) is not tuple:
            if a._op is not None and a not in seen:
                push((a, False))
        else:
            for p in reversed(a):
                if p._op is not None and p not in seen:
                    push((p, False))
    return order


def backprop_tensors_fast(root, seed, keep_grads: bool = True) -> None:
    """The fast path for a graph of Tensors, when nobody observes.

    The same order and the same products as :func:`backprop_reference`; what
    it saves is memory traffic, which is most of a Tensor step's time:

    * no contribution is computed for a parent that needs no gradient (data);
    * a local derivative 1.0 (Add) hands the upstream array on, no copy;
    * a local derivative that the op made fresh (``1 − σ²``) receives
      ``upstream · local`` in place: an op's partials are numbers, the arrays
      it was given, or new arrays the engine may overwrite;
    * a gradient is added in place into an array the node owns: a leaf's
      buffer, kept across steps, or one made in this pass for this node.

    Add's local derivatives are (1, 1) and Mul's (b, a) (``Add.partials``,
    ``Mul.partials``), read here without the call; Relu's is the indicator
    [x > 0], multiplied in as the boolean mask (no array of 1.0 and 0.0 made
    first, the same products); a node with one parent
    (tanh, relu, ...) takes the same steps as the general loop with the
    bookkeeping of several parents left out. ``tests/test_autograd_backward_loops.py``
    ties the loop to the reference, bit for bit.

    Cross-entropy's gradient at a softmax output (v_n at each row's true class,
    0 elsewhere) reaches the softmax node as it is, sparse, and the softmax's
    vjp takes it so (``Op.sparse_vjp``: :meth:`.Softmax.sparse_vjp`, the same
    bits); a second contribution to that node, or ``keep_grads``, makes it dense.

    ``keep_grads=False``: an intermediate node's gradient is dropped once it
    has been passed on to the parents (PyTorch keeps none by default either),
    so its memory is free for the next array, and one the pass made for the
    node is written over in place (relu's g·[x > 0]). Leaves keep theirs.
    """
    topo = toposort_tensors(root)  # each node's gradient set to None
    if not topo:
        return root._accumulate(seed)
    root._grad = seed
    # ids of the nodes whose gradient array is theirs alone (made in this pass)
    own: set[int] = set()
    for node in reversed(topo):
        g = node._grad
        if g is None:
            continue
        if not keep_grads:
            node._grad = None  # passed on below; nobody reads it after
        op = node._op
        parents = node._parents
        if type(g) is Scatter:  # one entry per row, from cross-entropy (see _add)
            rows, cols = g.index
            c = op.sparse_vjp(node._consts, node.data, rows, cols, g.value, g.picked)
            if c is not None and parents[0].requires_grad:
                _add(parents[0], c, True, own)
            if keep_grads or c is None:  # dense: readable as any gradient, or for the vjp
                g = g.added_to(None, node.data.shape, node.data.dtype)
                if keep_grads:
                    node._grad = g
            if c is not None:
                continue
        if not op.has_partials:  # a vjp (Affine, the softmax, cross-entropy): tested first
            fresh = op.fresh_vjp
            if len(parents) == 2:  # the common arity, without building a list
                a, b = parents
                ca, cb = op.vjp(node.math, node._consts, g, node.data, a.data, b.data)
                if ca is not None and a.requires_grad:
                    _add(a, ca, fresh, own)
                if cb is not None and b.requires_grad:
                    _add(b, cb, fresh, own)
                continue
            for p, c in zip(parents, op.vjp(node.math, node._consts, g, node.data,
                                            *[p.data for p in parents])):
                if c is not None and p.requires_grad:
                    _add(p, c, fresh, own)
        elif op is Add:  # Add.partials is (1.0, 1.0): g·1.0 is g, handed on without a copy
            for p in parents:
                if p.requires_grad:
                    _add(p, g, False, own)
        elif op is Mul:  # Mul.partials(a, b) is (b, a): each parent's is the other's data
            a, b = parents
            if a.requires_grad:
                c = _times(g, b.data)
                _add(a, c, True, own)
                if b is a:  # x·x: g·x again (the same bits as a second product)
                    _add(a, c, True, own)
                    continue
            if b.requires_grad:
                _add(b, _times(g, a.data), True, own)
        elif (op is Relu and type(g) is _ndarray and g.shape == parents[0].data.shape
              and g.dtype == parents[0].data.dtype):  # else: the one-parent branch below
            # Relu.partials is the indicator [x > 0]: g·1.0 and g·0.0 with True, False read
            # as 1.0, 0.0 are the bits of g·[x > 0]; into g itself where g is this pass's
            # array for this node, kept by nobody
            p = parents[0]
            if p.requires_grad:
                out = g if not keep_grads and id(node) in own else reusable(g.shape, g.dtype)
                _add(p, _multiply(g, p.data > 0.0, out=out), True, own)
        elif len(parents) == 1:  # tanh, relu, x**n, ...: the loop below for one parent
            p = parents[0]
            if not p.requires_grad:
                continue
            xd = p.data
            d = op.partials(node.math, node._consts, node.data, xd)[0]
            if type(d) is float and d == 1.0:
                _add(p, g, False, own)
            elif type(d) is _ndarray and d.shape == g.shape and d.dtype == g.dtype:
                if ((d.base is None or type(d.base) is Lease) and d is not node.data
                        and d is not xd):  # made by partials: written into
                    _add(p, _multiply(d, g, out=d), True, own)
                else:
                    _add(p, _multiply(g, d, out=reusable(g.shape, g.dtype)), True, own)
            else:
                _add(p, g * d, True, own)
        else:
            _partials_step(node, g, op, parents, own)


def _times(g, d):
    """g·d for a local derivative d that is a parent's data: into an array of the pool when
    d has g's shape and dtype, as the general loop forms it."""
    if type(d) is _ndarray and d.shape == g.shape and d.dtype == g.dtype:
        return _multiply(g, d, out=reusable(g.shape, g.dtype))
    return g * d


def _partials_step(node, g, op, parents, own: set) -> None:
    """One node of :func:`backprop_tensors_fast` whose op has partials and several parents."""
    x = [p.data for p in parents]
    local = op.partials(node.math, node._consts, node.data, *x)
    made: list[Any] = []  # fresh arrays already written into
    same: tuple | None = None  # (parent, d, g·d) of the last product, for x·x
    for p, d in zip(parents, local):
        if not p.requires_grad:
            continue
        if type(d) is float and d == 1.0:
            _add(p, g, False, own)
        elif (type(d) is _ndarray and (d.base is None or type(d.base) is Lease)
              and d.shape == g.shape
              and d.dtype == g.dtype and d is not node.data
              and all(d is not xi for xi in x) and all(d is not m for m in made)):
            made.append(d)
            _add(p, _multiply(d, g, out=d), True, own)
        elif type(d) is _ndarray and d.shape == g.shape and d.dtype == g.dtype:
            if same is not None and same[0] is p and same[1] is d:  # x·x: g·x again
                _add(p, same[2], True, own)  # (the same bits as a second product)
                continue
            c = _multiply(g, d, out=reusable(g.shape, g.dtype))
            same = (p, d, c)
            _add(p, c, True, own)
        else:
            _add(p, g * d, True, own)


def toposort_tensors(root: Any) -> list:
    """:func:`toposort` (``leaves=False``) of a graph of Tensors, each node's gradient set to None.

    The same walk in the same order (a test checks both agree), by recursion, as
    :func:`toposort_values`; a graph deeper than Python's recursion limit is
    sorted by :func:`toposort` itself.
    """
    if root._op is None:
        return []
    order: list[Any] = []
    try:
        _visit_tensor(root, set(), order)
    except RecursionError:  # a chain deeper than the recursion limit: no recursion
        order = toposort(root, leaves=False)
        for node in order:
            node._grad = None
    return order


def _visit_tensor(node: Any, seen: set, order: list) -> None:
    """Depth first: each parent made by an op (in order), then ``node`` itself."""
    seen.add(node)
    for p in node._parents:
        if p._op is not None and p not in seen:  # leaves are never visited
            _visit_tensor(p, seen, order)
    node._grad = None  # intermediates start from None (no gradient yet)
    order.append(node)


def _add(p, c, fresh: bool, own: set) -> None:
    """p.grad += c, in place where p's array is its own; ``fresh``: nobody else holds c."""
    grad = p._grad
    data = p.data
    # the common case first: the first contribution to p (an intermediate's, or a leaf's
    # after zero_grad), an array of p's shape and dtype, becomes p's gradient (0 + c = c)
    if (type(c) is _ndarray and (grad is None or type(grad) is ZeroGrad)
            and c.shape == data.shape and c.dtype == data.dtype):
        if type(grad) is ZeroGrad and not fresh:  # c is not ours: into the leaf's own buffer
            buf = grad.buffer  # (one pass), where it fits
            if (type(buf) is _ndarray and buf.shape == c.shape and buf.dtype == c.dtype
                    and buf.flags.writeable):
                _copyto(buf, c)
                p._grad = buf
                return
        if p._op is not None:  # an intermediate node: c is its gradient
            p._grad = c
            if fresh:
                own.add(id(p))
        else:  # a leaf: c itself when fresh, else a writable copy of its own
            p._grad = c if fresh else c.copy()
        return
    if (type(c) is Scatter and c.one_per_row and grad is None and p._op is not None
            and p._op.sparse_vjp is not None and len(p._parents) == 1):
        p._grad = c  # kept sparse for the op's sparse_vjp (the softmax's; see the loop)
        return
    if type(grad) is Scatter:  # a second contribution: the first made dense, as the reference
        grad = p._grad = grad.added_to(None, data.shape, data.dtype)
        own.add(id(p))
    if type(grad) is ZeroGrad:  # a leaf after zero_grad, c not an array of its shape and dtype
        if type(c) is not _ndarray:  # scattered (W[1:], W[0]): the leaf's own rule
            return p._accumulate(c)
        grad = p._grad = None  # broadcast or another dtype: the general way (below)
    if (type(c) is not _ndarray or c.shape != data.shape or c.dtype != data.dtype
            or grad is None or type(grad) is not _ndarray):  # or a node (create_graph)
        # broadcast, scattered or another dtype: the general way, in place into an owned array
        return p._accumulate(c, grad is not None and (p._op is None or id(p) in own))
    if (p._op is None or id(p) in own) and grad.flags.writeable and grad.shape == c.shape:
        _add_arrays(grad, c, out=grad)
    else:
        p._grad = _add_arrays(grad, c, out=reusable(grad.shape, grad.dtype))
        own.add(id(p))


def _checked(observer):
    """An observer that checks each step for NaN and inf, then passes it on."""

    def check(step):
        check_step(step)
        if observer is not None:
            observer(step)

    return check
