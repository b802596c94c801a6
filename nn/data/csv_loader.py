"""``load_csv``: your own table as (X, y), with an error naming the line and column of a bad cell.

The file has a header row naming the columns, then one sample per row. Every
column except the target must hold numbers. The target column may hold numbers
(a regression target) or names (classes, such as ``setosa``), which become
class indices 0 … K−1 in sorted order of the names::

    data = load_csv("flowers.csv", target="species")
    data.X, data.y, data.features, data.classes

A bad row stops the load with a :class:`CSVError` such as::

    flowers.csv, line 7, column 3 (petal_length): 'abc' is not a finite number
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["CSVData", "CSVError", "load_csv"]


class CSVError(ValueError):
    """A CSV file that cannot be read as a table of numbers: ``line`` and ``column`` are 1-based.

    ``column`` is None when the whole row is wrong (a wrong number of fields).
    """

    def __init__(self, path, line: int, column: int | None, message: str, name: str = ""):
        self.path, self.line, self.column = str(path), line, column
        where = f"{Path(path).name}, line {line}"
        if column:
            where += f", column {column}" + (f" ({name})" if name else "")
        super().__init__(f"{where}: {message}")


class CSVData(NamedTuple):
    """What :func:`load_csv` read.

    Attributes:
        X: the inputs, float array of shape (N, F), in the file's column order.
        y: the target: int class indices (N,) when ``classes`` is not None,
            else floats (N,); None when no target was named.
        features: the names of X's columns (x_1 … x_F).
        classes: the class names, ``classes[k]`` for index k; None for a
            numeric target.
    """

    X: np.ndarray
    y: np.ndarray | None
    features: tuple
    classes: tuple | None


def _number(text: str) -> float | None:
    try:
        x = float(text)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def load_csv(path, target: str | None = None, delimiter: str = ",",
             classes: bool | None = None) -> CSVData:
    """Read a CSV file with a header row into inputs X and a target y.

    Args:
        path: the file.
        target: the name of the target column (its header); None reads every
            column into X and returns ``y=None``.
        delimiter: the field separator.
        classes: None decides from the data (names → classes, numbers → a
            numeric target); True makes even a numeric target classes (its
            distinct values, sorted); False demands numbers.

    Raises:
        FileNotFoundError: no such file.
        CSVError: an empty file, a header without the target, a row with the
            wrong number of fields, an empty cell, or a cell that is not a
            finite number, each with its line and column (1-based).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_csv: no such file: {path}")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter=delimiter)
        header = next(reader, None)
        if header is None:
            raise CSVError(path, 1, None, "the file is empty; expected a header row")
        header = [h.strip() for h in header]
        if target is not None and target not in header:
            raise CSVError(path, 1, None, f"no column named {target!r}; the header has "
                                          f"{', '.join(map(repr, header))}")
        t = header.index(target) if target is not None else None
        rows, labels, lines = [], [], []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue                                    # blank line
            line = reader.line_num
            if len(row) != len(header):
                raise CSVError(path, line, None, f"{len(row)} fields, but the header has "
                                                 f"{len(header)}")
            values = []
            for c, cell in enumerate(row):
                cell = cell.strip()
                if c == t:
                    labels.append(cell)
                    lines.append(line)
                    if not cell:
                        raise CSVError(path, line, c + 1, "the target is empty", header[c])
                    continue
                x = _number(cell)
                if x is None:
                    what = "empty" if not cell else f"{cell!r} is not a finite number"
                    raise CSVError(path, line, c + 1, what, header[c])
                values.append(x)
            rows.append(values)
    if not rows:
        raise CSVError(path, 2, None, "no data rows after the header")
    features = tuple(h for c, h in enumerate(header) if c != t)
    X = np.array(rows, dtype=float)
    if t is None:
        return CSVData(X, None, features, None)
    numbers = [_number(s) for s in labels]
    if classes is None:
        classes = any(x is None for x in numbers)
    if not classes:
        bad = next((k for k, x in enumerate(numbers) if x is None), None)
        if bad is not None:
            raise CSVError(path, lines[bad], t + 1, f"{labels[bad]!r} is not a finite number "
                                                    "(pass classes=True for class names)", target)
        return CSVData(X, np.array(numbers), features, None)
    if all(x is not None for x in numbers):
        names = sorted(set(labels), key=lambda s: float(s))
    else:
        names = sorted(set(labels))
    index = {name: k for k, name in enumerate(names)}
    return CSVData(X, np.array([index[s] for s in labels]), features, tuple(names))
