"""Quiz mode's pages in a real browser (Debian's chromium, driven by playwright).

For the node-by-node stepper and the network view: the question is asked with
the step's result hidden and the current step on screen at 1280×800; a wrong
answer is marked wrong, the right one right (typed as a student would, rounded),
→ on a question shows it and counts it skipped, the score counts each, the final
score shows at the end, and the page logs no console error. Screenshots of a
question, a wrong answer and the final score, at 1280×800 and at 900 px, go to
``test-artifacts/`` for a person to look at; the quiz's text is ≥ 10 px at 900 px.
"""

import pytest
from browser import ARTIFACTS, chromium_page
from test_viz_stepper import neuron

from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network, step_through
from stepgrad.viz.quiz import ATOL, RTOL

pytestmark = [pytest.mark.dot, pytest.mark.browser]

BOX = """(sel) => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""
FONTS = """Array.from(document.querySelectorAll('#quiz *')).filter((e) =>
  e.getClientRects().length && Array.from(e.childNodes).some((n) => n.nodeType === 3 &&
  n.textContent.trim())).map((e) => parseFloat(getComputedStyle(e).fontSize))"""


def node_stepper():
    return step_through(neuron()[0], quiz=True)


def network_stepper():
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)  # as `stepgrad demo`
    X, Y = lecture_data(n=8, seed=0)
    return step_network(model, X[0], Y[0], loss="half_sse", quiz=True)


def current_ids(stepper, k):
    """The element ids of frame k's current step (its box, or its units and edges)."""
    if hasattr(stepper, "scene"):
        return [stepper.frame(k).box]
    return list(stepper.frame(k).current)


def on_screen(page, ids, width, height):
    for i in ids:
        r = page.evaluate(BOX, f"#{i}")
        assert r is not None and r[2] > r[0] and r[3] > r[1], i
        assert r[0] >= 0 and r[1] >= 0 and r[2] <= width and r[3] <= height, (i, r)


def typed(x: float) -> str:
    """How a student writes a value by hand: 4 significant digits, a true minus sign."""
    return format(x, ".4g").replace("-", "−")


def wrong(x: float) -> str:
    """A value just outside the tolerance."""
    return format(x + 1.5 * (ATOL + RTOL * abs(x)), ".6g")


