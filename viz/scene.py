"""What the picture shows: boxes and edges made from the engine's recorded graph.

The engine graph is never changed; only its display is rewritten so an
expression reads as the student wrote it:

* ``a + (−1·y)`` and ``a + (−y)`` (how the engine records ``a − y``) are one
  **−** box with inputs a and y (y shows its value);
* ``a · b⁻¹`` (how it records ``a / b``) is one **÷** box with inputs a and b;
* an unlabelled leaf is a **constant**: its value, no gradient row;
* a Value read out of a Tensor (one weight w_fh of a model's scalar view) is a
  leaf, and the Tensor is not drawn.

Each display edge keeps its *path* in the engine graph, a list of
``(child, slot)`` pairs, so its local derivative and contribution are read
from the engine's own backward record (:mod:`.record`).
"""

from __future__ import annotations

import math

from stepgrad.autograd.ops import Add, Mul, PowConst

from .boxes import Box, Edge, Scene
from .groups import explicit_groups, find_groups, is_entry
from .record import graph_nodes
from .unfuse import unfuse

__all__ = ["build_scene", "is_minus_one"]


def _is_const(n) -> bool:
    return n.op is None and not n.label


def _single_use(n, consumers) -> bool:
    return len(consumers.get(id(n), ())) == 1 and not n.label


def _rewrite(n, consumers):
    """(symbol, args, absorbed, negated constant) for result node ``n``.

    ``args`` is a list of (parent, path); ``absorbed`` the engine nodes drawn inside n.
    """
    ps = n.parents
    args = [(p, [(n, i)]) for i, p in enumerate(ps)]
    if len(ps) == 2 and n.op is Add:
        m = ps[1]
        if m.op is Mul and m.op is not None and _single_use(m, consumers):
            for s in (0, 1):
                c = m.parents[1 - s]
                if _is_const(c) and is_minus_one(c.data) and _single_use(c, consumers):
                    return "−", [args[0], (m.parents[s], [(n, 1), (m, s)])], [m, c], None
        if _is_const(m) and _single_use(m, consumers) and _negative(m.data):
            return "−", args, [], m
    if len(ps) == 2 and n.op is Mul:
        r = ps[1]
        if r.op is PowConst and r.consts == -1 and _single_use(r, consumers):
            return "÷", [args[0], (r.parents[0], [(n, 1), (r, 0)])], [r], None
    return n.op.symbol, args, [], None


_SUPERSCRIPT = {2: "²", 3: "³", 4: "⁴", 0.5: "^½", -1: "⁻¹", -2: "⁻²"}
_FORMULA = {"−": "f = a − b;  ∂f/∂a = 1,  ∂f/∂b = −1",
            "÷": "f = a ÷ b;  ∂f/∂a = 1/b,  ∂f/∂b = −a/b²"}


def _name(n, negated=False) -> str:
    if n.label:
        return n.label
    if n.op is None:
        return format(-n.data if negated else n.data, ".4g")
    return "(" + n.op.symbol + ")"


def is_minus_one(x) -> bool:
    """x is the scalar −1 (how the engine records a − y: a + (−1)·y)."""
    return getattr(x, "ndim", 0) == 0 and float(x) == -1.0


def _negative(x) -> bool:
    try:
        return math.copysign(1.0, float(x)) < 0
    except (TypeError, ValueError):
        return False


