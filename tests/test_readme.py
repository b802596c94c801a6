"""The README's tour runs, and says what the engine computes."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_tour_runs_and_its_comments_are_true(capsys):
    ns = {}
    exec(python_blocks()[0], ns)
    assert round(ns["w1"].grad, 4) == -0.6486
    assert ns["steps"][3].node.op.name == "tanh"
    printed = capsys.readouterr().out
    assert "-0.6486" in printed and "BackwardStep(3, tanh" in printed
    assert ns["W"].grad.shape == (3, 2) and "(3, 2)" in printed


def test_readme_viz_block_draws_the_tour_graph():
    ns = {}
    exec(python_blocks()[0] + python_blocks()[1].replace('.pipe(format="svg")', ".source"), ns)
    source = ns["draw"](ns["L"]).source
    assert "w₁" in source and "Σw·x" in source


def test_readme_two_views_and_fit_block_runs_as_it_says():
    ns = {}
    exec(python_blocks()[2], ns)  # asserts the two views give the same gradients
    history = ns["history"]
    assert history.stop_reason == "epochs"
    assert len(history.Q) == 1 + 1000  # Q(w) at the start, then one per step: 5 epochs × 200
