"""The scalar view's cost over the same network built from bare Values.

Workload: one training step of the lecture's 6-9-2 network (tanh hidden,
sigmoid outputs) on one sample, in a plain Python process:

* **scalar view**: ``a = model(x)`` (a list of Values; the weights are the
  leaves of ``W.scalars()``, every Value named x_f, w¹_fh, u_h, α_h, v_m, a_m),
  ``L = half_sse(a, y, reduction="sum")`` (½Σ_m (a_m − y_m)²), ``L.backward()``,
  ``opt.step()`` (SGD on the weight Tensors), ``opt.zero_grad()``;
* **bare Values**: the same network as lists of ``Value`` weights, one ``dot``
  node per unit, the same loss formula, ``backward()``, and the SGD step
  ``w.data -= μ·w.grad`` over the Values by hand.

Both start from the same weights and must give the same losses (to 1e-12).
Many short rounds alternate the two (rotating which goes first, each network
carrying on from where its last round stopped), so load from other processes
falls on both alike. Times are this process's CPU time (``time.process_time``),
not wall time: on a shared machine the wall clock also counts the time other
processes hold the core. The table shows the median over rounds of each one's
mean time per step, and the median of the per-round ratios.

Bar: the scalar view within 1.5× of bare Values.

Run: ``.venv/bin/python benchmarks/bench_scalar_view.py`` (``--quick`` for fewer rounds).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

from stepgrad.autograd import Value, dot
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD

LR, BAR = 0.05, 1.5


def data(n=50):
    X, Y = lecture_data(n)
    return [x.tolist() for x in X], [y.tolist() for y in Y]


def scalar_view(X, Y):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    opt = SGD(model.parameters(), lr=LR)

    def step(k):
        a = model(X[k % len(X)])
        L = half_sse(a, Y[k % len(Y)], reduction="sum")
        L.backward()
        opt.step()
        opt.zero_grad()
        return L.data

    return step


def bare_values(X, Y):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    net = [[([Value(w) for w in W[1:, h]], Value(W[0, h])) for h in range(W.shape[1])]
           for W in (p.data for p in model.parameters())]
    params = [p for layer in net for ws, b in layer for p in (*ws, b)]
    hidden, output = net

    def step(k):
        x, y = X[k % len(X)], Y[k % len(Y)]
        x = [Value(v) for v in x]
        alpha = [dot(ws, x, b).tanh() for ws, b in hidden]
        a = [dot(ws, alpha, b).sigmoid() for ws, b in output]
        L = half_sse(a, y, reduction="sum")
        L.backward()
        for p in params:
            p.data -= LR * p.grad
            p.grad = 0.0
        return L.data

    return step


def run(step, start, steps):
    clock = time.process_time  # this process's CPU time: the machine is shared
    losses = []
    t0 = clock()
    for k in range(start, start + steps):
        losses.append(step(k))
    return (clock() - t0) / steps, losses


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="7 rounds of 300 steps")
    args = ap.parse_args(argv)
    rounds, steps = (7, 300) if args.quick else (41, 300)
    X, Y = data()
    contenders = {"scalar view (MLP)": scalar_view(X, Y), "bare Values": bare_values(X, Y)}
    times = {name: [] for name in contenders}
    for r in range(rounds):
        names = list(contenders)
        names = names[r % 2:] + names[:r % 2]
        losses = {}
        for name in names:
            t, losses[name] = run(contenders[name], r * steps, steps)
            times[name].append(t)
        worst = float(np.max(np.abs(np.subtract(*losses.values()))))
        if worst > 1e-12:
            sys.exit(f"the two networks' losses differ by {worst:.3g}")
    med = {name: statistics.median(ts) for name, ts in times.items()}
    ratio = statistics.median(a / b for a, b in zip(*times.values()))
    print(f"one SGD step of the 6-9-2 network, one sample; {rounds} interleaved rounds "
          f"of {steps} steps, medians\n")
    print("| variant | µs per step |\n|---|---:|")
    for name, t in med.items():
        print(f"| {name} | {t * 1e6:.1f} |")
    print(f"\nmedian ratio per round: {ratio:.2f}×; bar: the scalar view ≤ {BAR}× bare "
          f"Values: {'met' if ratio <= BAR else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
