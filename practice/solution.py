"""An exercise's worked solution: every number read from the engine, none derived again.

:func:`solve` builds the problem's network (``Problem.model()``, the project's
``MLP``) and runs the one sample through the engine twice:

* the recorded pass, :class:`stepgrad.viz.network_pass.NetworkPass` (the network
  view's): forward values from the nodes, ε²_m = ∂L/∂a_m, ∂L/∂v_m, ε¹_h = ∂L/∂α_h,
  ∂L/∂u_h and each ∂L/∂w from the engine's backward record; written out as the
  lecture's backward phase by :func:`stepgrad.viz.derivation_network.network_derivation`
  (every weight on its own line, each weighted sum and L with its terms filled in);
* the gradient step: ``L.backward()`` on a second copy of the network and one step
  of :class:`stepgrad.optim.SGD` with ``lr=μ``, whose new weights are read back:
  wˡ := wˡ − μ·∂L/∂wˡ.

:class:`Answer` is one solution number with its name in the lecture's symbols
(the answer key's row), in the solution's order: the forward phase (u_h, α_h, v_m,
a_m, L), the output errors (ε²_m, ∂L/∂v_m), ∂L/∂w²_hm, the hidden errors (ε¹_h,
∂L/∂u_h), ∂L/∂w¹_fh, then the updated w²_hm and w¹_fh.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stepgrad.nn import get_loss
from stepgrad.nn.labels import weight_name
from stepgrad.optim import SGD
from stepgrad.viz import Derivation
from stepgrad.viz.derivation_network import network_derivation
from stepgrad.viz.network_pass import NetworkPass
from stepgrad.viz.network_text import eps_name
from stepgrad.viz.tex import partial, tex_factor, tex_name, tex_number

from .problem import Problem

__all__ = ["Answer", "Worked", "solve", "FMT"]

FMT = ".4g"  # numbers in the text: 4 significant digits (the answer key keeps them all)


@dataclass(frozen=True)
class Answer:
    """One number of the solution.

    Attributes:
        key: a plain name (``a_1``, ``eps2_1``, ``dL/dw1_01``, ``w2_01_new``): what a
            student's answers are keyed by.
        symbol: the lecture's name (``a₁``, ``ε²₁``, ``∂L/∂w¹₀₁``, ``w²₀₁ (new)``).
        value: the engine's number.
        part: which part of the solution it belongs to (``"forward"``, ``"output
            errors"``, ``"w2 gradients"``, ``"hidden errors"``, ``"w1 gradients"``,
            ``"update"``).
    """

    key: str
    symbol: str
    value: float
    part: str


@dataclass(frozen=True)
class Worked:
    """The worked solution of a :class:`~.problem.Problem`.

    Attributes:
        derivation: the solution lines (:class:`stepgrad.viz.Derivation`): Markdown with
            LaTeX by ``.to_markdown()``, LaTeX alone by ``.to_latex()``.
        answers: every number, each an :class:`Answer`, in the solution's order.
        new_w1, new_w2: the weights after one step of μ (rows as in the problem).
    """

    derivation: Derivation
    answers: tuple
    new_w1: np.ndarray
    new_w2: np.ndarray

    def value(self, key: str) -> float:
        """The number of ``key`` (``"eps2_1"``)."""
        for a in self.answers:
            if a.key == key:
                return a.value
        raise KeyError(f"no solution number {key!r}; the keys are "
                       + ", ".join(a.key for a in self.answers))


def _stepped(problem: Problem) -> list:
    """The weights after one SGD step of μ: backward on a fresh copy, ``SGD.step()``."""
    model = problem.model()
    model.zero_grad()
    L = get_loss(problem.loss)(model(list(problem.x)), list(problem.y), reduction="sum")
    L.backward()
    SGD(model.parameters(), lr=problem.lr).step()
    return [layer.weight.data.copy() for layer in model.layers]


def _answers(p: NetworkPass, new: list) -> list:
    F, H, M = p.model.sizes
    out = []
    add = lambda key, symbol, value, part: out.append(Answer(key, symbol, float(value), part))
    for l, (n, s_key, o_key) in ((1, (H, "u", "alpha")), (2, (M, "v", "a"))):
        for u in range(1, n + 1):
            add(f"{s_key}_{u}", p.total(l, u).label, p.total(l, u).data, "forward")
            add(f"{o_key}_{u}", p.output(l, u).label, p.output(l, u).data, "forward")
    add("L", "L", p.L.data, "forward")
    for l, n, part, s_key in ((2, M, "output errors", "v"), (1, H, "hidden errors", "u")):
        for u in range(1, n + 1):
            add(f"eps{l}_{u}", eps_name(p, l, u), p.grad(p.output(l, u)), part)
            add(f"dL/d{s_key}_{u}", f"∂L/∂{p.total(l, u).label}", p.grad(p.total(l, u)), part)
        rows, cols = p.layer(l).weights.shape
        for k in range(1, cols + 1):
            for j in range(rows):
                add(f"dL/dw{l}_{j}{k}", f"∂L/∂{weight_name(l, j, k)}", p.dw(l, j, k),
                    f"w{l} gradients")
    for l in (2, 1):
        rows, cols = new[l - 1].shape
        for k in range(1, cols + 1):
            for j in range(rows):
                add(f"w{l}_{j}{k}_new", f"{weight_name(l, j, k)} (new)", new[l - 1][j, k - 1],
                    "update")
    order = ["forward", "output errors", "w2 gradients", "hidden errors", "w1 gradients",
             "update"]
    return sorted(out, key=lambda a: order.index(a.part))


def _update_rows(p: NetworkPass, problem: Problem, new: list) -> list:
    rows = []
    for l in (2, 1):
        n_in, n_out = p.layer(l).weights.shape
        for k in range(1, n_out + 1):
            for j in range(n_in):
                w = tex_name(weight_name(l, j, k))
                rows.append(f"{w} &:= {w} - \\mu\\, {partial('L', w)} = "
                            f"{tex_number(p.weight(l, j, k).data, FMT)} - "
                            f"{tex_number(problem.lr, FMT)} \\cdot "
                            f"{tex_factor(p.dw(l, j, k), FMT)} = "
                            f"{tex_number(new[l - 1][j, k - 1], FMT)}")
    return rows


def solve(problem: Problem) -> Worked:
    """The worked solution of ``problem`` (see the module docstring)."""
    p = NetworkPass(problem.model(), list(problem.x), list(problem.y), loss=problem.loss)
    new = _stepped(problem)
    d = network_derivation(p, FMT, every_weight=True, by_hand=True)
    d.heading(rf"The gradient step: $w := w - \mu\, {partial('L', 'w')}$ with "
              rf"$\mu = {tex_number(problem.lr, FMT)}$, output layer first")
    d.text("Each weight moves against its gradient; the new weights are the ones "
           "stepgrad's SGD optimizer writes after this backward pass.")
    d.align(_update_rows(p, problem, new))
    return Worked(d, tuple(_answers(p, new)), new[0], new[1])

