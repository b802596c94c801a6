"""Gradients as functions, and gradients of gradients: ``grad``, ``hvp``, ``hessian``.

:func:`grad` returns ∂L/∂x for the inputs you name, without touching any
``.grad`` (as ``torch.autograd.grad``). With ``create_graph=True`` the
gradients are nodes of the graph :mod:`.backward_graph` records, so they can
be differentiated again, or drawn: ``draw(g)`` shows the backward pass as a
graph of its own.

Second derivatives then need no new formula. For a loss L(θ) with gradient
g(θ) = ∇L and any fixed vector v,

    H·v = ∇_θ (g(θ) · v),     H = ∇²L(θ),  H_ij = ∂²L/∂θ_i∂θ_j,

so the Hessian-vector product :func:`hvp` is two backward passes, the first
recorded as a graph: it costs a few gradients, and H itself (n² numbers) is
never formed. Conjugate gradient needs only H·v. :func:`hessian` builds H
row by row (row i is ∇_x g_i), n + 1 passes: for small problems.

Newton's step on the lecture's quadratic L(x) = ½‖Ax − b‖²: g = Aᵀ(Ax − b) and
H = AᵀA, so x₁ = x₀ − H⁻¹g = (AᵀA)⁻¹Aᵀb, the minimum, in one step from any x₀.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike

from .backward import toposort
from .backward_graph import gradient_nodes
from .functional import nsum
from .grad_mode import enable_grad, no_grad
from .node import Node, NodeT
from .tensor import Tensor
from .value import Value

__all__ = ["grad", "hvp", "hessian"]


def _node_list(xs, what: str) -> list:
    xs = [xs] if isinstance(xs, Node) else list(xs)
    if not xs:
        raise ValueError(f"grad: {what} is empty; pass a node or a list of nodes")
    for i, x in enumerate(xs):
        if not isinstance(x, Node):
            raise TypeError(f"grad: {what}[{i}] must be a Value or Tensor, "
                            f"got {type(x).__name__}")
    return xs


def grad(outputs: Node | Sequence[Node], inputs: NodeT | Sequence[NodeT],
         grad_outputs: Any = None,
         create_graph: bool = False, retain_graph: bool | None = None) -> tuple[NodeT, ...]:
    """∂(Σⱼ vⱼ·outputⱼ)/∂inputᵢ for each input, with vⱼ = ``grad_outputs[j]`` (1 for a loss).

    Args:
        outputs: a node (the loss L) or a list of nodes.
        inputs: a node or a list of nodes (leaves or not) to differentiate
            with respect to.
        grad_outputs: ∂L/∂outputⱼ, one per output (numbers, arrays or
            nodes: a sequence of them, or one for a single output node);
            defaults to 1 for each, which needs one-element outputs.
        create_graph: the gradients are nodes of a recorded graph (the
            backward pass as a graph), to be differentiated again or drawn;
            otherwise they are leaves holding the numbers.
        retain_graph: accepted for PyTorch's signature; stepgrad never frees
            a graph during backward, so it is always retained.

    Returns:
        A tuple with one gradient per input, a node of the input's kind and
        shape. An input the outputs do not depend on gets zeros. No ``.grad``
        is read or changed.

    Raises:
        ValueError: a constant Tensor (``requires_grad=False``) as an input,
            or ``grad_outputs`` of the wrong length or shape.
        SecondDerivativeError: with ``create_graph``, an op whose derivative is
            not written in the engine's ops (the message names it).
    """
    one_output = isinstance(outputs, Node)
    outputs = _node_list(outputs, "outputs")
    inputs = _node_list(inputs, "inputs")
    for i, x in enumerate(inputs):
        if not getattr(x, "requires_grad", True):
            raise ValueError(f"grad: inputs[{i}] is a constant Tensor (requires_grad=False); "
                             "make it with requires_grad=True to differentiate with respect to it")
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif one_output:
        grad_outputs = [grad_outputs]
    grad_outputs = list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    seeds = [v if isinstance(v, Node) else y._lift(y._seed(v))
             for y, v in zip(outputs, grad_outputs)]
    with enable_grad() if create_graph else no_grad():
        grads = gradient_nodes(outputs, seeds, inputs)
    result = []
    for x in inputs:
        g = grads.get(x)
        if g is None and _through_scalar_view(x, outputs):
            raise ValueError(
                "grad: this Tensor reaches the outputs only through its scalar view "
                "(t.scalars(): leaf Values of its entries, not the Tensor itself); pass those "
                "Values as the inputs, grad(L, list(t.scalars().ravel()))")
        if g is None:  # the outputs do not depend on x
            g = x._lift(x.data * 0.0)
        elif not create_graph and g._op is not None:  # a seed node passed straight through
            g = g.detach()
        result.append(g)
    return tuple(result)


def _through_scalar_view(x, outputs) -> bool:
    """True when a leaf Value of x's scalar view is in the outputs' graph."""
    view = getattr(x, "_view", None)
    if view is None:
        return False
    leaves = set(map(id, view.values))
    return any(id(n) in leaves for o in outputs for n in toposort(o))


def hvp(f: Callable[[], Node], params: Node | Sequence[Node],
        v: Sequence[ArrayLike | Node]) -> list[np.ndarray | float]:
    """The Hessian-vector product H·v of the loss ``f()`` at the parameters θ.

    H·v = ∇_θ(∇_θL · v): one backward pass recorded as a graph (g = ∇L), the
    number g·v = Σᵢ Σ gᵢ⊙vᵢ, and one backward pass of that. H is never formed.

    Args:
        f: a closure with no arguments returning the loss L (a one-element
            node) computed from ``params``, e.g. ``lambda: mse(model(X), Y)``.
        params: the parameters θ, a list of Tensors (or Values).
        v: one vector per parameter, of its shape (arrays, numbers or nodes).

    Returns:
        H·v as a list: one array per Tensor parameter (a float per Value).
        Parameters' ``.grad`` are not touched.
    """
    params = _node_list(params, "params")
    v = list(v)
    if len(v) != len(params):
        raise ValueError(f"hvp: {len(v)} vectors for {len(params)} parameters")
    terms = []
    loss = f()
    gs = grad(loss, params, create_graph=True)
    for i, (p, g, vi) in enumerate(zip(params, gs, v)):
        if isinstance(vi, Node):
            vi = vi.data
        if np.shape(vi) != np.shape(p.data):
            raise ValueError(f"hvp: v[{i}] has shape {np.shape(vi)}, the parameter has shape "
                             f"{np.shape(p.data)}")
        terms.append(g * vi if p.is_scalar else (g * vi).sum())
    gv = nsum(terms)  # ∇L · v
    return [h.data for h in grad(gv, params)]


@overload
def hessian(f: Callable[[Value], Node], x: Value | float) -> float: ...
@overload
def hessian(f: Callable[[Tensor], Node],
            x: Tensor | np.ndarray | Sequence[float]) -> np.ndarray: ...
def hessian(f: Callable[[Any], Node], x: Any) -> np.ndarray | float:  # the overloads' union
    """∇²f at ``x``: H_ij = ∂²f/∂x_i∂x_j, for small problems (n + 1 backward passes).

    Args:
        f: a function of one node returning a one-element node.
        x: a Tensor, an array or a list (H has shape ``x.shape + x.shape``),
            or a Value or a number (H is f″(x), a float). The point is copied
            into a new leaf; ``x`` itself is not touched.

    Returns:
        The Hessian as an array (a float for a scalar x). Row i is ∇_x gᵢ with
        g = ∇f recorded as a graph.
    """
    if isinstance(x, Value) or isinstance(x, (int, float)):
        v = Value(float(x.data if isinstance(x, Value) else x))
        (g,) = grad(f(v), v, create_graph=True)
        return grad(g, v)[0].data
    t = Tensor(x.data if isinstance(x, Tensor) else x, dtype=np.float64)
    (gt,) = grad(f(t), t, create_graph=True)
    n = t.data.size
    rows = gt.reshape(n)
    H = np.empty((n, n))
    for i in range(n):
        H[i] = grad(rows[i], t)[0].data.reshape(n)
    return H.reshape(t.data.shape * 2)
