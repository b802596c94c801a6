"""The engine's backward steps grouped as the lecture explains backprop on the network.

The lecture walks the backward phase over the network's picture: the output
errors ε_m on the output units, then ∂L/∂w²_hm on the edges into them, then the
hidden errors ε_h, then ∂L/∂w¹_fh. :func:`lecture_frames` cuts the engine's own
record (:func:`~.record.replay`, the observer's :class:`BackwardStep` s) into
exactly those groups: every step of the pass lands in one frame, and no number
is computed here; the frames only say which steps belong together.

Names (stepgrad's, :mod:`stepgrad.nn.labels`): x_f the inputs; in layer l,
u_h = Σ_f wˡ_fh·x_f the weighted sum and α_h = σ_h(u_h) the output of a hidden
unit, v_m and a_m = σ_m(v_m) for an output unit. The errors carry the layer as
a superscript, as the weights do: ε²_m = ∂L/∂a_m at an output of the 6-9-2
network, ε¹_h = ∂L/∂α_h = Σ_m ε²_m·σ′_m·w²_hm at a hidden unit (the lecture's
algorithm box writes ε_h = ∂L/∂u_h; its u_h is the hidden *output*, α_h here).

How a step is placed, from the model's trace (which Value is which unit):

* the step of a weighted sum (u_h or v_m, one ``Dot`` node) hands every weight
  of that unit its gradient: frame ``("dw", l, unit)``;
* the steps between a unit's sum and its output (σ: ``tanh`` on α_h) go to the
  unit's error frame ``("eps", l, unit)``: they start from ε and give ∂L/∂u;
  an activation that mixes units (softmax) gets one frame for its layer,
  ``("act", l, None)``;
* the loss's steps that depend on one output a_m go to that output's error
  frame; those shared by several outputs (the sum in L) to ``("start",)``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NetFrame", "unit_maps", "classify", "lecture_frames", "forward_frames"]


@dataclass(frozen=True)
class NetFrame:
    """One frame of the network view.

    Attributes:
        kind: ``"input"``, ``"unit"``, ``"loss"`` (forward phase); ``"start"``,
            ``"eps"``, ``"act"``, ``"dw"`` (backward phase).
        layer: l, the layer of the unit (1 the first hidden layer, 0 the inputs).
        unit: the unit's index from 1 (None for a whole layer or the loss).
        steps: the indices of the engine's backward steps this frame shows.
    """

    kind: str
    layer: int = 0
    unit: int | None = None
    steps: tuple = ()

    @property
    def phase(self) -> str:
        return "forward" if self.kind in ("input", "unit", "loss") else "backward"


def unit_maps(trace) -> tuple:
    """``(sums, outputs)``: id of each weighted-sum / output node → (layer l, unit)."""
    sums, outputs = {}, {}
    for l, lt in enumerate(trace.layers, 1):
        for u, (s, o) in enumerate(zip(lt.sums, lt.outputs), 1):
            sums[id(s)] = (l, u)
            outputs[id(o)] = (l, u)
    return sums, outputs


def _activation_regions(trace, sums: dict) -> dict:
    """id of each node between a layer's sums and its outputs → ("act", l, unit or None)."""
    region = {}
    for l, lt in enumerate(trace.layers, 1):
        reach: dict = {}
        deps: dict = {}
        for u, out in enumerate(lt.outputs, 1):
            stack, seen = [out], set()
            while stack:
                n = stack.pop()
                if id(n) in seen or id(n) in sums or n.op is None:
                    continue
                seen.add(id(n))
                reach.setdefault(id(n), (n, set()))[1].add(u)
                stack.extend(n.parents)
        for nid, (n, units) in reach.items():
            deps[nid] = _sums_above(n, sums, reach, {})
            one = len(units) == 1 and deps[nid] == units
            region[nid] = ("act", l, next(iter(units)) if one else None)
    return region


def _sums_above(n, sums: dict, region: dict, memo: dict) -> set:
    """The units whose weighted sum ``n`` reads, through nodes of ``region``."""
    if id(n) in memo:
        return memo[id(n)]
    found = set()
    for p in n.parents:
        if id(p) in sums:
            found.add(sums[id(p)][1])
        elif id(p) in region:
            found |= _sums_above(p, sums, region, memo)
    memo[id(n)] = found
    return found


def _outputs_below(n, outputs: dict, memo: dict) -> set:
    """The output units a_m that the loss node ``n`` reads (l, m pairs)."""
    if id(n) in memo:
        return memo[id(n)]
    found = set()
    for p in n.parents:
        if id(p) in outputs:
            found.add(outputs[id(p)][1])
        elif p.op is not None:
            found |= _outputs_below(p, outputs, memo)
    memo[id(n)] = found
    return found


def classify(trace, record) -> list:
    """For each engine step, in order, the frame it belongs to (see the module doc).

    Raises:
        ValueError: a step of a node that is neither in the network nor in the loss.
    """
    sums, outputs = unit_maps(trace)
    acts = _activation_regions(trace, sums)
    n_layers = len(trace.layers)
    memo: dict = {}
    keys: list = []
    for step in record.steps:
        n = step.node
        if id(n) in sums:
            keys.append(("dw",) + sums[id(n)])
        elif id(n) in acts:
            kind, l, u = acts[id(n)]
            keys.append(("eps", l, u) if u is not None else ("act", l, None))
        else:
            below = _outputs_below(n, outputs, memo)
            if not below and not any(id(p) in outputs for p in n.parents):
                raise ValueError(f"step {step.index} ({n.op.name}) is outside the network "
                                 f"and its loss: step_network draws one sample of an MLP")
            keys.append(("eps", n_layers, next(iter(below))) if len(below) == 1
                        else ("start", 0, None))
    return keys


def lecture_frames(trace, record) -> list:
    """The backward phase as the lecture tells it: a list of :class:`NetFrame`.

    Order: the loss's shared steps (∂L/∂L = 1), the output errors ε_m (m = 1…M),
    ∂L/∂w_hm into each output, then for each hidden layer from the top the
    errors ε_h (h = 1…H) and ∂L/∂w_fh into each hidden unit. Every engine step
    is in exactly one frame; within a frame steps keep the engine's order.
    """
    keys = classify(trace, record)
    groups: dict = {}
    for i, key in enumerate(keys):
        groups.setdefault(key, []).append(i)
    order: list[tuple] = [("start", 0, None)]
    for l in range(len(trace.layers), 0, -1):
        units = range(1, len(trace.layers[l - 1].sums) + 1)
        order += [("eps", l, u) for u in units] + [("act", l, None)]
        order += [("dw", l, u) for u in units]
    frames = [NetFrame(k[0], k[1], k[2], tuple(groups.pop(k))) for k in order if k in groups]
    assert not groups, f"steps left unplaced: {sorted(groups)}"
    return frames


def forward_frames(trace) -> list:
    """The forward phase: the sample enters, each unit fills in, then the loss."""
    frames = [NetFrame("input")]
    for l, lt in enumerate(trace.layers, 1):
        frames += [NetFrame("unit", l, u) for u in range(1, len(lt.sums) + 1)]
    return frames + [NetFrame("loss")]
