"""The text panel: a step's arithmetic, and a node's chain-rule expansion, with numbers.

Every number is the engine's own (from :mod:`.record`): the upstream gradient
∂L/∂node, the local derivatives, the contributions and the running totals.
Where the graph is a perceptron (:mod:`.groups`) the lecture's names are used:
ε_m = ∂L/∂a_m at an output a_m, ε_h = ∂L/∂α_h = Σ_m ε_m·σ′_m·w²_hm at a
hidden α_h, and ∂L/∂w_fh = ε_h·σ′_h·x_f at a weight.
"""

from __future__ import annotations

from .render import circled, number
from .scene import is_minus_one

__all__ = ["name", "expressions", "roles", "explain_step", "explain_node", "explain_forward"]


def name(node) -> str:
    """How the text calls a node: its label, or its op and value."""
    if node.label:
        return node.label
    if node.op is None:
        shape = getattr(node.data, "shape", ())
        return f"constant{shape}" if shape else number(node.data)
    return f"({node.op.symbol} = {number(node.data)})"


def roles(groups) -> dict:
    """id(node) → (role, index, layer): "out"/"hidden" activations, "u" sums."""
    out = {}
    layers = [g for g in groups if g.kind in ("layer", "neuron")]
    for g in layers:
        neurons = [c.neuron for c in g.children] if g.kind == "layer" else [g.neuron]
        last = g is layers[-1]
        for nr in neurons:
            out[id(nr.out)] = ("out" if last else "hidden", nr.index, nr.layer)
            if nr.act is not None:
                out[id(nr.dot)] = ("u_out" if last else "u_hidden", nr.index, nr.layer)
    return out


def _lecture_line(node, step, record, role) -> str:
    kind, k, _layer = role
    g = number(step.upstream)
    if kind == "out":
        return f"ε_m = ∂L/∂a_m for m = {k}: ε_{k} = {g}   (for ½Σ(a_m − y_m)²: a_m − y_m)"
    if kind == "hidden":
        cons = record.into.get(id(node), [])
        terms = " + ".join(number(c.value) for c in cons)
        return (f"ε_h = ∂L/∂α_h (the slides' ∂L/∂u_h) = Σ_m ε_m·σ′_m·w²_hm for h = {k}: "
                f"ε_{k} = {terms} = {g}"
                if cons else f"ε_h for h = {k}: {g}")
    if kind == "u_out":
        return f"∂L/∂u_m = ε_m·σ′_m for m = {k}: {g}   (each w²_hm then gets ε_m·σ′_m·α_h)"
    return (f"∂L/∂u_h = ε_h·σ′_h for h = {k}: {g}   (u_h: the weighted sum, not the slides' u_h, "
            "whose ∂L/∂u_h is ε_h; each w¹_fh then gets ε_h·σ′_h·x_f)")


def expressions(scene) -> dict:
    """id(node) → how the text names it: its label, or the expression of its box."""
    names = {}
    for n in scene.order:
        box = scene.box_of(n)
        args = [names.get(id(p), "…") for p in n.parents]
        if n.label or n.op is None:
            names[id(n)] = name(n)
        elif box is not None and box.node is not n:  # drawn inside another box
            consts = [p for p in n.parents if p.op is None and not p.label]
            if len(n.parents) == 1 and n.consts == -1:  # the b⁻¹ of a ÷ b
                names[id(n)] = f"1/{args[0]}"
            elif len(consts) == 1 and len(n.parents) == 2 and is_minus_one(consts[0].data):
                other = 1 if n.parents[0] is consts[0] else 0
                names[id(n)] = "−" + args[other]  # the −y of a − y
        elif box is not None and box.node is n and box.op:
            if box.op.startswith("(·)") and args:
                inner = args[0] if args[0].startswith("(") else f"({args[0]})"
                text = inner + box.op[3:]
            elif len(n.parents) == 1 and args:
                text = f"{box.op}({args[0]})"
            elif box.op in ("+", "×") and len(args) == 2:
                text = f"({args[0]} {box.op} {args[1]})"
            elif " " in box.op:  # a − y, a ÷ b: already as written
                text = f"({box.op})"
            else:
                text = f"{box.op}(…)"
            names[id(n)] = text if len(text) <= 40 else f"[{box.op}]"
    return names


