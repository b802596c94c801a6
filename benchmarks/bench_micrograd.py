"""stepgrad against micrograd 0.1.0, side by side in one process.

Two workloads, each run by every engine from the same initial weights on the
same data, so the losses must agree (to 1e-12) step by step:

* W1, the lecture's 6-9-2 network: tanh on the hidden units α_h and on the
  outputs a_m, loss L = ½·Σ_m (a_m − y_m)², one sample per step, plain SGD
  with μ = 0.05. micrograd 0.1.0 has no tanh: it gets one in its own style.
  The *floor* is the same step written by hand in pure Python with no graph
  (the lecture's ε_m, ε_h and update rules): no scalar engine in Python can
  beat it by much.
* W2, micrograd's demo: ``micrograd.nn.MLP(2, [16, 16, 1])`` (ReLU, linear
  output) on 100 two-moons points, batch 32, hinge loss
  mean(relu(1 − y·score)) + 1e-4·Σp², plain SGD.
* W3, W1 built node by node with ``+`` and ``*`` exactly as micrograd's users
  write it (``sum(w·x, b)``, no ``dot``, no ``nsum``), fed floats on both
  sides: the cost of each node, with nothing fused.
* The scalar view's weights: ``W.scalars()`` of the 6-9-2 net's two weight
  Tensors and their gradients' way home, in µs per step.

The stepgrad side uses the engine as micrograd's user would, with stepgrad's
design: inputs lifted to Values once per sample, a neuron's pre-activation as
one ``dot`` node, the loss with ``nsum``, the penalty as one
``dot(params, params)``.

Timing: every step is timed on its own; rounds are interleaved (each round runs
every engine once, in a rotating order) and the table shows the median over
rounds of the mean time per step. "micrograd, gc off" is micrograd with the
garbage collector disabled; its cyclic garbage is collected between steps,
outside the timed region.

Inputs: in W1 micrograd is used as its README uses a neuron, with the sample
as floats (each product w·x wraps its x in a new node), while stepgrad lifts
the inputs to Values once per sample; the row "micrograd, inputs lifted"
gives micrograd that same treatment, for reference (its ratio is printed with
the bars). W2 is micrograd's demo, which lifts the inputs once: both do.

Run: ``.venv/bin/python benchmarks/bench_micrograd.py`` (``--quick`` for a short run;
``--smoke``: one round of a few steps, to check the script runs with the micrograd
installed, its losses still compared at every step: ``make test-floors`` runs it).
"""

from __future__ import annotations

import argparse
import gc
import math
import statistics
import sys
import time
import tracemalloc
from operator import mul

import numpy as np
from micrograd.engine import Value as MValue
from micrograd.nn import MLP as MicroMLP

from stepgrad.autograd import Tensor, Value, dot, nsum, toposort


