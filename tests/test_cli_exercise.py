"""``stepgrad exercise``: it writes the exercise's files, a class set with one answer key,
never replaces a file without --force, and answers a bad argument with one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from stepgrad.cli.main import main
from stepgrad.practice import make_exercise, make_exercises, read_answer_key


def one_line_error(capsys, argv, *says):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err, err
    for s in says:
        assert s in err, err


def test_one_exercise_is_the_python_apis_files(tmp_path, capsys):
    out = tmp_path / "ex7"
    assert main(["exercise", "--seed", "7", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Wrote exercise 7" in said and "exercise.html" in said
    files = make_exercise(7).files()
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    for name, data in files.items():
        assert (out / name).read_bytes() == data, name


def test_count_writes_a_folder_each_and_one_answer_key(tmp_path, capsys):
    out = tmp_path / "class"
    assert main(["exercise", "--seed", "100", "--count", "4", "--difficulty", "medium",
                 "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["answer_key.csv"] + [
        f"exercise-0{k}" for k in range(1, 5)]
    rows = read_answer_key((out / "answer_key.csv").read_text(encoding="utf-8"))
    exs = make_exercises(100, 4, difficulty="medium")
    expected = [(f"exercise-0{k}", e.problem.seed, a.key, a.value)
                for k, e in enumerate(exs, 1) for a in e.worked.answers]
    assert [(r["exercise"], r["seed"], r["quantity"], r["value"]) for r in rows] == expected
    assert (out / "exercise-03" / "problem.md").read_text(encoding="utf-8") == \
        exs[2].problem_markdown()


def test_nothing_is_replaced_without_force(tmp_path, capsys):
    out = tmp_path / "ex"
    assert main(["exercise", "--seed", "1", "--out", str(out)]) == 0
    (out / "solution.md").write_text("my own solution")
    capsys.readouterr()
    one_line_error(capsys, ["exercise", "--seed", "2", "--out", str(out)],
                   "already exist", "--force")
    assert (out / "solution.md").read_text() == "my own solution"
    assert main(["exercise", "--seed", "2", "--out", str(out), "--force"]) == 0
    assert (out / "solution.md").read_bytes() == make_exercise(2).files()["solution.md"]


@pytest.mark.parametrize("argv, says", [
    (["exercise", "--seed", "-1"], "--seed: expected an integer >= 0"),
    (["exercise", "--seed", "x"], "--seed: expected an integer >= 0"),
    (["exercise", "--count", "0"], "--count: expected an integer >= 1"),
    (["exercise", "--count", "5000"], "--count: expected at most 1000"),
    (["exercise", "--difficulty", "expert"], "expected one of easy, medium, hard"),
])
def test_a_bad_argument_is_one_line(capsys, argv, says):
    one_line_error(capsys, argv, says)


def test_an_out_that_is_a_file_or_has_no_folder_is_one_line(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    one_line_error(capsys, ["exercise", "--out", str(tmp_path / "f")], "is a file")
    one_line_error(capsys, ["exercise", "--out", str(tmp_path / "no" / "ex")], "does not exist")


def test_python_m_stepgrad_exercise_runs(tmp_path):
    p = subprocess.run([sys.executable, "-m", "stepgrad", "exercise", "--seed", "3",
                        "--difficulty", "hard", "--out", str(tmp_path / "e")],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert (tmp_path / "e" / "exercise.html").read_bytes() == \
        make_exercise(3, difficulty="hard").files()["exercise.html"]
