"""The answer key: one CSV row per exercise and number, every number the engine's in full.

Columns: ``exercise`` (its folder, ``exercise-01``), ``seed`` (``stepgrad exercise
--seed`` gives it again), ``difficulty``, ``quantity`` (a plain name: ``a_1``,
``eps2_1``, ``dL/dw1_01``, ``w2_01_new``), ``symbol`` (the lecture's: ``a₁``,
``ε²₁``, ``∂L/∂w¹₀₁``, ``w²₀₁ (new)``) and ``value`` (``repr`` of the float: read
back with ``float()`` it is the engine's number to the last bit). UTF-8, ``\\n``
line ends: the same exercises give the same bytes on one machine. The givens are the
same on every machine (PCG64); a value's last digit may differ where the platform's
``exp``/``tanh`` round differently (the 4 digits of the solution do not).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

__all__ = ["answer_key_csv", "read_answer_key", "COLUMNS"]

COLUMNS = ("exercise", "seed", "difficulty", "quantity", "symbol", "value")


def answer_key_csv(exercises: Sequence, names: Sequence[str]) -> str:
    """The CSV text of ``exercises`` (each an :class:`~.exercise.Exercise`), the k-th
    named ``names[k]``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for name, ex in zip(names, exercises):
        for a in ex.worked.answers:
            writer.writerow((name, ex.problem.seed, ex.problem.difficulty, a.key, a.symbol,
                             repr(a.value)))
    return out.getvalue()


def read_answer_key(text: str) -> list:
    """The rows of an answer key as dicts, ``seed`` an int and ``value`` a float."""
    rows = list(csv.DictReader(io.StringIO(text)))
    for r in rows:
        r["seed"], r["value"] = int(r["seed"]), float(r["value"])
    return rows