@pytest.mark.parametrize("view", ["node", "network"])
def test_a_wrong_answer_is_wrong_the_right_one_right_and_the_score_counts_them(tmp_path, view):
    stepper = node_stepper() if view == "node" else network_stepper()
    questions = stepper.questions
    asked = [k for k, q in enumerate(questions) if q is not None]
    first, second, third = asked[:3]
    path = stepper.save_html(tmp_path / "quiz.html")
    ARTIFACTS.mkdir(exist_ok=True)
    errors = []
    with chromium_page(1280, 800, errors) as page:
        page.goto(path.as_uri())
        data = lambda key: page.evaluate(f"document.body.dataset.{key}")
        for _ in range(first):  # frames that ask nothing: → steps on
            assert data("quiz") == "none"
            page.keyboard.press("ArrowRight")
        # the question: result hidden, the step and the question on screen together
        assert data("quiz") == "asking"
        assert questions[first].text in page.inner_text("#quiz-q")
        assert stepper.text(first).splitlines()[0] not in page.inner_text("#panel")
        on_screen(page, current_ids(stepper, first) + ["quiz", "quiz-answer"], 1280, 800)
        page.screenshot(path=str(ARTIFACTS / f"quiz-{view}-question-1280.png"))
        # a wrong answer, Enter: marked wrong, then the step's computation
        page.keyboard.type(wrong(questions[first].answer))
        page.keyboard.press("Enter")
        assert data("quiz") == "wrong" and data("wrong") == "1" and data("right") == "0"
        assert "✗ wrong" in page.inner_text("#quiz-verdict")
        assert page.inner_text("#panel").splitlines()[0] == \
            stepper.text(first).splitlines()[0]
        on_screen(page, current_ids(stepper, first) + ["quiz-verdict"], 1280, 800)
        page.screenshot(path=str(ARTIFACTS / f"quiz-{view}-wrong-1280.png"))
        # Enter goes on; the right value (rounded by hand, true minus) is right
        page.keyboard.press("Enter")
        for _ in range(second - first - 1):
            page.keyboard.press("ArrowRight")
        assert data("quiz") == "asking"
        page.keyboard.type(typed(questions[second].answer))
        page.keyboard.press("Enter")
        assert data("quiz") == "right" and data("right") == "1" and data("wrong") == "1"
        assert "✓ right" in page.inner_text("#quiz-verdict")
        # not a number: asked again, nothing counted
        page.keyboard.press("Enter")
        for _ in range(third - second - 1):
            page.keyboard.press("ArrowRight")
        page.keyboard.type("abc")
        page.keyboard.press("Enter")
        assert data("quiz") == "asking" and "not a number" in page.inner_text("#quiz-verdict")
        # → on the question shows it, counted as skipped, and stays on the step
        page.fill("#quiz-answer", "")
        frame = data("frame")
        page.keyboard.press("ArrowRight")
        assert data("quiz") == "skipped" and data("skipped") == "1" and data("frame") == frame
        assert page.inner_text("#panel").splitlines()[0] == \
            stepper.text(third).splitlines()[0]
        assert page.inner_text("#quiz-score").startswith("score: 1 right · 1 wrong · 1 skipped")
        # End: every question passed over is skipped; the last one is asked, → shows it
        page.keyboard.press("End")
        n = len(asked)
        assert data("quiz") == "asking" and data("left") == "1"
        page.keyboard.press("ArrowRight")
        assert data("left") == "0"
        assert page.inner_text("#quiz-score") == \
            f"Final score: 1 / {n} right (1 wrong, {n - 2} skipped)"
        page.screenshot(path=str(ARTIFACTS / f"quiz-{view}-final-1280.png"))
        # back: the marks stay
        page.keyboard.press("Home")
        for _ in range(first):
            page.keyboard.press("ArrowRight")
        assert data("quiz") == "wrong" and data("wrong") == "1"
    assert errors == []


@pytest.mark.parametrize("view", ["node", "network"])
def test_at_900_px_the_question_and_the_step_show_together_in_readable_text(tmp_path, view):
    stepper = node_stepper() if view == "node" else network_stepper()
    asked = [k for k, q in enumerate(stepper.questions) if q is not None]
    path = stepper.save_html(tmp_path / "quiz.html")
    ARTIFACTS.mkdir(exist_ok=True)
    errors = []
    with chromium_page(900, 800, errors) as page:
        page.goto(path.as_uri())
        k = asked[len(asked) // 2]
        for _ in range(k):
            if page.evaluate("document.body.dataset.quiz") == "asking":
                page.keyboard.press("ArrowRight")  # shown, skipped; the next → goes on
            page.keyboard.press("ArrowRight")
        assert page.evaluate("document.body.dataset.quiz") == "asking"
        on_screen(page, current_ids(stepper, k) + ["quiz-q", "quiz-answer"], 900, 800)
        assert min(page.evaluate(FONTS)) >= 10
        assert page.evaluate("document.documentElement.scrollWidth") <= 900
        page.screenshot(path=str(ARTIFACTS / f"quiz-{view}-question-900.png"),
                        full_page=True)
        page.keyboard.type(wrong(stepper.questions[k].answer))
        page.keyboard.press("Enter")
        assert page.evaluate("document.body.dataset.quiz") == "wrong"
        page.screenshot(path=str(ARTIFACTS / f"quiz-{view}-wrong-900.png"), full_page=True)
        page.keyboard.press("End")
        page.keyboard.press("ArrowRight")
        assert "Final score" in page.inner_text("#quiz-score")
        assert min(page.evaluate(FONTS)) >= 10
        page.screenshot(path=str(ARTIFACTS / f"quiz-{view}-final-900.png"), full_page=True)
    assert errors == []
