"""Styling: a :class:`~.scene.Scene` and a backward :class:`~.record.Record` as DOT.

Legend (drawn in the picture's title as well):

* **pale blue** box: a leaf, an input x_f or a weight w_fh (it gets a gradient);
* **grey** box: a constant, its value only (no gradient row);
* **white** box: a result, with the op that computed it (``+``, ``−``, ``×``,
  ``÷``, ``tanh``, ``Σw·x``) and its label;
* **amber** box: a collapsed neuron or layer (``collapse=``);
* backward view: ``grad`` is ∂L/∂node; an edge reads ``∂ local ⇒ contribution``,
  the local derivative and what the engine added (``+=``) to the parent's grad;
  ①, ②, … number the contributions a node used twice received, in the engine's order.

Node ids are the engine's topological indices (``n12``), so the DOT text is the
same on every run.
"""

from __future__ import annotations

import html

from .picture import Picture
from .rows import FONT_SIZE, box_rows, circled, html_label, number

__all__ = ["to_digraph", "edge_label", "legend", "FILL", "CURRENT", "PARENT", "DONE", "ACTIVE"]

FILL = {"leaf": "#dbeafe", "constant": "#e5e7eb", "result": "#ffffff", "product": "#ffffff",
        "neuron": "#fef3c7", "layer": "#fde68a", "loss": "#fce7f3"}
CURRENT, PARENT, DONE, ACTIVE = "#fca5a5", "#fde68a", "#bbf7d0", "#dc2626"
"""The stepper's colours: the current node, its parents, the finished nodes, the active edges."""
CLUSTER = {"neuron": "#fbbf24", "layer": "#9ca3af", "loss": "#f472b6", "group": "#60a5fa",
           "inputs": "#93c5fd"}


def edge_label(edge, record, parents_count, fmt=".4g") -> str:
    """``② ∂ local ⇒ contribution`` for one path; ``⇒ Σ`` when several merge."""
    if edge.through is not None:
        step = record.step_of(edge.through)
        return "" if step is None else f"∂ 1 ⇒ {number(step.upstream, fmt)}"
    cons = [record.by_edge.get((id(p[-1][0]), p[-1][1])) for p in edge.paths]
    if not cons or any(c is None for c in cons):
        return ""
    if len(cons) > 1:
        return f"⇒ {number(sum(c.value for c in cons), fmt)}"
    c = cons[0]
    lead = ""
    if parents_count.get(id(edge.paths[0][-1][0].parents[c.slot]), 0) > 1:
        k = [x.order for x in record.into[id(edge.paths[0][-1][0].parents[c.slot])]].index(c.order)
        lead = circled(k + 1) + " "
    local = None
    for child, slot in edge.paths[0]:
        step_local = record.contribution(child, slot)
        if step_local is None or step_local.local is None:
            local = None
            break
        local = step_local.local if local is None else local * step_local.local
    mid = f"∂ {number(local, fmt)} " if local is not None else ""
    return f"{lead}{mid}⇒ {number(c.value, fmt)}"


def legend(title: str, note: str = "", cells=()) -> str:
    """The title, a note, and one swatch per kind of box or label the picture shows."""
    cells = list(cells)
    span = max(1, len(cells))
    sw = "".join(f'<TD BGCOLOR="{c}" BORDER="1">{html.escape(t)}</TD>' for c, t in cells)
    sub = f'<TR><TD COLSPAN="{span}">{html.escape(note)}</TD></TR>' if note else ""
    return (f'<<TABLE BORDER="0" CELLSPACING="4"><TR><TD COLSPAN="{span}">'
            f'<FONT POINT-SIZE="15"><B>{html.escape(title)}</B></FONT></TD></TR>{sub}'
            + (f'<TR>{sw}</TR>' if cells else "") + '</TABLE>>')


