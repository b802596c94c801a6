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

import numpy as np

from .picture import Picture

__all__ = ["number", "to_digraph", "grad_text", "circled", "FILL", "CURRENT", "PARENT", "DONE",
           "ACTIVE", "box_rows"]

FILL = {"leaf": "#dbeafe", "constant": "#e5e7eb", "result": "#ffffff", "product": "#ffffff",
        "neuron": "#fef3c7",
        "layer": "#fde68a"}
CURRENT, PARENT, DONE, ACTIVE = "#fca5a5", "#fde68a", "#bbf7d0", "#dc2626"
"""The stepper's colours: the current node, its parents, the finished nodes, the active edges."""
CLUSTER = {"neuron": "#fbbf24", "layer": "#9ca3af", "loss": "#f472b6", "group": "#60a5fa"}
NOT_YET = "not computed yet"


def number(x, fmt: str = ".4g") -> str:
    """One number, or an array's shape and first entries."""
    if x is None:
        return "–"
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return type(x).__name__
    if arr.ndim == 0:
        return format(float(arr), fmt)
    text = np.array2string(arr, precision=3, threshold=6, edgeitems=2, separator=", ")
    return f"{arr.shape} {' '.join(text.split())}"


def circled(k: int) -> str:
    """①, ②, … for k = 1, 2, … (20 and beyond in brackets)."""
    return chr(0x2460 + k - 1) if 1 <= k <= 20 else f"({k})"


def grad_text(node, record, fmt=".4g", upto=None, terms=True) -> str:
    """The grad row: ``not computed yet``, the number, or ①c₁ + ②c₂ = sum.

    ``upto``: only the contributions of steps before this step index (a stepper frame).
    """
    if not record.done:
        return f"grad {NOT_YET}"
    cons = record.into.get(id(node), [])
    if upto is not None:
        cons = [c for c in cons if c.step < upto]
        if not cons:
            return "grad " + (number(record.steps[0].upstream, fmt)
                              if record.steps and record.steps[0].node is node else NOT_YET)
    total = cons[-1].total if cons else record.grads.get(id(node))
    if len(cons) < 2 or not terms:
        return f"grad {number(total, fmt)}"
    if len(cons) > 3:  # the edges carry the terms
        return f"grad {number(total, fmt)}"
    parts = " + ".join(f"{circled(k)}{number(c.value, fmt)}" for k, c in enumerate(cons, 1))
    return f"grad {parts} = {number(total, fmt)}"


def box_rows(box, view, record, fmt):
    """(text, dynamic key) rows of a box; the key marks rows a stepper frame changes."""
    title = box.title
    if box.kind == "result":
        head = (f"{title} = {box.op}" if title else box.op) + (f" {box.note}" if box.note else "")
    elif box.kind == "neuron":
        n = box.group.neuron
        name = n.out.label or title
        u = n.dot.label or "u"
        rows = [(f"{name} = {box.op}({u})" if box.op else f"{name} = Σw·x", None)]
        if n.act is not None:
            rows.append((f"{u} = {number(n.dot.data, fmt)}", ("data", n.dot)))
        rows.append((f"{name} = {number(n.out.data, fmt)}", ("data", n.out)))
        if view == "backward":
            rows.append((grad_text(n.out, record, fmt, terms=False), ("grad", n.out)))
        return rows
    elif box.kind == "layer":
        rows = [(title, None)]
        for o in box.outputs:
            text = f"{o.label or 'out'} = {number(o.data, fmt)}"
            rows.append((text, ("data", o)))
            if view == "backward":
                rows.append(("  " + grad_text(o, record, fmt, terms=False), ("grad", o)))
        return rows
    elif box.kind == "product":  # one term w·x of an expanded Σw·x: its grad is ∂L/∂u
        rows = [(box.op, None), (f"data {number(box.value, fmt)}", None)]
        if view == "backward":
            rows.append((grad_text(box.node, record, fmt, terms=False), ("grad", box.node)))
        return rows
    else:
        head = title
    rows = [(head, None)] if head else []
    rows.append((number(box.value, fmt) if box.kind == "constant" else
                 f"data {number(box.value, fmt)}", ("data", box.node)))
    if view == "backward" and box.kind != "constant":
        rows.append((grad_text(box.node, record, fmt), ("grad", box.node)))
    return rows


