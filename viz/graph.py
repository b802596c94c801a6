"""Draw a computation graph: forward values, and gradients after backward.

Extraction (:func:`extract`: nodes and edges, pure and testable) is kept apart
from styling and rendering (:func:`draw`, which returns a ``graphviz.Digraph``:
it shows inline as SVG in Jupyter, ``.source`` is the DOT text without the
``dot`` program, ``.pipe(format="svg")`` is the SVG in memory).

Legend of the picture:

* a **box** per node, with its label, ``data`` and ``grad`` (∂L/∂node);
* a **pale blue** box is a leaf with a label (an input x_f or a weight w_fh;
  a model's scalar view reads each w_fh out of its weight Tensor, which is
  not drawn), a
  **grey** box an unlabelled constant (a number lifted into the graph), a
  **white** box a result computed by an op;
* an **ellipse** is the op that computed the box it points to, with its
  symbol (``+``, ``×``, ``tanh``, ``Σw·x``) and constants (``n=2``);
* edges run forward, parent → op → result; a parent used twice (``a * a``)
  has two edges, numbered by the argument position.

Node ids are the nodes' topological indices, so the same graph gives the same
DOT text on every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepgrad.autograd import toposort

__all__ = ["GraphNode", "extract", "draw"]

LEAF_FILL = "#dbeafe"
CONST_FILL = "#e5e7eb"
RESULT_FILL = "#ffffff"


@dataclass(frozen=True)
class GraphNode:
    """One node of the picture.

    Attributes:
        id: the node's topological index (parents come first).
        node: the engine's Value or Tensor.
        parents: ids of its parents, in argument order.
    """

    id: int
    node: object
    parents: tuple

    @property
    def kind(self) -> str:
        """``"result"``, ``"leaf"`` (labelled), ``"constant"`` or ``"weight"``.

        A ``"weight"`` is one entry w_fh of a weight Tensor, read into the
        scalar view of a model (the ``Element`` op): drawn as the leaf it is
        to the student, without its Tensor.
        """
        op = self.node.op
        if op is not None:
            return "weight" if op.name == "element" else "result"
        return "leaf" if self.node.label else "constant"


def extract(root) -> list[GraphNode]:
    """The nodes ``root`` depends on, in the engine's topological order."""
    order = toposort(root)
    ids = {id(n): i for i, n in enumerate(order)}
    return [GraphNode(i, n, tuple(ids[id(p)] for p in n.parents)) for i, n in enumerate(order)]


def _number(x, fmt: str) -> str:
    if x is None:
        return "–"
    arr = np.asarray(x)
    if arr.ndim == 0:
        return format(float(arr), fmt)
    text = np.array2string(arr, precision=3, threshold=6, edgeitems=2, separator=", ")
    return f"{arr.shape} {' '.join(text.split())}"


def draw(root, *, grads: bool = True, rankdir: str = "LR", fmt: str = ".4f",
         highlight=()):
    """The graph of ``root`` as a ``graphviz.Digraph``.

    Args:
        root: the node to draw (usually the loss L).
        grads: show each node's ``grad`` under its ``data``.
        rankdir: ``"LR"`` (left to right) or ``"TB"`` (top to bottom).
        fmt: the number format of data and grad.
        highlight: nodes to outline in red (e.g. the node of a backward step).
    """
    import graphviz

    marked = {id(n) for n in highlight}
    g = graphviz.Digraph(graph_attr={"rankdir": rankdir}, node_attr={"fontname": "Helvetica"})
    items = extract(root)
    # a weight Tensor read only entry by entry (the scalar view) is not drawn
    behind_weights = {pid for it in items if it.kind == "weight" for pid in it.parents}
    for it in items:
        if it.kind != "weight":
            behind_weights.difference_update(it.parents)
    for item in items:
        if item.id in behind_weights:
            continue
        n = item.node
        rows = [n.label] if n.label else []
        rows.append(f"data {_number(n.data, fmt)}")
        if grads:
            rows.append(f"grad {_number(n.grad, fmt)}")
        fill = {"result": RESULT_FILL, "leaf": LEAF_FILL, "weight": LEAF_FILL,
                "constant": CONST_FILL}[item.kind]
        extra = {"color": "red", "penwidth": "2"} if id(n) in marked else {}
        g.node(f"n{item.id}", " | ".join(_escape(r) for r in rows), shape="record",
               style="filled", fillcolor=fill, **extra)
        if n.op is None or item.kind == "weight":
            continue
        op_id = f"op{item.id}"
        text = n.op.symbol + (f"\n{n.op.describe(n.ctx)}" if n.op.describe(n.ctx) else "")
        g.node(op_id, text, shape="ellipse", tooltip=n.op.formula)
        g.edge(op_id, f"n{item.id}")
        repeated = len(set(item.parents)) < len(item.parents)
        for slot, pid in enumerate(item.parents):
            g.edge(f"n{pid}", op_id, **({"label": str(slot)} if repeated else {}))
    return g


def _escape(text: str) -> str:
    for ch in "{}|<>":
        text = text.replace(ch, "\\" + ch)
    return text
