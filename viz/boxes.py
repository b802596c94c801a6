"""The picture's parts: the boxes, the arrows and the scene that holds them.

:mod:`.scene` makes them from the engine's recorded graph, :mod:`.unfuse` adds
the steps of a fused op, :mod:`.render` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Box", "Edge", "Scene"]


@dataclass(eq=False)
class Box:
    """One drawn node.

    ``kind`` is "leaf", "constant", "result", "neuron" or "layer" (a collapsed
    group); ``node`` is the engine node whose value and gradient it shows
    (``outputs`` for a layer); ``members`` the engine nodes it stands for.
    """

    id: str
    kind: str
    node: object
    title: str = ""
    op: str = ""
    note: str = ""
    formula: str = ""
    value: object = None
    members: list = field(default_factory=list)
    outputs: list = field(default_factory=list)
    group: object = None
    shown: list = field(default_factory=list)  # (node, value) rows of a collapsed loss


@dataclass(eq=False)
class Edge:
    """An arrow ``src → dst`` (box ids); ``paths`` are its engine (child, slot) chains."""

    id: str
    src: str
    dst: str
    paths: list
    through: object = None  # an expanded fused node: the edge carries ∂L/∂node × 1


@dataclass
class Scene:
    boxes: dict
    edges: list
    clusters: list  # (Group, [box ids], [sub-clusters])
    owner: dict  # id(engine node) -> box id
    order: list  # the engine nodes, in toposort order
    groups: list
    collapsed: str | None = None
    orders: list = field(default_factory=list)  # box id lists, each drawn top to bottom
    extras: dict = field(default_factory=dict)  # box id -> display-only boxes beside it
    names: dict = field(default_factory=dict)  # id(engine node) -> its name (:mod:`.names`)

    def box_of(self, node) -> Box | None:
        bid = self.owner.get(id(node))
        return None if bid is None else self.boxes[bid]
