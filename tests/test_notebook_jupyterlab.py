"""The stepper widget in a real JupyterLab, driven by headless chromium.

JupyterLab 4 (the ``notebooks`` extra) is started on a copy of the notebooks; the
browser window is 1300×900 with the file browser open, so the notebook column is
about 950 px wide (what a 1400 px window with a wider side bar leaves). Notebook 02
is opened and run; then the widget's next button is pressed several times and, at
every press, the controls, the highlighted (current) node and the step's text must be
inside the window and inside the notebook column together, and the widget must keep its size.
Before that, the notebook's ``step_network`` widget (the 6-9-2 network's picture) is
pressed 4 times: its controls, its lit (current) units with text ≥ 10 px and its step text
must be inside the window and the column at every press.
Screenshots are kept in ``test-artifacts/`` for a person to look at.

Skips, saying why, without JupyterLab (``pip install -e '.[notebooks]'``),
playwright or chromium.
"""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, RECT, chromium_page, inside, run_notebook

pytestmark = pytest.mark.browser

PRESSES = 6
WINDOW = {"width": 1300, "height": 900}  # with the file browser open: a ~950 px column


def test_the_stepper_widget_in_jupyterlab_keeps_controls_node_and_text_on_screen(lab):
    # lab: conftest.py's fixture, a JupyterLab server on a copy of notebooks/ (tests/browser.py)
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(WINDOW["width"], WINDOW["height"], offline=False) as page:
        run_notebook(page, lab, "02_mlp_backprop.ipynb")
        node_level = ".widget-vbox:has(.stepgrad-frame)"
        nxt = page.locator(f"{node_level} button:has-text('next ▶')").first
        try:
            nxt.wait_for(timeout=90_000)
        except Exception:
            page.screenshot(path=str(ARTIFACTS / "jupyterlab-no-widget.png"))
            raise
        page.wait_for_function(  # every cell has run: no [*] prompt left
            "() => ![...document.querySelectorAll('.jp-InputArea-prompt')]"
            ".some((p) => p.textContent.includes('*'))", timeout=180_000)
        page.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=60_000)
        window = {"left": 0, "top": 0, "right": WINDOW["width"], "bottom": WINDOW["height"]}
        column = page.eval_on_selector(".jp-NotebookPanel-notebook", RECT)
        assert column["width"] <= 1000  # the file browser is open: a ~950 px column
        _network_widget(page, window, column)
        widget = page.locator(node_level).first
        for _ in range(3):  # the notebook's windowed scrolling may settle in steps
            widget.evaluate("(el) => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(400)
        sizes = []
        for press in range(PRESSES + 1):
            if press:
                _press(page, nxt, "b", press + 1)
            frame = page.eval_on_selector(".stepgrad-frame", RECT)
            current = page.eval_on_selector(
                ".stepgrad-frame svg g.node polygon[fill='#fca5a5']", RECT)
            text = page.eval_on_selector("pre.stepgrad-step", RECT)
            controls = nxt.evaluate(RECT)
            for what, rect in (("controls", controls), ("current node", current),
                               ("step text", text), ("graph frame", frame)):
                assert inside(rect, window), (press, what, rect)
                assert rect["left"] >= column["left"] - 1, (press, what, rect, column)
                assert rect["right"] <= column["right"] + 1, (press, what, rect, column)
            assert inside(current, frame), (press, current, frame)
            sizes.append(widget.evaluate(RECT)["height"])
            step = page.inner_text("pre.stepgrad-step").splitlines()[0]
            assert step.startswith(f"backward step {press + 1} of ")
            if press in (0, 3, PRESSES):
                page.screenshot(path=str(ARTIFACTS / f"jupyterlab-stepper-{press + 1}.png"))
        assert max(sizes) - min(sizes) <= 1, sizes  # the widget does not jump


LIT = ("(el) => [...el.querySelectorAll('svg g.node')].filter((g) => [...g.querySelectorAll("
       "'ellipse, polygon, path')].some((e) => getComputedStyle(e).fill === "
       "'rgb(252, 165, 165)'))"
       ".map((g) => { const r = g.getBoundingClientRect(); "
       "const t = [...g.querySelectorAll('text')]"
       ".map((x) => x.getBoundingClientRect().height); return {left: r.left, top: r.top, "
       "right: r.right, bottom: r.bottom, text: Math.min(...t)}; })")


def _network_widget(page, window, column):
    """Notebook 02's step_network widget: at each press of its next button its controls, the
    lit (current) units, their text (≥ 10 px high) and the step's text are inside the window
    and the column together."""
    net = page.locator(".widget-vbox:has(button:has-text('backward phase'))").first
    nxt = net.locator("button:has-text('next ▶')")
    for press in range(5):
        if press:
            _press(page, nxt, ".widget-label", press + 1)
        for _ in range(2):
            net.evaluate("(el) => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(300)
        lit = net.evaluate(LIT)
        assert lit, press
        parts = [("controls", nxt.evaluate(RECT)), ("step text", net.locator("pre").evaluate(RECT))]
        parts += [("current unit", r) for r in lit]
        for what, rect in parts:
            assert inside(rect, window), (press, what, rect)
            assert column["left"] - 1 <= rect["left"] and rect["right"] <= column["right"] + 1, \
                (press, what, rect, column)
        assert min(r["text"] for r in lit) >= 10, (press, lit)
        if press in (0, 4):
            page.screenshot(path=str(ARTIFACTS / f"jupyterlab-network-{press + 1}.png"))


def _press(page, button, counter: str, frame: int) -> None:
    """Click a widget's next button and wait until its counter (``counter``, a CSS selector)
    reads "frame <frame> / …"."""
    button.click()
    page.wait_for_function(
        f"(n) => [...document.querySelectorAll({counter!r})].some("
        "(b) => b.textContent.startsWith('frame ' + n + ' /'))", arg=frame)
    page.wait_for_timeout(150)
