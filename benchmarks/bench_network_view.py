"""The network view's cost: stepping one frame in chromium, exporting every frame as HTML.

Workload: the lecture's 6-9-2 network (tanh, sigmoid), one sample of the
lecture's table, loss ½·Σ_m (a_m − y_m)²: ``step_network(model, x, y)``, its
36 frames (forward and backward).

* **export**: ``step_network(...).save_html(path)``: the forward and backward
  pass with the engine's observer, the one layout (Graphviz), every frame's
  CSS, texts and panel, the page written. Bar < 2 s, per renderer installed.
* **frame step in chromium**: one → key press on the exported page (the
  page's own key handler: texts, CSS and panel of the next frame, then the
  layout the browser must redo before painting), timed inside the page with
  ``performance.now()`` around the handler and a forced layout. Bar < 50 ms.
* **frame in Python**: ``stepper.svg(k)``, what the Jupyter widget shows.

Rounds interleave the workloads; the table shows medians.

Run: ``.venv/bin/python benchmarks/bench_network_view.py`` (``--quick``: fewer rounds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network, use_renderer
from stepgrad.viz.renderer import RENDERERS, find_renderer

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def stepper():
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    X, Y = lecture_data(n=8, seed=0)
    return step_network(model, X[0], Y[0])


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def browser_steps_ms(path: Path, n: int, rounds: int) -> list | None:
    """ms of each → step of the page in headless chromium (handler + forced layout)."""
    exe = shutil.which("chromium")
    if exe is None:
        return None
    try:
        from playwright.sync_api import sync_playwright  # optional: the dev extra
    except ImportError:
        return None
    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        page = chrome.new_page(viewport={"width": 1280, "height": 800})
        page.goto(path.as_uri())
        times = page.evaluate("""([n, rounds]) => {
            const out = [];
            for (let r = 0; r < rounds; r++) {
                window.networkShow(0);
                for (let i = 1; i < n; i++) {
                    const t = performance.now();
                    document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'}));
                    document.body.getBoundingClientRect();   // force the layout
                    document.querySelector('#pic svg').getBBox();
                    out.push(performance.now() - t);
                }
            }
            return out;
        }""", [n, rounds])
        chrome.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    rounds = 2 if parser.parse_args().quick else 5
    present = [r for r in RENDERERS if find_renderer(r) is not None]
    export = {r: [] for r in present}
    frames = []
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "network.html"
        for _ in range(rounds):
            for r in present:
                use_renderer(r)
                export[r].append(timed(lambda: stepper().save_html(page, overwrite=True)))
            use_renderer(None)
            one = stepper()
            one.svg(0)  # the one layout, made outside the per-frame timing
            frames += [timed(lambda k=k, one=one: one.svg(k)) for k in range(len(one))]
        s = stepper()
        s.save_html(page, overwrite=True)
        browser = browser_steps_ms(page, len(s), rounds)
    rows = [(f"export all {len(s)} frames as HTML, "
             f"{'dot' if r == 'dot' else 'graphviz-pure'}", statistics.median(export[r]), 2.0)
            for r in present]
    rows.append(("frame in Python (stepper.svg(k), the widget)", statistics.median(frames), 0.05))
    if browser is not None:
        rows.append(("frame step in chromium (→ key, median)", statistics.median(browser) / 1000,
                     0.05))
        rows.append(("frame step in chromium (→ key, slowest)", max(browser) / 1000, 0.05))
    print("| workload (6-9-2 network view) | time | bar | met |")
    print("|---|---:|---:|---|")
    for name, t, bar in rows:
        shown = f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"
        limit = f"< {bar * 1000:g} ms" if bar < 1 else f"< {bar:g} s"
        print(f"| {name} | {shown} | {limit} | {'yes' if t < bar else 'NO'} |")
    if browser is None:
        print("\n(no chromium or playwright: the browser's frame step was not measured)")


if __name__ == "__main__":
    main()
