"""load_csv: your own table as (X, y); a bad row is reported with its line and column."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.nn.data import CSVError, iris, load_csv

GOOD = """\
sepal_length,sepal_width,species
5.1,3.5,setosa

7.0,3.2,versicolor
6.3,3.3,virginica
"""


def write(tmp_path, text, name="table.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_reads_inputs_and_class_names_as_indices(tmp_path):
    data = load_csv(write(tmp_path, GOOD), target="species")
    assert data.features == ("sepal_length", "sepal_width")
    assert data.classes == ("setosa", "versicolor", "virginica")
    assert data.X.tolist() == [[5.1, 3.5], [7.0, 3.2], [6.3, 3.3]]
    assert data.y.tolist() == [0, 1, 2]


def test_a_numeric_target_is_a_regression_target_unless_classes_is_asked(tmp_path):
    path = write(tmp_path, "x1,x2,y\n1,2,0.5\n3,4,1\n5,6,1\n")
    data = load_csv(path, target="y")
    assert data.classes is None and data.y.tolist() == [0.5, 1.0, 1.0]
    data = load_csv(path, target="y", classes=True)
    assert data.classes == ("0.5", "1") and data.y.tolist() == [0, 1, 1]
    assert load_csv(path).X.shape == (3, 3) and load_csv(path).y is None


@pytest.mark.parametrize("text, line, column, words", [
    ("a,b,t\n1,2,x\n3,oops,y\n", 3, 2, "column 2 (b): 'oops' is not a finite number"),
    ("a,b,t\n1,2,x\n3,4,y\n5,,z\n", 4, 2, "column 2 (b): empty"),
    ("a,b,t\n1,2,x\n\n3,4\n", 4, None, "2 fields, but the header has 3"),
    ("a,b,t\n1,nan,x\n", 2, 2, "'nan' is not a finite number"),
    ("a,b,t\n1,2,\n", 2, 3, "column 3 (t): the target is empty"),
])
def test_a_bad_row_is_reported_with_its_line_and_column(tmp_path, text, line, column, words):
    with pytest.raises(CSVError) as info:
        load_csv(write(tmp_path, text, "mine.csv"), target="t")
    err = info.value
    assert (err.line, err.column) == (line, column)
    assert str(err).startswith(f"mine.csv, line {line}")
    assert words in str(err)


def test_a_quoted_field_with_a_newline_keeps_the_line_count_right(tmp_path):
    text = 'a,b,t\n1,2,"two\nlines"\n3,x,y\n'
    with pytest.raises(CSVError, match="line 4, column 2"):
        load_csv(write(tmp_path, text), target="t")


def test_whole_file_problems_are_named(tmp_path):
    with pytest.raises(CSVError, match="no column named 'label'"):
        load_csv(write(tmp_path, GOOD), target="label")
    with pytest.raises(CSVError, match="empty"):
        load_csv(write(tmp_path, ""), target="t")
    with pytest.raises(CSVError, match="no data rows"):
        load_csv(write(tmp_path, "a,t\n"), target="t")
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_csv(tmp_path / "missing.csv")
    with pytest.raises(CSVError, match="line 3, column 2 .y.: 'b' is not a finite number"):
        load_csv(write(tmp_path, "x,y\n1,2\n3,b\n"), target="y", classes=False)


def test_the_bundled_iris_file_reads_back_through_the_loader(tmp_path):
    X, y = iris()
    lines = ["sepal_length,sepal_width,petal_length,petal_width,species"]
    names = ["setosa", "versicolor", "virginica"]
    lines += [",".join(map(str, row)) + f",{names[k]}" for row, k in zip(X, y)]
    data = load_csv(write(tmp_path, "\n".join(lines)), target="species")
    assert np.array_equal(data.X, X) and np.array_equal(data.y, y)
