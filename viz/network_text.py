"""The network view's text panel: each frame in the lecture's formulas, numbers filled in.

Symbols are the picture's (:mod:`stepgrad.nn.labels`): x_f, u_h, α_h, v_m, a_m,
y_m, wˡ_fh, and the errors with their layer as a superscript, as the weights
have it: ε²_m = ∂L/∂a_m (output error), ε¹_h = ∂L/∂α_h (hidden error) in the
6-9-2 network. Every number is one the engine computed (:class:`.NetworkPass`).
"""

from __future__ import annotations

from stepgrad.nn.labels import sub, sup, weight_name

from .network_layout import FOLD_AT, shown_units

__all__ = ["num", "factor", "plus", "eps_name", "unit_name", "sum_name", "loss_formula", "panel"]

# the loss (reduction="sum", one sample): its formula, its ε_m = ∂L/∂a_m, and
# ε_m with the numbers of output m written in (None: only the engine's number)
LOSS_TEXT = {
    "half_sse": ("½ Σₘ (aₘ − yₘ)²", "a_m − y_m", lambda a, y: f"{num(a)} − {num(y)}"),
    "mse": ("Σₘ (aₘ − yₘ)²", "2 (a_m − y_m)", lambda a, y: f"2·({num(a)} − {num(y)})"),
    "cross_entropy": ("−Σₘ yₘ ln aₘ", "−y_m / a_m",
                      lambda a, y: f"−{num(y)} / {num(a)}" if y else f"0 / {num(a)}"),
    "binary_cross_entropy": ("−Σₘ [yₘ ln aₘ + (1 − yₘ) ln(1 − aₘ)]",
                             "(a_m − y_m) / (a_m (1 − a_m))",
                             lambda a, y: f"({num(a)} − {num(y)}) / ({num(a)}·(1 − {num(a)}))"),
    "mae": ("Σₘ |aₘ − yₘ|", "sign(a_m − y_m)", lambda a, y: f"sign({num(a)} − {num(y)})"),
}
HIDDEN_NOTE = ("(The lecture's algorithm box writes ε_h = ∂L/∂u_h: its u_h is the hidden "
               "unit's output, α_h in stepgrad, where u_h is the weighted sum.)")


def num(x: float, fmt: str = ".4g") -> str:
    """A number as the picture writes it: 4 significant digits, a true minus, no "−0"."""
    text = format(float(x), fmt)
    if float(text) == 0:
        return "0"
    return text.replace("-", "−")


def factor(x: float) -> str:
    """A number inside a product: negative ones in parentheses, ``0.5·(−0.25)``."""
    text = num(x)
    return f"({text})" if text.startswith("−") else text


def plus(parts: list) -> str:
    """``a + b + c`` with ``+ −b`` written ``− b``."""
    return " + ".join(parts).replace("+ −", "− ")


def loss_formula(name: str) -> str:
    return LOSS_TEXT[name][0] if name in LOSS_TEXT else f"{name}(a, y)"


def unit_name(p, l: int, u: int) -> str:
    """x_f (l = 0), α_h or a_m: the name the scalar view gave the unit."""
    if l == 0:
        return p.trace.inputs[u - 1].label
    return p.output(l, u).label


def sum_name(p, l: int, u: int) -> str:
    return p.total(l, u).label


def eps_name(p, l: int, u: int | str) -> str:
    """ε with its layer: ε²₁ (output 1 of the 6-9-2 network), ε¹₃, or ε²_m for u = "m"."""
    return "ε" + sup(l) + (sub(u) if isinstance(u, int) else "_" + u)


def _sigma_text(p, l: int) -> str:
    """σ′ as the activation's docstring writes it (``σ′ = 1 − σ²``)."""
    formula = p.activation(l).formula
    return formula.split(";")[-1].strip() if "σ′" in formula else "σ′"


def _inputs(n_in: int) -> list:
    """The inputs 0 … n_in of a unit written out: all of them, or, past FOLD_AT, those the
    picture draws (the bias, 1 … 3, None for the folded ones, the last)."""
    return [0] + (list(range(1, n_in + 1)) if n_in <= FOLD_AT else shown_units(n_in))


def _index(p, l: int) -> str:
    return "m" if l == p.n_layers else "h"


