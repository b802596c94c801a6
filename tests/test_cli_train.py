"""`stepgrad train` on a CSV file or a bundled data set prints its metrics and saves a model that
reads rows in the data's own units; `stepgrad graph` draws a saved model for one input."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from stepgrad.cli.main import main
from stepgrad.cli.train import fold_standardizer
from stepgrad.nn import MLP
from stepgrad.nn.data import COLUMNS, iris, lecture_data
from stepgrad.saving import load, save


@pytest.fixture
def people_csv(tmp_path):
    """The lecture's table in its units (cm, kg, …), gender as F or M."""
    X, Y = lecture_data(n=80, seed=1, standardize=False)
    lines = [",".join(c.replace(" ", "_") for c in COLUMNS) + ",gender"]
    lines += [",".join(f"{v:.4f}" for v in x) + ("," + ("F" if y[0] else "M"))
              for x, y in zip(X, Y)]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n")
    return path, X, Y


def test_train_on_a_csv_with_the_issue_options_saves_a_model_for_raw_rows(
        people_csv, tmp_path, capsys):
    path, X, Y = people_csv
    out = tmp_path / "my-model"
    argv = ["train", "--data", str(path), "--target", "gender", "--layers", "6,9,2",
            "--hidden", "tanh", "--output", "softmax", "--loss", "cross_entropy",
            "--optimizer", "adam", "--lr", "0.01", "--epochs", "100", "--batch-size", "32",
            "--out", str(out), "--quiet"]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    model = load(out / "model.npz")
    assert model.sizes == [6, 9, 2] and model.layers[1].activation.name == "softmax"
    accuracy = np.mean(model(X).data.argmax(axis=1) == Y.argmax(axis=1))  # raw units: cm, kg
    assert accuracy > 0.9
    record = json.loads((out / "metrics.json").read_text())
    assert record["classes"] == ["F", "M"] and record["optimizer"] == "Adam"
    shown = re.search(r"test .*accuracy ([\d.]+)%", printed)
    assert shown and float(shown[1]) == round(100 * record["metrics"]["test"]["accuracy"], 1)


def test_train_on_a_bundled_data_set_by_name(tmp_path, capsys):
    assert main(["train", "--data", "iris", "--epochs", "60", "--out", str(tmp_path / "m"),
                 "--quiet"]) == 0
    X, y = iris()
    model = load(tmp_path / "m" / "model.npz")
    assert model.sizes == [4, 9, 3]
    assert np.mean(model(X).data.argmax(axis=1) == y) > 0.85
    assert "accuracy" in capsys.readouterr().out


def test_a_numeric_target_is_a_regression_with_one_output(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(120, 2))
    t = 3 * X[:, 0] - X[:, 1] + 10
    rows = ["a,b,t"] + [f"{a:.6f},{b:.6f},{v:.6f}" for (a, b), v in zip(X, t)]
    (tmp_path / "r.csv").write_text("\n".join(rows) + "\n")
    assert main(["train", "--data", str(tmp_path / "r.csv"), "--target", "t", "--epochs", "200",
                 "--lr", "0.05", "--out", str(tmp_path / "m"), "--quiet"]) == 0
    model = load(tmp_path / "m" / "model.npz")
    assert model.sizes == [2, 9, 1] and model.layers[-1].activation.name == "identity"
    assert "rmse" in capsys.readouterr().out
    assert np.sqrt(np.mean((model(X).data[:, 0] - t) ** 2)) < 0.5


def test_folding_the_standardizer_into_w1_is_exact():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, size=(20, 4))
    mean, std = X.mean(axis=0), X.std(axis=0)
    model = MLP([4, 5, 2], seed=0)
    expected = model((X - mean) / std).data
    fold_standardizer(model, mean, std)
    assert np.allclose(model(X).data, expected, atol=1e-13)


def test_a_bad_csv_row_is_reported_with_its_line_and_column(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("a,b,y\n1,2,F\n3,oops,M\n")
    assert main(["train", "--data", str(tmp_path / "bad.csv"), "--target", "y",
                 "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "line 3, column 2 (b)" in err
    assert main(["train", "--data", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "m")]) == 2
    assert "--target" in capsys.readouterr().err


@pytest.mark.parametrize("flags, says", [
    (["--output", "sigmoid", "--loss", "cross_entropy"], "not probability distributions"),
    (["--output", "sign"], "--output sign --loss cross_entropy"),
])
def test_an_output_the_loss_cannot_take_is_one_line_before_training(flags, says, tmp_path,
                                                                   capsys):
    assert main(["train", "--data", "iris", "--out", str(tmp_path / "m"), *flags]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and says in err and "Training" not in out
    assert not (tmp_path / "m").exists()


@pytest.fixture
def saved(tmp_path):
    model = MLP([3, 4, 2], hidden="tanh", output="sigmoid", seed=0)
    save(model, tmp_path / "m.npz")
    return model, tmp_path / "m.npz"


def test_graph_draws_the_forward_phase_of_one_input(saved, tmp_path, capsys):
    model, path = saved
    assert main(["graph", str(path), "--sample", "0.5,-1,2", "--out",
                 str(tmp_path / "g.svg")]) == 0
    a = model([0.5, -1.0, 2.0])
    assert f"a = ({a[0].data:.6f}, {a[1].data:.6f})" in capsys.readouterr().out
    assert "</svg>" in (tmp_path / "g.svg").read_text()


def test_graph_with_a_target_draws_the_backward_phase(saved, tmp_path, capsys):
    _, path = saved
    argv = ["graph", str(path), "--sample", "0.5,-1,2", "--target", "1,0"]
    assert main([*argv, "--out", str(tmp_path / "f.svg"), "--view", "forward"]) == 0
    assert main([*argv, "--out", str(tmp_path / "b.svg")]) == 0
    assert "L = " in capsys.readouterr().out
    assert (tmp_path / "f.svg").read_text() != (tmp_path / "b.svg").read_text()
    assert main([*argv, "--out", str(tmp_path / "b.svg")]) == 2  # never overwritten
    assert "--force" in capsys.readouterr().err
    assert main([*argv, "--out", str(tmp_path / "b.svg"), "--force"]) == 0


def test_graph_with_a_loss_the_outputs_cannot_take_is_one_line(saved, tmp_path, capsys):
    _, path = saved  # sigmoid outputs: not a distribution for cross_entropy
    assert main(["graph", str(path), "--sample", "0.5,-1,2", "--target", "1,0", "--loss",
                 "cross_entropy", "--out", str(tmp_path / "g.svg")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cross_entropy" in err and not (tmp_path / "g.svg").exists()


def test_graph_writes_the_stepper_html(saved, tmp_path, capsys):
    pytest.importorskip("stepgrad.viz.stepper", reason="step_through has not landed")
    _, path = saved
    argv = ["graph", str(path), "--sample", "0.5,-1,2", "--target", "1,0"]
    assert main([*argv, "--out", str(tmp_path / "s.html")]) == 0
    assert "<html" in (tmp_path / "s.html").read_text().lower()
