"""``stepgrad neuron``: one neuron of the lecture, forward phase and backward phase, as text.

    a = σ(u),  u = Σ_{f=0}^{F} w_f·x_f  (x₀ = 1),  σ = tanh,  L = ½(a − y)²

It prints the forward values, then every step of the backward pass in the
order the engine takes it (each node's upstream gradient ∂L/∂node and what it
adds to each parent), then the gradients, and can save the graph as SVG.
"""

from __future__ import annotations

from pathlib import Path

from stepgrad.autograd import Value, dot

from .errors import say
from .paths import output_file
from .pictures import write_graph_svg


def build_neuron():
    """The demo's graph: returns (L, named nodes in display order)."""
    x1, x2 = Value(2.0, label="x₁"), Value(-1.0, label="x₂")
    w0, w1, w2 = Value(0.4, label="w₀"), Value(-0.5, label="w₁"), Value(0.75, label="w₂")
    y = 0.5
    u = dot([w1, w2], [x1, x2], bias=w0)
    a = u.tanh()
    e = a - y
    sq = e**2
    loss = 0.5 * sq
    for node, name in ((u, "u"), (a, "a"), (e, "ε"), (sq, "ε²"), (loss, "L")):
        node.label = name
    return loss, (x1, x2, w0, w1, w2, u, a, e, sq, loss)


def _name(node) -> str:
    return node.label or f"{node.data:g}"


def run_neuron(svg: str | None = None, force: bool = False, out=say) -> int:
    """Print the neuron's phases; with ``svg`` also save its graph (never overwriting without
    ``force``). Raises CLIError on an unusable ``svg`` path."""
    if svg is not None:
        output_file(svg, force, option="--svg")
    loss, nodes = build_neuron()
    out("Forward phase:  u = w₀ + w₁x₁ + w₂x₂,  a = tanh(u),  ε = a − y,  L = ½ε²,  y = 0.5")
    for v in nodes:
        out(f"  {v.label:9} = {v.data: .6f}")
    out("")
    out("Backward phase, step by step (∂L/∂node, then what it adds to each parent):")

    def show(step):
        node = step.node
        pairs = zip(step.parents, step.contributions)
        adds = ",  ".join(f"{_name(p)} += {c: .6f}" for p, c in pairs)
        out(f"  step {step.index}  {node.op.symbol:>5}  ∂L/∂{node.label} = {step.upstream: .6f}"
            f"  →  {adds}")

    loss.backward(observer=show)
    out("")
    out("Gradients of the leaves (note ∂L/∂a = ε, the lecture's output error):")
    for v in nodes[:5]:
        out(f"  ∂L/∂{v.label} = {v.grad: .6f}")
    if svg is not None:
        write_graph_svg(loss, Path(svg), "backward")
        out(f"\nThe graph is in {svg}")
    return 0