def _forward_unit(p, l: int, u: int) -> str:
    prev = "x" if l == 1 else ("α" + (sup(l - 1) if p.n_layers > 2 else ""))
    j, k = ("f", _index(p, l)) if l == 1 else ("h", _index(p, l))
    n_in = p.layer(l).weights.shape[0] - 1
    s, out = sum_name(p, l, u), unit_name(p, l, u)
    terms = [f"… ({n_in - len(_inputs(n_in)) + 2} terms)" if i is None else
             f"{num(p.weight(l, i, u).data)}·{factor(p.input_value(l - 1, i))}"
             for i in _inputs(n_in)]
    act = p.activation(l)
    head = (f"Forward phase, {'output' if l == p.n_layers else 'hidden'} unit {out}:\n"
            f"  {s} = Σ_{j}={0}…{n_in} w{sup(l)}_{j}{sub(u)} · {prev}_{j}   ({prev}₀ = 1)\n")
    body = "     = " + plus(terms) + "\n"
    return (head + body + f"     = {num(p.total(l, u).data)}\n"
            f"  {out} = σ({s}) = {act.name}({num(p.total(l, u).data)}) = "
            f"{num(p.output(l, u).data)}\n  ({act.formula}; {k} = {u})")


def _loss_forward(p) -> str:
    M = len(p.y)
    a = [p.output(p.n_layers, m).data for m in range(1, M + 1)]
    text = f"Forward phase, the loss of this sample:\n  L = {loss_formula(p.loss_name)}\n"
    if p.loss_name == "half_sse":
        text += "    = ½ [" + " + ".join(f"({num(a[m])} − {num(p.y[m])})²"
                                       for m in range(M)) + "]\n"
    return text + f"    = {num(p.L.data)}"


def _start(p, frame) -> str:
    return ("Backward phase. It starts at the loss: ∂L/∂L = 1.\n"
            f"  L = {loss_formula(p.loss_name)} = {num(p.L.data)}\n"
            f"The engine's steps {_steps(frame)} pass the 1 through the sum in L\n"
            "to the term of each output.")


def _steps(frame) -> str:
    s = [k + 1 for k in frame.steps]
    return f"{s[0]}" if len(s) == 1 else f"{s[0]}–{s[-1]}" if s == list(range(s[0], s[-1] + 1)) \
        else ", ".join(map(str, s))


def _eps_output(p, frame) -> str:
    l, m = frame.layer, frame.unit
    a, y = p.output(l, m).data, p.y[m - 1]
    e, name = eps_name(p, l, m), unit_name(p, l, m)
    lines = [f"Output error ε_m of {name}, m = {m} (written {e}: the superscript is the "
             f"layer, as in w{sup(l)})"]
    formula = LOSS_TEXT.get(p.loss_name)
    filled = f" = {formula[2](a, y)}" if formula else ""
    general = formula[1].replace("_m", sub(m)) if formula else f"∂L/∂{name}"
    lines.append(f"  {e} = ∂L/∂{name} = {general}{filled} = {num(p.grad(p.output(l, m)))}")
    sp = p.sigma_prime(l, m)
    if sp is not None:
        v = sum_name(p, l, m)
        lines.append(f"  σ′{sub(m)} = σ′({v}) = {num(sp)}   ({_sigma_text(p, l)})")
        lines.append(f"  ∂L/∂{v} = {e} · σ′{sub(m)} = {num(p.grad(p.total(l, m)))}")
    lines.append(f"(the engine's step{'s' if len(frame.steps) > 1 else ''} {_steps(frame)})")
    return "\n".join(lines)


def _eps_hidden(p, frame) -> str:
    l, h = frame.layer, frame.unit
    out, up = p.output(l, h), l + 1
    k = _index(p, up)
    e = eps_name(p, l, h)
    mixed = p.sigma_prime(up, 1) is None
    each = (f"∂L/∂v_{k} · w{sup(up)}{sub(h)}{k}" if mixed and up == p.n_layers else
            f"∂L/∂u_{k} · w{sup(up)}{sub(h)}{k}" if mixed else
            f"{eps_name(p, up, k)} σ′_{k} w{sup(up)}{sub(h)}{k}")
    lines = [f"Hidden error ε_h of {out.label}, h = {h} (written {e}: layer {l})",
             f"  {e} = ∂L/∂{out.label} = Σ_{k} {each}"]
    terms, parts = [], []
    for c in sorted(p.into(out), key=lambda c: _unit_of(p, up, p.record.steps[c.step].node)):
        step = p.record.steps[c.step]
        kk = _unit_of(p, up, step.node)
        sp = p.sigma_prime(up, kk)
        w = factor(c.local)
        if sp is None:
            terms.append(f"{factor(step.upstream)}·{w}")
        else:
            terms.append(f"{factor(p.grad(p.output(up, kk)))}·{factor(sp)}·{w}")
        parts.append(num(c.value))
    lines.append("     = " + plus(terms))
    if len(parts) > 1:
        lines.append("     = " + plus(parts))
    lines.append(f"     = {num(p.grad(out))}")
    sp = p.sigma_prime(l, h)
    if sp is not None:
        u = sum_name(p, l, h)
        lines.append(f"  σ′{sub(h)} = σ′({u}) = {num(sp)}   ({_sigma_text(p, l)})")
        lines.append(f"  ∂L/∂{u} = {e} · σ′{sub(h)} = {num(p.grad(p.total(l, h)))}")
    lines.append(HIDDEN_NOTE)
    return "\n".join(lines)


