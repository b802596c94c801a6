"""An exercise: the problem, its worked solution, its files, and a check of a student's numbers.

    ex = make_exercise(7, difficulty="medium")
    ex.save("exercise-7")              # problem.md, solution.md, exercise.html, network.svg,
                                       # answer_key.csv
    ex.check({"a_1": 0.45, "eps2_1": -0.55})   # right / wrong per number, the engine's beside

Every number of the solution, the answer key and the check is the engine's
(:mod:`.solution`); the same seed and options give the same files, byte for byte.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from stepgrad.saving.atomic import write_atomically
from stepgrad.viz.quiz import ATOL, RTOL, is_right, parse_answer

from .answer_key import answer_key_csv
from .markdown import problem_markdown, solution_markdown
from .page import exercise_html
from .picture import network_svg
from .problem import Problem, draw_problem
from .solution import Worked, solve

__all__ = ["Exercise", "Checked", "expand_answers", "make_exercise", "make_exercises",
           "exercise_set_files", "save_exercises", "write_files", "FILES", "KEY"]

FILES = ("problem.md", "solution.md", "exercise.html", "network.svg")
KEY = "answer_key.csv"


@dataclass(frozen=True)
class Checked:
    """A student's numbers against the engine's: rows (symbol, key, given, engine's, mark),
    mark ``"right"``, ``"wrong"``, ``"not a number"`` or ``"not answered"``."""

    rows: tuple

    @property
    def right(self) -> int:
        return sum(r[4] == "right" for r in self.rows)

    @property
    def wrong(self) -> int:
        return sum(r[4] in ("wrong", "not a number") for r in self.rows)

    def _repr_markdown_(self) -> str:
        marks = {"right": "✓ right", "wrong": "✗ wrong", "not a number": "✗ not a number",
                 "not answered": "—"}
        lines = ["| quantity | yours | the engine's | |", "|---|---:|---:|---|"]
        for symbol, key, given, value, mark in self.rows:  # unanswered: not given away
            shown = "(not shown)" if mark == "not answered" else f"{value:.6g}"
            lines.append(f"| {symbol} (`{key}`) | {given} | {shown} | {marks[mark]} |")
        lines.append("")
        lines.append(f"**{self.right} right, {self.wrong} wrong** of {len(self.rows)} "
                     f"(right: within {RTOL:.0%} or {ATOL:g}).")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._repr_markdown_()


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``problem`` (:class:`~.problem.Problem`) and ``worked`` (its
    :class:`~.solution.Worked` solution)."""

    problem: Problem
    worked: Worked

    def problem_markdown(self, picture: str | None = "network.svg") -> str:
        """``problem.md``: Markdown with LaTeX; ``picture`` the network's SVG file beside it
        (None: no picture, as in a notebook, which shows :meth:`svg` itself)."""
        return problem_markdown(self.problem, picture)

    def solution_markdown(self) -> str:
        """``solution.md``: each line the formula, the numbers filled in, the result."""
        return solution_markdown(self.problem, self.worked)

    def html(self) -> str:
        """``exercise.html``: one offline page, the solution folded away."""
        return exercise_html(self.problem, self.worked)

    def svg(self) -> str:
        """``network.svg``: the network with its weights."""
        return network_svg(self.problem)

    def files(self, key: bool = True) -> dict:
        """{file name: bytes} of this exercise (with ``key``, its answer_key.csv too)."""
        out = {"problem.md": self.problem_markdown(), "solution.md": self.solution_markdown(),
               "exercise.html": self.html(), "network.svg": self.svg()}
        if key:
            out[KEY] = answer_key_csv([self], [f"exercise-{self.problem.seed}"])
        return {name: text.encode("utf-8") for name, text in out.items()}

    def save(self, folder: str | os.PathLike, force: bool = False) -> list:
        """Write :meth:`files` into ``folder`` (made if missing); returns the paths.

        Raises:
            FileExistsError: one of the files exists and ``force`` is False (nothing written).
        """
        return write_files(self.files(), folder, force)

    def check(self, answers: Mapping[str, object]) -> Checked:
        """The student's ``answers`` (key → number, or text such as ``"−0.55"``; ``...``
        or None: not answered yet) against the engine's, as the quiz marks them: right
        within 1 % or 0.00001 (:mod:`stepgrad.viz.quiz`). A whole layer may be given at
        once (:func:`expand_answers`): ``{"alpha": [0.6, 0.4], "dL/dw2": [[…], …]}``.

        Raises:
            KeyError: a key that is not one of the solution's (the message lists them).
        """
        known = {a.key: a for a in self.worked.answers}
        answers = expand_answers(answers, self.problem.sizes)
        unknown = [k for k in answers if k not in known]
        if unknown:
            raise KeyError(f"check: {', '.join(map(repr, unknown))} is not a quantity of this "
                           f"exercise; the keys are {', '.join(known)}")
        rows = []
        for key, given in answers.items():
            a = known[key]
            if given is None or given is Ellipsis:
                rows.append((a.symbol, key, "…", a.value, "not answered"))
                continue
            number = parse_answer(str(given))
            mark = ("not a number" if number is None else
                    "right" if is_right(number, a.value) else "wrong")
            rows.append((a.symbol, key, str(given), a.value, mark))
        return Checked(tuple(rows))

    def _repr_markdown_(self) -> str:
        return self.problem_markdown()


VECTORS = ("u", "alpha", "v", "a", "eps2", "dL/dv", "eps1", "dL/du")
MATRICES = ("dL/dw1", "dL/dw2", "w1_new", "w2_new")


def expand_answers(answers: Mapping[str, object], sizes: Sequence[int]) -> dict:
    """Answers keyed one number each: a vector key (``"alpha": [α₁, α₂]``, also ``u``, ``v``,
    ``a``, ``eps2``, ``dL/dv``, ``eps1``, ``dL/du``) becomes ``alpha_1``, ``alpha_2``; a
    matrix key (``"dL/dw1"``, ``"dL/dw2"``, ``"w1_new"``, ``"w2_new"``: rows j = 0 … (the
    bias first), columns k = 1 …, as the problem's tables) becomes ``dL/dw1_01`` … A whole
    ``...`` stands for every entry not answered yet.

    Raises:
        ValueError: a list whose length does not fit the network (the message says which).
    """
    F, H, M = sizes
    width = {"u": H, "alpha": H, "eps1": H, "dL/du": H, "v": M, "a": M, "eps2": M, "dL/dv": M}
    shape = {"dL/dw1": (F + 1, H), "w1_new": (F + 1, H), "dL/dw2": (H + 1, M),
             "w2_new": (H + 1, M)}
    out: dict = {}
    for key, given in answers.items():
        if key in VECTORS:
            values = [...] * width[key] if given is Ellipsis else list(cast(Iterable, given))
            if len(values) != width[key]:
                raise ValueError(f"check: {key} has {len(values)} entries; the network has "
                                 f"{width[key]}")
            out.update({f"{key}_{k}": v for k, v in enumerate(values, 1)})
        elif key in MATRICES:
            rows, cols = shape[key]
            table = ([[...] * cols] * rows if given is Ellipsis else
                     [list(r) for r in cast(Iterable, given)])
            if len(table) != rows or any(len(r) != cols for r in table):
                raise ValueError(f"check: {key} needs {rows} rows (j = 0 … {rows - 1}, the "
                                 f"bias first) of {cols} numbers (k = 1 … {cols})")
            stem, new = (key[:-4], "_new") if key.endswith("_new") else (key, "")
            for j, row in enumerate(table):
                out.update({f"{stem}_{j}{k}{new}": v for k, v in enumerate(row, 1)})
        else:
            out[key] = given
    return out


def make_exercise(seed: int, *, difficulty: str = "easy", sizes: Sequence[int] | None = None,
                  activations: str | Sequence[str] | None = None, loss: str | None = None,
                  lr: float | None = None) -> Exercise:
    """The exercise of ``seed``: a network of the ``difficulty`` (``"easy"`` 2-2-1,
    ``"medium"`` 2-3-2, ``"hard"`` 3-3-2; :mod:`.options`), or of the explicit ``sizes``
    (F, H, M), ``activations`` (one name, or σ_h and σ_m), ``loss`` and ``lr`` (μ), with
    its worked solution.

    Raises:
        ValueError, TypeError: a bad seed or option (the message names it).
    """
    problem = draw_problem(seed, difficulty, sizes=sizes, activations=activations, loss=loss,
                           lr=lr)
    return Exercise(problem, solve(problem))


def make_exercises(seed: int, count: int, **options: object) -> list:
    """``count`` different exercises from the seeds ``seed``, ``seed + 1``, … (a seed whose
    problem repeats an earlier one is passed over); ``options`` as :func:`make_exercise`.

    Raises:
        ValueError: ``count`` is not a whole number from 1 to 1000.
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 1000:
        raise ValueError(f"count: expected a whole number from 1 to 1000, got {count!r}")
    out: list = []
    seen: set = set()
    s = seed
    while len(out) < count:
        ex = make_exercise(s, **options)  # type: ignore[arg-type]
        givens = (ex.problem.sizes, ex.problem.hidden, ex.problem.output, ex.problem.loss,
                  ex.problem.lr, ex.problem.w1, ex.problem.w2, ex.problem.x, ex.problem.y)
        if givens not in seen:
            seen.add(givens)
            out.append(ex)
        s += 1
    return out


def exercise_set_files(exercises: Sequence[Exercise]) -> dict:
    """{relative path: bytes} of a set: ``exercise-01/problem.md`` … and one answer_key.csv."""
    width = max(2, len(str(len(exercises))))
    names = [f"exercise-{k:0{width}d}" for k in range(1, len(exercises) + 1)]
    files = {}
    for name, ex in zip(names, exercises):
        files.update({f"{name}/{f}": data for f, data in ex.files(key=False).items()})
    files[KEY] = answer_key_csv(exercises, names).encode("utf-8")
    return files


def save_exercises(exercises: Sequence[Exercise], folder: str | os.PathLike,
                   force: bool = False) -> list:
    """Write a set (:func:`exercise_set_files`) into ``folder``; returns the paths.

    Raises:
        FileExistsError: a file exists and ``force`` is False (nothing written).
    """
    return write_files(exercise_set_files(exercises), folder, force)


def write_files(files: Mapping[str, bytes], folder: str | os.PathLike,
                force: bool = False) -> list:
    """Write ``files`` ({relative path: bytes}) under ``folder``, each whole or not at all
    (:func:`stepgrad.saving.atomic.write_atomically`: written beside and renamed, a
    replaced file keeps its mode); none is written if one exists and ``force`` is False."""
    root = Path(folder)
    paths = [root / rel for rel in files]
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise FileExistsError(f"{', '.join(existing)} already exist"
                              f"{'s' if len(existing) == 1 else ''}; not overwriting "
                              f"(pass force=True to replace)")
    for path, data in zip(paths, files.values()):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, lambda f, data=data: f.write(data))
    return paths
