"""The notebooks: each paired with its py:percent text file, in sync, prose before each code cell.

The notebooks themselves run in the test suite through nbmake (``--nbmake`` in
pyproject's addopts, ``notebooks`` in testpaths): a cell error fails the suite.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def cells(nb):
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_notebook_has_its_text_file_and_they_hold_the_same_cells(path):
    text = path.with_suffix(".py")
    assert text.exists(), f"{text.name} missing: run `jupytext --sync notebooks/{path.name}`"
    assert cells(jupytext.read(text)) == cells(nbformat.read(path, as_version=4)), (
        f"{path.name} and {text.name} differ: run `jupytext --sync notebooks/{path.name}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_code_cell_comes_after_prose_and_no_outputs_are_stored(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    for before, cell in zip(nb.cells, nb.cells[1:]):
        if cell.cell_type == "code" and before.cell_type == "code":
            pytest.fail(f"{path.name}: no prose before the cell starting "
                        f"{cell.source.splitlines()[0]!r}")
    stored = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    assert not stored, f"{path.name}: outputs stored; clear them (the tests run the notebook)"
