"""Backprop on the lecture's network picture, frame by frame: ``step_network(model, x, y)``.

The picture is :func:`~.network.draw_mlp`'s network (bias units included,
x₁ … x_F, α₁ … α_H, a₁ … a_M top to bottom) with the loss box L; the frames are
the lecture's (:mod:`.network_steps`), each a group of the engine's own backward
steps:

* forward phase: the sample enters x_f, each α_h then each a_m fills in, then L;
* backward phase: ∂L/∂L = 1; the output errors ε²_m on the output units; each
  ∂L/∂w²_hm on its edge; the hidden errors ε¹_h with their sum over m written
  out; each ∂L/∂w¹_fh on its edge.

Colours: **red** the unit (or edges) of this step, **amber** the units whose
numbers it reads, **green** units whose ε is known; an edge turns dark once its
∂L/∂w is computed, and the step's edges carry their number. The text panel
writes the step in the lecture's formulas (:mod:`.network_text`).

A frame is pure data (:meth:`NetworkStepper.frame`): the widget
(:mod:`.network_widget`) and the HTML page (:mod:`.network_html`) only show it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from numpy.typing import ArrayLike

from stepgrad.autograd import Value
from stepgrad.nn import MLP
from stepgrad.nn.labels import sub
from stepgrad.nn.losses import LossFn

from .derivation import Derivation
from .derivation_network import network_derivation
from .network_html import network_widget, save_network_html
from .network_pass import NetworkPass
from .network_picture import (
    ACTIVE,
    CURRENT,
    DONE,
    DONE_EDGE,
    LOSS_ID,
    PARENT,
    Template,
    edge_id,
    geometry,
    label_id,
    picture,
)
from .network_text import eps_name, loss_formula, num, panel, unit_name
from .quiz import network_questions

__all__ = ["step_network", "NetworkStepper", "NetworkFrame"]

if TYPE_CHECKING:  # optional (the Jupyter player): only its names, for the annotations
    import ipywidgets


@dataclass(frozen=True)
class NetworkFrame:
    """What frame k shows.

    Attributes:
        index: k, from 0 (pages and the widget count from 1).
        step: the :class:`~.network_steps.NetFrame` (kind, layer, unit, engine steps).
        current, parents: node ids drawn red and amber; ``done``: green.
        edges: the edge ids of this step (red, labelled); ``done_edges``: dark.
        texts: every changing text of the picture (text id → text).
        panel: the text panel; ``numbers``: the engine's numbers it shows.
    """

    index: int
    step: object
    current: tuple
    parents: tuple
    done: frozenset
    edges: tuple
    done_edges: frozenset
    texts: dict
    panel: str
    numbers: dict


def step_network(model: MLP, x: Sequence[Value | float] | ArrayLike, y: ArrayLike,
                 loss: str | LossFn = "half_sse", *, forward: bool = True,
                 classes: Sequence[str] | None = None, quiz: bool = False) -> NetworkStepper:
    """Backprop of one sample on the lecture's picture of ``model``.

    Args:
        model: an ``MLP`` (the 6-9-2 network: ``MLP([6, 9, 2])``).
        x: one sample, F numbers x_1 … x_F.
        y: its target, M numbers y_1 … y_M (or a class index, made one-hot).
        loss: the loss's name (``"half_sse"``, the lecture's ½Σ(a_m − y_m)²) or function.
        forward: start with the forward phase (α_h and a_m fill in); False: backward only.
        classes: the class name of each output a_m (``("setosa", …)``), drawn in its unit.
        quiz: ask each step's result before showing it, in the page and the widget
            (:mod:`.quiz`: the questions are ``stepper.questions``).

    Returns:
        A :class:`NetworkStepper`: ``.widget()`` in Jupyter, ``.save_html(path)``
        for one offline page, ``.text(k)`` / ``.svg(k)`` for frame k. The model's
        gradients are left as they were.
    """
    return NetworkStepper(NetworkPass(model, x, y, loss, forward=forward, classes=classes),
                          quiz=quiz)


class NetworkStepper:
    """The frames of one sample's pass, on one layout. ``len(stepper)`` frames."""

    _count = 0

    def __init__(self, p: NetworkPass, quiz: bool = False):
        self.p, self.quiz = p, bool(quiz)
        self.frames = p.frames
        self.geo = geometry(p.model.sizes, p.classes)
        self._names = self._lines()
        NetworkStepper._count += 1
        self.root = f"sgnet{NetworkStepper._count}"
        self.initial = self._initial()
        self.deltas = [self._delta(f) for f in self.frames]
        self._template: Template | None = None
        self._questions: list | None = None

    def __len__(self) -> int:
        return len(self.frames)

    # ------------------------------------------------------------ texts

    def _lines(self) -> dict:
        """Per unit node id: (name of its value, and of its error) as the picture writes them."""
        p = self.p
        out: dict[str, tuple[str, str | None]] = {}
        for f in range(1, p.model.n_in + 1):
            out[f"L0_{f}"] = (unit_name(p, 0, f), None)
        for l in range(1, p.n_layers + 1):
            for u in range(1, len(p.layer(l).sums) + 1):
                out[f"L{l}_{u}"] = (unit_name(p, l, u), eps_name(p, l, u))
        return out

    def _node_ids(self) -> set:
        ids = set(self._names) | {LOSS_ID}
        for l in range(1, self.p.n_layers + 1):
            W = self.p.layer(l).weights
            ids |= {label_id(l, j, k) for j in range(W.shape[0]) for k in range(1, W.shape[1] + 1)}
        return ids

    def _initial(self) -> dict:
        p, texts = self.p, {}
        known = not any(f.phase == "forward" for f in self.frames)
        for nid, (name, eps) in self._names.items():
            l, u = (int(s) for s in nid[1:].split("_"))
            value = (p.input_value(0, u) if l == 0 else p.output(l, u).data)
            texts[f"{nid}-t0"] = f"{name} = {num(value) if known else '?'}"
            if l == p.n_layers:
                texts[f"{nid}-t1"] = f"y{sub(u)} = {num(p.y[u - 1])}"
            if eps:
                texts[f"{nid}-t{2 if l == p.n_layers else 1}"] = f"{eps} = ?"
        texts[f"{LOSS_ID}-t0"] = f"L = {num(p.L.data) if known else '?'}"
        texts[f"{LOSS_ID}-t1"] = loss_formula(p.loss_name)
        return texts

    def _eps_line(self, l: int, u: int) -> tuple:
        line = 2 if l == self.p.n_layers else 1
        value = num(self.p.grad(self.p.output(l, u)))
        return f"L{l}_{u}-t{line}", f"{eps_name(self.p, l, u)} = {value}"

    def _delta(self, f) -> dict:
        p, d = self.p, {}
        if f.kind == "input":
            for u in range(1, p.model.n_in + 1):
                d[f"L0_{u}-t0"] = f"{unit_name(p, 0, u)} = {num(p.input_value(0, u))}"
        elif f.kind == "unit":
            d[f"L{f.layer}_{f.unit}-t0"] = (f"{unit_name(p, f.layer, f.unit)} = "
                                            f"{num(p.output(f.layer, f.unit).data)}")
        elif f.kind == "loss":
            d[f"{LOSS_ID}-t0"] = f"L = {num(p.L.data)}"
        elif f.kind == "eps":
            key, text = self._eps_line(f.layer, f.unit)
            d[key] = text
        for (l, j, k), text in self._labels(f).items():
            d[f"{label_id(l, j, k)}-t0"] = text
        return d

    def _labels(self, f) -> dict:
        """The edge labels of frame ``f``: (l, j, k) → text."""
        p = self.p
        if f.kind == "unit":
            n = p.layer(f.layer).weights.shape[0]
            return {(f.layer, j, f.unit): f"w = {num(p.weight(f.layer, j, f.unit).data)}"
                    for j in range(n) if self._drawn(f.layer, j, f.unit)}
        if f.kind == "dw":
            n = p.layer(f.layer).weights.shape[0]
            return {(f.layer, j, f.unit): f"∂L/∂w = {num(p.dw(f.layer, j, f.unit))}"
                    for j in range(n) if self._drawn(f.layer, j, f.unit)}
        if f.kind == "eps" and f.layer < p.n_layers:
            up = f.layer + 1
            return {(up, f.unit, k): f"w = {num(p.weight(up, f.unit, k).data)}"
                    for k in range(1, len(p.layer(up).sums) + 1) if self._drawn(up, f.unit, k)}
        return {}

    def _drawn(self, l: int, j: int, k: int) -> bool:
        """Whether the edge wˡ_jk is drawn (both its units are, none folded away)."""
        return self.geo.slot(l - 1, j) is not None and self.geo.slot(l, k) is not None

    # ------------------------------------------------------------ frames

    def frame(self, k: int) -> NetworkFrame:
        """Frame ``k`` (0 ≤ k < len): a pure function of the engine's record."""
        if not 0 <= k < len(self):
            raise IndexError(f"frame {k}: the stepper has {len(self)} frames (0…{len(self) - 1})")
        f = self.frames[k]
        texts = dict(self.initial)
        for d in self.deltas[:k + 1]:
            texts.update(d)
        current, parents = self._roles(f)
        done = frozenset(self._shown(g.layer, g.unit) for g in self.frames[:k]
                         if g.kind == "eps")
        edges = tuple(edge_id(*e) for e in self._labels(f))
        done_edges = frozenset(edge_id(g.layer, j, g.unit) for g in self.frames[:k]
                               if g.kind == "dw"
                               for j in range(self.p.layer(g.layer).weights.shape[0])
                               if self._drawn(g.layer, j, g.unit))
        return NetworkFrame(k, f, current, parents, done - set(current), edges, done_edges,
                            texts, panel(self.p, f), self.p.numbers(f))

    def _units(self, l: int) -> list:
        """The drawn nodes of layer l's units (bias first): a folded layer's "⋮" once."""
        n = self.p.model.n_in if l == 0 else len(self.p.layer(l).sums)
        first = 1 if l == self.p.n_layers else 0
        return list(dict.fromkeys(self._shown(l, u) for u in range(first, n + 1)))

    def _shown(self, l: int, u: int) -> str:
        """The node that shows unit u of layer l: its own, or the "⋮" of its folded layer
        (so a folded unit's frames light up the "⋮" that stands for it)."""
        return f"L{l}_{u}" if self.geo.slot(l, u) is not None else f"L{l}_fold"

    def _roles(self, f) -> tuple:
        """(current, parents): the node ids of the step and of what it reads."""
        top = self.p.n_layers
        here = self._shown(f.layer, f.unit) if f.unit is not None else ""
        if f.kind == "input":
            return tuple(self._units(0)[1:]), ()
        if f.kind == "unit":
            return (here,), tuple(self._units(f.layer - 1))
        if f.kind == "loss":
            return (LOSS_ID,), tuple(self._units(top))
        if f.kind == "start":
            return (LOSS_ID,), ()
        if f.kind == "eps" and f.layer == top:
            return (here,), (LOSS_ID,)
        if f.kind == "eps":
            return (here,), tuple(self._units(f.layer + 1))
        if f.kind == "act":
            return tuple(self._units(top)), ()
        return (here,), tuple(self._units(f.layer - 1))  # dw: the unit and what it read

    def css(self, frame: NetworkFrame) -> str:
        """The frame's colours as CSS, scoped to this picture's ``<svg id>``."""
        r = f"#{self.root}"
        shapes = lambda ids: ", ".join(f"{r} #{i} ellipse, {r} #{i} polygon, {r} #{i} path"
                                       for i in ids)  # path: the rounded loss box
        rules = [f"{r} .elab {{display: none}}"]
        if frame.done:
            rules.append(f"{shapes(sorted(frame.done))} {{fill: {DONE}}}")
        if frame.done_edges:
            rules.append(", ".join(f"{r} #{e} path" for e in sorted(frame.done_edges))
                         + f" {{stroke: {DONE_EDGE}; stroke-width: 1}}")
        if frame.parents:
            rules.append(f"{shapes(frame.parents)} {{fill: {PARENT}}}")
        rules.append(f"{shapes(frame.current)} {{fill: {CURRENT}; stroke: #b91c1c; "
                     f"stroke-width: 3}}")
        if frame.edges:
            rules.append(", ".join(f"{r} #{e} path" for e in frame.edges)
                         + f" {{stroke: {ACTIVE}; stroke-width: 2.5}}")
            rules.append(", ".join(f"{r} #W{e[1:]}" for e in frame.edges)
                         + " {display: inline}")
        return "\n".join(rules)

    # ------------------------------------------------------------ pictures

    @property
    def layout(self) -> Template:
        """The one layout (one Graphviz call, made on first use)."""
        if self._template is None:
            final = self._final()
            lines = {nid: [final[t] for t in sorted(final) if t.startswith(nid + "-")]
                     for nid in self._names}
            lines[LOSS_ID] = [final[f"{LOSS_ID}-t0"]]
            g = picture(self.p, self.geo, lines, loss_formula(self.p.loss_name))
            self._template = Template(g.pipe(format="svg").decode(), self._node_ids(), self.root)
        return self._template

    def _final(self) -> dict:
        texts = dict(self.initial)
        for d in self.deltas:
            texts.update(d)
        return texts

    def svg(self, k: int, asking: bool = False) -> str:
        """Frame k as SVG text: the one layout with the frame's CSS and texts;
        ``asking``: with its result hidden while quiz mode asks for it."""
        lay = self.layout
        f = self.frame(k)
        q = self.questions[k] if asking else None
        return lay.render(self.css(f), {**f.texts, **q.hide} if q else f.texts)

    @property
    def questions(self) -> list:
        """Quiz mode's question of each frame (a :class:`~.quiz.Question` or None)."""
        if self._questions is None:
            self._questions = network_questions(self)
        return self._questions

    def text(self, k: int) -> str:
        """The text panel of frame k."""
        return self.frame(k).panel

    def derivation(self, fmt: str = ".4g", every_weight: bool = False) -> Derivation:
        """The backward pass written out in the lecture's symbols (:mod:`.derivation_network`):
        ε²_m, ∂L/∂w²_hm = ε²_m σ′(v_m) α_h, ε¹_h = Σ_m ε²_m σ′(v_m) w²_hm, ∂L/∂w¹_fh, with the
        engine's numbers; ``.to_markdown()``, ``.to_latex()``, rendered in Jupyter.
        ``every_weight``: one line per weight even in a layer of more than 12."""
        return network_derivation(self.p, fmt, every_weight)

    def widget(self) -> ipywidgets.VBox:
        """The Jupyter player (ipywidgets): buttons, a slider, the picture, the text."""
        return network_widget(self)

    def save_html(self, path: str | os.PathLike[str], overwrite: bool = False,
                  links: Sequence[tuple[str, str]] = ()) -> Path:
        """One self-contained HTML page (see :mod:`.network_html`); returns its path."""
        return save_network_html(self, path, overwrite=overwrite, links=links)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """In Jupyter, ``step_network(...)`` on the last line shows the player."""
        try:
            return self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        except ImportError:
            return {"text/plain": repr(self)}

    def __repr__(self) -> str:
        return f"NetworkStepper({self.p.model.sizes}, {len(self)} frames)"
