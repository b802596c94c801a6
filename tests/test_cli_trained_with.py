"""A saved model keeps the loss it was trained with and its class names: `stepgrad train` saves
them, `stepgrad graph` uses that loss by default and prints and draws the class names."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.cli.main import main
from stepgrad.nn import MLP
from stepgrad.nn.data import IRIS_CLASSES
from stepgrad.saving import ModelFileError, load, save, trained_with
from stepgrad.saving.archive import Archive


def test_save_keeps_the_loss_and_class_names_and_trained_with_reads_them(tmp_path):
    model = MLP([4, 5, 3], output="softmax", seed=0)
    path = save(model, tmp_path / "m.npz", loss="cross_entropy", classes=IRIS_CLASSES)
    assert trained_with(path) == ("cross_entropy", IRIS_CLASSES)
    assert np.array_equal(load(path).layers[0].weight.data, model.layers[0].weight.data)
    plain = save(model, tmp_path / "plain.npz")
    assert trained_with(plain) == (None, None)  # a file that does not say


def test_save_refuses_a_loss_or_class_names_that_do_not_fit(tmp_path):
    model = MLP([4, 5, 3], output="softmax", seed=0)
    with pytest.raises(ValueError, match="loss must be one of"):
        save(model, tmp_path / "m.npz", loss="hinge-ish")
    with pytest.raises(ValueError, match="2 class names for 3 outputs"):
        save(model, tmp_path / "m.npz", classes=("a", "b"))
    assert not (tmp_path / "m.npz").exists()


def test_trained_with_refuses_class_names_that_do_not_fit_the_file(tmp_path, monkeypatch):
    model = MLP([2, 3, 2], seed=0)
    path = save(model, tmp_path / "m.npz", classes=("F", "M"))
    meta = Archive.meta
    monkeypatch.setattr(Archive, "meta",
                        lambda self, name: {**meta(self, name), "classes": ["only one"]})
    with pytest.raises(ModelFileError, match="not one name per output"):
        trained_with(path)


@pytest.fixture(scope="module")
def iris_model(tmp_path_factory):
    out = tmp_path_factory.mktemp("iris") / "run"
    assert main(["train", "--data", "iris", "--epochs", "20", "--out", str(out),
                 "--quiet"]) == 0
    return out / "model.npz"


def test_train_saves_the_loss_and_the_species(iris_model):
    assert trained_with(iris_model) == ("cross_entropy", IRIS_CLASSES)


def test_graph_uses_the_saved_loss_and_prints_the_class_names(iris_model, tmp_path, capsys):
    argv = ["graph", str(iris_model), "--sample", "5.1,3.5,1.4,0.2", "--target", "1,0,0"]
    capsys.readouterr()
    assert main([*argv, "--out", str(tmp_path / "g.svg")]) == 0
    out = capsys.readouterr().out
    assert "(cross_entropy, the loss it was trained with)" in out
    assert "setosa" in out and "versicolor" in out and "virginica" in out
    assert "predicted class: setosa" in out
    svg = (tmp_path / "g.svg").read_text()
    assert "a₁: setosa · a₂: versicolor · a₃: virginica" in svg
    model = load(iris_model)
    a = model([5.1, 3.5, 1.4, 0.2])
    assert f"L = {-np.log(a[0].data):.6f}" in out  # −ln a₁: cross-entropy, not ½Σ(a − y)²
    assert main([*argv, "--loss", "half_sse", "--out", str(tmp_path / "h.svg")]) == 0
    assert "(half_sse)" in capsys.readouterr().out  # --loss still chooses


def test_graph_writes_the_network_view_with_the_class_names(iris_model, tmp_path, capsys):
    argv = ["graph", str(iris_model), "--sample", "6.3,3.3,6.0,2.5", "--target", "0,0,1",
            "--view", "network"]
    assert main([*argv, "--out", str(tmp_path / "flower.html")]) == 0
    page = (tmp_path / "flower.html").read_text()
    assert "(virginica)" in page and "−Σₘ yₘ ln aₘ" in page
    assert main([*argv, "--out", str(tmp_path / "flower.svg")]) == 2
    assert "--view network" in capsys.readouterr().err
