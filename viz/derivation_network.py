"""One sample's backward pass through an MLP, written out in the lecture's symbols.

The lecture's backward phase (the 6-9-2 network, loss L = ½ Σ_m (a_m − y_m)²):

    ε_m = ∂L/∂a_m = a_m − y_m                           the output error
    ∂L/∂w²_hm = ε_m σ′_m α_h                            h = 0 … H, α₀ = 1
    ε_h = ∂L/∂α_h = Σ_m ε_m σ′_m w²_hm                  the hidden error
    ∂L/∂w¹_fh = ε_h σ′_h x_f                            f = 0 … F, x₀ = 1

With the numbers filled in, ε_1 of an output and ε_1 of a hidden unit would
read alike, so ε carries its layer as a superscript, as the weights do (and
as the network view writes it): ε²_m is the lecture's ε_m, ε¹_h its ε_h; σ′_m
is written σ′(v_m) and σ′_h σ′(u_h). A network with more hidden layers repeats
the hidden step, layer by layer. A softmax output mixes its units: there
∂L/∂v_m = Σ_k ε_k ∂a_k/∂v_m takes the place of ε_m σ′_m.

Every number is read from the engine's pass (:class:`~.network_pass.NetworkPass`):
the forward values from the nodes; ε, σ′, each weight's ∂L/∂w from the record
(its ``grad`` after the pass, the local derivative and the contribution of
each step). A layer of more than ``LINES_MAX`` weights is one array of ∂L/∂w
(the weight Tensor's shape, rows f = 0 … F, columns h) after one worked line.
"""

from __future__ import annotations

from .derivation import Derivation
from .tex import partial, tex_factor, tex_name, tex_number

__all__ = ["network_derivation", "LINES_MAX"]

LINES_MAX = 12  # a layer with more weights than this gets an array of ∂L/∂w
FOLD = 16  # an array with more rows (or columns) than this shows the first and last ones
COLUMNS = 5  # columns of one array: wider layers are written as several arrays

# ε_m = ∂L/∂a_m of each loss (reduction "sum", one sample), as a formula and filled in
LOSS_TEX = {
    "half_sse": (r"\frac{1}{2}\sum_m (a_m - y_m)^2", "{a} - {y}"),
    "mse": (r"\sum_m (a_m - y_m)^2", "2\\,({a} - {y})"),
    "cross_entropy": (r"-\sum_m y_m \ln a_m", "-{y} / {a}"),
    "binary_cross_entropy": (r"-\sum_m \left[y_m \ln a_m + (1 - y_m)\ln(1 - a_m)\right]",
                             "({a} - {y}) / ({a}\\,(1 - {a}))"),
    "mae": (r"\sum_m |a_m - y_m|", r"\operatorname{{sign}}({a} - {y})"),
    "msle": (r"\sum_m \left(\ln(1 + a_m) - \ln(1 + y_m)\right)^2",
             r"2\,(\ln(1 + {a}) - \ln(1 + {y})) / (1 + {a})"),
    "squared_hinge": (r"\sum_m \max\{0,\ 1 - y_m a_m\}^2",
                      r"-2 \cdot {y} \cdot \max\{{0,\ 1 - {y} \cdot {a}\}}"),
}
# σ′ from the unit's output o (what a hand computes); a piecewise-linear σ: 1 or 0 by where
# the net input s lies
SIGMA_PRIME_TEX = {"sigmoid": "{o}\\,(1 - {o})", "tanh": "1 - {o}^2", "identity": "1"}
SIGMA_PRIME_SIDE = {"relu": ("{s} > 0", "{s} < 0"), "hardtanh": ("-1 < {s} < 1", "|{s}| > 1")}
# one output's term of L with its numbers (the forward phase of an exercise's solution)
LOSS_TERM = {
    "half_sse": (r"\frac{1}{2}", "({a} - {y})^2"),
    "mse": ("", "({a} - {y})^2"),
    "mae": ("", "|{a} - {y}|"),
    "binary_cross_entropy": ("-", r"\left[{y} \cdot \ln({a}) + (1 - {y}) \cdot "
                                  r"\ln(1 - {a})\right]"),
    "msle": ("", r"(\ln(1 + {a}) - \ln(1 + {y}))^2"),
    "squared_hinge": ("", r"\max\{{0,\ 1 - {y} \cdot {a}\}}^2"),
    "cross_entropy": ("-", r"{y} \cdot \ln({a})"),
}
ACT_TEX = {"tanh": r"\tanh", "sigmoid": r"\sigma", "identity": r"\operatorname{id}",
           "relu": r"\operatorname{relu}", "hardtanh": r"\operatorname{hardtanh}",
           "sign": r"\operatorname{sign}", "softmax": r"\operatorname{softmax}"}


