"""A fused op drawn as its primitive steps, for display only.

``expand_fused=True`` (:func:`~.graph.draw`, :func:`~.stepper.step_through`)
redraws three fused nodes as the primitive steps they stand for. The engine
graph, its numbers and its backward steps are unchanged: the extra boxes are
drawn, never recorded, and their values are computed from the *recorded* data
by the primitive formulas written in each box's tooltip.

* **Σw·x** (``Dot``): u = Σ_f w_f·x_f + w₀ as one **×** box per term w_f·x_f
  and one **Σ** box, with the bias as an input of the Σ. Each w_f and x_f edge
  still carries the Dot step's own local derivative and contribution
  (∂u/∂w_f = x_f), each product's gradient is ∂L/∂u (∂u/∂(w_f·x_f) = 1), and
  the value of each product is w_f·x_f of the recorded data.
* **tanh** (``Tanh``): α = tanh u as the textbook identity
  e²ᵘ → e²ᵘ − 1, e²ᵘ + 1 → (e²ᵘ − 1) ÷ (e²ᵘ + 1). The engine computes tanh in
  one step (``math.tanh``, ``np.tanh``), exact at ±1000, and the tanh box keeps
  that value; the drawn steps show the identity, and for |u| ≳ 355 their e²ᵘ
  overflows to inf (the reason the engine does not compute it this way).
* **log-softmax** (``LogSoftmax``, what ``cross_entropy(..., from_logits=True)``
  records on a Tensor): ℓ = u − m − ln Σ e^{u−m} as m = max u, u − m, e^{u−m},
  Σ e^{u−m}, ln Σ → ℓ = (u − m) − ln Σ, the stable shift by the maximum kept.
* **softmax and log-softmax on Values** (``SoftmaxAt``, ``LogSoftmaxAt``: one
  node per output a_m, M inputs each, one box each in the plain picture): the
  shared steps c = max v, v_k − c (log-softmax), e^(v_k − c), Σ (and ln Σ), then
  a_m = e^(v_m − c) ÷ Σ (ℓ_m = (v_m − c) − ln Σ). The engine's edges v_k → a_m
  become one edge v_k → its first step, labelled with their sum (∂L/∂v_k
  through the softmax).

The extra tanh and log-softmax boxes show a value and no gradient (grey, as a
constant: the engine has no node for them, so no ∂L/∂ of its own). The edge
entering the group (u → the first step) carries the engine's own local
derivative and contribution of the fused step (for tanh ∂α/∂u = 1 − α², for
log-softmax the vjp G − s·ΣG), and the edges leaving the fused box are the
engine's, unchanged. The inner edges carry no numbers.
"""

from __future__ import annotations

import numpy as np

from stepgrad.autograd.nary_ops import Dot
from stepgrad.autograd.ops import Tanh
from stepgrad.autograd.softmax_ops import LogSoftmax, LogSoftmaxAt, SoftmaxAt, softmax_steps
from stepgrad.nn.labels import sub

from .boxes import Box, Edge

__all__ = ["unfuse", "tanh_steps", "log_softmax_steps"]


_DISPLAY = ("display only: computed from the recorded data by the primitive formula "
            "{f}; the engine has no node for this step")


def unfuse(scene) -> None:
    """Replace each drawn fused box (Σw·x, tanh, softmax, log-softmax) by its primitive
    steps (in place)."""
    groups: dict[tuple, list] = {}  # one softmax on Values: (op, its inputs) -> its a_m boxes
    for box in list(scene.boxes.values()):
        n = box.node
        if box.kind != "result" or n is None or n.op is None:
            continue
        if n.op is Dot:
            _unfuse_dot(scene, box, n)
        elif n.op is Tanh:
            _unfuse_chain(scene, box, n, _tanh_chain(n))
        elif n.op is LogSoftmax:
            _unfuse_chain(scene, box, n, _log_softmax_chain(n))
        elif n.op in (SoftmaxAt, LogSoftmaxAt):
            key = (n.op, tuple(map(id, n.parents)))
            groups.setdefault(key, []).append((box, n))
    for group in groups.values():
        _unfuse_softmax(scene, group)


def _incoming(scene, box, n) -> dict:
    """slot → the edge into ``box`` that carries the engine path (n, slot)."""
    return {path[0][1]: e for e in scene.edges if e.dst == box.id
            for path in e.paths if path and path[0][0] is n}


