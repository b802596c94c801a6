"""Make the README's pictures: ``python docs/make_pictures.py`` (needs dot; chromium for the PNG).

* ``docs/neuron-graph.svg``: one neuron, a = tanh(w₀ + w₁x₁ + w₂x₂), L = ½(a − y)²,
  the backward view (gradients, and on each edge ∂ local ⇒ contribution);
* ``docs/mlp-collapsed.svg``: the lecture's 6-9-2 network on one sample, collapsed
  by neuron, the backward view;
* ``docs/stepper.png``: the stepper's HTML page at the step of the output neuron's
  activation, as a browser shows it;
* ``docs/network-stepper.png``: the network view (``step_network``) of the 6-9-2
  network at the hidden error ε¹₃ = Σ_m ε²_m σ′_m w²₃m, in a 1280×800 window.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from stepgrad.cli.neuron import build_neuron
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import GENDERS, lecture_data
from stepgrad.viz import draw, step_network, step_through

DOCS = Path(__file__).resolve().parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def neuron_loss():
    """``stepgrad neuron``'s graph (a = tanh(w₀ + w₁x₁ + w₂x₂), ε = a − y, L = ½ε²) and its a."""
    L, nodes = build_neuron()
    return L, nodes[6]


def network_stepper_png(exe: str) -> None:
    """The network view at the hidden error of α₃, as a 1280×800 browser window shows it."""
    from playwright.sync_api import sync_playwright  # optional: the dev extra

    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    X, Y = lecture_data(n=8, seed=0)
    stepper = step_network(model, X[0], Y[0], classes=GENDERS)
    k = next(k for k, f in enumerate(stepper.frames)
             if (f.kind, f.layer, f.unit) == ("eps", 1, 3))
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        page_path = stepper.save_html(Path(folder) / "network.html")
        chrome = p.chromium.launch(executable_path=exe, args=ARGS)
        page = chrome.new_page(viewport={"width": 1280, "height": 800})
        page.goto(page_path.as_uri())
        for _ in range(k):
            page.keyboard.press("ArrowRight")
        page.screenshot(path=str(DOCS / "network-stepper.png"))
        chrome.close()


def main() -> None:
    L, a = neuron_loss()
    L.backward()
    # top to bottom: narrow enough for its text to stay ≥ 10 px in a 900 px column
    (DOCS / "neuron-graph.svg").write_bytes(draw(L, rankdir="TB").pipe(format="svg"))
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    big = half_sse(model([0.1, 0.2, -0.3, 0.4, 0.5, -0.6]), [1.0, 0.0], reduction="sum")
    big.backward()
    (DOCS / "mlp-collapsed.svg").write_bytes(draw(big, collapse="neuron").pipe(format="svg"))
    exe = shutil.which("chromium")
    if exe is None:
        print("no chromium: docs/stepper.png not made (sudo apt-get install -y chromium)")
        return
    from playwright.sync_api import sync_playwright

    L, a = neuron_loss()
    stepper = step_through(L)
    k = next(k for k in range(len(stepper)) if stepper.frame(k).node is a)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        page_path = stepper.save_html(Path(folder) / "stepper.html")
        chrome = p.chromium.launch(executable_path=exe, args=ARGS)
        page = chrome.new_page(viewport={"width": 1100, "height": 700})
        page.goto(page_path.as_uri())
        for _ in range(k):
            page.keyboard.press("ArrowRight")
        node = stepper.scene.owner[id(a.parents[0].parents[0])]  # its chain rule, beside
        page.evaluate(f"document.getElementById('{node}').dispatchEvent(new MouseEvent('click'))")
        page.screenshot(path=str(DOCS / "stepper.png"), full_page=True)
        chrome.close()
    network_stepper_png(exe)


if __name__ == "__main__":
    main()
