"""The lecture's neuron-level picture of a multilayer perceptron.

``draw_mlp(MLP([6, 9, 2]))`` draws what the slides draw: Input ∈ ℝ⁶, Hidden ∈
ℝ⁹, Output ∈ ℝ², one circle per unit (x_f, α_h, a_m; α¹_h, α²_h, … with several
hidden layers) and one edge per weight w¹_fh, w²_hm.

Legend of the picture:

* a **circle** per unit, labelled x_f (inputs), α_h (hidden outputs) or a_m
  (outputs); a **grey square** ``1`` at the top of each layer but the last is
  its bias unit (x₀ = 1, α₀ = 1), whose edges are the biases w_0h, drawn dashed;
* an edge is **blue** for a positive and **red** for a negative weight (or
  gradient, with ``by="grad"``), its width proportional to the magnitude;
  hovering over an edge in the SVG shows its name and value;
* top to bottom in each column: the bias unit, then x₁ … x_F, α₁ … α_H,
  a₁ … a_M, each pinned at its place (:mod:`.network_layout`);
* a layer wider than 16 units is drawn folded, "x₁ x₂ x₃ ⋮ x₇₈₄": the "⋮"
  stands for the units in between, whose weights are not drawn; the caption
  says so;
* past ``max_edges`` weights only the strongest are drawn, and the caption
  says how many of how many.

:func:`mlp_edges` (the edges and their numbers, pure and testable) is kept
apart from :func:`draw_mlp` (styling, a ``graphviz.Digraph``). Node ids are
``L{layer}_{index}``, so the DOT text is the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepgrad.nn import Module
from stepgrad.nn.labels import mlp_names, sup, weight_name

from .network_layout import HEAD, Geometry, mlp_geometry
from .picture import Picture

__all__ = ["WeightEdge", "mlp_layers", "mlp_edges", "strongest", "draw_mlp", "drawn_edges",
           "unit_names", "layer_title", "fold_text"]

POSITIVE = "#2563ebc0"
NEGATIVE = "#dc2626c0"
BIAS_FILL = "#e5e7eb"
UNIT_FILL = {"input": "#dbeafe", "hidden": "#ffffff", "output": "#fef3c7"}
MAX_EDGES = 400


@dataclass(frozen=True)
class WeightEdge:
    """One weight of the picture: w^l_jk from unit j of layer l−1 to unit k of layer l.

    Attributes:
        layer: l, from 1 (w¹ joins the inputs to the first hidden layer).
        j: the index of the unit it comes from (0 the bias unit).
        k: the index of the unit it goes to, from 1.
        value: the weight, or its gradient ∂L/∂w^l_jk.
    """

    layer: int
    j: int
    k: int
    value: float

    @property
    def tail(self) -> str:
        return f"L{self.layer - 1}_{self.j}"

    @property
    def head(self) -> str:
        return f"L{self.layer}_{self.k}"

    @property
    def name(self) -> str:
        """w¹_fh with the numbers filled in, as ``stepgrad.nn.labels`` writes it: ``w¹₃₄``."""
        return weight_name(self.layer, self.j, self.k)


def mlp_layers(model) -> list:
    """The weight Tensors of ``model``'s layers, in order (shape (n_in + 1, n_out) each).

    Works for an ``MLP``, a ``Sequential`` (modules without weights, such as
    Dropout, are skipped) or a single ``Layer``.
    """
    layers = getattr(model, "layers", [model])
    weights = [m.weight for m in layers if getattr(m, "weight", None) is not None]
    weights = [w for w in weights if w.ndim == 2]
    if not weights:
        raise TypeError(f"draw_mlp needs an MLP, Sequential or Layer with 2-D weights, "
                        f"got {type(model).__name__}")
    for a, b in zip(weights, weights[1:]):
        if a.shape[1] + 1 != b.shape[0]:
            raise ValueError(f"layers do not chain: one has {a.shape[1]} outputs, the next "
                             f"expects {b.shape[0] - 1} inputs")
    return weights


def mlp_edges(model, by: str = "weight") -> list[WeightEdge]:
    """Every weight of ``model`` as a :class:`WeightEdge`, layer by layer, j then k.

    Args:
        by: ``"weight"`` (the values w^l_jk) or ``"grad"`` (∂L/∂w^l_jk after a
            backward pass).

    Raises:
        ValueError: an unknown ``by``, or ``by="grad"`` before any backward pass
            (every gradient None or 0).
    """
    if by not in ("weight", "grad"):
        raise ValueError(f"by must be 'weight' or 'grad', got by={by!r}")
    edges = []
    for l, W in enumerate(mlp_layers(model), 1):
        A = W.data if by == "weight" else W.grad
        if A is None:
            raise ValueError("by='grad' draws gradients, but w"
                             f"{l} has none yet: run a forward pass and loss.backward() first")
        A = np.asarray(A, dtype=float)
        edges += [WeightEdge(l, j, k + 1, float(A[j, k])) for j in range(A.shape[0])
                  for k in range(A.shape[1])]
    if by == "grad" and not any(e.value for e in edges):
        raise ValueError("by='grad' draws gradients, but every ∂L/∂w is 0: run a forward "
                         "pass and loss.backward() first")
    return edges


def strongest(edges: list, k: int) -> list:
    """At most ``k`` edges: in each layer its largest |value|, in their original order.

    The budget is shared equally between the layers (a layer with fewer
    weights than its share hands the rest on), so every layer stays visible;
    ties keep the earlier edge.
    """
    if len(edges) <= k:
        return list(edges)
    by_layer: dict = {}
    for i, e in enumerate(edges):
        by_layer.setdefault(e.layer, []).append(i)
    keep, left = [], k
    groups = sorted(by_layer.values(), key=len)
    for n, idx in enumerate(groups):
        take = min(len(idx), left // (len(groups) - n))
        keep += sorted(idx, key=lambda i: (-abs(edges[i].value), i))[:take]
        left -= take
    return [edges[i] for i in sorted(keep)]


def unit_names(sizes) -> list:
    """Per layer, the units' names from ``stepgrad.nn.labels``: x_f, α_h (α¹_h, α²_h, …), a_m."""
    inputs, layers = mlp_names(sizes)
    return [inputs] + [names.outputs for names in layers]