class _Net:
    """Names and numbers of the pass ``p``, in LaTeX."""

    def __init__(self, p, fmt: str, by_hand: bool = False):
        self.p, self.fmt, self.top, self.by_hand = p, fmt, p.n_layers, by_hand

    def n(self, x) -> str:
        return tex_number(x, self.fmt)

    def f(self, x) -> str:
        return tex_factor(x, self.fmt)

    def units(self, l: int) -> range:
        return range(1, (self.p.model.n_in if l == 0 else len(self.p.layer(l).sums)) + 1)

    def letter(self, l: int) -> str:
        """The index letter of layer l's units: f the inputs, m the outputs, h (j) hidden."""
        if l == 0:
            return "f"
        if l == self.top:
            return "m"
        return "h" if l == self.top - 1 else "j"

    def base(self, l: int, kind: str = "out") -> str:
        """The letter of layer l's outputs (x, α, α², a) or sums (u, v), from the labels."""
        node = (self.p.trace.inputs[0] if l == 0 else
                self.p.output(l, 1) if kind == "out" else self.p.total(l, 1))
        return tex_name(node.label.rstrip("₀₁₂₃₄₅₆₇₈₉,"))

    def out(self, l: int, u) -> str:
        """x_f, α_h or a_m (u an index, or the letter)."""
        return f"{self.base(l)}_{{{u}}}"

    def total(self, l: int, u) -> str:
        """u_h or v_m."""
        return f"{self.base(l, 'sum')}_{{{u}}}"

    def eps(self, l: int, u) -> str:
        return rf"\varepsilon^{{{l}}}_{{{u}}}"

    def w(self, l: int, j, k) -> str:
        if isinstance(j, int) and isinstance(k, int):
            return tex_name(self.p.weight(l, j, k).label)
        return f"w^{{{l}}}_{{{j}{k}}}"

    def upstream(self, l: int, u) -> str:
        """ε σ′(v) of unit u, or ∂L/∂v where the activation mixes the units."""
        if self.p.sigma_prime(l, 1) is None:
            return partial("L", self.total(l, u))
        return rf"{self.eps(l, u)}\,\sigma'({self.total(l, u)})"

    def act(self, l: int) -> str:
        name = self.p.activation(l).name
        return ACT_TEX.get(name, rf"\operatorname{{{name}}}")


def network_derivation(p, fmt: str = ".4g", every_weight: bool = False,
                       by_hand: bool = False) -> Derivation:
    """The derivation of one sample's pass ``p`` (a :class:`~.network_pass.NetworkPass`).

    ``by_hand``: also every step a hand computes (an exercise's solution): each weighted
    sum with its terms, u_h = w¹_0h + Σ_f w¹_fh x_f = … (a layer of at most ``FOLD``
    inputs), L with each output's term, and each σ′ from the unit's output
    (σ′(v_m) = a_m (1 − a_m) for a sigmoid), its number the engine's local derivative.
    """
    net = _Net(p, fmt, by_hand)
    d = Derivation()
    sizes = "-".join(str(s) for s in p.model.sizes)
    loss = LOSS_TEX.get(p.loss_name, (rf"\operatorname{{{p.loss_name}}}(a, y)", None))[0]
    d.heading(f"Backprop of one sample through the {sizes} network, written out")
    d.text(f"Loss $L = {loss}$; hidden units ${net.act(1)}$, outputs ${net.act(net.top)}$. "
           r"The formulas are the lecture's backward phase; $\varepsilon$ carries its layer "
           r"as a superscript, as $w$ does ($\varepsilon^{" + str(net.top) + r"}_m$ is the "
           r"lecture's $\varepsilon_m$, $\varepsilon^{" + str(net.top - 1) + r"}_h$ its "
           r"$\varepsilon_h$). Every number is the engine's, from its recorded backward pass.")
    _forward(d, net)
    _output_errors(d, net)
    _weights(d, net, net.top, every_weight)
    for l in range(net.top - 1, 0, -1):
        _hidden_errors(d, net, l)
        _weights(d, net, l, every_weight)
    return d


