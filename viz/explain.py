"""The text panel: a step's arithmetic, and a node's chain-rule expansion, with numbers.

Every number is the engine's own (from :mod:`.record`): the upstream gradient
∂L/∂node, the local derivatives, the contributions and the running totals.
Nodes are called what the picture calls them (:mod:`.names`: the same v₂ in
both). Where the graph is a perceptron (:mod:`.groups`) the lecture's names are
used, every ε with its index letter: the output error ε_m = ∂L/∂a_m at an
output a_m, the hidden error ε_h = ∂L/∂α_h = Σ_m ε_m·σ′_m·w²_hm at a hidden
α_h, and ∂L/∂w_fh = ε_h·σ′_h·x_f at a weight. A lone neuron (no network) is
explained with its own names, w_f and x_f.
"""

from __future__ import annotations

from .names import definition
from .rows import circled, number

__all__ = ["name", "roles", "explain_step", "explain_node", "explain_forward"]


def name(node) -> str:
    """How the text calls a node: its label, or its op and value."""
    if node.label:
        return node.label
    if node.op is None:
        shape = getattr(node.data, "shape", ())
        return f"constant{shape}" if shape else number(node.data)
    return f"({node.op.symbol} = {number(node.data)})"


def roles(groups) -> dict:
    """id(node) → (role, index, layer, softmax): "out"/"hidden" activations, "u_out"/
    "u_hidden" sums; "one_out"/"one_u" for a lone neuron (no network around it)."""
    out = {}
    layers = [g for g in groups if g.kind in ("layer", "neuron")]
    alone = len(layers) == 1 and layers[0].kind == "neuron"
    for g in layers:
        neurons = [c.neuron for c in g.children] if g.kind == "layer" else [g.neuron]
        last = g is layers[-1]
        for nr in neurons:
            soft = nr.act is not None and len(nr.act.parents) > 1
            kind = "one_out" if alone else "out" if last else "hidden"
            out[id(nr.out)] = (kind, nr.index, nr.layer, soft)
            if nr.act is not None:
                kind = "one_u" if alone else "u_out" if last else "u_hidden"
                out[id(nr.dot)] = (kind, nr.index, nr.layer, soft)
    return out


def _lecture_line(node, step, record, role, name) -> str:
    """The step in the lecture's terms: ε_m (output error), ε_h (hidden error), ∂L/∂u."""
    kind, k, layer, soft = role
    g = number(step.upstream)
    me = name(node)
    if kind == "one_out":
        return f"∂L/∂{me} = {g}: the error at the neuron's output"
    if kind == "one_u":
        return (f"∂L/∂{me} = ∂L/∂a·σ′({me}) = {g}   (each weight w_f then gets "
                f"∂L/∂{me}·x_f, the bias w₀ gets ∂L/∂{me})")
    if kind == "out":
        return (f"output error ε_m, m = {k}: ε_m = ∂L/∂{me} = {g}"
                + ("" if soft else "   (for L = ½Σ_m (a_m − y_m)²: ε_m = a_m − y_m)"))
    if kind == "hidden":
        cons = record.into.get(id(node), [])
        terms = " + ".join(number(c.value) for c in cons)
        w = f"w{_SUP.get(layer + 1, '')}_hm"
        return (f"hidden error ε_h, h = {k} (layer {layer}): ε_h = ∂L/∂{me} (the slides' "
                f"∂L/∂u_h) = Σ_m ε_m·σ′_m·{w} = {terms} = {g}" if cons else
                f"hidden error ε_h, h = {k} (layer {layer}): ε_h = ∂L/∂{me} = {g}")
    if kind == "u_out":
        rule = "Σ_k ε_k·∂a_k/∂v_m (softmax: every a_k depends on v_m)" if soft else "ε_m·σ′_m"
        return (f"∂L/∂{me} = {rule}, m = {k}: {g}   "
                f"(each w{_SUP.get(layer, '')}_hm then gets ∂L/∂{me}·α_h)")
    return (f"∂L/∂{me} = ε_h·σ′_h, h = {k}: {g}   ({me}: the weighted sum, not the slides' "
            f"u_h, whose ∂L/∂u_h is ε_h; each w{_SUP.get(layer, '')}_fh then gets ε_h·σ′_h·x_f)")


_SUP = {1: "¹", 2: "²", 3: "³", 4: "⁴"}


def _head(node, names, name) -> str:
    """The node and what it computes: ``α₁ = tanh(u₁)``, ``L = 0.5·(…)``; an unlabelled
    node's name is already its expression, ``(a₁ − y₁)²``."""
    if not names:
        return f"{name(node)} = {node.op.symbol}"
    if not node.label and names.get(id(node)) != "L":
        return name(node)
    return f"{name(node)} = {definition(node, names)}"


def _named(names):
    return (lambda n: names.get(id(n)) or name(n)) if names else name


def explain_step(step, record, total: int, role=None, names=None) -> str:
    """Frame k of the backward stepper: what the engine's k-th step did."""
    name = _named(names)
    node = step.node
    lines = [f"backward step {step.index + 1} of {total}: {_head(node, names, name)}"
             f"{'   ' + node.op.formula if node.op.formula else ''}"]
    up = number(step.upstream)
    if step.index == 0:
        lines.append(f"∂L/∂{name(node)} = {up}   (the seed: ∂L/∂L = 1)")
    else:
        lines.append(f"∂L/∂{name(node)} = {up}   (complete: every node that uses it has "
                     f"handed back its contribution)")
    if role is not None:
        lines.append(_lecture_line(node, step, record, role, name))
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
