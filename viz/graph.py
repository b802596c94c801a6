"""Draw a computation graph: the forward view (values) or the backward view (gradients).

Extraction (:func:`extract`, and :mod:`.scene`: boxes and edges, pure and
testable) is kept apart from styling (:mod:`.render`). :func:`draw` returns a
``graphviz.Digraph``: it shows inline as SVG in Jupyter, ``.source`` is the
DOT text without the ``dot`` program, ``.pipe(format="svg")`` the SVG bytes.

The picture carries its legend in its title; see :mod:`.render` for the colours.
The backward view's numbers come from the engine itself: ``draw`` replays the
backward pass with the engine's observer and restores every gradient after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from stepgrad.autograd import Node

from .check import CHECK_SWATCHES, leaf_errors
from .picture import Picture
from .record import as_roots, graph_nodes, replay
from .render import to_digraph
from .scene import build_scene

__all__ = ["GraphNode", "extract", "draw", "MAX_NODES"]

Roots = Node | Sequence[Node]
"""What the pictures draw: one node (usually the loss L) or a list (a model's outputs)."""
Groups = Mapping[str, Iterable[Node]]
"""Explicit clusters ``{"title": [nodes]}``."""

MAX_NODES = 2000  # above this, laying out takes seconds: draw collapses by default
NOTEBOOK_INCHES = 9.2  # a collapsed picture is scaled to a notebook's ~900 px
EDGE_LABELS_MAX = 60  # edge labels on by default up to this many edges


@dataclass(frozen=True)
class GraphNode:
    """One node of the recorded graph: its topological ``id``, the ``node``, parent ids."""

    id: int
    node: object
    parents: tuple


def extract(root: Roots) -> list[GraphNode]:
    """The nodes ``root`` depends on, in the engine's topological order."""
    order = graph_nodes(as_roots(root))
    ids = {id(n): i for i, n in enumerate(order)}
    return [GraphNode(i, n, tuple(ids[id(p)] for p in n.parents)) for i, n in enumerate(order)]


def draw(root: Roots, view: str = "backward", *, collapse: str | None = None,
         expand: Iterable[Node] = (), groups: Groups | None = None, rankdir: str = "LR",
         fmt: str = ".4g", edge_labels: bool | None = None, max_nodes: int | None = MAX_NODES,
         highlight: Iterable[Node] = (), check: bool = False, title: str | None = None,
         grads: bool | None = None, expand_fused: bool = False) -> Picture:
    """The graph of ``root`` as a ``graphviz.Digraph``.

    Args:
        root: the node to draw (usually the loss L), or a list of nodes (a
            model's outputs a₁…a_M).
        view: ``"forward"`` (each node's label and value) or ``"backward"``
            (also ∂L/∂node, and on each edge the local derivative and the
            contribution it carries). Before ``backward()`` the gradients read
            "not computed yet".
        collapse: ``None``, ``"neuron"`` or ``"layer"``: draw each neuron
            (Σw·x and its activation, with its weights) or each layer as one box.
        expand: output nodes (α_h, a_m) whose neuron or layer stays expanded.
        groups: explicit clusters ``{"title": [nodes]}`` instead of the
            neuron/layer/loss clusters found from the graph's structure.
        rankdir: ``"LR"`` (left to right) or ``"TB"``.
        fmt: the number format.
        edge_labels: show ``∂ local ⇒ contribution`` on the edges (backward
            view); by default when there are at most 60 edges.
        max_nodes: above this many nodes a graph with neurons is collapsed by
            neuron (or by layer) unless ``collapse`` is given; ``None``: no limit.
        highlight: nodes to mark in red.
        check: compare each leaf's gradient with central differences and
            colour the leaf by its relative error (:mod:`.check`), the worst named.
        title: replaces the default title.
        expand_fused: draw each fused node as its primitive steps (:mod:`.unfuse`):
            Σw·x as its products w_f·x_f and their sum; tanh as e²ᵘ, e²ᵘ − 1,
            e²ᵘ + 1 and their ratio; log-softmax (cross-entropy from logits on
            a Tensor) as m = max u, u − m, e^(u−m), Σ, ln Σ. Display only: the
            graph, its numbers and its backward steps are the engine's; the extra
            boxes' values come from the recorded data by the primitive formulas
            (their tooltips say so), the fused box keeps the engine's stable value
            (tanh exact at ±1000), and the edges into and out of the group carry
            the engine's local derivative and contribution.
        grads: the older spelling of ``view``: ``grads=False`` is ``view="forward"``.

    Raises:
        TypeError: ``root`` is not a node or a list of nodes.
        ValueError: an unknown ``view`` or ``collapse``, or a graph larger
            than ``max_nodes`` with no neurons to collapse.
    """
    roots = as_roots(root)
    if grads is not None:
        view = "backward" if grads else "forward"
    if view not in ("forward", "backward"):
        raise ValueError(f"draw: view must be 'forward' or 'backward', got {view!r}")
    size = len(graph_nodes(roots))
    note = ""
    if collapse is None and max_nodes is not None and size > max_nodes:
        scene = build_scene(roots, groups=groups)
        if not scene.groups:
            raise ValueError(
                f"draw: the graph has {size} nodes; laying it out would take many seconds. "
                f"Draw a smaller expression, or pass max_nodes=None to draw it anyway")
        neurons = [c for g in scene.groups for c in (g.children or [g]) if c.neuron]
        left = size - sum(len(c.members) - 1 for c in neurons)  # boxes once collapsed
        collapse = "neuron" if left <= max_nodes else "layer"
        note = (f"{size} nodes: collapsed by {collapse} (collapse=None, max_nodes=None "
                f"draws every node)")
    scene = build_scene(roots, collapse=collapse, expand=expand, groups=groups,
                        expand_fused=expand_fused)
    record = replay(roots) if view == "backward" else replay([])
    fills, swatches = {}, []
    if check:
        errors = leaf_errors(roots)
        fills, check_note = errors.fills(scene)
        note = "; ".join(t for t in (note, check_note) if t)
        swatches = CHECK_SWATCHES
    for n in highlight:
        if id(n) in scene.owner:
            fills[scene.owner[id(n)]] = "#fca5a5"
    if edge_labels is None:  # a collapsed box shows its weights' ∂L/∂w itself
        edge_labels = len(scene.edges) <= EDGE_LABELS_MAX and collapse is None
    if view == "backward" and record.done and not edge_labels and collapse is None:
        note = "; ".join(t for t in (note, "edge labels off (edge_labels=True shows them)") if t)
    if title is None:
        title = ("Forward pass: each box shows its value" if view == "forward" else
                 "Backward pass: grad = ∂L/∂node" if record.done else
                 "Backward pass: gradients not computed yet (call L.backward())")
    return to_digraph(scene, view, record, title=title, note=note, fmt=fmt, rankdir=rankdir,
                      edge_labels=edge_labels, fills=fills, swatches=swatches,
                      width=NOTEBOOK_INCHES if collapse else None)

