"""The stepper's HTML page in a real browser: Debian's chromium, driven by playwright.

It loads with no console error, the arrow keys step from frame to frame, and the
highlighted node changes as they do. A screenshot of one frame is kept in
``test-artifacts/`` for a person to look at. Without chromium the test skips and
says how to install it (``make test`` does, as root).
"""

import shutil
from pathlib import Path

import pytest
from test_viz_stepper import neuron

from stepgrad.viz import step_through

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

pytestmark = pytest.mark.dot


def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("no chromium: install it with `sudo apt-get install -y chromium` "
                    "(make test does, as root)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="pip install -e '.[dev]' (playwright)")
    return sync_api


def test_the_exported_page_steps_with_the_arrow_keys_in_chromium(tmp_path):
    sync_api = browser()
    stepper = step_through(neuron()[0])
    page_path = stepper.save_html(tmp_path / "steps.html")
    errors = []
    with sync_api.sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM,
                                   args=ARGS)
        try:
            page = chrome.new_page(viewport={"width": 1000, "height": 800})
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route("**/*", lambda route: route.abort()
                       if not route.request.url.startswith("file:") else route.continue_())
            page.goto(page_path.as_uri())
            seen = [page.evaluate("document.body.dataset.current")]
            frames = [page.evaluate("document.body.dataset.frame")]
            for _ in range(len(stepper) - 1):
                page.keyboard.press("ArrowRight")
                seen.append(page.evaluate("document.body.dataset.current"))
                frames.append(page.evaluate("document.body.dataset.frame"))
            assert frames == [str(k) for k in range(len(stepper))]
            assert seen == [stepper.frame(k).box for k in range(len(stepper))]
            fill = page.evaluate(f"document.querySelector('#{seen[-1]} polygon')"
                                 ".getAttribute('fill')")
            assert fill == "#fca5a5"  # the current node is highlighted
            page.keyboard.press("ArrowLeft")
            assert page.evaluate("document.body.dataset.current") == seen[-2]
            page.click(f"#{stepper.scene.owner[id(stepper.record.steps[-1].parents[0])]}")
            assert "∂L/∂" in page.inner_text("#explain")
            assert stepper.text(len(stepper) - 2).splitlines()[0] in page.inner_text("#panel")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "stepper-frame.png"), full_page=True)
        finally:
            chrome.close()
    assert errors == []
