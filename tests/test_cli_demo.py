"""`make demo` runs `stepgrad demo`: it prints the engine's own steps and gradients."""

from stepgrad.cli.demo import build_neuron, run_demo
from stepgrad.cli.main import main


def test_demo_prints_every_backward_step_and_the_engines_gradients():
    lines = []
    assert run_demo(out=lines.append) == 0
    text = "\n".join(lines)
    loss, nodes = build_neuron()
    steps = []
    loss.backward(observer=steps.append)
    for step in steps:
        assert f"step {step.index} " in text
    for leaf in nodes[:5]:
        assert f"∂L/∂{leaf.label} = {leaf.grad: .6f}" in text


def test_demo_output_error_is_dL_da():
    loss, nodes = build_neuron()
    loss.backward()
    a, eps = nodes[6], nodes[7]
    assert a.grad == eps.data  # ε = ∂L/∂a = a − y


def test_demo_never_overwrites_a_file(tmp_path):
    target = tmp_path / "graph.svg"
    target.write_text("mine")
    assert main(["demo", "--svg", str(target)]) == 1
    assert target.read_text() == "mine"