def _unfuse_dot(scene, box, n) -> None:
    count, bias = n.consts
    args = n.parents
    incoming = _incoming(scene, box, n)
    kept = [e for e in scene.edges if e.dst != box.id]
    extras = []
    for i in range(count):
        pid = f"{box.id}p{i}"
        w, x = args[i], args[count + i]
        scene.boxes[pid] = Box(pid, "product", n, "", op="×", value=w.data * x.data,
                               formula="f = w·x;  ∂f/∂w = x,  ∂f/∂x = w")
        for slot in (i, count + i):
            if slot in incoming:
                e = incoming[slot]
                kept.append(Edge("", e.src, pid, e.paths))
        kept.append(Edge("", pid, box.id, [], through=n))
        extras.append(pid)
    if bias and 2 * count in incoming:
        kept.append(incoming[2 * count])
    box.op = "Σ" if box.op == n.op.symbol else box.op.replace(n.op.symbol, "Σ")
    box.note = "+w₀" if bias else ""
    scene.edges = kept
    scene.extras[box.id] = extras


# ------------------------------------------------ tanh and log-softmax: a chain of steps


def tanh_steps(u):
    """The textbook steps of tanh u from the recorded u: e²ᵘ, e²ᵘ − 1, e²ᵘ + 1, their ratio.

    Plain numpy in float64, as the formula reads: e²ᵘ is inf for u ≳ 355 and
    the ratio then inf/inf = nan, where the engine's tanh gives ±1 exactly.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(2.0 * np.asarray(u, dtype=float))
        return {"e2u": e, "num": e - 1.0, "den": e + 1.0, "ratio": (e - 1.0) / (e + 1.0)}


def log_softmax_steps(u, axis=-1):
    """The steps of ℓ = u − m − ln Σ e^{u−m} from the recorded logits u (stable: m = max u),
    as the engine's :func:`~stepgrad.autograd.softmax_ops.softmax_steps` computes them."""
    steps = softmax_steps(u, axis)
    return {**steps, "out": steps["z"] - steps["ln"]}


def _scalar(x, like):
    return float(x) if np.ndim(like) == 0 else x


def _tanh_chain(n):
    """(steps, edges, entry, op note, tooltip) of α = tanh u drawn as the identity."""
    u = n.parents[0].data
    v = tanh_steps(u)
    steps = [("t0", "e²ᵘ", _scalar(v["e2u"], u), "E = e²ᵘ (= exp(2·u))"),
             ("t1", "e²ᵘ − 1", _scalar(v["num"], u), "E − 1"),
             ("t2", "e²ᵘ + 1", _scalar(v["den"], u), "E + 1")]
    inner = [("t0", "t1"), ("t0", "t2"), ("t1", None), ("t2", None)]  # None: the tanh box
    tip = ("α = tanh u drawn as the textbook identity (e²ᵘ − 1) ÷ (e²ᵘ + 1): the boxes "
           "before it are display only, computed from the recorded u. The engine computes "
           "α = tanh u in one step (math.tanh / np.tanh), exact at ±1000 where e²ᵘ overflows; "
           "this box shows the engine's value. " + n.op.formula)
    return steps, inner, "t0", "= (e²ᵘ − 1) ÷ (e²ᵘ + 1)", tip


def _log_softmax_chain(n):
    """(steps, edges, entry, op note, tooltip) of ℓ = log softmax u, stable form kept."""
    v = log_softmax_steps(n.parents[0].data, n.consts)
    steps = [("s0", "m = max u", v["m"], "m = max_k u_k (the shift that keeps e^{u−m} ≤ 1)"),
             ("s1", "u − m", v["z"], "u − m"),
             ("s2", "e^(u − m)", v["e"], "e^{u−m}"),
             ("s3", "Σ e^(u − m)", v["s"], "Σ_k e^{u_k−m}"),
             ("s4", "ln Σ e^(u − m)", v["ln"], "ln Σ_k e^{u_k−m} (≥ 0, never overflows)")]
    inner = [("s0", "s1"), ("s1", "s2"), ("s2", "s3"), ("s3", "s4"), ("s1", None), ("s4", None)]
    tip = ("ℓ = log softmax u drawn as its stable steps (u − m) − ln Σ e^{u−m}, m = max u: "
           "the boxes before it are display only, computed from the recorded logits u. The "
           "engine computes ℓ in one LogSoftmax step; this box shows its value, and the edge "
           "u → u − m its one vjp (the max's own gradient cancels). " + n.op.formula)
    return steps, inner, "s1", "= (u − m) − ln Σ e^(u − m)", tip


