"""Quiz mode of the steppers: before a step's result is shown, the student types it.

``step_through(L, quiz=True)`` and ``step_network(model, x, y, quiz=True)`` ask
one question per frame that computes something (:func:`node_questions`,
:func:`network_questions`); the answer is always the engine's own number, read
from the record of its backward pass (a :class:`~stepgrad.autograd.BackwardStep`'s
contribution, ``grad`` after the pass) or from a node's forward ``data``, never
derived a second time:

* node by node, backward: the contribution the step hands one parent,
  ``p.grad += ∂L/∂n · ∂n/∂p``; a parent whose local derivative is not ±1 is
  asked first, a constant never;  forward: the node's value;
* on the network: each unit's α_h or a_m and L (forward), each error ε,
  ∂L/∂v₁ for a softmax layer, and one ∂L/∂wˡ_fh of the edges into a unit
  (the first non-bias weight). The sample's inputs and ∂L/∂L = 1 are given.

**Right** means, as ``numpy.isclose(given, answer, rtol=RTOL, atol=ATOL)``:
``|given − answer| ≤ ATOL + RTOL·|answer|``, with RTOL = 1 % (four significant
digits copied or rounded are right, a slip in the second digit is not) and
ATOL = 0.00001 for values near 0: ``0`` is right for a gradient that is 0 up
to the float arithmetic (a dead ReLU's, 1e-17), and a sum whose terms nearly
cancel is not marked wrong for the rounding of its 4-digit terms; a small
gradient is still asked for its digits (the 6-9-2 network's ∂L/∂w¹ are about
0.0005: ``0`` is wrong there, as the panel writes −0.0004466). A typed
number may use a true minus (−), a decimal comma (``0,25``) or an exponent
(``1.5e-3``); anything else is not a number and is asked again, not counted.

Moving on: the **next** step (→, "next") on an unanswered question shows the
answer and counts it as *skipped*; a jump further on (End, the slider, the
backward-phase button) counts every unanswered question it passes as skipped.
Going back never changes an answer; each question is answered once. The score
(right, wrong, skipped, of how many) is shown as the pass goes, and as a final
score once no question is left. :class:`Quiz` is that logic in Python (the
Jupyter widgets use it); the HTML pages run the same rules in ``assets/quiz.js``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stepgrad.nn.labels import weight_name

from .explain import name as node_name
from .network_text import eps_name, num, unit_name

__all__ = ["RTOL", "ATOL", "Question", "Quiz", "parse_answer", "is_right",
           "node_questions", "network_questions", "ready_step", "quiz_json", "QUIZ_JS", "QUIZ_CSS"]

RTOL = 0.01
ATOL = 0.00001
_ASSETS = Path(__file__).with_name("assets")
QUIZ_JS = (_ASSETS / "quiz.js").read_text(encoding="utf-8")
QUIZ_CSS = (_ASSETS / "quiz.css").read_text(encoding="utf-8")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.I)


@dataclass(frozen=True)
class Question:
    """The question of one frame.

    Attributes:
        frame: k, from 0.
        text: what is asked, in the panel's symbols (``w₁.grad += ∂L/∂u · ∂u/∂w₁ = ?``).
        answer: the engine's number.
        hide: the picture's texts that would give the answer away while it is asked
            (text id → the text shown instead); the node view hides the frame's changes.
    """

    frame: int
    text: str
    answer: float
    hide: dict = field(default_factory=dict)


def parse_answer(text: str):
    """The number typed (a true minus, a decimal comma, an exponent allowed), or None."""
    s = re.sub(r"\s+", "", str(text)).replace("\u2212", "-")
    if "." not in s and s.count(",") == 1:
        s = s.replace(",", ".")
    if not _NUMBER.fullmatch(s):
        return None
    value = float(s)
    return value if math.isfinite(value) else None


def is_right(given: float, answer: float) -> bool:
    """``|given − answer| ≤ ATOL + RTOL·|answer|`` (numpy.isclose's rule)."""
    return abs(given - answer) <= ATOL + RTOL * abs(answer)


def _scalar(x):
    arr = np.asarray(x, dtype=float)
    return float(arr) if arr.ndim == 0 else None


def node_questions(stepper) -> list:
    """One :class:`Question` or None per frame of a node-level :class:`~.stepper.Stepper`."""
    names = stepper.scene.names

    def call(n):
        text = names.get(id(n)) or node_name(n)
        depth, bare = 0, False  # a space outside parentheses: "a − y" is written "(a − y)"
        for c in text:
            depth += (c == "(") - (c == ")")
            bare = bare or (c == " " and depth == 0)
        return f"({text})" if bare else text

    out: list = []
    for k, node in enumerate(stepper.nodes):
        before = stepper.frame(k - 1).texts if k else stepper.initial
        own = ("grad", stepper.index[id(node)]) if k == 0 else None  # the seed ∂L/∂L = 1 shows
        hide = {key: before.get(key, "") for key in stepper.deltas[k] if key != own}
        if stepper.mode == "forward":
            value = _scalar(node.data)
            out.append(None if value is None else
                       Question(k, f"{call(node)} = ? (compute the node's value)", value, hide))
            continue
        step = stepper.record.steps[k]
        slots = []
        for slot, p in enumerate(step.parents):
            con = stepper.record.contribution(node, slot)
            if con is None or (p.op is None and not p.label) or _scalar(con.value) is None:
                continue
            slots.append((con.local is None or abs(_scalar(con.local)) == 1.0, slot, p, con))
        if not slots:
            out.append(None)
            continue
        _, slot, p, con = min(slots, key=lambda s: (s[0], s[1]))
        n, q = call(node), call(p)
        out.append(Question(k, f"{q}.grad += ∂L/∂{n} · ∂{n}/∂{q} = ? (what this step "
                               f"hands {q})", _scalar(con.value), hide))
    return out


def network_questions(stepper) -> list:
    """One :class:`Question` or None per frame of a :class:`~.network_stepper.NetworkStepper`;
    every answer is a number of :meth:`NetworkPass.numbers`, the engine's."""
    p = stepper.p
    out: list = []
    for k, f in enumerate(stepper.frames):
        nums = p.numbers(f)
        l, u = f.layer, f.unit
        q = None
        if f.kind == "unit":
            name = unit_name(p, l, u)
            q = Question(k, f"{name} = ? (forward: σ of the weighted sum)",
                         nums[("value", l, u)], {f"L{l}_{u}-t0": f"{name} = ?"})
        elif f.kind == "loss":
            q = Question(k, "L = ? (the loss of this sample)", nums[("L",)],
                         {"L-t0": "L = ?"})
        elif f.kind == "eps":
            e = eps_name(p, l, u)
            line = 2 if l == p.n_layers else 1
            q = Question(k, f"{e} = ∂L/∂{unit_name(p, l, u)} = ?", nums[("eps", l, u)],
                         {f"L{l}_{u}-t{line}": f"{e} = ?"})
        elif f.kind == "act":
            v = p.total(l, 1).label
            q = Question(k, f"∂L/∂{v} = ? (the softmax mixes the layer's units)",
                         nums[("dsum", l, 1)])
        elif f.kind == "dw":
            j = 1 if p.layer(l).weights.shape[0] > 1 else 0
            hide = {f"W{e[1:]}-t0": "∂L/∂w = ?" for e in stepper.frame(k).edges}
            q = Question(k, f"∂L/∂{weight_name(l, j, u)} = ? (the edge from "
                            f"{'the bias' if j == 0 else unit_name(p, l - 1, j)} into "
                            f"{unit_name(p, l, u)})", nums[("dw", l, j, u)], hide)
        out.append(q)
    return out


def ready_step(stepper, node) -> int:
    """The last step of a node-level stepper that adds to ``node``'s gradient (0: none);
    quiz mode shows its chain rule only once that step is answered."""
    if stepper.mode != "backward" or node is None:
        return 0
    return max((c.step for c in stepper.record.into.get(id(node), [])), default=0)


def quiz_json(questions, ids=lambda key: key) -> dict:
    """The questions as the pages' script reads them (``assets/quiz.js``); ``ids`` turns
    a hidden text's key into the page's element id."""
    return {"rtol": RTOL, "atol": ATOL,
            "questions": [None if q is None else
                          {"text": q.text, "answer": q.answer, "shown": num(q.answer, ".6g"),
                           "hide": {ids(key): text for key, text in q.hide.items()}}
                          for q in questions]}


class Quiz:
    """The state of one pass in quiz mode (the rules of the module doc).

    ``status[k]`` is None (not asked yet, or no question), ``"right"``, ``"wrong"`` or
    ``"skipped"``; ``given[k]`` what the student typed.
    """

    def __init__(self, questions) -> None:
        self.questions = list(questions)
        self.status: list = [None] * len(self.questions)
        self.given: list = [""] * len(self.questions)

    def pending(self, k: int) -> bool:
        """Whether frame k asks a question not answered yet (its result stays hidden)."""
        return self.questions[k] is not None and self.status[k] is None

    def check(self, k: int, text: str) -> str:
        """Mark the answer ``text`` to frame k's question: ``"right"``, ``"wrong"``, or
        ``"not a number"`` (nothing counted, asked again); an answered question keeps
        its first mark."""
        q = self.questions[k]
        if q is None:
            raise ValueError(f"frame {k + 1} asks no question")
        if self.status[k] is not None:
            return self.status[k]
        value = parse_answer(text)
        if value is None:
            return "not a number"
        self.given[k] = str(text).strip()
        self.status[k] = "right" if is_right(value, q.answer) else "wrong"
        return self.status[k]

    def reveal(self, k: int) -> None:
        """Show frame k's answer without one typed: the question counts as skipped."""
        if self.pending(k):
            self.status[k] = "skipped"

    def move(self, k: int, i: int) -> int:
        """From frame k towards frame i: the frame to show. The next step on an
        unanswered question reveals it (skipped) and stays; a jump skips every
        unanswered question it passes."""
        if i == k + 1 and self.pending(k):
            self.reveal(k)
            return k
        for j in range(k, min(i, len(self.questions))):
            if self.pending(j):
                self.status[j] = "skipped"
        return i

    def score(self) -> dict:
        asked = sum(q is not None for q in self.questions)
        count = {s: self.status.count(s) for s in ("right", "wrong", "skipped")}
        return {**count, "questions": asked, "left": asked - sum(count.values())}

    def summary(self) -> str:
        """The score line (the final score once no question is left)."""
        s = self.score()
        if s["left"] == 0:
            return (f"Final score: {s['right']} / {s['questions']} right "
                    f"({s['wrong']} wrong, {s['skipped']} skipped)")
        return (f"score: {s['right']} right · {s['wrong']} wrong · {s['skipped']} skipped · "
                f"{s['left']} of {s['questions']} questions left")

    def verdict(self, k: int) -> str:
        """Frame k's line under the question once it is answered."""
        q, s = self.questions[k], self.status[k]
        if q is None or s is None:
            return ""
        engine = f"the engine's value is {num(q.answer, '.6g')}"
        if s == "skipped":
            return f"skipped: {engine}"
        mark = "✓ right" if s == "right" else "✗ wrong"
        return f"{mark}: you wrote {self.given[k]}; {engine}"
