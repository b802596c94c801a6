"""``stepgrad exercise --seed N --out DIR``: a backprop exercise with its worked solution.

One exercise (the default): ``DIR/problem.md``, ``solution.md``, ``exercise.html``
(one offline page, the solution folded away), ``network.svg`` and
``answer_key.csv``. With ``--count K``: K different exercises (seeds N, N + 1, …)
in ``DIR/exercise-01`` … and one ``DIR/answer_key.csv`` for the class. The same
seed and options write the same bytes. Nothing is replaced without ``--force``;
a new ``DIR`` appears with all its files or not at all.
"""

from __future__ import annotations

from stepgrad.practice import exercise_set_files, make_exercise, make_exercises
from stepgrad.practice.exercise import write_files

from .errors import CLIError, say
from .paths import output_folder, refuse_overwrite
from .staging import all_or_none

__all__ = ["run_exercise"]


def run_exercise(args) -> int:
    """The ``exercise`` command; returns the exit code."""
    out = output_folder(args.out, create=False)
    try:
        if args.count is None:
            ex = make_exercise(args.seed, difficulty=args.difficulty)
            files = ex.files()
            what = f"exercise {args.seed}: {ex.problem.name}"
        else:
            exs = make_exercises(args.seed, args.count, difficulty=args.difficulty)
            files = exercise_set_files(exs)
            what = (f"{len(exs)} {args.difficulty} exercises, seeds "
                    f"{', '.join(str(e.problem.seed) for e in exs[:6])}"
                    f"{', …' if len(exs) > 6 else ''}")
    except (ValueError, TypeError) as e:
        raise CLIError(str(e)) from None
    refuse_overwrite([out / rel for rel in files], args.force)
    if out.exists():  # each file whole or not at all (written beside, renamed)
        write_files(files, out, force=True)
    else:  # the folder appears with every file, or not at all
        with all_or_none(out) as staged:
            write_files(files, staged)
    say(f"Wrote {what}")
    tops = sorted({rel.split("/")[0] for rel in files})
    shown = tops if len(tops) <= 8 else tops[:3] + ["…"] + tops[-2:]
    say(f"  into {out}/: " + ", ".join(shown))
    page = out / next(rel for rel in sorted(files) if rel.endswith("exercise.html"))
    say(f"  open {page} in a browser; the answer key is {out / 'answer_key.csv'}")
    return 0