def _unfuse_softmax(scene, group) -> None:
    """Draw the boxes a_m = softmax_m(v) (or ℓ_m = log softmax_m(v)) of one softmax on
    Values as its stable steps: c = max v, v_k − c, e^(v_k − c), Σ (and ln Σ), then each
    a_m = e^(v_m − c) ÷ Σ (ℓ_m = (v_m − c) − ln Σ).

    The steps are display only, computed from the recorded v by the engine's own
    :func:`~stepgrad.autograd.softmax_ops.softmax_steps`; each a_m box keeps its value
    and its outgoing edges. The engine edges v_k → a_m (one per pair) become one edge
    v_k → its first step, carrying all of them: its label is their sum, ∂L/∂v_k
    through the softmax.
    """
    first, n0 = group[0]
    log = n0.op is LogSoftmaxAt
    v = n0.parents
    st = softmax_steps(np.array([p.data for p in v]))
    entering: dict[int, list] = {}  # slot k -> the engine edges v_k → a_m
    for box, n in group:
        for k, e in _incoming(scene, box, n).items():
            entering.setdefault(k, []).append(e)
    gone = {id(e) for es in entering.values() for e in es}
    edges = [e for e in scene.edges if id(e) not in gone]
    anchor, ids = _static_leaf(scene), {}

    def step(key, title, value, formula):
        ids[key] = bid = f"{first.id}{key}"
        scene.boxes[bid] = Box(bid, "constant", anchor, title, value=float(value),
                               formula=_DISPLAY.format(f=formula))

    step("c", "c = max v", st["m"].item(), "c = max_k v_k (the shift that keeps e^{v−c} ≤ 1)")
    for k in range(len(v)):
        if log:
            step(f"z{k}", f"v{sub(k + 1)} − c", st["z"][k], "v_k − c")
        step(f"e{k}", f"e^(v{sub(k + 1)} − c)", st["e"][k], "e^{v_k − c}")
    step("s", "Σ e^(v − c)", st["s"].item(), "Σ_k e^{v_k − c}")
    if log:
        step("l", "ln Σ e^(v − c)", st["ln"].item(), "ln Σ_k e^{v_k − c} (≥ 0, never overflows)")
    first_step = "z" if log else "e"
    for k, es in entering.items():
        edges.append(Edge("", es[0].src, ids[f"{first_step}{k}"], [p for e in es for p in e.paths]))
        edges.append(Edge("", es[0].src, ids["c"], []))
    for k in range(len(v)):
        edges.append(Edge("", ids["c"], ids[f"{first_step}{k}"], []))
        if log:
            edges.append(Edge("", ids[f"z{k}"], ids[f"e{k}"], []))
        edges.append(Edge("", ids[f"e{k}"], ids["s"], []))
    if log:
        edges.append(Edge("", ids["s"], ids["l"], []))
    for box, n in group:
        m = n.consts
        if log:
            edges += [Edge("", ids[f"z{m}"], box.id, []), Edge("", ids["l"], box.id, [])]
            box.note = f"= (v{sub(m + 1)} − c) − ln Σ"
        else:
            edges += [Edge("", ids[f"e{m}"], box.id, []), Edge("", ids["s"], box.id, [])]
            box.note = f"= e^(v{sub(m + 1)} − c) ÷ Σ"
        box.formula = (f"{box.title or n.op.symbol} drawn as the stable steps of the softmax: "
                       "the boxes before it are display only, computed from the recorded v. "
                       "The engine computes it in one step; this box shows its value. "
                       + n.op.formula)
    scene.edges = edges
    scene.extras[first.id] = list(ids.values())


def _unfuse_chain(scene, box, n, chain) -> None:
    """Draw one-input fused ``box`` as ``chain``: display steps ending in the box itself.

    The engine edge u → box now enters the chain at ``entry``; the other steps
    that read u get an edge without numbers; the box keeps its outgoing edges.
    """
    steps, inner, entry, note, tip = chain
    incoming = _incoming(scene, box, n)
    if 0 not in incoming:
        return
    enter = incoming[0]
    anchor = _static_leaf(scene)
    ids = {}
    extras = []
    for key, op, value, formula in steps:
        bid = f"{box.id}{key}"
        ids[key] = bid
        scene.boxes[bid] = Box(bid, "constant", anchor, op, value=value,
                               formula=_DISPLAY.format(f=formula))
        extras.append(bid)
    edges = [e for e in scene.edges if e is not enter]
    edges.append(Edge("", enter.src, ids[entry], enter.paths))
    for key, _, _, _ in steps:  # every other step that reads u (the max m)
        if key != entry and not any(dst == key for _, dst in inner):
            edges.append(Edge("", enter.src, ids[key], []))
    for src, dst in inner:
        edges.append(Edge("", ids[src], box.id if dst is None else ids[dst], []))
    box.note = note
    box.formula = tip
    scene.edges = edges
    scene.extras[box.id] = extras


def _static_leaf(scene):
    """A leaf of the graph: the extra boxes' row key, which no stepper frame changes.

    A constant box's value row is keyed by its ``node``; a leaf's data never
    changes in a frame (the forward stepper steps results only), so the value
    drawn stays the display value.
    """
    return next(n for n in scene.order if n.op is None)
