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

from stepgrad.autograd.nary_ops import Dot
from stepgrad.autograd.ops import Add, Mul, PowConst

from .boxes import Box, Edge, Scene
from .groups import explicit_groups, find_groups, is_entry
from .names import definition, node_names
from .record import graph_nodes
from .rows import number
from .unfuse import unfuse

__all__ = ["build_scene"]


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
                if _is_const(c) and _is_minus_one(c.data) and _single_use(c, consumers):
                    return "−", [args[0], (m.parents[s], [(n, 1), (m, s)])], [m, c], None
        if _is_const(m) and _single_use(m, consumers) and _negative(m.data):
            return "−", args, [], m
    if len(ps) == 2 and n.op is Mul:
        r = ps[1]
        if r.op is PowConst and r.consts == -1 and _single_use(r, consumers):
            return "÷", [args[0], (r.parents[0], [(n, 1), (r, 0)])], [r], None
    return n.op.symbol, args, [], None


_FORMULA = {"−": "f = a − b;  ∂f/∂a = 1,  ∂f/∂b = −1",
            "÷": "f = a ÷ b;  ∂f/∂a = 1/b,  ∂f/∂b = −a/b²"}


def _is_minus_one(x) -> bool:
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
    for a_id, n in absorbed_into.items():
        owner[a_id] = owner[id(n)]
    for n in order:
        if id(n) in owner:
            boxes[owner[id(n)]].members.append(n)
    found = explicit_groups(groups) if groups is not None else find_groups(order, consumers)
    rewritten = {id(n): (symbol, [p for p, _ in args]) for n, symbol, args in pending
                 if symbol in ("−", "÷")}
    names = node_names(order, roots, found, consumers, negated, rewritten, absorbed_into)
    edges = []
    for n, symbol, args in reversed(pending):
        box = boxes[owner[id(n)]]
        box.title = names[id(n)]
        if symbol in ("−", "÷"):  # as written: a − y, a ÷ b
            named = n.label or box.title == "L"  # else the title is the expression itself
            box.op = f" {symbol} ".join(names[id(p)] for p, _ in args) if named else ""
            box.formula = _FORMULA[symbol]
        elif n.op is Dot:  # u₁ = Σw·x n=6 +w₀ (an unlabelled one: Σw·x n=6 +w₀)
            box.op, box.title = symbol, n.label
        else:
            box.op = definition(n, names) if n.label or box.title == "L" else ""
            box.note = ""
        for p, path in args:
            if id(p) in owner:
                edges.append(Edge("", owner[id(p)], box.id, [path]))
    for box in boxes.values():  # a target is titled y_m; other constants are their value
        if box.kind == "constant" and names.get(id(box.node)) != number(box.value):
            box.title = names.get(id(box.node), "")
    scene = Scene(boxes, edges, [], owner, order, found, names=names)
    if collapse is not None:
        _collapse(scene, collapse, expand)
    if expand_fused:
        unfuse(scene)
    scene.orders = _orders(scene)
    scene.clusters = _clusters(scene)
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
        elif g.kind == "loss" and len(g.members) > 1 and not any(id(o) in keep for o in g.outputs):
            todo.append(g)  # one box: each term's value and ∂L/∂, L last
    for k, g in enumerate(todo):
        members = g.all_members()
        bid = f"g{k}"
        ids = {scene.owner[id(m)] for m in members if id(m) in scene.owner}
        node = g.outputs[0] if g.kind in ("neuron", "loss") else None
        n = g.neuron
        title = g.title
        shown = [(scene.boxes[b].node, scene.boxes[b].value)
                 for b in sorted(ids, key=lambda b: int(b[1:])) if g.kind == "loss"
                 and scene.boxes[b].node is not None
                 and not (scene.boxes[b].kind == "constant" and not scene.boxes[b].title)]
        if g.kind == "loss" and node is not None:
            root = scene.boxes[scene.owner[id(node)]]
            title = f"{root.title} = {root.op}" if root.op else root.title
        scene.boxes[bid] = Box(bid, g.kind, node, title, op=n.act.op.symbol if n and n.act else "",
                               members=members, outputs=list(g.outputs), group=g,
                               value=None if node is None else node.data, shown=shown)
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
    layer_of = {id(c): k for k, g in enumerate(scene.groups) for c in g.children}
    same = [e for e in scene.edges if scene.boxes[e.src].kind == scene.boxes[e.dst].kind
            == "neuron" and layer_of.get(id(scene.boxes[e.src].group), -1)
            == layer_of.get(id(scene.boxes[e.dst].group), -2)]
    # a softmax layer's v_k → a_m (k ≠ m) join two neuron boxes of one layer: the boxes
    # say a_m = softmax_m(v₁, …, v_M) instead of drawing M² arrows inside the layer
    scene.edges = [e for e in scene.edges if not any(e is x for x in same)]
    scene.collapsed = collapse


def _clusters(scene) -> list:
    """(group, box ids, sub-clusters) for every group that is not one collapsed box."""
    def boxes(g):
        ids = dict.fromkeys(scene.owner[id(m)] for m in g.all_members() if id(m) in scene.owner)
        return [x for b in ids for x in [*scene.extras.get(b, ()), b]]

    out: list[tuple] = []
    for g in scene.groups:
        own = boxes(g)
        if len(own) == 1 and scene.boxes[own[0]].group is g:
            continue  # collapsed to one box
        if not g.children:
            out.append((g, own, []))
            continue
        # a layer's neurons are not clusters of their own: the top-to-bottom order
        # of α₁ … α_H holds only between boxes of one cluster (see _orders)
        out.append((g, [b for c in g.children for b in boxes(c)], []))
    return out


def _orders(scene) -> list:
    """Box ids to draw top to bottom, as the lecture lists them, each within one cluster.

    The first layer's inputs x₁ … x_F; in each layer the weights w₀ₕ … w_Fh of
    neuron 1, then of neuron 2, …; the sums u₁ … u_H; the outputs α₁ … α_H
    (a₁ … a_M); or, collapsed, the neuron boxes 1 … H.
    """
    def ids(nodes):
        out = [scene.owner.get(id(n)) for n in nodes]
        return list(dict.fromkeys(b for b in out if b is not None))

    orders = []
    layers = [g for g in scene.groups if g.kind in ("layer", "neuron")]
    if layers:
        first = layers[0].children[0].neuron if layers[0].children else layers[0].neuron
        xs = ids(x for x in first.inputs if id(x) in scene.owner
                 and scene.boxes[scene.owner[id(x)]].kind == "leaf")
        orders.append(xs)
    for g in layers:
        neurons = [c.neuron for c in g.children] if g.children else [g.neuron]
        orders.append(ids(w for nr in neurons for w in nr.ordered_weights))
        orders.append(ids(nr.dot for nr in neurons))
        orders.append(ids(nr.out for nr in neurons))
    unique = []
    for o in orders:
        if len(o) > 1 and o not in unique:
            unique.append(o)
    return unique