def legend_cells(scene, labelled_edges: bool) -> list:
    """The swatches of what this picture shows, and nothing else."""
    weights = {id(w) for g in scene.groups for c in (g.children or [g]) if c.neuron
               for w in c.neuron.weights}
    kinds = {b.kind for b in scene.boxes.values()}
    leaves = [b for b in scene.boxes.values() if b.kind == "leaf"]
    cells = []
    if leaves:
        has_w = any(id(b.node) in weights for b in leaves)
        has_x = any(id(b.node) not in weights for b in leaves)
        what = "input / weight" if has_w and has_x else "weight" if has_w else "input"
        cells.append((FILL["leaf"], f"leaf: {what}"))
    if "constant" in kinds:
        targets = any(b.title for b in scene.boxes.values() if b.kind == "constant")
        cells.append((FILL["constant"], "target y / constant" if targets else "constant"))
    if kinds & {"result", "product"}:
        cells.append((FILL["result"], "result: its formula"))
    if "neuron" in kinds:
        cells.append((FILL["neuron"], "neuron: σ(u), u, its weights w and ∂L/∂w"))
    if "layer" in kinds:
        cells.append((FILL["layer"], "layer: its outputs"))
    if "loss" in kinds:
        cells.append((FILL["loss"], "loss L: each term, its value and ∂L/∂"))
    if labelled_edges:
        cells.append(("#ffffff", "edge: ∂ local ⇒ contribution"))
    return cells


def to_digraph(scene, view, record, *, title, note="", fmt=".4g", rankdir="LR",
               edge_labels=True, fills=None, texts=None, keyed=None, width=None,
               swatches=()) -> Picture:
    """The DOT picture. ``fills``: box id → colour; ``texts``: ``keyed(row key)`` → row
    text, replacing the rows a stepper changes.

    The order of x₁ … x_F, of each layer's weights and of its units (:func:`~.scene.
    build_scene`'s ``orders``) is fixed in the DOT itself: each list is a ``rank=same``
    subgraph chained by invisible edges, drawn inside the cluster that holds it.
    """
    g = Picture(graph_attr={"rankdir": rankdir, "labelloc": "t", "labeljust": "l",
                            "fontname": "Helvetica", "nodesep": "0.1", "ranksep": "0.25",
                            "remincross": "false"},
                node_attr={"fontname": "Helvetica", "fontsize": str(FONT_SIZE), "shape": "box",
                           "style": "filled", "margin": "0.06,0.03", "height": "0.3"},
                edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6",
                           "color": "#4b5563"})
    if width:
        g.graph_attr["size"] = f"{width},100"  # scaled down to this many inches, never up
    fills = fills or {}
    in_cluster = set()

    def emit_box(target, box):
        rows = box_rows(box, view, record, fmt, scene.names)
        if texts:
            rows = [(texts.get(keyed(r[1]), r[0]) if r[1] else r[0], *r[1:]) for r in rows]
        attrs = {"fillcolor": fills.get(box.id, FILL[box.kind]), "id": box.id}
        if box.formula:
            attrs["tooltip"] = box.formula
        if box.kind == "constant":
            attrs.update(color="#9ca3af")
        target.node(box.id, html_label(rows), **attrs)

    def emit_orders(target, ids, inside):
        for k, order in enumerate(scene.orders):
            if all(b in ids for b in order):
                with target.subgraph(name=f"order_{k}") as o:
                    o.attr(rank="same")
                    # with rankdir LR, dot and graphviz-pure draw a flat edge's head above
                    # its tail inside a cluster, and below it outside any cluster; with TB,
                    # the tail left of its head in both
                    up = inside and rankdir != "TB"
                    pairs = zip(order[1:], order) if up else zip(order, order[1:])
                    for a, b in pairs:
                        o.edge(a, b, style="invis")

    for k, (group, ids, _) in enumerate(scene.clusters):
        with g.subgraph(name=f"cluster_{k}") as c:
            c.attr(label=group.title, color=CLUSTER[group.kind], style="rounded,dashed",
                   fontsize="10")
            for b in ids:
                if b not in in_cluster:
                    emit_box(c, scene.boxes[b])
                    in_cluster.add(b)
            emit_orders(c, set(ids), True)
    for b, box in scene.boxes.items():
        if b not in in_cluster:
            emit_box(g, box)
    emit_orders(g, set(scene.boxes) - in_cluster, False)
    counts = {k: len(v) for k, v in record.into.items()}
    labelled = False
    for e in scene.edges:
        attrs = {"id": e.id}
        if scene.boxes[e.src].kind == "constant":
            attrs["color"] = "#9ca3af"
        elif view == "backward" and record.done and edge_labels:
            label = edge_label(e, record, counts, fmt)
            if label:
                attrs["label"] = label
                attrs["fontcolor"] = "#b91c1c"
                labelled = True
        g.edge(e.src, e.dst, **attrs)
    g.graph_attr["label"] = legend(title, note, legend_cells(scene, labelled) + list(swatches))
    return g