def _micrograd_tanh(self):
    """tanh for micrograd 0.1.0, written the way its other ops are."""
    t = math.tanh(self.data)
    out = MValue(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


MValue.tanh = _micrograd_tanh

# ------------------------------------------------------------------ the data


def w1_data(seed=0, samples=50):
    """Initial weights ((w, b) per neuron, per layer), inputs and targets for 6-9-2."""
    rng = np.random.default_rng(seed)
    init = [[(rng.uniform(-1, 1, fan_in).tolist(), float(rng.uniform(-1, 1))) for _ in range(n)]
            for fan_in, n in ((6, 9), (9, 2))]
    X = rng.uniform(-1, 1, (samples, 6)).tolist()
    Y = rng.uniform(-0.9, 0.9, (samples, 2)).tolist()
    return init, X, Y


def w2_data(seed=0, points=100, batch=32, batches=64):
    """micrograd's 2-16-16-1 weights (biases 0), two moons with labels ±1, batches."""
    rng = np.random.default_rng(seed)
    init = [[(rng.uniform(-1, 1, fan_in).tolist(), 0.0) for _ in range(n)]
            for fan_in, n in ((2, 16), (16, 16), (16, 1))]
    t = np.linspace(0, np.pi, points // 2)
    outer = np.stack([np.cos(t), np.sin(t)], 1)
    inner = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    X = np.concatenate([outer, inner]) + rng.normal(0, 0.1, (points, 2))
    y = np.concatenate([-np.ones(points // 2), np.ones(points // 2)])
    idx = [rng.permutation(points)[:batch].tolist() for _ in range(batches)]
    return init, X.tolist(), y.tolist(), idx


# ---------------------------------------------------------- W1: three engines


def w1_stepgrad(init, X, Y, lr=0.05):
    net = [[([Value(w) for w in ws], Value(b)) for ws, b in layer] for layer in init]
    params = [p for layer in net for ws, b in layer for p in (*ws, b)]

    def step(k):
        x, y = X[k % len(X)], Y[k % len(Y)]
        a = [Value(v) for v in x]
        for layer in net:
            a = [dot(ws, a, b).tanh() for ws, b in layer]
        loss = nsum([(am - ym) ** 2 for am, ym in zip(a, y)]) * 0.5
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data

    return step


def node_by_node(node, init, X, Y, lr=0.05, lift=False):
    """W1 built node by node with + and * as micrograd's users write it (no dot, no nsum),
    for either engine's scalar ``node`` class (stepgrad's Value or micrograd's), so both run
    the very same code; ``lift=True`` lifts the inputs to nodes once per step."""
    net = [[([node(w) for w in ws], node(b)) for ws, b in layer] for layer in init]
    params = [p for layer in net for ws, b in layer for p in (*ws, b)]

    def step(k):
        x, y = X[k % len(X)], Y[k % len(Y)]
        a = [node(v) for v in x] if lift else x
        for layer in net:
            a = [sum((wi * ai for wi, ai in zip(ws, a)), b).tanh() for ws, b in layer]
        loss = sum((am - ym) ** 2 for am, ym in zip(a, y)) * 0.5
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss.data

    return step


def w1_stepgrad_plain(init, X, Y, lr=0.05):
    """W3: W1 node by node with stepgrad's Values."""
    return node_by_node(Value, init, X, Y, lr)


def scalar_view_overhead(repeats=2000, rounds=7):
    """µs per step that the scalar view's weights cost: W.scalars() of the 6-9-2 net's
    two weight Tensors, (7, 9) and (10, 2), and their gradients' way home (reading W.grad
    after the leaves gathered a gradient); the gathering itself is subtracted."""
    rng = np.random.default_rng(0)
    W = [Tensor(rng.uniform(-1, 1, s)) for s in ((7, 9), (10, 2))]
    leaves = [v for w in W for v in w.scalars().flat]

    def touch():
        for v in leaves:
            v.grad += 1e-3

    def step():
        for w in W:
            w.scalars()
        touch()
        for w in W:
            w.grad  # noqa: B018 (the read sends the leaves' gradients home)

    best = {}
    for f in (touch, step):
        ts = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            for _ in range(repeats):
                f()
            ts.append((time.perf_counter() - t0) / repeats)
        best[f] = statistics.median(ts)
    return best[step] - best[touch]


def w1_micrograd(init, X, Y, lr=0.05, lift=False):
    """micrograd's neuron, sum(w·x, b), fed floats; ``lift=True`` lifts them once."""
    return node_by_node(MValue, init, X, Y, lr, lift)


def w1_floor(init, X, Y, lr=0.05):
    """The lecture's backprop by hand: ε_m = a_m − y_m, ε_h = Σ_m ε_m σ′_m w_hm."""
    hidden = [[list(ws), b] for ws, b in init[0]]
    output = [[list(ws), b] for ws, b in init[1]]

    def step(k):
        x, y = X[k % len(X)], Y[k % len(Y)]
        alpha = [math.tanh(sum(map(mul, ws, x), b)) for ws, b in hidden]
        a = [math.tanh(sum(map(mul, ws, alpha), b)) for ws, b in output]
        eps = [am - ym for am, ym in zip(a, y)]
        sq = [e * e for e in eps]
        loss = sum(sq[1:], sq[0]) * 0.5
        d_out = [e * (1.0 - am * am) for e, am in zip(eps, a)]  # ε_m σ′_m
        d_hid = [(1.0 - ah * ah) * sum(d * n[0][h] for d, n in zip(d_out, output))
                 for h, ah in enumerate(alpha)]  # ε_h σ′_h
        for layer, deltas, inputs in ((output, d_out, alpha), (hidden, d_hid, x)):
            for n, d in zip(layer, deltas):
                ws, step_ = n[0], lr * d
                for j, xj in enumerate(inputs):
                    ws[j] -= step_ * xj
                n[1] -= step_
        return loss

    return step


# ----------------------------------------------------------- W2: two engines


def w2_stepgrad(init, X, y, batches, lr=0.1, alpha=1e-4):
    net = [[([Value(w) for w in ws], Value(b)) for ws, b in layer] for layer in init]
    params = [p for layer in net for ws, b in layer for p in (*ws, b)]
    last = len(net) - 1

    def model(x):
        for i, layer in enumerate(net):
            x = [dot(ws, x, b) if i == last else dot(ws, x, b).relu() for ws, b in layer]
        return x[0]

    def loss_of(k):
        idx = batches[k % len(batches)]
        scores = [model([Value(v) for v in X[i]]) for i in idx]
        losses = [(1 + -y[i] * s).relu() for i, s in zip(idx, scores)]
        return nsum(losses) * (1.0 / len(losses)) + alpha * dot(params, params)

    def step(k):
        total = loss_of(k)
        for p in params:
            p.grad = 0.0
        total.backward()
        for p in params:
            p.data -= lr * p.grad
        return total.data

    step.loss_of, step.params = loss_of, params
    return step


def w2_micrograd(init, X, y, batches, lr=0.1, alpha=1e-4):
    model = MicroMLP(2, [16, 16, 1])  # micrograd's own network, weights replaced
    for layer, neurons in zip(model.layers, init):
        for n, (ws, b) in zip(layer.neurons, neurons):
            for p, w in zip(n.w, ws):
                p.data = w
            n.b.data = b
    params = model.parameters()

    def loss_of(k):  # micrograd's demo.ipynb loss, verbatim apart from the batch
        idx = batches[k % len(batches)]
        inputs = [list(map(MValue, X[i])) for i in idx]
        scores = list(map(model, inputs))
        losses = [(1 + -y[i] * s).relu() for i, s in zip(idx, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + alpha * sum(p * p for p in params)

    def step(k):
        total = loss_of(k)
        model.zero_grad()
        total.backward()
        for p in params:
            p.data -= lr * p.grad
        return total.data

    step.loss_of, step.params = loss_of, params
    return step


# ------------------------------------------------------------ measurement


def run(step, steps, gc_off, collect_every):
    """Mean seconds per step and the losses; with gc off, collect between steps."""
    gc.collect()
    was = gc.isenabled()
    if gc_off:
        gc.disable()
    clock = time.perf_counter
    total, losses = 0.0, []
    try:
        for k in range(steps):
            t0 = clock()
            loss = step(k)
            total += clock() - t0
            losses.append(loss)
            if gc_off and (k + 1) % collect_every == 0:
                gc.collect()  # outside the timed region
    finally:
        if was:
            gc.enable()
    return total / steps, losses


def compare(contenders, steps, rounds, collect_every):
    """Interleaved rounds; returns {name: median s/step} and checks the losses agree."""
    times = {name: [] for name in contenders}
    for r in range(rounds):
        names = list(contenders)
        names = names[r % len(names):] + names[: r % len(names)]
        losses = {}
        for name in names:
            factory, gc_off = contenders[name]
            times[name].append(None)
            times[name][-1], losses[name] = run(factory(), steps, gc_off, collect_every)
        ref = losses[names[0]]
        for name, ls in losses.items():
            worst = max(abs(a - b) for a, b in zip(ref, ls))
            if worst > 1e-12:
                sys.exit(f"losses disagree: {name} vs {names[0]} differ by {worst:.3g}")
    return {name: statistics.median(ts) for name, ts in times.items()}


def nodes_of_micrograd(root):
    seen, stack = {root}, [root]
    while stack:
        for p in stack.pop()._prev:
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def memory_per_node(build, nodes, existing):
    """Bytes traced while ``build()`` makes a graph, divided by the nodes it made."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    made = len([n for n in nodes(root) if id(n) not in existing])
    return used, made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="fewer steps and rounds")
    ap.add_argument("--smoke", action="store_true",
                    help="one round of a few steps: does it run (timings mean nothing)")
    args = ap.parse_args(argv)
    rounds = 1 if args.smoke else 3 if args.quick else args.rounds
    w1_steps, w2_steps = (20, 1) if args.smoke else (300, 4) if args.quick else (1500, 12)

    init1, X1, Y1 = w1_data()
    t1 = compare({
        "stepgrad": (lambda: w1_stepgrad(init1, X1, Y1), False),
        "micrograd": (lambda: w1_micrograd(init1, X1, Y1), False),
        "micrograd, gc off": (lambda: w1_micrograd(init1, X1, Y1), True),
        "micrograd, inputs lifted": (lambda: w1_micrograd(init1, X1, Y1, lift=True), False),
        "hand-written floor": (lambda: w1_floor(init1, X1, Y1), False),
    }, w1_steps, rounds, collect_every=100)
    t3 = compare({
        "stepgrad": (lambda: w1_stepgrad_plain(init1, X1, Y1), False),
        "micrograd": (lambda: w1_micrograd(init1, X1, Y1), False),
        "micrograd, gc off": (lambda: w1_micrograd(init1, X1, Y1), True),
    }, w1_steps, rounds, collect_every=100)
    view = scalar_view_overhead(repeats=20 if args.smoke else 300 if args.quick else 2000)
    init2, X2, y2, idx = w2_data()
    t2 = compare({
        "stepgrad": (lambda: w2_stepgrad(init2, X2, y2, idx), False),
        "micrograd": (lambda: w2_micrograd(init2, X2, y2, idx), False),
        "micrograd, gc off": (lambda: w2_micrograd(init2, X2, y2, idx), True),
    }, w2_steps, rounds, collect_every=2)

    sg, mg = w2_stepgrad(init2, X2, y2, idx), w2_micrograd(init2, X2, y2, idx)
    mem_sg = memory_per_node(lambda: sg.loss_of(0), toposort, {id(p) for p in sg.params})
    mem_mg = memory_per_node(lambda: mg.loss_of(0), nodes_of_micrograd, {id(p) for p in mg.params})

    print(f"Python {sys.version.split()[0]}, {rounds} interleaved rounds of "
          f"{w1_steps} (W1) / {w2_steps} (W2) steps; median µs per step.\n")
    print("| workload | engine | µs/step | engine ÷ stepgrad |")
    print("|---|---|---:|---:|")
    for wl, t in (("W1 6-9-2 tanh, 1 sample", t1), ("W2 2-16-16-1 relu, batch 32", t2),
                  ("W3 6-9-2 tanh, + and * only", t3)):
        for name, s in t.items():
            print(f"| {wl} | {name} | {s * 1e6:,.1f} | {s / t['stepgrad']:.2f}× |")
    print("\n| W2 graph (forward) | nodes | bytes | bytes/node |")
    print("|---|---:|---:|---:|")
    for name, (used, made) in (("stepgrad", mem_sg), ("micrograd", mem_mg)):
        print(f"| {name} | {made:,} | {used:,} | {used / made:,.0f} |")

    per_node = (mem_sg[0] / mem_sg[1]) / (mem_mg[0] / mem_mg[1])
    bars = [
        ("W1: ≥ 6× faster than micrograd", t1["micrograd"] / t1["stepgrad"], 6),
        ("W1: (no bar) faster than micrograd with inputs lifted",
         t1["micrograd, inputs lifted"] / t1["stepgrad"], None),
        ("W2: ≥ 10× faster than micrograd", t2["micrograd"] / t2["stepgrad"], 10),
        ("W1: ≥ 2× faster than micrograd, gc off", t1["micrograd, gc off"] / t1["stepgrad"], 2),
        ("W2: ≥ 2× faster than micrograd, gc off", t2["micrograd, gc off"] / t2["stepgrad"], 2),
        ("memory per node ≤ ½ of micrograd's", 1 / per_node, 2),
        ("W3 (+ and * only): ≥ 3× faster than micrograd", t3["micrograd"] / t3["stepgrad"], 3),
        ("W3: (no bar) faster than micrograd, gc off", t3["micrograd, gc off"] / t3["stepgrad"],
         None),
    ]
    print("\n| bar | measured | met |")
    print("|---|---:|:---:|")
    for what, got, need in bars:
        met = "—" if need is None else "yes" if got >= need else "NO"
        print(f"| {what} | {got:.2f}× | {met} |")
    floor = t1["stepgrad"] / t1["hand-written floor"]
    print(f"\nW1: stepgrad takes {floor:.2f}× the time of the hand-written floor; "
          "losses of all engines agree to 1e-12 at every step.")
    print(f"\nScalar view: W.scalars() of w1 (7, 9) and w2 (10, 2) plus the gradients' way "
          f"home cost {view * 1e6:.1f} µs per step, {view / t1['stepgrad']:.0%} of a W1 step "
          "with bare Values.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
