"""``load_csv``: your own table as (X, y), with an error naming the line and column of a bad cell.

The file has a header row naming the columns, then one sample per row. Every
column except the target must hold numbers. The target column may hold numbers
(a regression target) or names (classes, such as ``setosa``), which become
class indices 0 … K−1 in sorted order of the names::

    data = load_csv("flowers.csv", target="species")
    data.X, data.y, data.features, data.classes

A bad row stops the load with a :class:`CSVError` such as::

    flowers.csv, line 7, column 3 (petal_length): 'abc' is not a finite number

Rows are never merged: a quote opened and never closed is refused with the line
it opens on, and so is a cell longer than csv's field limit (131,072
characters). A UTF-8 byte-order mark
(Excel's "CSV UTF-8") is skipped. A class target with one class in every row
loads, with a warning: a classifier learns nothing from it.
"""

from __future__ import annotations

import csv
import math
import os
import warnings
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["CSVData", "CSVError", "load_csv"]


class CSVError(ValueError):
    """A CSV file that cannot be read as a table of numbers: ``line`` and ``column`` are 1-based.

    ``column`` is None when the whole row is wrong (a wrong number of fields).
    """

    def __init__(self, path: str | os.PathLike[str], line: int, column: int | None, message: str,
                 name: str | None = ""):
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


def _rows(reader, path, delimiter):
    """``(line, row)`` for each record (``line`` its last line), read strictly.

    A quote opened and never closed would glue every later line into one cell
    (``'cat\\n2,dog\\n3,cat'``): csv's strict mode stops at it, and so does a cell
    that runs over a line end and holds the delimiter (rows glued up to a later
    quote). A quoted cell with a line break alone (a name on two lines) is kept.
    """
    end = reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            if "field larger than field limit" in str(e):
                why = (f"a cell longer than {csv.field_size_limit():,} characters (csv's "
                       "limit): is a quote opened here and never closed?")
            elif "unexpected end of data" in str(e):
                why = ("a quote opened here is never closed (the file ends inside it); "
                       "close it: rows are never merged")
            else:
                why = f"not valid CSV ({e}); a quote inside a cell is written twice: \"\""
            raise CSVError(path, start, None, why) from None
        end = reader.line_num
        for c, cell in enumerate(row):
            if ("\n" in cell or "\r" in cell) and delimiter in cell:
                raise CSVError(path, start, c + 1, f"a quoted cell runs over lines {start}-{end} "
                                                   f"and holds {delimiter!r}: rows glued by a "
                                                   "quote never closed? rows are never merged")
        yield end, row


def load_csv(path: str | os.PathLike[str], target: str | None = None, delimiter: str = ",",
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
        CSVError: an empty file, a header without the target, a file with no
            input column, a row with the wrong number of fields, an empty cell,
            a cell that is not a finite number, a quote never closed or a cell
            over csv's field limit, each with its line and column (1-based).

    Warns:
        UserWarning: a class target with one class in every row.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load_csv: no such file: {path}")
    with path.open(newline="", encoding="utf-8-sig") as f:   # -sig: skip a byte-order mark
        records = _rows(csv.reader(f, delimiter=delimiter, strict=True), path, delimiter)
        _, header = next(records, (1, None))
        if header is None:
            raise CSVError(path, 1, None, "the file is empty; expected a header row")
        header = [h.strip() for h in header]
        if target is not None and target not in header:
            raise CSVError(path, 1, None, f"no column named {target!r}; the header has "
                                          f"{', '.join(map(repr, header))}")
        t = header.index(target) if target is not None else None
        if t is not None and len(header) == 1:
            raise CSVError(path, 1, None, f"the only column is the target {target!r}; add at "
                                          "least one input column to predict it from")
        rows, labels, lines = [], [], []
        for line, row in records:
            if not any(cell.strip() for cell in row):
                continue                                    # blank line
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
    if len(names) == 1:
        warnings.warn(f"{path.name}: the target {target!r} has one class ({names[0]!r}) in "
                      f"all {len(labels)} rows; a classifier learns nothing from it (its "
                      "accuracy is 100% by construction): check the file or --target",
                      UserWarning, stacklevel=2)
    index = {name: k for k, name in enumerate(names)}
    return CSVData(X, np.array([index[s] for s in labels]), features, tuple(names))
