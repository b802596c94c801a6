"""A recorded backward pass written out as a derivation: Markdown with LaTeX, or LaTeX alone.

``step_through(L).derivation()`` (or ``derivation_of(L)`` after ``L.backward()``)
writes, for every node the engine's backward pass reached, the chain rule
with the engine's numbers filled in:

    ∂L/∂v = Σ over the nodes c that use v of ∂L/∂c · ∂c/∂v
          = (upstream)·(local) + …   = contribution + …   = v.grad

first for the intermediate nodes in the engine's order (so every ∂L/∂c a line
reads was derived on a line above it), then for each leaf: what ``backward()``
leaves in ``.grad``. A node used twice (``a*a``, a reused sub-expression) has
one numbered term per use, ``(1)``, ``(2)``, summed, as the stepper shows them.

``step_network(model, x, y).derivation()`` writes the same pass in the
lecture's symbols (:mod:`.derivation_network`): the output errors ε²_m, each
∂L/∂w²_hm = ε²_m σ′(v_m) α_h, the hidden errors ε¹_h = Σ_m ε²_m σ′(v_m) w²_hm,
each ∂L/∂w¹_fh = ε¹_h σ′(u_h) x_f.

Nothing is derived a second time: every number is read from the engine's
record (:mod:`.record`): each edge's upstream gradient ``∂L/∂c``, its local
derivative ``∂c/∂v`` and the contribution it added, and the running total after
the last ``+=``. Names are the picture's (:mod:`.names`), in LaTeX (:mod:`.tex`);
a name longer than a formula line can hold is written z_k and defined once.

A :class:`Derivation` shows itself rendered in Jupyter (``_repr_markdown_``);
``.to_markdown()`` gives Markdown for a notebook or GitHub (``$…$``, ``$$`` with
``\\begin{aligned}``), ``.to_latex()`` a fragment for an ``amsmath`` document
(``align*``), to paste into slides or an exam.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from stepgrad.autograd import Node
from stepgrad.autograd.nary_ops import Dot, Sum
from stepgrad.nn.labels import sub

from .names import definition
from .record import Record, as_roots, backward_done, graph_nodes, replay
from .scene import build_scene
from .tex import check_tex, partial, tex_factor, tex_name, tex_number, text_to_tex

__all__ = ["Derivation", "Block", "derivation_of", "node_derivation"]

NAME_MAX = 12  # a picture name longer than this is written z_k in the derivation


@dataclass(frozen=True)
class Block:
    """One piece of a derivation.

    Attributes:
        kind: ``"heading"``, ``"text"`` (prose; math inside ``$…$``), ``"align"``
            (formula rows, each with one ``&`` before its first ``=``) or ``"math"``
            (one display formula, e.g. an ``array`` of ∂L/∂w).
        text: the heading, the prose or the display formula.
        rows: the rows of an ``"align"`` block.
    """

    kind: str
    text: str = ""
    rows: tuple = ()


@dataclass
class Derivation:
    """A backward pass written out: blocks of prose and formulas (see the module doc)."""

    blocks: list = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(Block("heading", text))

    def text(self, text: str) -> None:
        self.blocks.append(Block("text", text))

    def align(self, rows: list) -> None:
        if rows:
            self.blocks.append(Block("align", rows=tuple(rows)))

    def math(self, tex: str) -> None:
        self.blocks.append(Block("math", tex))

    def formulas(self) -> list:
        """Every formula line (an align row without its ``&``, a display formula, the
        inline math of prose): what a math parser is asked to read."""
        out = []
        for b in self.blocks:
            if b.kind == "align":
                out += [r.replace("&", "") for r in b.rows]
            elif b.kind == "math":
                out.append(b.text)
            else:
                out += b.text.split("$")[1::2]
        return out

    def to_markdown(self) -> str:
        """Markdown with LaTeX: renders in Jupyter and on GitHub."""
        parts = []
        for b in self.blocks:
            if b.kind == "heading":
                parts.append(f"#### {b.text}")
            elif b.kind == "text":
                parts.append(b.text)
            elif b.kind == "align":
                parts.append("$$\n\\begin{aligned}\n" + " \\\\\n".join(b.rows)
                             + "\n\\end{aligned}\n$$")
            else:
                parts.append(f"$$\n{b.text}\n$$")
        return "\n\n".join(parts) + "\n"

    def to_latex(self) -> str:
        """LaTeX alone: a fragment for a document with ``\\usepackage{amsmath}``."""
        parts = ["% written by stepgrad (derivation of a recorded backward pass); "
                 "needs \\usepackage{amsmath}"]
        for b in self.blocks:
            if b.kind == "heading":
                parts.append(f"\\paragraph{{{text_to_tex(b.text)}}}")
            elif b.kind == "text":
                parts.append(text_to_tex(b.text))
            elif b.kind == "align":
                parts.append("\\begin{align*}\n" + " \\\\\n".join(b.rows) + "\n\\end{align*}")
            else:
                parts.append(f"\\[\n{b.text}\n\\]")
        return "\n\n".join(parts) + "\n"

    def check(self) -> list:
        """The problems :func:`~.tex.check_tex` finds in the LaTeX (empty when none)."""
        return check_tex(self.to_latex())

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self) -> str:
        return self.to_markdown()

    def __repr__(self) -> str:
        rows = sum(len(b.rows) or 1 for b in self.blocks if b.kind in ("align", "math"))
        return f"Derivation({rows} formula lines; .to_markdown(), .to_latex())"


def derivation_of(source: object, fmt: str = ".4g", every_weight: bool = False) -> Derivation:
    """The derivation of a recorded backward pass (see the module docstring).

    Args:
        source: a backward stepper (``step_through(L)``, ``step_network(model, x, y)``),
            or the loss L itself after ``L.backward()``.
        fmt: how numbers are written (the panels' ``".4g"``: 4 significant digits).
        every_weight: on a network, one line per weight even for a wide layer
            (otherwise a layer of more than 12 weights is one array of ∂L/∂w).

    Raises:
        TypeError: ``source`` is not a recorded pass (nor a Value).
        ValueError: the pass has no backward record (``L.backward()`` not run, or a
            forward stepper).
    """
    if isinstance(source, Node) or (isinstance(source, (list, tuple)) and source):
        roots = as_roots(source)
        if not backward_done(roots):
            raise ValueError("derivation: no backward pass is recorded for this graph: "
                             "call L.backward() first, or pass step_through(L), which runs it")
        return node_derivation(roots, replay(roots), _names(roots), fmt)
    method = getattr(source, "derivation", None)
    if callable(method):
        return method(fmt=fmt, every_weight=every_weight)
    raise TypeError(f"derivation: expected a recorded backward pass (step_through(L), "
                    f"step_network(model, x, y)) or the loss L after L.backward(); got "
                    f"{type(source).__name__}")


def _names(roots) -> dict:
    return build_scene(roots).names


def _scalar(x):
    arr = np.asarray(x, dtype=float) if x is not None else None
    return None if arr is None or arr.ndim else float(arr)


def _tex_names(order, names: dict, fmt: str) -> tuple:
    """id → LaTeX name, and the rows defining the z_k: an unlabelled result whose picture
    name is longer than ``NAME_MAX`` or shared with another node is written z_k, defined by
    its expression in its parents' names (a weighted sum in full) and its value."""
    count: dict = {}
    for n in order:
        count[names.get(id(n), "")] = count.get(names.get(id(n), ""), 0) + 1
    short = dict(names)
    out: dict = {}
    where: list = []
    for n in order:
        name = names.get(id(n)) or ""
        if n.op is not None and not n.label and (len(name) > NAME_MAX or count[name] > 1
                                                  or not name):
            z = "z" + sub(len(where) + 1)
            expression = _expression(n, names, short)
            short[id(n)] = z
            where.append(f"{tex_name(z)} &= {tex_name(expression)} = "
                         f"{tex_number(n.data, fmt)}")
        out[id(n)] = tex_name(short.get(id(n)) or name)
    return out, where


def _expression(node, names: dict, short: dict) -> str:
    """``node`` in its parents' short names: the picture's own expression with each
    renamed parent put in (so ``a − y`` keeps its minus), else built from the op."""
    if node.op is Dot:
        return _sum_text(node, short)
    if node.op is Sum:
        return " + ".join(short.get(id(p), "?") for p in node.parents)
    text = names.get(id(node)) or ""
    renamed = [p for p in node.parents if short.get(id(p)) != names.get(id(p))]
    for p in sorted(renamed, key=lambda p: -len(names.get(id(p)) or "")):
        if not names.get(id(p)) or names[id(p)] not in text:
            return definition(node, short)
        text = text.replace(names[id(p)], short[id(p)])
    text = re.sub(r"(?<![\w)])\((z[₀-₉]+)\)", r"\1", text)  # (z₂) − y₁ → z₂ − y₁; tanh(z₁) stays
    return text if text else definition(node, short)


def _sum_text(node, names: dict) -> str:
    """A weighted sum Σ w·x (+ bias) written in full."""
    count, bias = node.consts
    ps = [names.get(id(p), "?") for p in node.parents]
    wrap = lambda t: f"({t})" if " " in t else t
    terms = [f"{wrap(ps[i])}·{wrap(ps[count + i])}" for i in range(count)]
    return " + ".join(terms + ([ps[-1]] if bias else []))


def node_derivation(roots, record: Record, names: dict, fmt: str = ".4g") -> Derivation:
    """Every node's ∂L/∂v as its chain-rule sum, from the engine's ``record``.

    Raises:
        ValueError: the record holds no backward pass.
        TypeError: a node holds an array (a Tensor graph): a derivation writes numbers.
    """
    if not record.done or not record.steps:
        raise ValueError("derivation: the stepper holds no backward pass (a forward stepper, "
                         "or backward never ran): use step_through(L), mode='backward'")
    order = graph_nodes(roots)
    if any(_scalar(n.data) is None for n in order):
        raise TypeError("derivation: the graph holds Tensors; a derivation writes one number "
                        "per node. Step the scalar view (one sample: model(x) gives Values), "
                        "or use step_network(model, x, y)")
    tex, where = _tex_names(order, names, fmt)
    top = tex[id(roots[0])] if len(roots) == 1 else "L"
    d = Derivation()
    d.heading(f"The backward pass of ${top}$, written out")
    d.text(rf"Each line is the chain rule, $\frac{{\partial {top}}}{{\partial v}} = \sum_c "
           rf"\frac{{\partial {top}}}{{\partial c}}\,\frac{{\partial c}}{{\partial v}}$ over "
           r"the nodes $c$ that use $v$, with the numbers the engine recorded: the upstream "
           r"gradient times the local derivative is what it added to $v$, and the sum is "
           r"$v$'s gradient. A node used more than once has one numbered term per use.")
    if where:
        d.text("Intermediate results without a short name are written $z_k$ "
               "(forward values):")
        d.align(where)
    rows = []
    for step in record.steps:
        rows += _node_rows(step.node, record, tex, top, fmt)
    d.heading("Intermediate nodes, in the order of the engine's backward steps")
    d.align(rows)
    leaves = [n for n in order if n.op is None and n.label and record.into.get(id(n))]
    if leaves:
        d.heading(r"Leaves: what backward() leaves in .grad")
        d.align([r for n in leaves for r in _node_rows(n, record, tex, top, fmt)])
    constants = [n for n in order if n.op is None and not n.label and record.into.get(id(n))]
    if constants:
        d.text("Unlabelled leaves are constants and get no line (label a Value to see its "
               "gradient): " + ", ".join(f"${tex_name(names.get(id(n), '?'))}$"
                                         for n in constants) + ".")
    return d


def _node_rows(node, record: Record, tex: dict, top: str, fmt: str) -> list:
    """The rows of ∂L/∂node: symbolic sum, factors, contributions, total."""
    v = tex[id(node)]
    lhs = partial(top, v)
    cons = record.into.get(id(node), [])
    if not cons:
        step = record.step_of(node)
        seed = step.upstream if step is not None else 0.0
        return [rf"{lhs} &= {tex_number(seed, fmt)} \quad (\text{{the seed}})"]
    many = len(cons) > 1
    symbolic, numeric, values = [], [], []
    for k, c in enumerate(cons, 1):
        child = tex[id(c.child)]
        up = record.steps[c.step].upstream
        term = rf"{partial(top, child)}\,{partial(child, v)}"
        if c.local is None:  # the op handed its contribution over directly
            num = tex_number(c.value, fmt)
        else:
            num = rf"{tex_factor(up, fmt)} \cdot {tex_factor(c.local, fmt)}"
        mark = (lambda s, k=k: rf"\overset{{({k})}}{{{s}}}") if many else (lambda s: s)
        symbolic.append(mark(term))
        numeric.append(mark(num))
        values.append(c.value)
    before = float(cons[0].total) - float(cons[0].value)
    if before != 0.0:  # the leaf held a gradient from an earlier backward
        values.insert(0, before)
    sums = [tex_number(values[0], fmt)] + [tex_factor(x, fmt) for x in values[1:]]
    if before != 0.0:
        sums[0] += r"\ (\text{earlier})"
    total = tex_number(cons[-1].total, fmt)
    if not many and before == 0.0:
        return [f"{lhs} &= {symbolic[0]} = {numeric[0]} = {total}"]
    return [f"{lhs} &= " + " + ".join(symbolic),
            "&= " + " + ".join(numeric),
            "&= " + " + ".join(sums),
            f"&= {total}"]