def _unit_of(p, l: int, node) -> int:
    """The unit whose weighted sum in layer ``l`` is ``node``."""
    return next(u for u in range(1, len(p.layer(l).sums) + 1) if p.total(l, u) is node)


def _act_layer(p, frame) -> str:
    l = frame.layer
    act = p.activation(l)
    lines = [f"The {act.name} of layer {l} mixes its units ({act.formula}):",
             "  ∂L/∂v_m = Σ_k ε_k · ∂a_k/∂v_m for every m:"]
    for m in range(1, len(p.layer(l).sums) + 1):
        v = p.total(l, m)
        lines.append(f"  ∂L/∂{v.label} = {num(p.grad(v))}")
    lines.append(f"(the engine's steps {_steps(frame)})")
    return "\n".join(lines)


def _dw(p, frame) -> str:
    l, u = frame.layer, frame.unit
    n_in = p.layer(l).weights.shape[0] - 1
    j = "f" if l == 1 else "h"
    prev = "x" if l == 1 else ("α" + (sup(l - 1) if p.n_layers > 2 else ""))
    out, s = unit_name(p, l, u), sum_name(p, l, u)
    sp = p.sigma_prime(l, u)
    first = (f"{eps_name(p, l, u)} · σ′{sub(u)}" if sp is not None else f"∂L/∂{s}")
    lines = [f"Gradients of the weights into {out} (the edges into it):",
             f"  ∂L/∂w{sup(l)}_{j}{sub(u)} = {first} · {prev}_{j}   ({prev}₀ = 1)",
             f"  {first} = " + ("" if sp is None else f"∂L/∂{s} = ")
             + num(p.grad(p.total(l, u)))]
    for i in _inputs(n_in):
        if i is None:  # a wide layer, folded as the picture folds it
            lines.append(f"  … ({n_in - len(_inputs(n_in)) + 2} more weights, each "
                         f"{first} · {prev}_{j})")
            continue
        lines.append(f"  ∂L/∂{weight_name(l, i, u)} = {factor(p.grad(p.total(l, u)))}·"
                     f"{factor(p.input_value(l - 1, i))} = {num(p.dw(l, i, u))}")
    lines.append(f"(the engine's step {_steps(frame)}: the step of {s})")
    return "\n".join(lines)


def panel(p, frame) -> str:
    """The text of ``frame`` (a :class:`~.network_steps.NetFrame`) of the pass ``p``."""
    if frame.kind == "input":
        F = p.model.n_in
        shown = list(range(1, F + 1)) if F <= 12 else [1, 2, 3, None, F]
        xs = "\n".join("  …" if f is None else f"  {unit_name(p, 0, f)} = "
                       f"{num(p.input_value(0, f))}" for f in shown)
        ys = ", ".join(f"y{sub(m)} = {num(v)}" for m, v in enumerate(p.y, 1))
        return (f"Forward phase. The sample enters the input units (x₀ = 1 is the bias "
                f"unit):\n{xs}\nIts target: {ys}")
    if frame.kind == "unit":
        return _forward_unit(p, frame.layer, frame.unit)
    if frame.kind == "loss":
        return _loss_forward(p)
    if frame.kind == "start":
        return _start(p, frame)
    if frame.kind == "eps":
        return (_eps_output if frame.layer == p.n_layers else _eps_hidden)(p, frame)
    if frame.kind == "act":
        return _act_layer(p, frame)
    return _dw(p, frame)
