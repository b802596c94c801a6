"""The `stepgrad` command everywhere: --help, --version, `python -m stepgrad`, and every bad
argument or unusable path answered with one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import stepgrad
from stepgrad.cli import paths
from stepgrad.cli.main import main
from stepgrad.nn import MLP
from stepgrad.saving import save


def run(*argv):
    """``python -m stepgrad argv…`` in a fresh interpreter: (exit code, stdout, stderr)."""
    p = subprocess.run([sys.executable, "-m", "stepgrad", *argv], capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def one_line_error(capsys, argv, *says):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("stepgrad")
    for s in says:
        assert s in err, err
    return err


def test_version_and_help_from_python_m_and_the_console_script():
    code, out, err = run("--version")
    assert code == 0 and out.splitlines()[0] == f"stepgrad {stepgrad.__version__}" and not err
    script = Path(sys.executable).with_name("stepgrad")
    p = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0
    for command in ("demo", "train", "graph", "neuron", "exercise", "info"):
        assert command in p.stdout


@pytest.mark.parametrize("command", ["demo", "train", "graph", "neuron", "exercise"])
def test_every_command_has_help(command, capsys):
    assert main([command, "--help"]) == 0
    assert f"usage: stepgrad {command}" in capsys.readouterr().out


@pytest.mark.parametrize("argv, says", [
    ([], "required: COMMAND"),
    (["fly"], "invalid choice: 'fly'"),
    (["demo", "--epochs", "0"], "--epochs: expected an integer >= 1, got '0'"),
    (["demo", "--lr", "fast"], "--lr: expected a number > 0, got 'fast'"),
    (["demo", "--bogus"], "unrecognized arguments: --bogus"),
    (["train"], "required: --data"),
    (["train", "--data", "iris", "--optimizer", "lbfgs"], "expected one of SGD"),
    (["train", "--data", "iris", "--hidden", "swish"], "invalid choice: 'swish'"),
    (["train", "--data", "iris", "--batch-size", "-3"], "--batch-size"),
    (["train", "--data", "iris", "--test", "1.5"], "--test: expected a fraction"),
    (["train", "--data", "iris", "--layers", "4,x,3"], "--layers 4,x,3: expected sizes"),
    (["train", "--data", "iris", "--layers", "5,9,3"], "the data has 4 input columns"),
    (["train", "--data", "no-such-set"], "not a bundled data set"),
    (["graph"], "required: MODEL"),
])
def test_a_bad_argument_is_one_line_and_exit_code_2(argv, says, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    one_line_error(capsys, argv, says)
    assert list(tmp_path.iterdir()) == []  # and nothing was written


@pytest.fixture
def model_file(tmp_path):
    save(MLP([2, 3, 1], seed=0), tmp_path / "m.npz")
    return tmp_path / "m.npz"


def test_unusable_paths_are_one_line_and_exit_code_2(capsys, tmp_path, model_file):
    (tmp_path / "a-file").write_text("x")
    (tmp_path / "folder.csv").mkdir()
    cases = [
        (["demo", "--out", str(tmp_path / "missing" / "out")], "does not exist"),
        (["demo", "--out", str(tmp_path / "a-file")], "is a file; expected a folder"),
        (["train", "--data", str(tmp_path / "none.csv"), "--target", "y"], "no such CSV file"),
        (["train", "--data", str(tmp_path / "folder.csv"), "--target", "y"], "is a folder"),
        (["train", "--data", "iris", "--out", str(tmp_path / "a-file")], "is a file"),
        (["graph", str(tmp_path / "none.npz"), "--sample", "1,2"], "no such model file"),
        (["graph", str(tmp_path), "--sample", "1,2"], "is a folder; expected a model file"),
        (["graph", str(tmp_path / "a-file"), "--sample", "1,2", "--out",
          str(tmp_path / "g.svg")], "not an .npz"),
        (["graph", str(model_file), "--sample", "1,2", "--out", str(tmp_path)], "is a folder"),
        (["graph", str(model_file), "--sample", "1,2", "--out",
          str(tmp_path / "missing" / "g.svg")], "does not exist"),
        (["graph", str(model_file), "--sample", "1,2", "--out", str(tmp_path / "g.png")],
         "must end in .svg"),
        (["graph", str(model_file), "--sample", "1", "--out", str(tmp_path / "g.svg")],
         "needs 2 numbers, got 1"),
        (["graph", str(model_file), "--sample", "1,b", "--out", str(tmp_path / "g.svg")],
         "expected 2 numbers"),
        (["neuron", "--svg", str(tmp_path / "missing" / "n.svg")], "does not exist"),
    ]
    for argv, says in cases:
        one_line_error(capsys, argv, says)
    assert not (tmp_path / "g.svg").exists()


def test_a_read_only_folder_is_refused(capsys, tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(paths.tempfile, "mkstemp", denied)  # what a read-only folder answers
    one_line_error(capsys, ["demo", "--out", str(tmp_path)], "cannot write into",
                   "Permission denied")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_refused_for_real(capsys, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o555)
    one_line_error(capsys, ["demo", "--out", str(folder)], "cannot write into")


def test_a_closed_pipe_ends_quietly_and_the_work_still_gets_done(tmp_path):
    out = tmp_path / "demo"
    p = subprocess.run(f'"{sys.executable}" -m stepgrad demo --quiet --epochs 2 --out "{out}" '
                       f"| head -1", shell=True, capture_output=True, text=True, timeout=180)
    assert p.returncode == 0 and p.stdout.startswith("Training")
    assert "Error" not in p.stderr and "Exception" not in p.stderr, p.stderr
    assert (out / "model.npz").exists()
    p = subprocess.run(f'"{sys.executable}" -m stepgrad --help | head -1', shell=True,
                       capture_output=True, text=True, timeout=60)
    assert p.stdout.startswith("usage") and p.stderr == ""


def test_only_stepgrad_is_installed_never_a_top_level_nn_or_autograd(tmp_path):
    code = ("import importlib.util as u, stepgrad.nn, stepgrad.cli; "
            "print([n for n in ('autograd', 'nn', 'optim', 'viz', 'cli') if u.find_spec(n)])")
    p = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0 and p.stdout.strip() == "[]", p.stderr
