"""Backprop step by step: frames that are the engine's own backward steps.

``step_through(L)`` records ``L.backward(observer=...)`` (:mod:`.record`); frame
k is the engine's k-th :class:`~stepgrad.autograd.BackwardStep`:

* the current node in **red**, the parents it hands gradients to in **amber**,
  the nodes already finished in **green**;
* each grad row shows what has been added so far (``not computed yet`` before);
* an edge's ``∂ local ⇒ contribution`` appears at the step that adds it;
* the text panel (:mod:`.explain`) writes the step's arithmetic with numbers.

``mode="forward"`` steps the forward pass node by node in topological order.
``quiz=True`` asks the student each step's result before showing it
(:mod:`.quiz`: the question, the tolerance, the keys, the score).
The layout is computed once (one ``dot`` call); a frame only restyles it
(:mod:`.svgframe`). The frame logic (:meth:`Stepper.frame`) is a pure function
of k; the Jupyter player (:mod:`.widget`) and the HTML export (:mod:`.html`) only
show it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stepgrad.autograd import Node

from . import explain
from .derivation import Derivation, node_derivation
from .graph import EDGE_LABELS_MAX, MAX_NODES, Groups, Roots
from .html import save_frames, save_html
from .picture import Picture
from .quiz import node_questions
from .record import as_roots, graph_nodes, replay
from .render import ACTIVE, CURRENT, DONE, PARENT, edge_label, to_digraph
from .rows import box_rows, grad_text, text_width
from .scene import build_scene
from .svgframe import FrameSVG
from .widget import player

if TYPE_CHECKING:  # optional (the Jupyter player): only its names, for the annotations
    import ipywidgets

__all__ = ["Frame", "Stepper", "step_through"]


@dataclass(frozen=True)
class Frame:
    """What frame k shows: the current box, its parents' boxes, the finished
    boxes, the active edges, every changing row's text (key → text), the panel."""

    index: int
    node: object
    box: str
    parents: tuple
    done: frozenset
    edges: tuple
    texts: dict
    panel: str


def step_through(root: Roots, mode: str = "backward", *, collapse: str | None = None,
                 expand: Iterable[Node] = (), groups: Groups | None = None,
                 rankdir: str = "LR", fmt: str = ".4g", expand_fused: bool = False,
                 quiz: bool = False) -> Stepper:
    """A :class:`Stepper` over the backward (or forward) pass of ``root``.

    When ``root.backward()`` has not run yet this runs it (with the engine's
    observer) and the gradients stay, as after ``L.backward()``; leaves start
    from zero, as after ``zero_grad()``. When it has run, it is replayed and
    every gradient is restored afterwards. ``collapse``, ``expand``,
    ``groups`` and ``expand_fused`` are those of :func:`~.graph.draw`. With
    ``quiz=True`` the page and the widget ask each step's result before showing it
    (:mod:`.quiz`); the questions are ``stepper.questions``.

    This steps the engine's graph node by node. To watch backprop on the lecture's
    picture of the network (circles, one edge per weight, ε at the units), use
    :func:`~.network_stepper.step_network` ``(model, x, y)``: a graph L alone does not
    say which model, sample and target made it.
    """
    if mode not in ("backward", "forward"):
        raise ValueError(f"step_through: mode must be 'backward' or 'forward', got {mode!r}")
    roots = as_roots(root)
    size = len(graph_nodes(roots))
    if collapse is None and size > MAX_NODES:
        raise ValueError(
            f"step_through: the graph has {size} nodes; laying it out would take many seconds. "
            f"Pass collapse='neuron' or collapse='layer', or step a smaller graph (one sample)")
    return Stepper(roots, mode, collapse=collapse, expand=expand, groups=groups,
                   rankdir=rankdir, fmt=fmt, expand_fused=expand_fused, quiz=quiz)


