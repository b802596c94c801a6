"""Neurons, layers and the loss, found from the graph's structure alone.

Never from label strings: labels are only shown. The rules:

* a **neuron** is a Σw·x node (``ops.Dot``: u_h = Σ_f w_fh·x_f + w_0h) and,
  when the Σw·x feeds only one one-argument op, that activation (α_h = σ(u_h));
  in a softmax layer, a_m = softmax_m(v₁, …, v_M) (``SoftmaxAt``) is neuron m's
  activation, so the softmax is drawn in the output layer;
  its **weights** are the w's and the bias that are leaves read by this neuron only;
  its **inputs** are the other arguments (the x_f, or the α_h of the layer before);
* neurons that read the same inputs form a **layer** (numbered from the input side);
* the **loss** is everything computed from the last layer's outputs a_m.

Or the caller passes explicit groups, ``{"title": [nodes, ...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from stepgrad.autograd.nary_ops import Dot
from stepgrad.autograd.node import Node
from stepgrad.autograd.softmax_ops import SoftmaxAt

__all__ = ["NeuronNodes", "Group", "find_groups", "is_entry"]


@dataclass(eq=False)
class NeuronNodes:
    """The engine nodes of one neuron found in a graph: ``dot`` (u), ``act`` (σ(u), or
    None), ``weights``, ``inputs`` (the model's neuron is :class:`stepgrad.nn.Neuron`)."""

    dot: Node
    act: Node | None
    weights: list
    inputs: list
    index: int = 0  # 1-based position in its layer (h or m)
    layer: int = 0  # 1-based layer number

    @property
    def out(self):
        return self.act if self.act is not None else self.dot

    @property
    def ordered_weights(self) -> list:
        """The weights as the lecture lists them: w₀ₕ (the bias) first, then w₁ₕ … w_Fh."""
        _count, bias = self.dot.consts
        if bias and self.weights and self.weights[-1] is self.dot.parents[-1]:
            return [self.weights[-1], *self.weights[:-1]]
        return list(self.weights)

    @property
    def members(self) -> list:
        return [*self.weights, self.dot] + ([self.act] if self.act is not None else [])


@dataclass(eq=False)
class Group:
    """A cluster of the picture: ``kind`` is "neuron", "layer", "loss" or "group"."""

    kind: str
    title: str
    members: list  # engine nodes directly in this group (not in a sub-group)
    children: list = field(default_factory=list)  # sub-groups (a layer's neurons)
    neuron: NeuronNodes | None = None
    outputs: list = field(default_factory=list)  # the nodes others read

    def all_members(self) -> list:
        out = list(self.members)
        for c in self.children:
            out += c.all_members()
        return out


def is_entry(node) -> bool:
    """One entry read out of a Tensor: a Value whose one parent is a Tensor."""
    return len(node.parents) == 1 and type(node.parents[0]) is not type(node)


def find_neurons(order, consumers) -> list:
    neurons = []
    for n in order:
        if n.op is not Dot:
            continue
        count, bias = n.consts
        args = n.parents
        ws = list(args[:count]) + ([args[-1]] if bias else [])
        xs = list(args[count:2 * count])
        mine = [w for w in ws  # its own weights: leaves (or Tensor entries) used only here
                if (w.op is None or is_entry(w)) and len(consumers.get(id(w), ())) == 1]
        inputs = xs + [w for w in ws if not any(w is m for m in mine)]
        users = consumers.get(id(n), ())
        act = None
        if len(users) == 1 and len(users[0][0].parents) == 1:
            act = users[0][0]
        neurons.append(NeuronNodes(n, act, mine, inputs))
    _softmax_layers(neurons, consumers)
    return neurons


def _softmax_layers(neurons, consumers) -> None:
    """Give each neuron of a softmax layer its a_m = softmax_m(v) as activation.

    The layer's v₁ … v_M (one per neuron) are exactly the parents of M
    ``SoftmaxAt`` nodes, the m-th of which is a_m.
    """
    by_dot = {id(nr.dot): nr for nr in neurons}
    for nr in neurons:
        if nr.act is not None:
            continue
        outs = [c for c, _ in consumers.get(id(nr.dot), ()) if c.op is SoftmaxAt]
        if not outs:
            continue
        vs = outs[0].parents
        if all(id(v) in by_dot for v in vs) and all(o.parents == vs for o in outs):
            for o in outs:
                mate = by_dot[id(vs[o.consts])]
                if mate.act is None:
                    mate.act = o


def find_groups(order, consumers, outputs_of=None) -> list:
    """The neuron, layer and loss groups of a graph (empty when it has no Σw·x)."""
    neurons = find_neurons(order, consumers)
    if not neurons:
        return []
    layers: dict = {}
    for nr in neurons:
        layers.setdefault(tuple(id(x) for x in nr.inputs), []).append(nr)
    groups = []
    dots = {id(nr.dot) for nr in neurons}
    last = []
    for li, members in enumerate(layers.values(), start=1):
        read_by_neuron = all(
            any(id(c) in dots for c, _ in consumers.get(id(m.out), ())) for m in members)
        children = []
        for h, nr in enumerate(members, start=1):
            nr.index, nr.layer = h, li
            title = f"neuron {nr.out.label}" if nr.out.label else f"neuron {li}.{h}"
            children.append(Group("neuron", title, nr.members, neuron=nr, outputs=[nr.out]))
        kind = "hidden" if read_by_neuron else "output"
        if not read_by_neuron:
            last = members
        if len(members) == 1 and len(layers) == 1:  # one neuron: no layer around it
            groups += children
            continue
        groups.append(Group("layer", f"layer {li} ({kind}, {len(members)} neurons)", [],
                            children, outputs=[m.out for m in members]))
    loss = _downstream(order, [m.out for m in last], consumers)
    if loss:
        groups.append(Group("loss", "loss L", loss, outputs=[loss[-1]]))
    return groups


def _downstream(order, outs, consumers) -> list:
    """The nodes computed from ``outs`` (and the constants only they read)."""
    reached = {id(n) for n in outs}
    inside = set()
    for n in order:
        if n.op is not None and id(n) not in reached and any(id(p) in reached for p in n.parents):
            reached.add(id(n))
            inside.add(id(n))
    consts = {id(n) for n in order if n.op is None and not n.label and consumers.get(id(n))
              and all(id(c) in inside for c, _ in consumers[id(n)])}
    return [n for n in order if id(n) in inside or id(n) in consts]


def explicit_groups(groups: dict) -> list:
    """``{"title": [nodes]}`` as :class:`Group` objects, kind "group"."""
    if not isinstance(groups, dict):
        raise TypeError(f"groups: expected a dict {{'title': [nodes, ...]}}, got "
                        f"{type(groups).__name__}")
    return [Group("group", str(t), list(ns), outputs=list(ns)[-1:]) for t, ns in groups.items()]