def html_label(rows) -> str:
    out = []
    for k, text in enumerate(rows):
        t = html.escape(text, quote=False)
        out.append(f"<B>{t}</B>" if k == 0 and len(rows) > 1 else t)
    return "<" + '<BR ALIGN="LEFT"/>'.join(out) + '<BR ALIGN="LEFT"/>>'


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


def legend(title: str, view: str, note: str = "", more=()) -> str:
    """The title, a note, and one swatch per colour the picture uses."""
    cells = [("#dbeafe", "leaf: input / weight"), ("#e5e7eb", "constant"),
             ("#ffffff", "result (op, label)")]
    if view == "backward":
        cells.append(("#ffffff", "edge: ∂ local ⇒ contribution"))
    cells += list(more)
    sw = "".join(f'<TD BGCOLOR="{c}" BORDER="1">{html.escape(t)}</TD>' for c, t in cells)
    sub = f'<TR><TD COLSPAN="{len(cells)}">{html.escape(note)}</TD></TR>' if note else ""
    return (f'<<TABLE BORDER="0" CELLSPACING="4"><TR><TD COLSPAN="{len(cells)}">'
            f'<FONT POINT-SIZE="15"><B>{html.escape(title)}</B></FONT></TD></TR>{sub}'
            f'<TR>{sw}</TR></TABLE>>')


def to_digraph(scene, view, record, *, title, note="", fmt=".4g", rankdir="LR",
               edge_labels=True, fills=None, texts=None, keyed=None, width=None,
               swatches=()) -> Picture:
    """The DOT picture. ``fills``: box id → colour; ``texts``: ``keyed(row key)`` → row
    text, replacing the rows a stepper changes."""
    g = Picture(graph_attr={"rankdir": rankdir, "label": legend(title, view, note, swatches),
                            "labelloc": "t", "labeljust": "l", "fontname": "Helvetica",
                            "nodesep": "0.1", "ranksep": "0.25"},
                node_attr={"fontname": "Helvetica", "fontsize": "10", "shape": "box",
                           "style": "filled", "margin": "0.06,0.03", "height": "0.3"},
                edge_attr={"fontname": "Helvetica", "fontsize": "9", "arrowsize": "0.6",
                           "color": "#4b5563"})
    if width:
        g.graph_attr["size"] = f"{width},100"  # scaled down to this many inches, never up
    fills = fills or {}
    in_cluster = set()

    def emit_box(target, box):
        rows = box_rows(box, view, record, fmt)
        if texts:
            rows = [(texts.get(keyed(key), t) if key else t, key) for t, key in rows]
        attrs = {"fillcolor": fills.get(box.id, FILL[box.kind]), "id": box.id}
        if box.formula:
            attrs["tooltip"] = box.formula
        if box.kind == "constant":
            attrs.update(fontsize="9", color="#9ca3af")
        target.node(box.id, html_label([t for t, _ in rows]), **attrs)

    for k, (group, ids, subs) in enumerate(scene.clusters):
        with g.subgraph(name=f"cluster_{k}") as c:
            c.attr(label=group.title, color=CLUSTER[group.kind], style="rounded,dashed",
                   fontsize="10")
            for j, (sub, sids, _) in enumerate(subs):
                with c.subgraph(name=f"cluster_{k}_{j}") as s:
                    s.attr(label=sub.title, color=CLUSTER[sub.kind], style="rounded",
                           fontsize="10")
                    for b in sids:
                        emit_box(s, scene.boxes[b])
                        in_cluster.add(b)
            for b in ids:
                if b not in in_cluster:
                    emit_box(c, scene.boxes[b])
                    in_cluster.add(b)
    for b, box in scene.boxes.items():
        if b not in in_cluster:
            emit_box(g, box)
    for k, stack in enumerate(scene.stacks):  # keep x₁…x_F in reading order
        with g.subgraph(name=f"stack_{k}") as st:
            st.attr(rank="same")
            for a, b in zip(stack, stack[1:]):
                st.edge(a, b, style="invis")
    counts = {k: len(v) for k, v in record.into.items()}
    for e in scene.edges:
        attrs = {"id": e.id}
        if scene.boxes[e.src].kind == "constant":
            attrs["color"] = "#9ca3af"
        elif view == "backward" and record.done and edge_labels:
            label = edge_label(e, record, counts, fmt)
            if label:
                attrs["label"] = label
                attrs["fontcolor"] = "#b91c1c"
        g.edge(e.src, e.dst, **attrs)
    return g