def layer_title(layer: int, n_layers: int, size: int) -> str:
    """"Input ∈ ℝ⁶", "Hidden ∈ ℝ⁹" ("Hidden 2 ∈ ℝ³" with several), "Output ∈ ℝ²"."""
    space = f"ℝ{sup(size)}"
    if layer == 0:
        return f"Input ∈ {space}"
    if layer == n_layers:
        return f"Output ∈ {space}"
    return f"Hidden ∈ {space}" if n_layers == 2 else f"Hidden {layer} ∈ {space}"


def fold_text(geo: Geometry, names: list) -> list:
    """One line per folded layer: which units the "⋮" stands for."""
    lines = []
    for layer in geo.folded:
        size, first = geo.sizes[layer], HEAD + 1
        lines.append(f"{names[layer][0]} … {names[layer][-1]} folded: ⋮ stands for "
                     f"{names[layer][first - 1]} … {names[layer][size - 2]} "
                     f"({size - HEAD - 1} units) and their weights")
    return lines


def drawn_edges(edges: list, geo: Geometry) -> list:
    """The edges whose both ends are drawn (not folded away)."""
    return [e for e in edges if geo.slot(e.layer - 1, e.j) is not None
            and geo.slot(e.layer, e.k) is not None]


def draw_mlp(model: Module, by: str = "weight", max_edges: int = MAX_EDGES) -> Picture:
    """The neuron-level picture of ``model`` as a ``graphviz.Digraph`` (legend: module doc).

    Args:
        model: an ``MLP`` (or a ``Sequential`` / ``Layer`` of 2-D weights).
        by: colour and thicken edges by ``"weight"`` or by ``"grad"`` (after backward).
        max_edges: draw at most this many edges, the strongest; the caption says so.

    Returns:
        graphviz.Digraph: shows inline in Jupyter; ``.source`` is the DOT text.
    """
    if not isinstance(max_edges, int) or max_edges < 1:
        raise ValueError(f"max_edges must be a positive int, got {max_edges!r}")
    weights = mlp_layers(model)
    sizes = [weights[0].shape[0] - 1] + [W.shape[1] for W in weights]
    n_layers = len(weights)
    geo = mlp_geometry(sizes)
    names = unit_names(sizes)
    edges = drawn_edges(mlp_edges(model, by), geo)
    shown = strongest(edges, max_edges)
    width = min(0.5, 0.9 * geo.gap)
    caption = "\n".join([_caption(by, len(shown), len(edges))] + fold_text(geo, names))
    g = Picture(
        engine="neato",
        graph_attr={"layout": "neato", "splines": "line", "fontname": "Helvetica",
                    "labelloc": "b", "fontsize": "13", "size": "9.5,9.5", "pad": "0.3",
                    "label": caption},
        node_attr={"fontname": "Helvetica", "fontsize": "13", "fixedsize": "true"},
        edge_attr={"arrowhead": "none"})
    for layer, column in enumerate(geo.columns):
        kind = "input" if layer == 0 else "output" if layer == n_layers else "hidden"
        x = column[0].x
        g.node(f"title{layer}", layer_title(layer, n_layers, sizes[layer]), shape="plaintext",
               fixedsize="false", fontsize="15", pos=f"{x:.3f},{geo.top + 0.5:.3f}!")
        for s in column:
            pos = f"{s.x:.3f},{s.y:.3f}!"
            if s.unit == 0:
                g.node(s.id, "1", shape="square", style="filled", fillcolor=BIAS_FILL,
                       width=f"{min(width, 0.32):.3f}", pos=pos, fontsize="11",
                       tooltip="bias unit: x₀ = 1" if layer == 0 else "bias unit: α₀ = 1")
            elif s.unit is None:
                g.node(s.id, "⋮", shape="plaintext", fontsize="20", pos=pos,
                       tooltip=fold_text(geo, names)[geo.folded.index(layer)])
            else:
                text = names[layer][s.unit - 1]
                g.node(s.id, text, shape="circle", style="filled", fillcolor=UNIT_FILL[kind],
                       width=f"{width:.3f}", pos=pos, tooltip=text)
    top = max((abs(e.value) for e in shown), default=0.0) or 1.0
    thickest = min(4.0, max(1.2, 4.0 * (100 / len(shown)) ** 0.5))  # thinner when crowded
    for e in shown:
        g.edge(e.tail, e.head, color=POSITIVE if e.value >= 0 else NEGATIVE,
               penwidth=f"{0.25 + (thickest - 0.25) * abs(e.value) / top:.2f}",
               style="dashed" if e.j == 0 else "solid",
               tooltip=f"{e.name} = {e.value:.4g}" if by == "weight"
               else f"∂L/∂{e.name} = {e.value:.4g}")
    return g


def _caption(by: str, shown: int, total: int) -> str:
    what = "w" if by == "weight" else "∂L/∂w"
    text = f"edge colour: sign of {what} (blue +, red −); width ∝ |{what}|; dashed: bias"
    if shown < total:
        text += f"\nshowing the {shown} strongest of {total} weights (max_edges={shown})"
    return text