class Stepper:
    """Frames of one pass over a graph laid out once. ``len(stepper)`` frames."""

    def __init__(self, roots: list[Node], mode: str, *, collapse: str | None = None,
                 expand: Iterable[Node] = (), groups: Groups | None = None, rankdir: str = "LR",
                 fmt: str = ".4g", expand_fused: bool = False, quiz: bool = False):
        self.roots, self.mode, self.fmt, self.quiz = roots, mode, fmt, bool(quiz)
        self.record = replay(roots, run=True) if mode == "backward" else replay(roots)
        self.scene = build_scene(roots, collapse=collapse, expand=expand, groups=groups,
                                 expand_fused=expand_fused)
        self.rankdir = rankdir
        order = graph_nodes(roots)
        self.index = {id(n): i for i, n in enumerate(order)}
        self._roles = explain.roles(self.scene.groups)
        self._names = self.scene.names
        view = "backward" if mode == "backward" else "forward"
        self.view = view
        if mode == "backward":
            self.nodes = [s.node for s in self.record.steps]
        else:
            self.nodes = [n for n in order if n.op is not None]
        self._rows = {}  # box id -> [(final text, key)]
        for box in self.scene.boxes.values():
            rows = [(r[0], self._key(r[1])) for r in
                    box_rows(box, view, self.record, fmt, self.scene.names) if r[1]]
            self._rows[box.id] = [r for r in rows if r[1] in self._dynamic_keys()]
        labelled = mode == "backward" and len(self.scene.edges) <= EDGE_LABELS_MAX
        self._edges = {e.id: edge_label(e, self.record, self._counts(), fmt)
                       for e in self.scene.edges} if labelled else {}
        self.initial = self._initial()
        self.deltas = [self._delta(k) for k in range(len(self.nodes))]
        self._layout: FrameSVG | None = None
        self._questions: list | None = None

    # ------------------------------------------------------------ frames

    def __len__(self) -> int:
        return len(self.nodes)

    def _key(self, key):
        return (key[0], self.index[id(key[1])])

    def _counts(self):
        return {k: len(v) for k, v in self.record.into.items()}

    def _dynamic_keys(self):
        if not hasattr(self, "_dyn"):
            if self.mode == "backward":
                self._dyn = {("grad", i) for i in self.index.values()}
            else:
                self._dyn = {("data", self.index[id(n)]) for n in self.nodes}
        return self._dyn

    def _initial(self) -> dict:
        texts = {}
        for rows in self._rows.values():
            for text, key in rows:
                texts[key] = ("grad not computed yet" if key[0] == "grad" else
                              text.rsplit(" ", 1)[0] + " ?")
        for eid in self._edges:
            texts[("edge", eid)] = ""
        return texts

    def _delta(self, k: int) -> dict:
        node = self.nodes[k]
        if self.mode == "forward":
            key = ("data", self.index[id(node)])
            return dict((kk, t) for rows in self._rows.values() for t, kk in rows if kk == key)
        step = self.record.steps[k]
        changed = {}
        for p in ([node] if k == 0 else []) + list(step.parents):
            key = ("grad", self.index[id(p)])
            if key in self.initial:  # a row that is drawn
                changed[key] = grad_text(p, self.record, self.fmt, upto=k + 1)
        for e in self.scene.edges:
            if e.id in self._edges and (e.through is node or
                                        any(path[-1][0] is node for path in e.paths)):
                changed[("edge", e.id)] = self._edges[e.id]
        return changed

    def frame(self, k: int) -> Frame:
        """Frame ``k`` (0 ≤ k < len): a pure function of the record."""
        if not 0 <= k < len(self):
            raise IndexError(f"frame {k}: the stepper has {len(self)} frames (0…{len(self) - 1})")
        texts = dict(self.initial)
        for d in self.deltas[:k + 1]:
            texts.update(d)
        owner = self.scene.owner
        node = self.nodes[k]
        box = owner[id(node)]
        parents = tuple(dict.fromkeys(owner[id(p)] for p in node.parents
                                      if id(p) in owner and owner[id(p)] != box))
        done = frozenset(owner[id(n)] for n in self.nodes[:k]) - {box}
        edges = tuple(e.id for e in self.scene.edges
                      if any(c is node for path in e.paths for c, _ in path))
        return Frame(k, node, box, parents, done, edges, texts, self._panel(k))

    def _panel(self, k: int) -> str:
        node = self.nodes[k]
        if self.mode == "forward":
            return explain.explain_forward(node, k, len(self), self._names)
        return explain.explain_step(self.record.steps[k], self.record, len(self),
                                    self._roles.get(id(node)), self._names)

    @property
    def questions(self) -> list:
        """Quiz mode's question of each frame (a :class:`~.quiz.Question` or None)."""
        if self._questions is None:
            self._questions = node_questions(self)
        return self._questions

    def text(self, k: int) -> str:
        """The text panel of frame k: the step's arithmetic with its numbers."""
        return self.frame(k).panel

    def box_names(self) -> dict:
        """Box id → the name a student reads for it (the node menu's and the off-screen
        markers'): each box's name, no two the same; constants have none."""
        names = self.scene.names
        seen: dict = {}
        out = {}
        for b in self.scene.boxes.values():
            if b.node is None or b.kind == "constant":
                continue
            label = b.title if b.kind in ("neuron", "loss") else names.get(id(b.node)) or b.title
            label = label or b.op or b.id
            seen[label] = seen.get(label, 0) + 1
            out[b.id] = label if seen[label] == 1 else f"{label} ({seen[label]})"
        return out

    def explain(self, node: Node) -> str:
        """∂L/∂node as the sum of one term per edge, with the engine's numbers."""
        return explain.explain_node(node, self.record, self._names)

    def derivation(self, fmt: str | None = None, every_weight: bool = False) -> Derivation:
        """The backward pass written out (:mod:`.derivation`): each node's ∂L/∂v as its
        chain-rule sum with the engine's numbers; ``.to_markdown()``, ``.to_latex()``,
        rendered in Jupyter. ``every_weight`` is the network view's (ignored here)."""
        if self.mode != "backward":
            raise ValueError("derivation: this stepper steps the forward pass and records no "
                             "backward pass; use step_through(L) (mode='backward')")
        return node_derivation(self.roots, self.record, self.scene.names, fmt or self.fmt)

    # ------------------------------------------------------------ pictures

    def digraph(self) -> tuple[Picture, dict[object, str]]:
        """The picture laid out for stepping: each changing row at the widest text any
        frame writes in it, so no frame's text runs past its box."""
        texts = {}
        for rows in self._rows.values():
            for text, key in rows:
                texts[key] = max(text, self.initial[key], key=text_width)
        for delta in self.deltas:
            for key, text in delta.items():
                if key in texts:
                    texts[key] = max(texts[key], text, key=text_width)
        title = ("Backward pass, step by step: grad = ∂L/∂node" if self.mode == "backward"
                 else "Forward pass, step by step")
        g = to_digraph(self.scene, self.view, self.record, title=title, fmt=self.fmt,
                       rankdir=self.rankdir, edge_labels=bool(self._edges),
                       texts=texts, keyed=self._key,
                       swatches=[(CURRENT, "current step"), (PARENT, "its parents"),
                                 (DONE, "finished")])
        return g, texts

    @property
    def layout(self) -> FrameSVG:
        """The one layout (one ``dot`` call, made on first use)."""
        if self._layout is None:
            g, texts = self.digraph()
            svg = g.pipe(format="svg").decode()
            rows = {b: [(texts[k], k) for _, k in r] for b, r in self._rows.items()}
            for eid, label in self._edges.items():
                rows[eid] = [(label, ("edge", eid))]
            self._layout = FrameSVG(svg, rows)
        return self._layout

    def styles(self, frame: Frame) -> dict:
        """The restyling of a frame: span key → value (fills, strokes, texts)."""
        values = dict(frame.texts)
        for b in frame.done:
            values[("fill", b)] = DONE
        for b in frame.parents:
            values[("fill", b)] = PARENT
        values[("fill", frame.box)] = CURRENT
        values[("stroke", frame.box)] = "#b91c1c"
        values[("width", frame.box)] = "3"
        for e in frame.edges:
            values[("estroke", e)] = ACTIVE
            values[("ewidth", e)] = "2.5"
        return values

    def svg(self, k: int, asking: bool = False) -> str:
        """Frame k as SVG text: the one layout, restyled; ``asking``: with its result
        hidden while quiz mode asks for it."""
        values = self.styles(self.frame(k))
        q = self.questions[k] if asking else None
        return self.layout.render({**values, **q.hide} if q else values)

    def widget(self) -> ipywidgets.DOMWidget:
        """The Jupyter player: previous, next, play, a slider, the panel."""
        return player(self)

    def save_html(self, path: str | os.PathLike[str], overwrite: bool = False) -> Path:
        """One self-contained HTML file (see :mod:`.html`); returns its path."""
        return save_html(self, path, overwrite=overwrite)

    def save_frames(self, folder: str | os.PathLike[str], overwrite: bool = False) -> list[Path]:
        """Every frame as its own SVG file, ``frame-001.svg`` …; returns the paths."""
        return save_frames(self, folder, overwrite=overwrite)

    def __repr__(self) -> str:
        return f"Stepper({self.mode}, {len(self)} frames, {len(self.scene.boxes)} boxes)"

