"""The network view's page in a real browser (Debian's chromium, driven by playwright).

What a student must see, at every frame of the demo's network stepper in a
1280×800 window: the step's units and edges and the step's text, all on screen
together. At 900 px (a notebook column) the picture fits without a horizontal
scroll bar and its text is at least 10 px high. Screenshots of a few frames go
to ``test-artifacts/`` for a person to look at.
"""

import pytest
from browser import ARTIFACTS, chromium_page

from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network

pytestmark = [pytest.mark.dot, pytest.mark.browser]

BOXES = """(ids) => ids.map((id) => {
  const e = document.getElementById(id);
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return [id, r.left, r.top, r.right, r.bottom];
})"""


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)  # as `stepgrad demo`
    X, Y = lecture_data(n=8, seed=0)
    stepper = step_network(model, X[0], Y[0], loss="half_sse")
    path = tmp_path_factory.mktemp("net") / "network-stepper.html"
    stepper.save_html(path, links=[("node by node", "backprop-stepper.html")])
    return path, stepper


def test_every_frames_units_edges_and_text_are_on_screen_at_1280x800(page_path):
    path, stepper = page_path
    errors, shots = [], {0, 16, 20, 30, len(stepper) - 1}
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium_page(1280, 800, errors) as page:
        page.goto(path.as_uri())
        for k in range(len(stepper)):
            if k:
                page.keyboard.press("ArrowRight")
            assert page.evaluate("document.body.dataset.frame") == str(k + 1)  # from 1
            frame = stepper.frame(k)
            labels = ["W" + e[1:] for e in frame.edges]
            ids = list(frame.current) + list(frame.edges) + labels + ["panel"]
            for box in page.evaluate(BOXES, ids):
                assert box is not None, (k, ids)
                name, left, top, right, bottom = box
                assert right > left and bottom > top, (k, name)  # drawn, not hidden
                assert 0 <= left and right <= 1280 and 0 <= top and bottom <= 800, \
                    (k, name, box)
            assert page.inner_text("#panel") == frame.panel.strip() or \
                page.inner_text("#panel").split("\n")[0] == frame.panel.split("\n")[0]
            if k in shots:
                page.screenshot(path=str(ARTIFACTS / f"network-frame-{k + 1:02d}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert errors == []


def test_at_900_px_the_picture_fits_and_its_text_is_10_px_high(page_path):
    path, stepper = page_path
    errors = []
    with chromium_page(900, 800, errors) as page:
        page.goto(path.as_uri())
        last = len(stepper) - 1
        page.evaluate(f"window.networkShow({last})")
        assert page.evaluate("document.documentElement.scrollWidth") <= 900
        pic = page.evaluate("(() => { const r = document.querySelector('#pic svg')"
                            ".getBoundingClientRect(); return [r.left, r.right]; })()")
        assert pic[0] >= 0 and pic[1] <= 900
        heights = page.evaluate("""Array.from(document.querySelectorAll('#pic svg text'))
            .filter((t) => t.textContent.trim() && t.getClientRects().length)
            .map((t) => t.getBoundingClientRect().height)""")
        assert len(heights) > 40  # units, titles, L, the last step's edge labels
        assert min(heights) >= 10, min(heights)
        page.screenshot(path=str(ARTIFACTS / "network-frame-900px.png"), full_page=True)
    assert errors == []