def _named(names):
    return (lambda n: names.get(id(n)) or name(n)) if names else name


def explain_step(step, record, total: int, role=None, names=None) -> str:
    """Frame k of the backward stepper: what the engine's k-th step did."""
    name = _named(names)
    node = step.node
    lines = [f"backward step {step.index + 1} of {total}: {name(node)} = {node.op.symbol}"
             f"{'  ' + node.op.formula if node.op.formula else ''}"]
    up = number(step.upstream)
    if step.index == 0:
        lines.append(f"∂L/∂{name(node)} = {up}   (the seed: ∂L/∂L = 1)")
    else:
        lines.append(f"∂L/∂{name(node)} = {up}   (complete: every node that uses it has "
                     f"handed back its contribution)")
    if role is not None:
        lines.append(_lecture_line(node, step, record, role))
    for slot, p in enumerate(step.parents):
        con = record.contribution(node, slot)
        if con is None:
            continue
        if p.op is None and not p.label:
            lines.append(f"  constant {name(p)}: no gradient needed")
            continue
        if con.local is None:
            what = f"{number(con.value)}   (this op hands back its contribution directly)"
        else:
            what = (f"∂L/∂{name(node)} · ∂{name(node)}/∂{name(p)} = {up} × "
                    f"{number(con.local)} = {number(con.value)}")
        lines.append(f"  {name(p)}.grad += {what}  →  {name(p)}.grad = {number(con.total)}")
    return "\n".join(lines)


def explain_node(node, record, names=None) -> str:
    """∂L/∂v = Σ over the nodes c that use v of ∂L/∂c · ∂c/∂v, one term per edge."""
    name = _named(names)
    v = name(node)
    if not record.done:
        return f"∂L/∂{v}: not computed yet (call L.backward())"
    cons = record.into.get(id(node), [])
    if not cons:
        if record.steps and record.steps[0].node is node:
            return f"∂L/∂{v} = {number(record.steps[0].upstream)}   (the seed: ∂L/∂L = 1)"
        return f"∂L/∂{v}: nothing downstream uses {v}"
    symbolic, numeric, values = [], [], []
    for k, c in enumerate(cons, 1):
        child = name(c.child)
        up = record.steps[c.step].upstream
        lead = circled(k) if len(cons) > 1 else ""
        if c.local is None:
            symbolic.append(f"{lead}[∂L/∂{child} · ∂{child}/∂{v}]")
            numeric.append(f"{lead}{number(c.value)}")
        else:
            symbolic.append(f"{lead}∂L/∂{child} · ∂{child}/∂{v}")
            numeric.append(f"{lead}{number(up)} × {number(c.local)}")
        values.append(number(c.value))
    lines = [f"∂L/∂{v} = Σ over the nodes c that use {v} of ∂L/∂c · ∂c/∂{v}",
             "  = " + " + ".join(symbolic), "  = " + " + ".join(numeric)]
    if len(cons) > 1:
        lines.append("  = " + " + ".join(values))
    lines.append(f"  = {number(cons[-1].total)}")
    return "\n".join(lines)


def explain_forward(node, k: int, total: int, names=None) -> str:
    """Frame k of the forward stepper: one op computed from its parents' values."""
    name = _named(names)
    args = ", ".join(f"{name(p)} = {number(p.data)}" for p in node.parents)
    desc = node.op.describe(node.consts)
    return (f"forward step {k + 1} of {total}: {name(node)} = "
            f"{node.op.symbol}{' ' + desc if desc else ''}({args})\n"
            f"  = {number(node.data)}{'   ' + node.op.formula if node.op.formula else ''}")
