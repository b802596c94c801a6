"""The README runs: every ```python block and every ```sh line, top to bottom, in a fresh folder,
and its comments say what the engine computes.

Conventions for README authors:

* a ```python block runs (in one namespace shared with the blocks above it); an excerpt that is
  not meant to run is fenced ```py instead; a block that imports torch is skipped without it;
* each line of a ```sh block runs in the same folder: ``stepgrad …`` and ``.venv/bin/stepgrad …``
  with the installed command; ``make demo`` as ``stepgrad demo`` (what the target runs) after a
  dry run ``make -n demo`` in the repository; other ``make`` targets as dry runs;
  ``. .venv/bin/activate`` checks that the file exists; ``pip install 'stepgrad[X]'`` checks
  that the extra X exists; ``xdg-open``, ``jupyter`` and ``sudo`` lines are not run. Any other
  line fails this test until a rule is added here.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from importlib.metadata import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BIN = Path(sys.executable).parent
NOT_RUN = ("xdg-open", "jupyter", "sudo", "open")


def blocks():
    """``(language, code)`` of every fenced block, in order (```python, ```py, ```sh, …)."""
    return re.findall(r"^```(\w*)\n(.*?)^```", README.read_text(), flags=re.S | re.M)


def python_block(containing: str) -> str:
    for lang, code in blocks():
        if lang == "python" and containing in code:
            return code
    raise AssertionError(f"no ```python block of the README contains {containing!r}")


def run_sh_line(line: str, cwd: Path) -> None:
    """One README shell line, by the rules of the module docstring."""
    words = shlex.split(line, comments=True)
    if not words:
        return
    name = words[0]
    if name in (".", "source"):
        assert (ROOT / words[1]).name == "activate" and (BIN / "activate").exists(), line
        return
    if name in NOT_RUN:
        return
    if name == "make":
        dry = subprocess.run(["make", "-n", *words[1:]], cwd=ROOT, capture_output=True,
                             text=True, timeout=60)
        assert dry.returncode == 0, f"make -n {' '.join(words[1:])}: {dry.stderr}"
        if words[1:] == ["demo"]:
            assert "-m stepgrad demo" in dry.stdout, dry.stdout
            words = ["stepgrad", "demo"]
        else:
            return
    if name in ("pip", ".venv/bin/pip"):
        extras = metadata("stepgrad").get_all("Provides-Extra")
        for word in words:
            for extra in re.findall(r"(?:stepgrad|^\.)\[([\w,-]+)\]", word):
                assert set(extra.split(",")) <= set(extras), f"no extra {extra}: {line}"
        return
    if words[0] in ("stepgrad", ".venv/bin/stepgrad"):
        words = [str(BIN / "stepgrad"), *words[1:]]
    elif words[:3] == ["python", "-m", "stepgrad"]:
        words = [sys.executable, *words[1:]]
    else:
        raise AssertionError(f"the README's shell line {line!r} has no rule in test_readme.py")
    p = subprocess.run(words, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, f"{line}\n{p.stdout}\n{p.stderr}"


@pytest.mark.dot
def test_the_readme_runs_top_to_bottom(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
    ns: dict = {}
    ran = 0
    for lang, code in blocks():
        if lang == "python":
            if "torch" in code and not have_torch:
                continue
            exec(compile(code, f"README.md ```python block {ran}", "exec"), ns)
            ran += 1
        elif lang in ("sh", "bash", "shell"):
            for line in code.splitlines():
                run_sh_line(line, tmp_path)
            ran += 1
    assert ran >= 3


def test_readme_tour_runs_and_its_comments_are_true(capsys):
    ns = {}
    exec(python_block("from stepgrad.autograd import Value, dot"), ns)
    assert round(ns["w1"].grad, 4) == -0.6486
    assert ns["steps"][3].node.op.name == "tanh"
    printed = capsys.readouterr().out
    assert "-0.6486" in printed and "BackwardStep(3, tanh" in printed
    assert ns["W"].grad.shape == (3, 2) and "(3, 2)" in printed


def test_readme_viz_block_draws_the_tour_graph(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the block saves neuron-steps.html
    ns = {}
    viz = python_block("from stepgrad.viz import draw").replace('.pipe(format="svg")', ".source")
    exec(python_block("from stepgrad.autograd import Value, dot") + viz, ns)
    source = ns["draw"](ns["L"]).source
    assert "w₁" in source and "Σw·x" in source


def test_readme_two_views_and_fit_block_runs_as_it_says():
    ns = {}
    exec(python_block("history = fit("), ns)  # asserts the two views give the same gradients
    history = ns["history"]
    assert history.stop_reason == "epochs"
    assert len(history.Q) == 1 + 1000  # Q(w) at the start, then one per step: 5 epochs × 200


def test_the_sh_rules_refuse_a_line_they_do_not_know(tmp_path):
    with pytest.raises(AssertionError, match="has no rule"):
        run_sh_line("rm -rf stepgrad-demo", tmp_path)
    with pytest.raises(AssertionError, match="no extra"):
        run_sh_line("pip install 'stepgrad[gpu]'", tmp_path)


def test_readme_gradients_of_gradients_block_prints_what_it_says(capsys):
    ns = {}
    exec(python_block("from stepgrad.autograd import Value, dot"), ns)
    exec("from stepgrad.viz import draw", ns)
    exec(python_block("hessian(L, x0)"), ns)
    printed = capsys.readouterr().out
    assert "0.7384 2.8159" in printed and "[array([5., 1.])]" in printed
    assert ns["H"].tolist() == [[5.0, 1.0], [1.0, 10.0]]
    A, b, x1 = ns["A"], ns["b"], ns["x1"]
    assert abs(A.T @ (A @ x1 - b)).max() < 1e-12  # ∇L(x₁) = Aᵀ(Ax₁ − b) = 0: the minimum
