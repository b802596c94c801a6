"""The problem as the student reads it: the network, its weights, the sample, the tasks.

:func:`statement` writes a :class:`~.problem.Problem` as a list of :class:`Part`
(a heading, prose with ``$…$`` LaTeX, a list, or a table of weights), which
:mod:`.markdown` writes as Markdown and :mod:`.page` as HTML. The symbols are
the lecture's: x_f, α_h, a_m, w¹_fh, w²_hm with the bias at index 0 (x₀ = α₀ = 1),
u_h and v_m the weighted sums, ε²_m and ε¹_h the errors (the superscript is the
layer, as for w: the lecture's ε_m and ε_h), μ the learning rate.
"""

from __future__ import annotations

from dataclasses import dataclass

from stepgrad.viz.derivation_network import ACT_TEX, LOSS_TEX
from stepgrad.viz.rows import number as _number

from .problem import Problem

__all__ = ["Part", "statement", "ACT_FORMULA", "number"]

ACT_FORMULA = {
    "identity": r"\sigma(u) = u,\ \sigma'(u) = 1",
    "sigmoid": r"\sigma(u) = \frac{1}{1 + e^{-u}},\ \sigma' = \sigma\,(1 - \sigma)",
    "tanh": r"\sigma(u) = \tanh u,\ \sigma' = 1 - \sigma^2",
    "relu": r"\sigma(u) = \max\{u, 0\},\ \sigma' = 1\ \mathrm{for}\ u > 0,\ "
            r"0\ \mathrm{for}\ u < 0",
    "hardtanh": r"\sigma(u) = \max\{\min\{u, 1\}, -1\},\ \sigma' = 1\ \mathrm{on}\ "
                r"(-1, 1),\ 0\ \mathrm{outside}",
}
LOSS_NAME = {"half_sse": "the lecture's sample-wise loss", "mse": "squared error",
             "mae": "absolute error", "binary_cross_entropy": "binary cross-entropy",
             "msle": "squared logarithmic error", "squared_hinge": "squared hinge"}


@dataclass(frozen=True)
class Part:
    """One piece of the problem: ``kind`` is ``"title"``, ``"heading"``, ``"text"``,
    ``"list"`` (``items``; ``ordered``: numbered, as the tasks are), ``"picture"`` or
    ``"table"`` (``head``, ``rows``, ``text`` its caption); prose and cells may hold
    ``$…$`` LaTeX."""

    kind: str
    text: str = ""
    items: tuple = ()
    ordered: bool = False
    head: tuple = ()
    rows: tuple = ()


def number(x: float) -> str:
    """A given number as the problem writes it: ``0.5``, ``-1``, ``0`` (never -0)."""
    return _number(x, "g")


def _weights_table(problem: Problem, layer: int) -> Part:
    w = problem.weights(layer)
    j, k = ("f", "h") if layer == 1 else ("h", "m")
    src = "x" if layer == 1 else r"\alpha"
    head = (f"$w^{{{layer}}}_{{{j}{k}}}$",) + tuple(f"${k} = {c}$" for c in
                                                    range(1, w.shape[1] + 1))
    rows = tuple((f"${j} = {r}$" + (f" (bias, ${src}_{{0}} = 1$)" if r == 0 else ""),)
                 + tuple(number(v) for v in w[r]) for r in range(w.shape[0]))
    what = "input $f$ to hidden unit $h$" if layer == 1 else "hidden unit $h$ to output $m$"
    return Part("table", f"Weights $w^{{{layer}}}_{{{j}{k}}}$ from {what}:", head=head, rows=rows)


def statement(problem: Problem) -> list:
    """The problem's parts, in reading order."""
    F, H, M = problem.sizes
    xs = ",\\ ".join(f"x_{{{f}}} = {number(v)}" for f, v in enumerate(problem.x, 1))
    ys = ",\\ ".join(f"y_{{{m}}} = {number(v)}" for m, v in enumerate(problem.y, 1))
    loss_tex = LOSS_TEX[problem.loss][0]
    return [
        Part("title", f"Backprop by hand: exercise {problem.seed} ({problem.difficulty})"),
        Part("text", f"The {F}-{H}-{M} network: ${F}$ inputs $x_f$, ${H}$ hidden units "
                     f"$\\alpha_h$, ${M}$ output{'s' if M > 1 else ''} $a_m$; the bias units "
                     f"$x_{{0}} = 1$ and $\\alpha_{{0}} = 1$ carry the weights "
                     f"$w^{{1}}_{{0h}}$ and $w^{{2}}_{{0m}}$."),
        Part("list", items=(
            f"hidden units: $u_h = \\sum_{{f=0}}^{{{F}}} w^{{1}}_{{fh}}\\,x_f$, "
            f"$\\alpha_h = {ACT_TEX[problem.hidden]}(u_h)$ with "
            f"${ACT_FORMULA[problem.hidden]}$",
            f"outputs: $v_m = \\sum_{{h=0}}^{{{H}}} w^{{2}}_{{hm}}\\,\\alpha_h$, "
            f"$a_m = {ACT_TEX[problem.output]}(v_m)$ with ${ACT_FORMULA[problem.output]}$",
            f"loss ({LOSS_NAME[problem.loss]}, one sample): $L = {loss_tex}$",
            f"learning rate: $\\mu = {number(problem.lr)}$",
        )),
        Part("picture", "The network (bias units grey, each edge labelled with its weight)"),
        _weights_table(problem, 1),
        _weights_table(problem, 2),
        Part("text", f"The sample: ${xs}$; its target: ${ys}$."),
        Part("heading", "Compute, to 4 significant digits"),
        Part("list", ordered=True, items=(
            r"the forward phase: every $u_h$, $\alpha_h$, $v_m$, $a_m$ and the loss $L$;",
            r"the output errors $\varepsilon^{2}_m = \frac{\partial L}{\partial a_m}$ (the "
            r"lecture's $\varepsilon_m$) and $\frac{\partial L}{\partial v_m} = "
            r"\varepsilon^{2}_m\,\sigma'(v_m)$;",
            r"every $\frac{\partial L}{\partial w^{2}_{hm}} = \varepsilon^{2}_m\,\sigma'(v_m)"
            r"\,\alpha_h$, $h = 0, \dots, " + str(H) + "$;",
            r"the hidden errors $\varepsilon^{1}_h = \frac{\partial L}{\partial \alpha_h} = "
            r"\sum_m \varepsilon^{2}_m\,\sigma'(v_m)\,w^{2}_{hm}$ (the lecture's "
            r"$\varepsilon_h$) and $\frac{\partial L}{\partial u_h}$;",
            r"every $\frac{\partial L}{\partial w^{1}_{fh}} = \varepsilon^{1}_h\,\sigma'(u_h)"
            r"\,x_f$, $f = 0, \dots, " + str(F) + "$;",
            r"the weights after one gradient step, $w := w - \mu\,\frac{\partial L}"
            r"{\partial w}$.",
        )),
    ]
