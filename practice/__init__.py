"""stepgrad.practice: backprop exercises with worked solutions, every number the engine's.

``make_exercise(seed, difficulty="easy" | "medium" | "hard")`` draws a small network
in the lecture's notation (2-2-1, 2-3-2, 3-3-2; bias units at index 0; weights and
inputs with one decimal), one sample, its target and μ, and solves it on the
engine: the forward values, L, ε²_m, ∂L/∂w²_hm, ε¹_h, ∂L/∂w¹_fh and the weights
after one SGD step, each line the formula with the numbers filled in.
``ex.save(folder)`` writes ``problem.md``, ``solution.md``, ``exercise.html`` (one
offline page, the solution folded away), ``network.svg`` and ``answer_key.csv``;
``make_exercises(seed, count)`` and ``save_exercises`` make a set for a class (one
folder each, one answer key); ``ex.check(answers)`` marks a student's numbers.

The layer sits above ``viz`` (it writes the network view's recorded pass and its
derivation) and below ``cli`` (``stepgrad exercise``).
"""

from .answer_key import read_answer_key
from .exercise import (
    Checked,
    Exercise,
    exercise_set_files,
    make_exercise,
    make_exercises,
    save_exercises,
)
from .options import LEVELS
from .problem import Problem
from .solution import Answer, Worked

__all__ = ["make_exercise", "make_exercises", "save_exercises", "exercise_set_files",
           "Exercise", "Checked", "Problem", "Worked", "Answer", "LEVELS", "read_answer_key"]
