"""The cost of the pictures: drawing, exporting the stepper, stepping one frame.

Workloads (the graph of one sample, loss ½·Σ_m (a_m − y_m)², after backward):

* **draw 6-9-2 → SVG**: ``draw(L).pipe(format="svg")`` for the lecture's 6-9-2
  network, every node drawn (and, for reference, collapsed by neuron). Bar < 2 s
  with the system ``dot``; < 0.2 s with the pip renderer ``graphviz-pure``.
* **stepper export**: ``step_through(L).save_html(path)`` for the same graph:
  record the backward pass, one layout, every frame. Bar < 5 s with either.

The first two run with each renderer installed (``use_renderer("dot" | "pure")``,
see :mod:`stepgrad.viz.renderer`), a row per renderer.
* **frame step, 300 nodes**: an 8-20-3 network (≈ 300 nodes): one frame
  restyled in Python (``stepper.svg(k)``, what the Jupyter player shows), and,
  where chromium is installed, one arrow-key step of the exported page in the
  browser. Bar < 50 ms.

Rounds interleave the workloads; the table shows medians over rounds (frame
steps: the median over all frames of all rounds).

Run: ``.venv/bin/python benchmarks/bench_viz.py`` (``--quick`` for fewer rounds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from stepgrad.autograd import toposort
from stepgrad.nn import MLP, half_sse
from stepgrad.viz import draw, step_through, use_renderer
from stepgrad.viz.renderer import RENDERERS, find_renderer

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def loss(sizes, seed=0):
    model = MLP(sizes, hidden="tanh", output="sigmoid", seed=seed)
    x = [0.1 * (f + 1) * (-1) ** f for f in range(sizes[0])]
    y = [1.0] + [0.0] * (sizes[-1] - 1)
    L = half_sse(model(x), y, reduction="sum")
    L.backward()
    return L


def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


def browser_step_ms(stepper, folder) -> float | None:
    """Median ms of one arrow-key step of the exported page in headless chromium."""
    exe = shutil.which("chromium")
    if exe is None:
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    path = stepper.save_html(Path(folder) / "big.html", overwrite=True)
    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        page = chrome.new_page()
        page.goto(path.as_uri())
        times = page.evaluate("""(n) => {
            const out = [];
            for (let i = 0; i < n; i++) {
                const t = performance.now();
                document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'}));
                out.push(performance.now() - t);
            }
            return out;
        }""", len(stepper) - 1)
        chrome.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    rounds = 2 if parser.parse_args().quick else 5
    small, big = loss([6, 9, 2]), loss([8, 20, 3])
    n_small, n_big = len(toposort(small)), len(toposort(big))
    present = [r for r in RENDERERS if find_renderer(r) is not None]
    results = {(k, r): [] for r in present for k in ("draw", "draw_collapsed", "export")}
    results["frame"] = []
    with tempfile.TemporaryDirectory() as folder:
        big_stepper = step_through(big)
        big_stepper.svg(0)  # the one layout, made outside the per-frame timing
        for r in range(rounds):
            jobs = [
                ("draw", lambda: draw(small).pipe(format="svg")),
                ("draw_collapsed", lambda: draw(small, collapse="neuron").pipe(format="svg")),
                ("export", lambda: step_through(small).save_html(Path(folder) / "s.html",
                                                                  overwrite=True)),
            ]
            jobs = jobs[r % 3:] + jobs[:r % 3]
            for name, job in jobs:
                for renderer in present:
                    use_renderer(renderer)
                    results[name, renderer].append(timed(job))
            use_renderer(None)
            for k in range(len(big_stepper)):
                results["frame"].append(timed(lambda k=k: big_stepper.svg(k)))
        browser = browser_step_ms(big_stepper, folder)
    med = {k: statistics.median(v) for k, v in results.items()}
    rows = []
    for r in present:
        program = "dot" if r == "dot" else "graphviz-pure"
        rows += [
            (f"draw 6-9-2 → SVG, every node ({n_small} nodes), {program}", med["draw", r],
             2.0 if r == "dot" else 0.2),
            (f"draw 6-9-2 → SVG, collapsed by neuron, {program}", med["draw_collapsed", r],
             2.0 if r == "dot" else 0.2),
            (f"stepper export, 6-9-2 ({len(step_through(small))} frames), {program}",
             med["export", r], 5.0),
        ]
    rows.append((f"frame step, Python restyle ({n_big} nodes)", med["frame"], 0.05))
    if browser is not None:
        rows.append((f"frame step, chromium arrow key ({n_big} nodes)", browser / 1000, 0.05))
    print("| workload | median | bar | met |")
    print("|---|---:|---:|---|")
    for name, t, bar in rows:
        shown = f"{t * 1000:.1f} ms" if t < 1 else f"{t:.2f} s"
        print(f"| {name} | {shown} | < {bar * 1000:g} ms | {'yes' if t < bar else 'NO'} |"
              if bar < 1 else f"| {name} | {shown} | < {bar:g} s | {'yes' if t < bar else 'NO'} |")
    if browser is None:
        print("\n(no chromium or playwright: the browser's frame step was not measured)")
    for r in RENDERERS:
        if r not in present:
            print(f"\n(no {'system dot' if r == 'dot' else 'graphviz-pure'}: its rows were "
                  f"not measured)")


if __name__ == "__main__":
    main()