def _forward(d: Derivation, net: _Net) -> None:
    p = net.p
    d.heading("Forward phase: the values the backward phase reads")
    xs = ",\\quad ".join([f"{net.out(0, 0)} = 1"] + [
        f"{net.out(0, f)} = {net.n(p.input_value(0, f))}" for f in _shown(net.units(0))])
    rows = [f"&{xs}"]
    for l in range(1, net.top + 1):
        for u in net.units(l):
            o, s = p.output(l, u), p.total(l, u)
            if net.by_hand and len(net.units(l - 1)) <= FOLD:
                rows.append(_sum_row(net, l, u))
            arg = net.total(l, u) if p.activation(l).elementwise else \
                rf"\mathbf{{{net.base(l, 'sum')}}}"
            rows.append(f"{net.out(l, u)} &= {net.act(l)}({arg}) = {net.act(l)}"
                        f"({net.n(s.data)}) = {net.n(o.data)}"
                        if p.activation(l).elementwise else
                        f"{net.out(l, u)} &= {net.act(l)}_{{{u}}}({arg}) = {net.n(o.data)}")
    ys = ",\\quad ".join(f"y_{{{m}}} = {net.n(y)}" for m, y in enumerate(p.y, 1))
    rows += [f"&{ys}", _loss_row(net) if net.by_hand else f"L &= {net.n(p.L.data)}"]
    d.align(rows)


def _sigma_rows(net: _Net, l: int, u: int, sp: float) -> list:
    """σ′ of unit u from its output (by hand), its number the engine's local derivative."""
    if not net.by_hand:
        return []
    name = net.p.activation(l).name
    o, s = net.out(l, u), net.total(l, u)
    if name in SIGMA_PRIME_SIDE:
        on, off = SIGMA_PRIME_SIDE[name]
        return [f"\\sigma'({s}) &= {net.n(sp)} \\quad ({(on if sp else off).format(s=s)})"]
    form = SIGMA_PRIME_TEX.get(name)
    if form is None:
        return []
    if "{o}" not in form:
        return [f"\\sigma'({s}) &= {form}"]
    filled = form.format(o=net.f(net.p.output(l, u).data))
    return [f"\\sigma'({s}) &= {form.format(o=o)} = {filled} = {net.n(sp)}"]


def _loss_row(net: _Net) -> str:
    """L with each output's term written in (4 digits), = the engine's L."""
    p = net.p
    if p.loss_name not in LOSS_TERM or p.loss_name not in LOSS_TEX:
        return f"L &= {net.n(p.L.data)}"
    sign, term = LOSS_TERM[p.loss_name]
    terms = [term.format(a=net.f(p.output(net.top, m).data), y=net.f(p.y[m - 1]))
             for m in net.units(net.top)]
    if len(terms) == 1 or not sign:
        filled = sign + " + ".join(terms)
    else:
        left, right = (r"\left(", r"\right)") if sign == "-" else (r"\left[", r"\right]")
        filled = sign + left + " + ".join(terms) + right
    return f"L &= {LOSS_TEX[p.loss_name][0]} = {filled} = {net.n(p.L.data)}"


def _sum_row(net: _Net, l: int, u: int) -> str:
    """u_h = w_0h + Σ_f w_fh x_f with the weights and inputs written in, = its value."""
    p, ins = net.p, [0, *net.units(l - 1)]
    sym = " + ".join(net.w(l, 0, u) if j == 0 else f"{net.w(l, j, u)}\\,{net.out(l - 1, j)}"
                     for j in ins)
    num = " + ".join(net.n(p.weight(l, 0, u).data) if j == 0 else
                     f"{net.f(p.weight(l, j, u).data)} \\cdot {net.f(p.input_value(l - 1, j))}"
                     for j in ins)
    return f"{net.total(l, u)} &= {sym} = {num} = {net.n(p.total(l, u).data)}"


