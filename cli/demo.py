"""The main demo: one neuron of the lecture, forward and backward, step by step."""

from __future__ import annotations

from stepgrad.autograd import Value, dot


def run_demo(out=print) -> int:
    """Build a = tanh(w₀ + w₁x₁ + w₂x₂), backpropagate, print every step."""
    x1, x2 = Value(2.0, label="x₁"), Value(-1.0, label="x₂")
    w1, w2 = Value(-0.5, label="w₁"), Value(0.75, label="w₂")
    w0 = Value(0.4, label="w₀")
    u = dot([w1, w2], [x1, x2], bias=w0)
    u.label = "u"
    a = u.tanh()
    a.label = "a"
    y = 0.5
    loss = 0.5 * (a - y) ** 2
    loss.label = "L"
    out("forward phase: u = w₀ + w₁x₁ + w₂x₂,  a = tanh(u),  L = ½(a − y)²  with y = 0.5")
    for v in (x1, x2, w0, w1, w2, u, a, loss):
        out(f"  {v.label:3} = {v.data: .6f}")
    out("backward phase, in the engine's order (upstream ∂L/∂node → each parent):")

    def show(step):
        node = step.node
        name = node.label or node.op.name
        parts = ", ".join(
            f"{p.label or p.op.name if p.op else p.label or p.data}: +{c:.6f}"
            for p, c in zip(step.parents, step.contributions)
        )
        head = f"  step {step.index}: {name} [{node.op.symbol}]"
        out(f"{head} ∂L/∂{name} = {step.upstream:.6f} → {parts}")

    loss.backward(observer=show)
    out("gradients:")
    for v in (w0, w1, w2, x1, x2):
        out(f"  ∂L/∂{v.label} = {v.grad: .6f}")
    return 0
