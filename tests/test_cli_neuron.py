"""`stepgrad neuron` prints the engine's own steps and gradients for one neuron."""

from stepgrad.cli.main import main
from stepgrad.cli.neuron import build_neuron, run_neuron


def test_neuron_prints_every_backward_step_and_the_engines_gradients():
    lines = []
    assert run_neuron(out=lines.append) == 0
    text = "\n".join(lines)
    loss, nodes = build_neuron()
    steps = []
    loss.backward(observer=steps.append)
    for step in steps:
        assert f"step {step.index} " in text
    for leaf in nodes[:5]:
        assert f"∂L/∂{leaf.label} = {leaf.grad: .6f}" in text


def test_neuron_output_error_is_dL_da():
    loss, nodes = build_neuron()
    loss.backward()
    a, eps = nodes[6], nodes[7]
    assert a.grad == eps.data  # ε = ∂L/∂a = a − y


def test_neuron_never_overwrites_a_file(tmp_path, capsys):
    target = tmp_path / "graph.svg"
    target.write_text("mine")
    assert main(["neuron", "--svg", str(target)]) == 2
    assert target.read_text() == "mine"
    assert "--force" in capsys.readouterr().err
