"""The network view's picture: ``draw_mlp``'s network with room for the numbers.

The same columns, order, bias units and folding as :func:`~.network.draw_mlp`
(:mod:`.network_layout`), every unit pinned, one edge per weight. The units are
wide enough to hold what the backward pass writes into them:

* input x_f: ``x₁ = 0.412``; hidden α_h: ``α₃ = 0.478`` and ``ε¹₃ = −0.0213``;
  output a_m: ``a₁ = 0.731``, ``y₁ = 1`` and ``ε²₁ = −0.269``; the loss box L;
* on each edge a label (hidden until its frame): the weight in the forward
  phase, ∂L/∂w when its gradient is computed.

Laid out once (one Graphviz call). :class:`Template` then gives every changing
text an ``id`` and leaves a ``<style>`` slot, so a frame is only new CSS and
new texts: in the browser (the HTML page's script) and in Python (the widget).
"""

from __future__ import annotations

import html
import re

from .network import fold_text, layer_title, unit_names
from .network_layout import Geometry, mlp_geometry
from .picture import Picture

__all__ = ["UNIT_W", "Template", "geometry", "picture", "edge_id", "label_id", "LOSS_ID",
           "CURRENT", "PARENT", "DONE", "ACTIVE", "DONE_EDGE"]

CURRENT, PARENT, DONE, ACTIVE = "#fca5a5", "#fde68a", "#bbf7d0", "#dc2626"
"""Fills: the step's unit (red), what it reads (amber), a unit whose ε is known
(green); the step's edges (red)."""
DONE_EDGE = "#64748b"
"""An edge whose ∂L/∂w is computed."""

UNIT_W, UNIT_H, OUT_H, GAP, DX = 1.4, 0.46, 0.64, 0.56, 2.7
LABEL_W, LABEL_H = 1.25, 0.2
FONT = "11"
LOSS_ID = "Lbox"
FILL = {"input": "#dbeafe", "hidden": "#ffffff", "output": "#fef3c7"}
EDGE_COLOR = "#cbd5e1"


def edge_id(l: int, j: int, k: int) -> str:
    return f"E{l}_{j}_{k}"


def label_id(l: int, j: int, k: int) -> str:
    return f"W{l}_{j}_{k}"


def out_height(classes) -> float:
    """An output unit's height: a₁, y₁, ε²₁ and, with class names, the class."""
    return OUT_H + (0.16 if classes else 0.0)


def geometry(sizes, classes=None) -> Geometry:
    """The columns of the network view: draw_mlp's, spaced for units that hold numbers."""
    gap = min(GAP, 6.2 / (max(len(c) for c in mlp_geometry(sizes).columns)))
    return mlp_geometry(sizes, gap=gap, dx=DX, out_gap=max(gap, out_height(classes) + 0.12))


def picture(p, geo: Geometry, texts: dict, loss_line: str):
    """The Digraph of pass ``p``; ``texts`` maps a node id to its lines (at their widest)."""
    sizes = p.model.sizes
    n_layers = len(sizes) - 1
    names = unit_names(sizes)
    folds = fold_text(geo, names)
    g = Picture(
        engine="neato",
        graph_attr={"layout": "neato", "splines": "line", "fontname": "Helvetica",
                    "outputorder": "edgesfirst", "pad": "0.15", "fontsize": FONT, "labelloc": "b",
                    "label": "\n".join(folds)},
        node_attr={"fontname": "Helvetica", "fontsize": FONT, "fixedsize": "true",
                   "penwidth": "1.2"},
        edge_attr={"arrowhead": "none", "color": EDGE_COLOR, "penwidth": "0.8"})
    for layer, column in enumerate(geo.columns):
        kind = "input" if layer == 0 else "output" if layer == n_layers else "hidden"
        g.node(f"title{layer}", layer_title(layer, n_layers, sizes[layer]), shape="plaintext",
               fixedsize="false", fontsize="14",
               pos=f"{column[0].x:.3f},{geo.top + 0.45:.3f}!")
        for s in column:
            pos = f"{s.x:.3f},{s.y:.3f}!"
            if s.unit == 0:
                g.node(s.id, "1", id=s.id, shape="square", style="filled", fillcolor="#e5e7eb",
                       width="0.3", pos=pos, tooltip="bias unit: x₀ = 1" if layer == 0
                       else "bias unit: α₀ = 1")
            elif s.unit is None:
                g.node(s.id, "⋮", id=s.id, shape="ellipse", style="filled", fillcolor="white",
                       color="white", width="0.6", height="0.42", fontsize="20", pos=pos,
                       tooltip=folds[geo.folded.index(layer)])  # filled when a step is there
            else:
                lines = texts[s.id] + ([f"({p.classes[s.unit - 1]})"]
                                       if kind == "output" and p.classes else [])
                g.node(s.id, "\n".join(lines), id=s.id, shape="ellipse", style="filled",
                       fillcolor=FILL[kind], width=str(UNIT_W),
                       height=str(out_height(p.classes) if kind == "output" else UNIT_H),
                       pos=pos, tooltip=names[layer][s.unit - 1])
    out = geo.columns[-1]
    lx = out[0].x + UNIT_W / 2 + 0.3 + 1.65 / 2
    g.node(LOSS_ID, "\n".join(texts[LOSS_ID] + [loss_line]), id=LOSS_ID, shape="box",
           style="rounded,filled", fillcolor="#fce7f3", width="1.65", height="0.5",
           pos=f"{lx:.3f},0!", tooltip="the loss of this sample")
    for s in out:
        g.edge(s.id, LOSS_ID, color="#f9a8d4")
    for l in range(1, n_layers + 1):
        for t in geo.columns[l - 1]:
            for h in geo.columns[l]:
                if t.unit is None or h.unit in (None, 0):  # no edge into a bias unit
                    continue
                _edge(g, p, l, t, h)
    return g


