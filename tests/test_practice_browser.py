"""An exercise's page in a real browser (Debian's chromium, driven by playwright).

At 1280×800 the whole problem (the picture, the weights, the sample, the tasks) is
on screen without scrolling; the page asks for nothing over the network and logs
no console error; "Show the worked solution" opens the solution, whose lines are
the ones of solution.md; at 900 px nothing is wider than the window and the text
is at least 10 px. Screenshots go to ``test-artifacts/`` for a person to look at.
"""

from __future__ import annotations

import pytest
from browser import ARTIFACTS, chromium_page

from stepgrad.practice import make_exercise
from stepgrad.practice.html_math import tex_to_html

pytestmark = pytest.mark.browser

BOX = """(sel) => { const e = document.querySelector(sel); if (!e) return null;
  const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"""
FONTS = """Array.from(document.querySelectorAll('main *')).filter((e) =>
  e.getClientRects().length && Array.from(e.childNodes).some((n) => n.nodeType === 3 &&
  n.textContent.trim())).map((e) => parseFloat(getComputedStyle(e).fontSize))"""


@pytest.mark.parametrize("seed,level", [(0, "easy"), (7, "medium"), (1, "hard")])
def test_the_problem_fits_a_1280x800_window_and_the_solution_opens(tmp_path, seed, level):
    ex = make_exercise(seed, difficulty=level)
    ex.save(tmp_path)
    path = tmp_path / "exercise.html"
    errors: list = []
    requests: list = []
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(1280, 800, errors, requests=requests) as page:
        page.goto(path.as_uri())
        for sel in ("h1", ".left svg", ".tables", ".right", "summary"):
            r = page.evaluate(BOX, sel)
            assert r is not None and r[2] > r[0] and r[3] > r[1], sel
            assert r[0] >= 0 and r[1] >= 0 and r[2] <= 1280 and r[3] <= 800, (sel, r)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        assert not page.evaluate("document.querySelector('details').open")
        assert not page.is_visible("table.rows")  # the solution is folded away
        page.screenshot(path=str(ARTIFACTS / f"exercise-{level}-1280.png"))
        page.click("summary")
        assert page.evaluate("document.querySelector('details').open")
        shown = page.inner_text("#solution")
        for row in ex.worked.derivation.blocks[3].rows[:3]:  # the forward phase's lines
            right = row.partition("&")[2]
            last = right.rsplit("= ", 1)[-1]
            assert tex_to_html(last).replace("<sub>", "").replace("</sub>", "") in shown
        assert "−" in shown and "∂L/∂w" in shown
        page.screenshot(path=str(ARTIFACTS / f"exercise-{level}-solution-1280.png"),
                        full_page=True)
    assert errors == []
    assert [u for u in requests if not u.startswith("file:")] == []


def test_at_900_px_the_page_is_one_column_of_readable_text(tmp_path):
    make_exercise(3, difficulty="hard").save(tmp_path)
    errors: list = []
    with chromium_page(900, 800, errors) as page:
        page.goto((tmp_path / "exercise.html").as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 900
        svg, right = page.evaluate(BOX, ".left svg"), page.evaluate(BOX, ".right")
        assert right[1] >= svg[3]  # stacked: the text under the picture
        assert svg[3] <= 800  # the picture whole in the first screen
        page.click("summary")
        assert min(page.evaluate(FONTS)) >= 10
        page.screenshot(path=str(ARTIFACTS / "exercise-hard-900.png"), full_page=True)
    assert errors == []