def build_scene(roots, *, collapse=None, expand=(), groups=None,
                expand_fused: bool = False) -> Scene:
    """The boxes, edges and clusters of the graph behind ``roots``.

    ``expand_fused`` draws each Σw·x as its products and their sum (:mod:`.unfuse`).
    """
    order = graph_nodes(roots)
    index = {id(n): i for i, n in enumerate(order)}
    consumers: dict = {}
    for n in order:
        for slot, p in enumerate(n.parents):
            consumers.setdefault(id(p), []).append((n, slot))
    hidden = {id(n) for n in order
              if consumers.get(id(n)) and all(is_entry(c) for c, _ in consumers[id(n)])}
    boxes, owner, pending = {}, {}, []
    absorbed_into = {}
    negated = set()
    for n in reversed(order):  # children first, so absorption is decided top-down
        if id(n) in hidden or id(n) in absorbed_into or n.op is None or is_entry(n):
            continue
        symbol, args, absorbed, neg_const = _rewrite(n, consumers)
        for a in absorbed:
            absorbed_into[id(a)] = n
        if neg_const is not None:
            negated.add(id(neg_const))
        pending.append((n, symbol, args))
    for n in order:
        if id(n) in hidden or id(n) in absorbed_into:
            continue
        bid = f"n{index[id(n)]}"
        owner[id(n)] = bid
        if n.op is None or is_entry(n):
            kind = "constant" if _is_const(n) else "leaf"
            value = -n.data if id(n) in negated else n.data
            boxes[bid] = Box(bid, kind, n, n.label, value=value)
        else:
            boxes[bid] = Box(bid, "result", n, n.label, formula=n.op.formula, value=n.data,
                             note=n.op.describe(n.consts))
            if n.op is PowConst and n.consts in _SUPERSCRIPT:  # (·)² rather than xⁿ n=2
                boxes[bid].op, boxes[bid].note = "(·)" + _SUPERSCRIPT[n.consts], ""
    for a_id, n in absorbed_into.items():
        owner[a_id] = owner[id(n)]
    for n in order:
        if id(n) in owner:
            boxes[owner[id(n)]].members.append(n)
    edges = []
    for n, symbol, args in reversed(pending):
        box = boxes[owner[id(n)]]
        box.op = box.op if box.op.startswith("(·)") else symbol
        if symbol in ("−", "÷"):  # as written: a − y, a ÷ b
            box.op = f" {symbol} ".join(_name(p, id(p) in negated) for p, _ in args)
            box.formula = _FORMULA[symbol]
        for p, path in args:
            if id(p) in owner:
                edges.append(Edge("", owner[id(p)], box.id, [path]))
    found = explicit_groups(groups) if groups is not None else find_groups(order, consumers)
    scene = Scene(boxes, edges, [], owner, order, found)
    if collapse is not None:
        _collapse(scene, collapse, expand)
    if expand_fused:
        unfuse(scene)
    scene.clusters = _clusters(scene)
    scene.stacks = _stacks(scene)
    for k, e in enumerate(scene.edges):
        e.id = f"e{k}"
    return scene


def _collapse(scene, collapse, expand):
    if collapse not in ("neuron", "layer"):
        raise ValueError(f"collapse: expected None, 'neuron' or 'layer', got {collapse!r}")
    keep = {id(n) for n in expand}
    todo = []
    for g in scene.groups:
        if g.kind == "layer":
            if collapse == "layer" and not any(id(o) in keep for o in g.outputs):
                todo.append(g)
            else:
                todo += [c for c in g.children if not any(id(o) in keep for o in c.outputs)]
        elif g.kind == "neuron" and not any(id(o) in keep for o in g.outputs):
            todo.append(g)
    for k, g in enumerate(todo):
        members = g.all_members()
        bid = f"g{k}"
        ids = {scene.owner[id(m)] for m in members if id(m) in scene.owner}
        node = g.outputs[0] if g.kind == "neuron" else None
        n = g.neuron
        title = g.title
        scene.boxes[bid] = Box(bid, g.kind, node, title, op=n.act.op.symbol if n and n.act else "",
                               members=members, outputs=list(g.outputs), group=g,
                               value=None if node is None else node.data)
        for b in ids:
            scene.boxes.pop(b, None)
        for nid, b in list(scene.owner.items()):
            if b in ids:
                scene.owner[nid] = bid
        edges, merged = [], {}
        for e in scene.edges:
            e.src = bid if e.src in ids else e.src
            e.dst = bid if e.dst in ids else e.dst
            if e.src == e.dst == bid:
                continue
            if bid in (e.src, e.dst) and (e.src, e.dst) in merged:
                merged[e.src, e.dst].paths += e.paths
                continue
            if bid in (e.src, e.dst):
                merged[e.src, e.dst] = e
            edges.append(e)
        scene.edges = edges
    scene.collapsed = collapse


def _clusters(scene) -> list:
    """(group, box ids, sub-clusters) for every group that is not one collapsed box."""
    def boxes(g):
        ids = dict.fromkeys(scene.owner[id(m)] for m in g.all_members() if id(m) in scene.owner)
        return [x for b in ids for x in [*scene.extras.get(b, ()), b]]

    out = []
    for g in scene.groups:
        own = boxes(g)
        if len(own) == 1 and scene.boxes[own[0]].group is g:
            continue  # collapsed to one box
        if not g.children:
            out.append((g, own, []))
            continue
        direct, subs = [], []
        for c in g.children:
            ids = boxes(c)
            if len(ids) == 1 and scene.boxes[ids[0]].group is c:
                direct += ids
            else:
                subs.append((c, ids, []))
        out.append((g, direct, subs))
    return out


def _stacks(scene) -> list:
    """The first layer's leaf inputs x₁…x_F, in order (they are in no cluster)."""
    stacks = []
    layers = [g for g in scene.groups if g.kind == "layer"]
    if layers:
        first = layers[0].children[0].neuron.inputs
        ids = [scene.owner.get(id(x)) for x in first]
        if all(b is not None and scene.boxes[b].kind == "leaf" for b in ids):
            stacks.append(list(dict.fromkeys(ids)))
    return [s for s in stacks if len(s) > 1]
