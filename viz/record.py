"""What the engine did in one backward pass, recorded by its own observer.

``viz`` never re-implements the order or the arithmetic of backward: it runs
``root.backward(observer=...)`` and keeps each :class:`BackwardStep` together
with every parent's ``grad`` right after the step added to it. The drawing and
the stepper only read this record.

:func:`replay` leaves the graph as it found it (every ``grad`` restored), so
drawing the backward view of a graph never changes a gradient.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from stepgrad.autograd import Node, Value, dot, toposort
from stepgrad.autograd.scatter import Scatter

__all__ = ["as_roots", "graph_nodes", "backward_done", "Contribution", "Record", "replay"]


def as_roots(root) -> list:
    """``root`` as a non-empty list of nodes, or a TypeError saying what to pass."""
    if isinstance(root, Node):
        return [root]
    if isinstance(root, (list, tuple)) and root and all(isinstance(r, Node) for r in root):
        return list(root)
    what = type(root).__name__
    if isinstance(root, (list, tuple)):
        bad = [type(r).__name__ for r in root if not isinstance(r, Node)]
        what = f"a {what} holding {bad[0]}" if bad else f"an empty {what}"
    raise TypeError(
        f"stepgrad.viz: expected a Value or Tensor (e.g. the loss L), or a list of them "
        f"(e.g. a model's outputs [a1, ..., aM]); got {what}. Build the expression from "
        f"Values, e.g. L = half_sse(model(x), y), and pass L"
    )


def graph_nodes(roots) -> list:
    """Every node the roots depend on, parents first, in the engine's ``toposort`` order."""
    seen, order = set(), []
    for r in roots:
        for n in toposort(r):
            if n not in seen:
                seen.add(n)
                order.append(n)
    return order


def _nonzero(g) -> bool:
    return g is not None and bool(np.any(np.asarray(g) != 0))


def backward_done(roots) -> bool:
    """True when a gradient has reached the roots (``backward()`` was called)."""
    return any(_nonzero(r.grad) for r in roots)


def _copy(g):
    return g.copy() if isinstance(g, np.ndarray) else g


def _dense(c, parent):
    """A contribution as the array it adds: an indexing step's :class:`Scatter` (its G
    at idx) spread into zeros of the parent's shape, every other one copied."""
    if type(c) is Scatter:
        return c.added_to(None, np.shape(parent.data), np.result_type(parent.data, c.value))
    return _copy(c)


@dataclass(frozen=True)
class Contribution:
    """One ``+=`` of the backward pass: ``child`` handed ``value`` to its parent.

    Attributes:
        order: its position among all the ``+=`` of the pass (0, 1, ...).
        step: the index of the engine's step that made it.
        child: the node whose step it was; ``slot`` the parent's argument position.
        local: ∂child/∂parent, or None for an op that gives contributions directly.
        value: upstream · local, what was added.
        total: the parent's ``grad`` right after this ``+=``.
    """

    order: int
    step: int
    child: object
    slot: int
    local: object
    value: object
    total: object


@dataclass
class Record:
    """A backward pass as the engine took it (empty when backward has not run).

    Attributes:
        steps: the engine's :class:`BackwardStep` objects, in its order.
        into: for each parent node (keyed by ``id``), the contributions it
            received, in order.
        grads: each node's ``grad`` at the end of the pass (keyed by ``id``).
        done: True when gradients were computed.
    """

    steps: list = field(default_factory=list)
    into: dict = field(default_factory=dict)
    grads: dict = field(default_factory=dict)
    done: bool = False
    by_edge: dict = field(default_factory=dict)

    def contribution(self, child, slot):
        """The :class:`Contribution` ``child`` made to its parent ``slot`` (or None)."""
        return self.by_edge.get((id(child), slot))

    def step_of(self, node):
        for s in self.steps:
            if s.node is node:
                return s
        return None


def replay(roots, *, run: bool = False) -> Record:
    """Run the engine's backward with an observer and record what it did.

    The seed of each root is its current ``grad`` (what ``backward()`` gave it).
    A replay starts the leaves from zero, so the record is one pass, and
    restores every node's ``grad`` afterwards: the graph is left unchanged.
    Several roots (a model's outputs a₁…a_M) are seeded together through one
    temporary Σ gᵢ·aᵢ node whose own step is not recorded. With ``run``, a
    single root whose backward has not run gets the seed 1 and keeps its
    gradients: this *is* its backward pass, leaves accumulating as always.
    """
    if not backward_done(roots):
        if not (run and len(roots) == 1):
            return Record()
        seeds = [1.0 if np.ndim(roots[0].data) == 0 else np.ones_like(roots[0].data)]
    else:
        seeds = [_copy(r.grad) for r in roots]
    keep = not backward_done(roots)
    nodes = graph_nodes(roots)
    saved = [(n, _copy(n.grad)) for n in nodes]
    record = Record(done=True)
    counter = [0]

    def observe(step):
        if top is not None and step.node is top:
            return
        k = len(record.steps)
        record.steps.append(step)
        local = step.local
        for slot, (p, c) in enumerate(zip(step.parents, step.contributions)):
            con = Contribution(counter[0], k, step.node, slot,
                               None if local is None else local[slot], _dense(c, p), _copy(p.grad))
            counter[0] += 1
            record.into.setdefault(id(p), []).append(con)
            record.by_edge[(id(step.node), slot)] = con

    top = None
    try:
        for n in nodes:
            if n.op is None and not keep:  # a replay counts one pass; restored below
                n.zero_grad()
        if len(roots) == 1:
            roots[0].backward(seeds[0], observer=observe)
        else:
            top = _seed_node(roots, seeds)
            top.backward(observer=observe)
        record.grads = {id(n): _copy(n.grad) for n in nodes}
    finally:
        if not keep:
            for n, g in saved:
                n.grad = g
    return record


def _seed_node(roots, seeds):
    """Σᵢ gᵢ·aᵢ as one node, so one pass seeds every root aᵢ with its gᵢ."""
    if not all(isinstance(r, Value) for r in roots):
        raise TypeError("stepgrad.viz: the backward view of several roots needs Values; "
                        "draw the loss L instead")
    return dot([Value(float(g)) for g in seeds], roots)
