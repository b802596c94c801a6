"""The cost of the live training view (``LiveTraining``) over plain ``fit``.

Workload: the lecture's 6-9-2 network (tanh hidden, sigmoid outputs), the
lecture's algorithm (``batch_size=1``, SGD μ = 0.1, loss ½·Σ_m (a_m − y_m)²) on
N lecture-like samples (``nn.data.lecture_data``), for a fixed number of epochs.

* **plain**: ``fit(..., progress=False)``;
* **live**: the same with ``callbacks=[LiveTraining(model, show=True)]``: the
  loss curve rendered to PNG and ``draw_mlp`` rendered to SVG by Graphviz, as in
  Jupyter (``show=True`` renders outside Jupyter too; only the display step is
  missing, which sends the same bytes to the browser);
* **live + finish**: the same plus ``finish()``, the final drawing of the last
  epoch that Jupyter makes when the cell ends.

LiveTraining is made before the clock starts: it makes and times one drawing
then (its ``setup``, printed below each table), which the throttle uses as
its first estimate of a drawing's cost.

Both start from the same weights and must end with the same weights (checked).
Rounds alternate the variants (rotating which goes first); the table shows the
median wall time over rounds and the ratios, and the drawing share: the
seconds LiveTraining spent drawing (its own ``spent``, timed around each
drawing) over the seconds spent training (the run's wall time minus
``spent``). On a shared, loaded machine the wall-time ratio is noisy; the
share is the direct measure.

Bar: live costs at most 1.10× plain, i.e. a drawing share ≤ 10 % (the
throttle's ``max_share=0.1``). matplotlib is imported before timing, as in a
notebook that has drawn before (a first import costs about 1 s, once).

Run: ``.venv/bin/python benchmarks/bench_live.py`` (``--quick`` for fewer rounds).
"""

from __future__ import annotations

import argparse
import statistics
import time

import matplotlib.figure  # noqa: F401  (imported once, before any timing)
import numpy as np

from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD, fit
from stepgrad.viz.live import LiveTraining

BAR = 1.10


def run(X, Y, epochs: int, variant: str):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    live = LiveTraining(model, show=True) if variant != "plain" else None
    t0 = time.perf_counter()
    fit(model, X, Y, optimizer=SGD(model.parameters(), lr=0.1), batch_size=1, epochs=epochs,
        tol=None, seed=0, progress=False, callbacks=[live] if live else [])
    if variant == "live + finish":
        live.finish()
    elapsed = time.perf_counter() - t0
    return elapsed, model, live


def share(live, elapsed: float) -> float:
    return live.spent / (elapsed - live.spent) if live else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    rounds = 3 if args.quick else 7
    variants = ["plain", "live", "live + finish"]
    for n, epochs in ((60, 100), (1000, 20)):
        X, Y = lecture_data(n=n, seed=0)
        times = {v: [] for v in variants}
        updates = {v: [] for v in variants}
        shares = {v: [] for v in variants}
        setups = []
        for r in range(rounds):
            order = variants[r % 3:] + variants[:r % 3]
            weights = {}
            for v in order:
                t, model, live = run(X, Y, epochs, v)
                times[v].append(t)
                updates[v].append(live.updates if live else 0)
                shares[v].append(share(live, t))
                if live:
                    setups.append(live.setup)
                weights[v] = np.concatenate([p.data.ravel() for p in model.parameters()])
            assert all(np.array_equal(weights["plain"], w) for w in weights.values())
        base = statistics.median(times["plain"])
        print(f"\nN = {n}, {epochs} epochs, batch_size=1 ({n * epochs} steps), "
              f"{rounds} rounds, medians")
        print("| variant | time | ratio | drawings | drawing share | bar |\n"
              "|---|---:|---:|---:|---:|---|")
        for v in variants:
            med = statistics.median(times[v])
            bar = f"≤ {BAR:.2f}×" if v == "live" else "—"
            print(f"| {v} | {med:.3f} s | {med / base:.3f}× | "
                  f"{statistics.median(updates[v]):.0f} | "
                  f"{statistics.median(shares[v]):.1%} | {bar} |")
        print(f"\nsetup (one timed drawing when LiveTraining is made, before training; "
              f"not in the times above): median {statistics.median(setups):.3f} s")
        worst = max(shares["live"])
        print(f"\nlive: largest drawing share over the rounds {worst:.1%}: the bar "
              f"(≤ {BAR - 1:.0%} of training time) is {'met' if worst <= BAR - 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
