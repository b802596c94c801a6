"""The cost of ``fit`` over the bare training loop it wraps.

Workload: the lecture's 6-9-2 network (tanh hidden, sigmoid outputs), loss
½·Σ_m (a_m − y_m)², Adam (μ = 0.01), full batch (gradient descent) on
N = 10,000 lecture-like samples, 100 epochs, on the Tensor path.

* **bare loop**: the same 100 steps written over the engine by hand:
  ``zero_grad(); L = half_sse(model(X), Y); L.backward(); opt.step()``;
* **fit**: ``fit(model, X, Y, optimizer=opt, batch_size=None, epochs=100, tol=None)``
  with everything on: the tqdm progress bar (to stderr), Q, the History with
  loss, accuracy and per-layer gradient norms per epoch, and the best-weights
  snapshot.

Both start from the same weights and must end with the same weights (checked).
Rounds alternate the two (rotating which goes first); the table shows the
median over rounds of each run's wall time.

Bar: fit costs at most 1.2× the bare loop.

Run: ``.venv/bin/python benchmarks/bench_fit.py`` (``--quick`` for fewer rounds).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from stepgrad.autograd import Tensor
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.optim import Adam, fit

N, EPOCHS, LR, BAR = 10_000, 100, 0.01, 1.2


def bare_loop(X, Y):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    opt = Adam(model.parameters(), lr=LR)
    t0 = time.perf_counter()
    Xt = Tensor(X)
    for _ in range(EPOCHS):
        model.zero_grad()
        L = half_sse(model(Xt), Y)
        L.backward()
        opt.step()
    return time.perf_counter() - t0, model


def with_fit(X, Y):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    opt = Adam(model.parameters(), lr=LR)
    t0 = time.perf_counter()
    h = fit(model, X, Y, loss=half_sse, optimizer=opt, batch_size=None, epochs=EPOCHS,
            tol=None, progress=True)
    elapsed = time.perf_counter() - t0
    assert h.epochs == EPOCHS and h.stop_reason == "epochs"
    return elapsed, model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    rounds = 3 if ap.parse_args().quick else 9
    X, Y = lecture_data(N)
    runs = {"bare loop": (bare_loop, []), "fit": (with_fit, [])}
    order = list(runs)
    models = {}
    for r in range(rounds):
        for name in order[r % 2:] + order[:r % 2]:
            f, times = runs[name]
            t, models[name] = f(X, Y)
            times.append(t)
    for a, b in zip(models["bare loop"].parameters(), models["fit"].parameters()):
        np.testing.assert_array_equal(a.data, b.data)  # the same steps, the same weights

    bare = statistics.median(runs["bare loop"][1])
    print(f"\nfull batch, N = {N:,}, {EPOCHS} epochs, MLP 6-9-2, Adam; "
          f"median of {rounds} rounds\n")
    print("| variant | median time (s) | per epoch (ms) | vs bare loop |")
    print("|---|---:|---:|---:|")
    for name, (_, times) in runs.items():
        med = statistics.median(times)
        print(f"| {name} | {med:.3f} | {1e3 * med / EPOCHS:.2f} | {med / bare:.3f}× |")
    ratio = statistics.median(runs["fit"][1]) / bare
    met = ratio <= BAR
    print(f"\nbar: fit ≤ {BAR}× the bare loop: {'met' if met else 'NOT met'} ({ratio:.3f}×)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
