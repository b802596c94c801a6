"""`stepgrad demo` (what `make demo` runs): trains the lecture's 6-9-2 network, prints its
accuracy, writes the graphs, the stepper, the curves and the model, and never overwrites."""

from __future__ import annotations

import re

import numpy as np
import pytest

from stepgrad.cli.demo import FILES, MARK, accuracy, train_lecture_network
from stepgrad.cli.main import main
from stepgrad.saving import load


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One run of the demo, in a fresh folder: (folder, stdout)."""
    folder = tmp_path_factory.mktemp("demo") / "out"
    capture = pytest.MonkeyPatch()
    lines = []
    capture.setattr("stepgrad.cli.demo.say", lambda text="": lines.append(text))
    try:
        assert main(["demo", "--out", str(folder), "--epochs", "3", "--quiet"]) == 0
    finally:
        capture.undo()
    return folder, "\n".join(lines)


def test_the_demo_prints_the_accuracy_of_the_model_it_saved(demo):
    folder, out = demo
    printed = re.search(r"accuracy: ([\d.]+)% on the training rows, ([\d.]+)% on the held-out",
                        out)
    assert printed, out
    model = load(folder / "model.npz")
    _, _, _, train, test = train_lecture_network(epochs=3, lr=0.05, seed=0, progress=False)
    assert float(printed[1]) == round(100 * accuracy(model, *train), 1)
    assert float(printed[2]) == round(100 * accuracy(model, *test), 1)
    assert accuracy(model, *test) > 0.8  # the lecture's table is easy: training worked


def test_the_demo_saves_the_trained_model_with_its_optimizer(demo):
    folder, _ = demo
    model, optimizer = load(folder / "model.npz", optimizer=True)
    assert model.sizes == [6, 9, 2] and type(optimizer).__name__ == "SGD"
    assert [a.activation.name for a in model.layers] == ["tanh", "sigmoid"]


def test_the_demo_writes_the_forward_and_backward_graphs_as_svg(demo):
    folder, out = demo
    for key in ("forward", "backward"):
        svg = (folder / FILES[key]).read_text()
        assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
        assert FILES[key] in out
    assert (folder / FILES["forward"]).read_text() != (folder / FILES["backward"]).read_text()


def test_the_demo_says_where_each_file_is_and_what_to_open_next(demo):
    folder, out = demo
    for name in FILES.values():
        written = (folder / name).exists()
        assert name in out
        assert written or f"(no {name}:" in out  # a picture this version cannot draw says why
    assert "Open next:" in out and "make notebooks" in out
    assert f"stepgrad graph {folder / 'model.npz'} --sample " in out


def test_the_demo_writes_the_network_stepper_first_with_the_node_stepper_beside_it(demo):
    folder, out = demo
    page = (folder / FILES["network_stepper"]).read_text()
    assert list(FILES)[0] == "network_stepper"
    assert 'href="backprop-stepper.html"' in page and "(F)" in page and "(M)" in page
    opened = out.split("Open next:")[1].strip().splitlines()
    assert opened[0].strip().startswith(str(folder / "network-stepper.html"))
    assert opened[1].strip().startswith(str(folder / "backprop-stepper.html"))


def test_a_second_run_rewrites_the_demos_own_folder(demo, capsys):
    folder, _ = demo
    (folder / "notes.txt").write_text("mine")
    before = (folder / FILES["model"]).read_bytes()
    assert main(["demo", "--out", str(folder), "--epochs", "1", "--quiet"]) == 0
    assert (folder / FILES["model"]).read_bytes() != before  # 1 epoch, not 3: rewritten
    assert (folder / "notes.txt").read_text() == "mine"  # only its own files


def test_the_demo_never_overwrites_files_elsewhere_without_force(tmp_path, capsys):
    (tmp_path / "model.npz").write_text("an old file")
    assert main(["demo", "--out", str(tmp_path), "--epochs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "already exist" in err and "--force" in err
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]
    assert (tmp_path / "model.npz").read_text() == "an old file"


def test_with_force_the_demo_replaces_its_files(tmp_path, capsys):
    (tmp_path / "model.npz").write_text("an old file")
    assert main(["demo", "--out", str(tmp_path), "--epochs", "1", "--quiet", "--force"]) == 0
    assert load(tmp_path / "model.npz").sizes == [6, 9, 2]
    hidden = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert hidden == [MARK]  # no temporaries left
    assert np.isfinite(load(tmp_path / "model.npz").layers[0].weight.data).all()