def _shown(units: range) -> list:
    return list(units) if len(units) <= FOLD else list(units[:3]) + [units[-1]]


def _output_errors(d: Derivation, net: _Net) -> None:
    p, l = net.p, net.top
    formula = LOSS_TEX.get(p.loss_name, (None, None))[1]
    rule = (formula.format(a="a_m", y="y_m") if formula else partial("L", "a_m"))
    d.heading(rf"Output layer: the errors $\varepsilon^{{{l}}}_m = "
              rf"\frac{{\partial L}}{{\partial a_m}} = {rule}$")
    rows = []
    for m in net.units(l):
        a = p.output(l, m)
        filled = (" = " + formula.format(a=net.f(a.data), y=net.f(p.y[m - 1]))) if formula else ""
        symbolic = formula.format(a=net.out(l, m), y=f"y_{{{m}}}") if formula else ""
        rows.append(f"{net.eps(l, m)} &= {partial('L', net.out(l, m))}"
                    + (f" = {symbolic}" if symbolic else "") + f"{filled} = {net.n(p.grad(a))}")
        sp = p.sigma_prime(l, m)
        if sp is not None:
            v = net.total(l, m)
            rows += _sigma_rows(net, l, m, sp)
            rows.append(f"{partial('L', v)} &= {net.eps(l, m)}\\,\\sigma'({v}) = "
                        f"{net.f(p.grad(a))} \\cdot {net.f(sp)} = {net.n(p.grad(p.total(l, m)))}")
    if p.sigma_prime(l, 1) is None:
        rows += _mixed(net, l)
    d.align(rows)


def _mixed(net: _Net, l: int) -> list:
    """∂L/∂v_m = Σ_k ε_k ∂a_k/∂v_m of an activation that mixes the units (softmax)."""
    p, rows = net.p, []
    outs = {id(p.output(l, k)): k for k in net.units(l)}
    for m in net.units(l):
        v = p.total(l, m)
        cons = sorted(p.into(v), key=lambda c: outs.get(id(c.child), 0))
        sym = " + ".join(f"{net.eps(l, outs.get(id(c.child), '?'))}\\,"
                         + partial(net.out(l, outs.get(id(c.child), '?')), net.total(l, m))
                         for c in cons)
        num = " + ".join(f"{net.f(p.record.steps[c.step].upstream)} \\cdot {net.f(c.local)}"
                         for c in cons)
        vals = " + ".join(net.f(c.value) if i else net.n(c.value) for i, c in enumerate(cons))
        rows += [f"{partial('L', net.total(l, m))} &= {sym}", f"&= {num}", f"&= {vals}",
                 f"&= {net.n(p.grad(v))}"]
    return rows


def _hidden_errors(d: Derivation, net: _Net, l: int) -> None:
    p, up = net.p, l + 1
    h, k = net.letter(l), net.letter(up)
    d.heading(rf"Hidden layer {l}: the errors $\varepsilon^{{{l}}}_{h} = "
              rf"\frac{{\partial L}}{{\partial {net.out(l, h)}}} = \sum_{k} "
              rf"{net.upstream(up, k)}\, {net.w(up, h, k)}$")
    sums = {id(p.total(up, kk)): kk for kk in net.units(up)}
    rows = []
    for u in net.units(l):
        o = p.output(l, u)
        cons = sorted(p.into(o), key=lambda c: sums.get(id(c.child), 0))
        ks = [sums[id(c.child)] for c in cons]
        sym = " + ".join(f"{net.upstream(up, kk)}\\, {net.w(up, u, kk)}" for kk in ks)
        num = " + ".join(f"{net.f(p.record.steps[c.step].upstream)} \\cdot {net.f(c.local)}"
                         for c in cons)
        vals = " + ".join(net.f(c.value) if i else net.n(c.value) for i, c in enumerate(cons))
        rows += [f"{net.eps(l, u)} &= {partial('L', net.out(l, u))} = {sym}", f"&= {num}"]
        if len(cons) > 1:
            rows.append(f"&= {vals}")
        rows.append(f"&= {net.n(p.grad(o))}")
        sp = p.sigma_prime(l, u)
        if sp is not None:
            s = net.total(l, u)
            rows += _sigma_rows(net, l, u, sp)
            rows.append(f"{partial('L', s)} &= {net.eps(l, u)}\\,\\sigma'({s}) = "
                        f"{net.f(p.grad(o))} \\cdot {net.f(sp)} = {net.n(p.grad(p.total(l, u)))}")
    if p.sigma_prime(l, 1) is None:
        rows += _mixed(net, l)
    d.align(rows)


