"""Gradient check on the picture: each leaf coloured by its relative error.

For each leaf v of L's graph the engine's ∂L/∂v is compared with the central
difference (L(v + ε) − L(v − ε)) / 2ε in float64. L is recomputed by applying
the recorded ops again (``apply(node.op, parents, node.consts)``, the engine's own
forward), so any graph can be checked, not only one built by a function.

Colours: green, relative error < 1e-6; amber, < 1e-3; red beyond. The title
names the worst leaf.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepgrad.autograd import apply, no_grad

from .record import graph_nodes, replay

__all__ = ["LeafErrors", "leaf_errors", "CHECK_SWATCHES"]

GOOD, FAIR, BAD = "#bbf7d0", "#fde68a", "#fca5a5"
CHECK_SWATCHES = [(GOOD, "gradcheck: rel. error < 1e-6"), (FAIR, "< 1e-3"), (BAD, "≥ 1e-3")]


@dataclass
class LeafErrors:
    """Per leaf (keyed by ``id``): (relative error, analytic, numeric)."""

    errors: dict
    leaves: dict

    @property
    def worst(self):
        """The leaf with the largest relative error, or None."""
        if not self.errors:
            return None
        return self.leaves[max(self.errors, key=lambda k: self.errors[k][0])]

    def fills(self, scene):
        """(box id → colour, a title note naming the worst leaf)."""
        fills = {}
        for k, (rel, _, _) in self.errors.items():
            bid = scene.owner.get(k)
            if bid is not None:
                fills[bid] = GOOD if rel < 1e-6 else FAIR if rel < 1e-3 else BAD
        w = self.worst
        if w is None:
            return fills, "gradcheck: no leaf to check"
        rel, a, n = self.errors[id(w)]
        name = w.label or f"the leaf of value {w.data!r}"
        return fills, (f"gradcheck: worst {name}, relative error {rel:.1e} "
                       f"(backward {a:.6g}, finite difference {n:.6g})")


def _forward(order, leaves_only):
    """L recomputed by the recorded ops, in float64 (the engine's own forward)."""
    new = {}
    with no_grad():
        for n in order:
            if n.op is None:
                new[id(n)] = n
            else:
                new[id(n)] = apply(n.op, tuple(new[id(p)] for p in n.parents), n.consts,
                                   kind=type(n))
    return float(np.sum(new[id(order[-1])].data))


def leaf_errors(roots, eps: float = 1e-6) -> LeafErrors:
    """Central differences against backward for every leaf that needs a gradient.

    Raises:
        ValueError: several roots, or backward has not run.
    """
    if len(roots) != 1:
        raise ValueError("check=True needs one scalar root L (draw(L, check=True))")
    record = replay(roots)
    if not record.done:
        raise ValueError("check=True compares gradients: call L.backward() first")
    order = graph_nodes(roots)
    errors, leaves = {}, {}
    for v in order:
        if v.op is not None or not v.label or not np.ndim(v.data) == 0:
            continue
        x0 = v.data
        try:
            v.data = x0 + eps
            fp = _forward(order, True)
            v.data = x0 - eps
            fm = _forward(order, True)
        finally:
            v.data = x0
        numeric = (fp - fm) / (2 * eps)
        analytic = float(record.grads[id(v)])
        rel = abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-8)
        errors[id(v)] = (rel, analytic, numeric)
        leaves[id(v)] = v
    return LeafErrors(errors, leaves)
