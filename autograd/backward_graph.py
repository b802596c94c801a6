"""The backward pass as a graph: gradients that are nodes (``create_graph=True``).

The lecture's backward phase walks the graph in reverse topological order
and hands each parent ``upstream · local derivative``. :func:`gradient_nodes`
takes the same walk, with one difference: the upstream gradient, the local
derivatives and the contributions are *nodes*. Each op's ``partials`` (or
``vjp``) is evaluated on the nodes themselves with
:class:`~.graph_math.GraphMath` as the backend, so

    ∂L/∂x = Σ_children ∂L/∂child · ∂child/∂x

is recorded with the engine's own ops (Mul, Add, ...), and ∂L/∂x can be
differentiated again: ∂/∂θ (∂L/∂x) is one more backward pass, through the
graph this one built. A Hessian-vector product H·v = ∇_θ(∇_θL · v) is two
passes (:mod:`.higher_order`). No second derivative is written anywhere.

Only the nodes that lead to an input are walked and handed gradients, so the
recorded graph holds no step towards data. The plain backward
(:mod:`.backward`) is untouched: without ``create_graph`` nothing here runs.
"""

from __future__ import annotations

import numpy as np

from .arrays import broadcast_axes
from .backward import OPEN_VIEWS, send_views_home, toposort
from .grad_mode import enable_grad
from .graph_math import GraphMath
from .node import Node, apply
from .scatter import Scatter
from .shape_ops import ScatterAdd

__all__ = ["gradient_nodes", "backprop_graph", "SecondDerivativeError"]


class SecondDerivativeError(TypeError):
    """An op's derivative is not written in the engine's ops, so it has no graph."""


def _order(roots) -> list:
    """Every node the roots depend on, parents first (the engine's toposort, merged)."""
    seen, order = set(), []
    for r in roots:
        for n in toposort(r):
            if n not in seen:
                seen.add(n)
                order.append(n)
    return order


def gradient_nodes(roots, seeds, inputs) -> dict:
    """∂(Σⱼ seedⱼ·rootⱼ)/∂node for every node on a path from an input to a root.

    Args:
        roots: the nodes differentiated (a loss L, or several outputs).
        seeds: ∂L/∂rootⱼ, one node per root (1 for a loss).
        inputs: the nodes to differentiate with respect to; every node
            computed from them gets its gradient too.

    Returns:
        A dict ``{node: gradient node}`` (keys by identity); a node that no
        gradient reached is missing. Inside ``no_grad()`` the gradients are
        leaves holding the numbers; otherwise they are nodes of a graph.
    """
    order = _order(roots)
    leads = set(inputs)  # the nodes on a path from an input
    for n in order:
        if n._op is not None and any(p in leads for p in n._parents):
            leads.add(n)
    grads: dict = {}
    for r, s in zip(roots, seeds):
        if r in leads:
            grads[r] = _added(r, grads.get(r), s)
    for node in reversed(order):
        g = grads.get(node)
        if g is None or node._op is None:
            continue
        for p, c in zip(node._parents, _contributions(node, g, leads)):
            if c is not None and p in leads:
                grads[p] = _added(p, grads.get(p), c)  # += into each parent
    return grads


def _contributions(node, g, leads):
    """upstream · local for each parent, or the op's vjp, evaluated on nodes."""
    op, parents = node._op, node._parents
    if not op.second_order:
        raise SecondDerivativeError(_no_graph(op))
    try:
        if op.has_partials:
            local = op.partials(GraphMath, node._consts, node, *parents)
            return [_times(g, d) if p in leads else None for p, d in zip(parents, local)]
        return op.vjp(GraphMath, node._consts, g, node, *parents)
    except (TypeError, AttributeError) as e:  # numpy or math called on a node
        raise SecondDerivativeError(_no_graph(op) + f" ({type(e).__name__}: {e})") from e


def _no_graph(op) -> str:
    return (f"{op.name}: its derivative is not written in the engine's ops (the backend B "
            "and arithmetic), so it cannot be recorded as a graph and has no second "
            "derivative here; use create_graph=False, or write its partials/vjp with B")


def _times(g, d):
    """g·d, with no node for the common d = 1 (Add, Sum, identity, relu inside)."""
    if type(d) is float and d == 1.0:
        return g
    return g * d


def _added(p, old, c):
    """old + c as a node of p's shape: a scattered c placed, a broadcast c summed down."""
    if type(c) is Scatter:
        c = apply(ScatterAdd, (c.value,), (c.index, p.data.shape))
    elif not isinstance(c, Node):  # a constant contribution (a number or an array)
        c = p._lift(c)
    if not p.is_scalar and c.data.shape != p.data.shape:
        c = _unbroadcast(c, p.data.shape)
    return c if old is None else old + c


def _unbroadcast(c, shape: tuple):
    """``c`` summed down to ``shape`` (the adjoint of broadcasting), as nodes."""
    if c.data.ndim >= len(shape):
        axes = broadcast_axes(c.data.shape, shape)
        if axes:
            c = c.sum(axes, keepdims=True)
        if c.data.size == int(np.prod(shape)):
            return c.reshape(shape)
    return GraphMath.expand(c, shape)  # c smaller than shape (a 0-d constant derivative)


def backprop_graph(root, grad=None) -> None:
    """``root.backward(create_graph=True)``: each leaf's ``grad`` becomes a node.

    The leaves accumulate, as in the plain pass (a zero ``grad`` is replaced
    by the node, anything else gets the node added); intermediate nodes'
    ``grad`` hold the numbers, as after a plain backward. ``grad`` is ∂L/∂root
    (1 by default), a number, an array or a node.
    """
    seed = grad if isinstance(grad, Node) else root._lift(root._seed(grad))
    nodes = _order([root])
    leaves = [n for n in nodes if n._op is None and getattr(n, "requires_grad", True)]
    with enable_grad():
        grads = gradient_nodes([root], [seed], leaves)
    for n in nodes:
        if n._op is not None:
            g = grads.get(n)
            n.grad = n._GRAD0 if g is None else g.data
    for leaf in leaves:
        g = grads.get(leaf)
        if g is None:
            continue
        old = leaf.grad
        if old is None or (not isinstance(old, Node) and not np.any(old)):
            leaf.grad = g
        else:
            leaf.grad = old + g
    if root.is_scalar and OPEN_VIEWS:  # a Tensor's scalar view: its W.grad gets the numbers
        send_views_home()