def _weights(d: Derivation, net: _Net, l: int, every: bool) -> None:
    """∂L/∂wˡ_jk = (ε σ′) · input: one line per weight, or a worked line and an array."""
    p = net.p
    j, k = net.letter(l - 1), net.letter(l)
    rule = f"{net.upstream(l, k)}\\, {net.out(l - 1, j)}"
    d.heading(f"Layer {l} weights: ${partial('L', net.w(l, j, k))} = {rule}$ "
              f"(${net.out(l - 1, 0)} = 1$, the bias)")
    n_in, n_out = p.layer(l).weights.shape
    lines = every or n_in * n_out <= LINES_MAX
    rows = []
    for u in (net.units(l) if lines else [1]):
        for i in (range(n_in) if lines else [1 if n_in > 1 else 0]):
            rows.append(f"{partial('L', net.w(l, i, u))} &= {net.upstream(l, u)}\\, "
                        f"{net.out(l - 1, i)} = {net.f(p.grad(p.total(l, u)))} \\cdot "
                        f"{net.f(p.input_value(l - 1, i))} = {net.n(p.dw(l, i, u))}")
    d.align(rows)
    if not lines:
        where = (f"in row ${j}$, column ${k}$ (as in the weight Tensor's .grad)" if n_in >= n_out
                 else f"in row ${k}$, column ${j}$ (the weight Tensor's .grad, transposed)")
        d.text(f"All of them, ${partial('L', net.w(l, j, k))}$ {where}:")
        for part in _arrays(net, l):
            d.math(part)


def _arrays(net: _Net, l: int) -> list:
    """The layer's ∂L/∂w as arrays, the longer side down (rows j, columns k as in the weight
    Tensor, or rows k, columns j when k has more units), at most ``COLUMNS`` columns each,
    so each fits a notebook column of 700 px."""
    p = net.p
    n_in, n_out = p.layer(l).weights.shape
    j, k = net.letter(l - 1), net.letter(l)
    ins, outs = list(range(n_in)), list(range(1, n_out + 1))
    down = n_in >= n_out
    rows, cols = (_fold(ins), _fold(outs)) if down else (_fold(outs), _fold(ins))
    (r_letter, c_letter) = (j, k) if down else (k, j)
    parts = []
    for start in range(0, len(cols), COLUMNS):
        chunk = cols[start:start + COLUMNS]
        head = " & ".join(r"\cdots" if c is None else f"{c_letter}={c}" for c in chunk)
        body = []
        for r in rows:
            if r is None:
                body.append(r"\vdots & " + " & ".join(r"\vdots" for _ in chunk))
                continue
            cells = [r"\cdots" if c is None else
                     net.n(p.dw(l, r, c) if down else p.dw(l, c, r)) for c in chunk]
            body.append(f"{r_letter}={r} & " + " & ".join(cells))
        spec = "r|" + "r" * len(chunk)
        parts.append(f"{partial('L', 'w^{' + str(l) + '}')} = \\begin{{array}}{{{spec}}}\n"
                     f" & {head} \\\\ \\hline\n" + " \\\\\n".join(body)
                     + "\n\\end{array}")
    return parts


def _fold(items: list) -> list:
    return items if len(items) <= FOLD else items[:4] + [None] + items[-2:]

