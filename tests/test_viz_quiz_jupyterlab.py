"""Quiz mode's widgets in a real JupyterLab, driven by headless chromium at 1280×800.

A notebook made here steps the demo's 6-9-2 network in quiz mode, node by node
(``step_through(L, quiz=True).widget()``) and on the network's picture
(``step_network(..., quiz=True).widget()``). In the browser a student types a
wrong value and Enter (marked wrong, the step's text appears), goes on, types the
right value (marked right) and the score counts both; while each question is asked,
the current node (or unit) and the question are inside the window together.
Screenshots go to ``test-artifacts/``. Skips, saying why, without JupyterLab,
playwright or chromium (the ``lab`` fixture of ``conftest.py``, from ``tests/browser.py``).
"""

from __future__ import annotations

import json

import pytest
from browser import ARTIFACTS, RECT, chromium_page, inside, run_notebook

from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network, step_through
from stepgrad.viz.render import CURRENT

pytestmark = pytest.mark.browser

WINDOW = {"width": 1280, "height": 800}
SCREEN = {"left": 0, "top": 0, "right": WINDOW["width"], "bottom": WINDOW["height"]}
SAMPLE = [0.3, -0.6, 0.9, -1.2, 1.5, -1.8]
SETUP = f"""from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network, step_through
model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
L = half_sse(model({SAMPLE}), [1.0, 0.0], reduction="sum")"""
NODE = "step_through(L, quiz=True).widget()"
NETWORK = """X, Y = lecture_data(n=8, seed=0)
step_network(model, X[0], Y[0], quiz=True).widget()"""


def notebook(path):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": src} for src in (SETUP, NODE, NETWORK)]
    path.write_text(json.dumps({"cells": cells, "metadata": {"kernelspec": {
        "name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}))


def steppers():
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    X, Y = lecture_data(n=8, seed=0)
    return (step_through(half_sse(model(SAMPLE), [1.0, 0.0], reduction="sum"), quiz=True),
            step_network(model, X[0], Y[0], quiz=True))


def test_the_quiz_widgets_mark_answers_in_jupyterlab_with_the_step_on_screen(lab, tmp_path):
    notebook(tmp_path / "notebooks" / "quiz.ipynb")  # lab serves tmp_path / "notebooks"
    node, network = steppers()
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(WINDOW["width"], WINDOW["height"], offline=False) as page:
        run_notebook(page, lab, "quiz.ipynb")
        answers = page.locator("input[placeholder='your value']")
        try:
            answers.nth(1).wait_for(state="attached", timeout=120_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-quiz-no-widget.png"))
            raise
        for view, stepper, n in (("node", node, 0), ("network", network, 1)):
            widget = page.locator(".widget-vbox:has(input[placeholder='your value'])")
            widget = widget.filter(has=page.locator("button:has-text('next ▶')")).nth(n)
            nxt = widget.locator("button:has-text('next ▶')").first
            box = answers.nth(n)
            asked = [k for k, q in enumerate(stepper.questions) if q is not None]
            for _ in range(asked[0]):
                nxt.click()
            for _ in range(3):  # the notebook's windowed scrolling may settle in steps
                widget.evaluate("(el) => el.scrollIntoView({block: 'start'})")
                page.wait_for_timeout(300)
            q = stepper.questions[asked[0]]
            question = widget.locator(f"text=Step {asked[0] + 1}:").first
            current = (widget.locator(f".stepgrad-frame svg g.node polygon[fill='{CURRENT}']")
                       if view == "node" else
                       widget.locator(f"svg g#{stepper.frame(asked[0]).current[0]}")).first
            for what, loc in (("question", question), ("current step", current),
                              ("answer box", box)):
                assert inside(loc.evaluate(RECT), SCREEN), (view, what, loc.evaluate(RECT))
            page.screenshot(path=str(ARTIFACTS / f"jupyterlab-quiz-{view}-question.png"))
            box.fill(format(q.answer + 0.5 + abs(q.answer), ".6g"))
            box.press("Enter")
            widget.locator("text=✗ wrong").first.wait_for(timeout=10_000)
            first_line = stepper.text(asked[0]).splitlines()[0]
            assert first_line[:25] in widget.inner_text()
            page.screenshot(path=str(ARTIFACTS / f"jupyterlab-quiz-{view}-wrong.png"))
            for _ in range(asked[1] - asked[0]):
                nxt.click()
            widget.locator(f"text=Step {asked[1] + 1}:").first.wait_for(timeout=10_000)
            box.fill(format(stepper.questions[asked[1]].answer, ".4g").replace("-", "−"))
            box.press("Enter")
            widget.locator("text=✓ right").first.wait_for(timeout=10_000)
            assert "score: 1 right · 1 wrong · 0 skipped" in widget.inner_text()
