"""The stepper's HTML page in a real browser: Debian's chromium, driven by playwright.

It loads with no console error, the arrow keys step from frame to frame, the
highlighted node changes as they do, and at every frame the current node and its
parents are inside the graph's frame at 1280×800 (the view follows the step).
Screenshots of a few frames are kept in ``test-artifacts/`` for a person to look at.
Without chromium the test skips and says how to install it (``make test`` does, as root).
"""

import pytest
from browser import ARTIFACTS, RECT, chromium_page, inside
from test_viz_stepper import neuron

from stepgrad.nn import MLP, cross_entropy, half_sse
from stepgrad.viz import step_through

pytestmark = [pytest.mark.dot, pytest.mark.browser]


def test_the_exported_page_steps_with_the_arrow_keys_in_chromium(tmp_path):
    stepper = step_through(neuron()[0])
    page_path = stepper.save_html(tmp_path / "steps.html")
    errors = []
    with chromium_page(1000, 800, errors) as page:
        page.goto(page_path.as_uri())
        seen = [page.evaluate("document.body.dataset.current")]
        frames = [page.evaluate("document.body.dataset.frame")]
        for _ in range(len(stepper) - 1):
            page.keyboard.press("ArrowRight")
            seen.append(page.evaluate("document.body.dataset.current"))
            frames.append(page.evaluate("document.body.dataset.frame"))
        assert frames == [str(k) for k in range(1, len(stepper) + 1)]  # counted from 1
        assert seen == [stepper.frame(k).box for k in range(len(stepper))]
        fill = page.evaluate(f"document.querySelector('#{seen[-1]} polygon')"
                             ".getAttribute('fill')")
        assert fill == "#fca5a5"  # the current node is highlighted
        page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.body.dataset.current") == seen[-2]
        page.keyboard.press("f")  # fit: the whole graph, every node can be clicked
        page.click(f"#{stepper.scene.owner[id(stepper.record.steps[-1].parents[0])]}")
        assert "∂L/∂" in page.inner_text("#explain")
        assert stepper.text(len(stepper) - 2).splitlines()[0] in page.inner_text("#panel")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "stepper-frame.png"), full_page=True)
    assert errors == []


def lecture_sample_loss(sizes=(6, 9, 2), output="sigmoid", loss=half_sse):
    """One sample through a network's scalar view and its loss after backward, as
    ``stepgrad demo`` (6-9-2, sigmoid, ½Σ(a − y)²) and ``stepgrad graph`` (a softmax model,
    cross-entropy) draw it."""
    model = MLP(list(sizes), hidden="tanh", output=output, seed=0)
    x = [0.3 * (f + 1) * (-1) ** f for f in range(sizes[0])]
    y = [1.0] + [0.0] * (sizes[-1] - 1)
    L = loss(model(x), y, reduction="sum")
    L.backward()
    return L


TEXT_HEIGHTS = ("(g) => [...g.querySelectorAll('text')].filter((t) => t.textContent.trim())"
                ".map((t) => t.getBoundingClientRect().height)")
AWAY = "() => [...document.querySelectorAll('#graph .away')].map((e) => e.dataset.ids).join(' ')"


@pytest.mark.parametrize("window", [(1280, 800), (900, 800)], ids=["1280x800", "900px"])
@pytest.mark.parametrize("case", ["demo 6-9-2", "graph iris softmax"])
def test_every_frame_shows_the_current_node_readable_and_its_parents_or_where_they_are(
        tmp_path, case, window):
    """The view follows the step, never below readable text: at every frame of the demo's
    stepper (and of a softmax model's, as `stepgrad graph` writes it), in a 1280×800 window
    and at 900 px of width, the current box lies inside the graph's frame (and not under the
    overview), its text is at least 10 px high, and each parent's box is inside the frame
    too or named in a marker on the frame's edge; the controls and the step text are on
    screen."""
    L = (lecture_sample_loss() if case.startswith("demo") else
         lecture_sample_loss((4, 6, 3), "softmax", cross_entropy))
    stepper = step_through(L)
    path = stepper.save_html(tmp_path / "steps.html")
    width, height = window
    screen = {"left": 0, "top": 0, "right": width, "bottom": height}
    shots = {0, len(stepper) // 2, len(stepper) - 1}
    marked = 0
    errors = []
    with chromium_page(width, height, errors) as page:
        page.goto(path.as_uri())
        frame = page.eval_on_selector("#graph", RECT)
        overview = page.eval_on_selector("#overview", RECT)
        assert inside(frame, screen)
        for k in range(len(stepper)):
            if k:
                page.keyboard.press("ArrowRight")
            f = stepper.frame(k)
            assert page.evaluate("document.body.dataset.current") == f.box
            rect = page.eval_on_selector(f"#{f.box} polygon", RECT)
            assert inside(rect, frame), (k + 1, f.box, rect, frame)
            assert (rect["right"] <= overview["left"] or rect["bottom"] <= overview["top"]), \
                (k + 1, "under the overview", rect, overview)
            heights = page.eval_on_selector(f"#{f.box}", TEXT_HEIGHTS)
            assert heights and min(heights) >= 10, (k + 1, f.box, heights)
            away = set(page.evaluate(AWAY).split())
            marked += len(away)
            for b in f.parents:
                if b in away:
                    continue
                rect = page.eval_on_selector(f"#{b} polygon", RECT)
                assert inside(rect, frame), (k + 1, b, rect, frame)
            for sel in ("#next", "#counter", "#panel"):
                assert inside(page.eval_on_selector(sel, RECT), screen), (k + 1, sel)
            assert page.inner_text("#counter") == f"frame {k + 1} / {len(stepper)}"
            if k in shots:
                ARTIFACTS.mkdir(exist_ok=True)
                name = f"{case.split()[1]}-{width}"
                page.screenshot(path=str(ARTIFACTS / f"stepper-{name}-frame-{k + 1}.png"))
        if case.startswith("demo"):  # a Σw·x node's 13 parents do not fit at 10 px
            assert marked > 0
        page.keyboard.press("f")  # fit: the whole graph inside the frame
        whole = page.eval_on_selector("#graph svg", "(s) => s.getBBox ? "
                                      "s.querySelector('g.graph').getBoundingClientRect()"
                                      ".toJSON() : null")
        assert inside(whole, frame, slack=2)
        assert page.eval_on_selector("#overview rect.view", "(r) => r.getAttribute('x')")
    assert errors == []