def _edge(g, p, l: int, t, h) -> None:
    j, k = t.unit, h.unit
    g.edge(t.id, h.id, id=edge_id(l, j, k), style="dashed" if j == 0 else "solid",
           tooltip=f"{p.weight(l, j, k).label} = {p.weight(l, j, k).data:.4g}")
    # the edge's label: just right of the tail unit, on the edge
    dx, dy = h.x - t.x, h.y - t.y
    d = UNIT_W / 2 + LABEL_W / 2 + 0.04  # the same x for every label of a column
    x, y = t.x + d, t.y + dy * d / dx
    g.node(label_id(l, j, k), "∂L/∂w = −0.00000", id=label_id(l, j, k),
           shape="box", style="filled,rounded", fillcolor="#fff7ed", color="#dc2626",
           penwidth="0.8", fontsize="9.5", width=str(LABEL_W), height=str(LABEL_H),
           margin="0.01", pos=f"{x:.3f},{y:.3f}!", **{"class": "elab"})


_NODE = re.compile(r'<g id="([^"]+)" class="node[^"]*">(.*?)</g>', re.S)
_TEXT = re.compile(r"<text([^>]*)>(.*?)</text>", re.S)


class Template:
    """Graphviz's SVG with an ``id`` on each changing text and a ``<style>`` slot.

    Args:
        svg: the SVG text; ``dynamic``: the node ids whose texts change.
        root: the ``id`` given to the ``<svg>`` element (CSS is scoped by it).

    ``text_ids`` lists ``{node}-t{i}`` (line i of the node) in document order.
    :meth:`render` gives the SVG of a frame: its CSS and its texts.
    """

    def __init__(self, svg: str, dynamic: set, root: str):
        svg = svg[svg.index("<svg"):]
        start = svg.index(">", svg.index("<svg")) + 1
        svg = (svg[:4] + f' id="{root}"' + svg[4:start]
               + '<style class="frame"></style>' + svg[start:])
        self.root = root
        pieces, last, self.text_ids = [], 0, []
        self._cuts = []  # (start, end, text id)
        for m in _NODE.finditer(svg):
            if m.group(1) not in dynamic:
                continue
            for i, t in enumerate(_TEXT.finditer(m.group(2))):
                tid = f"{m.group(1)}-t{i}"
                self.text_ids.append(tid)
                a = m.start(2) + t.start(1)
                pieces.append((a, f' id="{tid}"'))
                self._cuts.append((m.start(2) + t.start(2), m.start(2) + t.end(2), tid))
        out = []
        for at, text in pieces:
            out.append(svg[last:at])
            out.append(text)
            last = at
        out.append(svg[last:])
        self.tagged = "".join(out)
        self.svg = svg
        width = re.search(r'width="([\d.]+)pt"', svg)
        if width is None:
            raise ValueError("the layout program's SVG has no width in pt")
        self.width_pt = float(width.group(1))

    def render(self, css: str, texts: dict) -> str:
        """The SVG with ``css`` in its style slot and ``texts`` (text id → text)."""
        out, last = [], 0
        for start, end, tid in self._cuts:
            out.append(self.svg[last:start])
            out.append(html.escape(texts.get(tid, ""), quote=False))
            last = end
        out.append(self.svg[last:])
        return "".join(out).replace('<style class="frame"></style>',
                                    f'<style class="frame">{css}</style>', 1)
