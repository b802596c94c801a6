"""Quiz mode in the Jupyter players (ipywidgets): the question, the answer box, the score.

The rules are :class:`~.quiz.Quiz`'s (the module doc of :mod:`.quiz`): Enter in
the answer box (or "check") marks the value, "next" (or the slider one step
on) on an unanswered question shows its answer and counts it skipped, a jump
further on skips every question it passes. The player draws frame k with its
result hidden while :meth:`QuizControls.asking` says so.
"""

from __future__ import annotations

import html

from .quiz import Quiz, ready_step

__all__ = ["QuizControls", "WAIT", "QUIZ_CHAIN"]

WAIT = ("Your turn: type the value asked above, then Enter. This step's arithmetic "
        "appears here once you have answered.")
QUIZ_CHAIN = ("Quiz mode: this node's chain rule is shown once the steps that compute "
              "it are answered.")
_COLOURS = {"right": "#15803d", "wrong": "#b91c1c", "skipped": "#92400e"}


class QuizControls:
    """The quiz's widgets for a player whose frame (from 0) is ``here()``.

    Attributes:
        quiz: the :class:`~.quiz.Quiz` state (marks and score).
        box: the widgets to show above the step's text.
        answer: the answer box (its value is checked on Enter).
    """

    def __init__(self, w, questions, here, redraw):
        self.quiz, self.here, self.redraw = Quiz(questions), here, redraw
        self.score, self.question, self.verdict = w.HTML(), w.HTML(), w.HTML()
        self.answer = w.Text(placeholder="your value", continuous_update=False,
                             layout=w.Layout(width="180px"))
        check = w.Button(description="check (Enter)", layout=w.Layout(width="auto"))
        reveal = w.Button(description="show answer", tooltip="shows it; counts as skipped",
                          layout=w.Layout(width="auto"))
        self.form = w.HBox([self.answer, check, reveal])
        self.answer.observe(lambda c: self.submit(c["new"]) if c["new"] else None,
                            names="value")
        check.on_click(lambda _: self.submit(self.answer.value))
        reveal.on_click(lambda _: self.reveal())
        self.box = w.VBox([self.score, self.question, self.form, self.verdict],
                          layout=w.Layout(border="2px solid #2563eb", padding="2px 6px",
                                          width="100%"))

    def asking(self, k: int) -> bool:
        """Whether frame k's result is hidden (its question not answered yet)."""
        return self.quiz.pending(k)

    def hides(self, stepper, node) -> bool:
        """Whether ``node``'s chain rule would give a hidden answer away: a step that
        adds to its gradient is still to come, or asked now."""
        k, last = self.here(), ready_step(stepper, node)
        return last > k or (last == k and self.asking(k))

    def submit(self, text: str) -> str:
        """Check ``text`` as the answer to the current frame's question (what Enter does)."""
        k = self.here()
        if not self.quiz.pending(k):
            return self.quiz.status[k] or "no question"
        mark = self.quiz.check(k, text)
        if mark == "not a number":
            self.verdict.value = (f'<span style="color:#b91c1c">“{html.escape(str(text))}” is '
                                  "not a number: type one like −0.25, 0,25 or 1.5e-3</span>")
        else:
            self.redraw()
        return mark

    def reveal(self) -> None:
        """Show the current question's answer, counted as skipped."""
        self.quiz.reveal(self.here())
        self.redraw()

    def moved(self, k: int, i: int) -> int:
        """From frame k towards i (next, the slider): the frame to show (:meth:`Quiz.move`)."""
        return self.quiz.move(k, i)

    def update(self, k: int) -> None:
        """Show frame k's question, its mark, and the score."""
        q, summary = self.quiz.questions[k], self.quiz.summary()
        final = summary.startswith("Final")
        self.score.value = (f'<div style="font-size:{16 if final else 13}px;color:#1e3a8a;'
                            f'{"font-weight:bold" if final else ""}">{summary}</div>')
        text = ("nothing to compute here (its numbers are given)." if q is None else q.text)
        self.question.value = f"<b style='font-size:15px'>Step {k + 1}: {html.escape(text)}</b>"
        colour = _COLOURS.get(self.quiz.status[k] or "", "#111827")
        self.verdict.value = (f'<b style="color:{colour}">'
                              f"{html.escape(self.quiz.verdict(k))}</b>")
        self.form.layout.display = "flex" if self.asking(k) else "none"
        if self.answer.value:
            self.answer.value = ""
