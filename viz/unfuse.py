"""A fused op drawn as its primitive steps, for display only.

The engine computes u = Σ_f w_f·x_f + w₀ as one ``Dot`` node (fast, and one
backward step). ``expand_fused=True`` draws it as the sum it stands for: one
**×** box per term w_f·x_f and one **Σ** box, with the bias as an input of the
Σ. The engine graph and its numbers are unchanged: each w_f and x_f edge still
carries the Dot step's own local derivative and contribution (∂u/∂w_f = x_f),
each product's gradient is ∂L/∂u (∂u/∂(w_f·x_f) = 1), and the value of each
product is w_f·x_f of the recorded data.
"""

from __future__ import annotations

from .groups import op_class
from .scene import Box, Edge

__all__ = ["unfuse"]

_DOT = op_class("Dot")


def unfuse(scene) -> None:
    """Replace each drawn Σw·x box by its products and their sum (in place)."""
    for box in list(scene.boxes.values()):
        n = box.node
        if box.kind != "result" or n is None or n.op is not _DOT:
            continue
        count, bias = n.ctx
        args = n.parents
        incoming = {path[0][1]: e for e in scene.edges if e.dst == box.id
                    for path in e.paths if path and path[0][0] is n}
        kept = [e for e in scene.edges if e.dst != box.id]
        extras = []
        for i in range(count):
            pid = f"{box.id}p{i}"
            w, x = args[i], args[count + i]
            scene.boxes[pid] = Box(pid, "product", n, "", op="×", value=w.data * x.data,
                                   formula="f = w·x;  ∂f/∂w = x,  ∂f/∂x = w")
            for slot in (i, count + i):
                if slot in incoming:
                    e = incoming[slot]
                    kept.append(Edge("", e.src, pid, e.paths))
            kept.append(Edge("", pid, box.id, [], through=n))
            extras.append(pid)
        if bias and 2 * count in incoming:
            kept.append(incoming[2 * count])
        box.op = "Σ" if box.op == n.op.symbol else box.op.replace(n.op.symbol, "Σ")
        box.note = "+w₀" if bias else ""
        scene.edges = kept
        scene.extras[box.id] = extras
