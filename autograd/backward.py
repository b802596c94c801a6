"""The backward pass: the topological order and the one loop that walks it.

``backprop`` is one short loop: an iterative topological sort, the seed
∂L/∂L = 1, then each node in reverse order hands each parent its
contribution ``upstream · local derivative``, added with ``+=``. Pass an
``observer`` to see each step (:class:`BackwardStep`) in the order the engine
takes it; ``viz`` replays exactly these steps.
"""

from __future__ import annotations

__all__ = ["BackwardStep", "toposort", "backprop"]


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
