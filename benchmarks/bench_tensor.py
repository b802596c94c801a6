"""stepgrad Tensors against a hand-written numpy floor and PyTorch, full batch.

Two workloads, each run by every implementation in one process, from the same
initial weights on the same data, one gradient-descent step per epoch on the
whole batch (N = 10,000). Their losses must agree to 1e-10 at every epoch.

* **6-9-2**, the lecture's network: tanh on the hidden units α_h and on the
  outputs a_m, L = (1/N)·Σ_i ½·Σ_m (a_m − y_m)² (the mean over samples of the
  lecture's ½Σ_m ε_m²), weights W¹ of shape (F+1, H) and W² of shape (H+1, M)
  with the bias as row 0 (x₀ = 1): U = X·W[1:] + W[0].
* **2-16-16-1**, micrograd's demo network: ReLU hidden units, linear output,
  on a 10,000-point two-moons set (numpy, seeded), hinge loss
  mean(relu(1 − y·score)) + 1e-4·Σp² over every weight and bias.

Implementations:

* *numpy floor*: the same step written by hand, forward and backward, with
  no graph (the lecture's ε_m, ε_h): no numpy engine can beat it by much.
* *stepgrad*: :class:`stepgrad.autograd.Tensor`, the data with
  ``requires_grad=False``.
* *torch*: PyTorch on the CPU, ``torch.set_num_threads(1)``, float64 (skipped
  when torch is not importable).

Timing: epochs are timed one by one; rounds are interleaved (each round runs
every implementation for a block of epochs, in a rotating order) and the
table shows the median epoch time. The bars: stepgrad within 1.25× of the
numpy floor and no slower than torch on one thread.

Threads: numpy's BLAS is limited to one thread (threadpoolctl), as torch is
(``torch.set_num_threads(1)``); the header states both.

Memory: the headline figures come from a plain Python process, as a user
runs one. This VM pays a few µs per page fault, and glibc hands freed blocks
back to the kernel, so large temporary arrays fault their pages in again. An
extra column, measured in a child process that asks glibc (``mallopt``) to
keep freed memory, shows how much of each time is that; it applies to all
three implementations alike.

Run: ``.venv/bin/python benchmarks/bench_tensor.py`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from stepgrad.autograd import Tensor

try:
    import torch
except ImportError:  # optional peer
    torch = None

# what each epoch is timed with: the wall clock, or with --cpu-time the process's CPU time
# (user + system), which leaves out the time other processes held the cores: on a shared,
# loaded machine the wall clock of a 1 ms epoch measures mostly the scheduler
CLOCK = [time.perf_counter]


def keep_freed_memory() -> bool:
    """Ask glibc not to return freed memory to the kernel (M_TRIM/M_MMAP_THRESHOLD)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(-1, 1 << 30)) and bool(libc.mallopt(-3, 1 << 29))


def blas_threads() -> str:
    """numpy's BLAS libraries and their thread counts, as threadpoolctl sees them."""
    return ", ".join(f"{p['internal_api']} {p['num_threads']}" for p in threadpool_info()
                     if p["user_api"] == "blas") or "none found"


def init(rng, sizes):
    """One (n_in + 1, n_out) weight array per layer, bias in row 0 (uniform, ±1/√n_in)."""
    return [rng.uniform(-1, 1, (a + 1, b)) / np.sqrt(a) for a, b in zip(sizes, sizes[1:])]


def moons(rng, n):
    """Two interleaved half circles with noise 0.1; labels y = ±1 (as micrograd's demo)."""
    half = n // 2
    t = rng.uniform(0, np.pi, n)
    outer = np.stack([np.cos(t[:half]), np.sin(t[:half])], 1)
    inner = np.stack([1 - np.cos(t[half:]), 0.5 - np.sin(t[half:])], 1)
    x = np.concatenate([outer, inner]) + rng.normal(0, 0.1, (n, 2))
    y = np.concatenate([np.ones(half), -np.ones(n - half)])[:, None]
    return x, y


# ------------------------------------------------------------- 6-9-2, tanh


def tanh_floor(x, y, ws, lr):
    w1, w2 = (w.copy() for w in ws)
    n = len(x)
    ones = np.ones(n)

    def step():
        h = np.tanh(x @ w1[1:] + w1[0])  # α_h
        a = np.tanh(h @ w2[1:] + w2[0])  # a_m
        e = a - y  # ε_m
        loss = np.sum(e * e) * (0.5 / n)
        d2 = (e * (1.0 / n)) * (1.0 - a * a)  # ∂L/∂u_m
        d1 = (d2 @ w2[1:].T) * (1.0 - h * h)  # ∂L/∂u_h
        w2[0] -= lr * (ones @ d2)
        w2[1:] -= lr * (h.T @ d2)
        w1[0] -= lr * (ones @ d1)
        w1[1:] -= lr * (x.T @ d1)
        return float(loss)

    return step


def tanh_stepgrad(x, y, ws, lr):
    X, Y = Tensor(x, requires_grad=False), Tensor(y, requires_grad=False)
    W1, W2 = (Tensor(w) for w in ws)
    scale = 0.5 / len(x)

    def step():
        H = (X @ W1[1:] + W1[0]).tanh()
        A = (H @ W2[1:] + W2[0]).tanh()
        E = A - Y
        loss = (E * E).sum() * scale
        W1.zero_grad()
        W2.zero_grad()
        loss.backward()
        W1.data -= lr * W1.grad
        W2.data -= lr * W2.grad
        return loss.item()

    return step


def tanh_torch(x, y, ws, lr):
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    W1, W2 = (torch.tensor(w, requires_grad=True) for w in ws)
    scale = 0.5 / len(x)

    def step():
        H = torch.tanh(X @ W1[1:] + W1[0])
        A = torch.tanh(H @ W2[1:] + W2[0])
        E = A - Y
        loss = (E * E).sum() * scale
        W1.grad = W2.grad = None
        loss.backward()
        with torch.no_grad():
            W1.sub_(lr * W1.grad)
            W2.sub_(lr * W2.grad)
        return loss.item()

    return step


# ---------------------------------------------------- 2-16-16-1, ReLU, hinge


def moons_floor(x, y, ws, lr, alpha=1e-4):
    w1, w2, w3 = (w.copy() for w in ws)
    n = len(x)
    ones = np.ones(n)

    def step():
        u1 = x @ w1[1:] + w1[0]
        h1 = np.maximum(u1, 0.0)
        u2 = h1 @ w2[1:] + w2[0]
        h2 = np.maximum(u2, 0.0)
        score = h2 @ w3[1:] + w3[0]
        margin = 1.0 - y * score
        loss = np.sum(np.maximum(margin, 0.0)) / n + alpha * sum(np.sum(w * w)
                                                                for w in (w1, w2, w3))
        ds = (margin > 0) * (-1.0 / n) * y  # ∂L/∂score
        d2 = (ds @ w3[1:].T) * (u2 > 0)
        d1 = (d2 @ w2[1:].T) * (u1 > 0)
        for w, d, a in ((w3, ds, h2), (w2, d2, h1), (w1, d1, x)):
            g = np.empty_like(w)
            g[0] = ones @ d
            g[1:] = a.T @ d
            w -= lr * (g + (2 * alpha) * w)
        return float(loss)

    return step


def moons_stepgrad(x, y, ws, lr, alpha=1e-4):
    X, Y = Tensor(x, requires_grad=False), Tensor(y, requires_grad=False)
    Ws = [Tensor(w) for w in ws]
    W1, W2, W3 = Ws

    def step():
        H1 = (X @ W1[1:] + W1[0]).relu()
        H2 = (H1 @ W2[1:] + W2[0]).relu()
        score = H2 @ W3[1:] + W3[0]
        loss = (1.0 - Y * score).relu().mean() + alpha * ((W1 * W1).sum() + (W2 * W2).sum()
                                                           + (W3 * W3).sum())
        for W in Ws:
            W.zero_grad()
        loss.backward()
        for W in Ws:
            W.data -= lr * W.grad
        return loss.item()

    return step


def moons_torch(x, y, ws, lr, alpha=1e-4):
    X, Y = torch.from_numpy(x), torch.from_numpy(y)
    Ws = [torch.tensor(w, requires_grad=True) for w in ws]
    W1, W2, W3 = Ws

    def step():
        H1 = torch.relu(X @ W1[1:] + W1[0])
        H2 = torch.relu(H1 @ W2[1:] + W2[0])
        score = H2 @ W3[1:] + W3[0]
        loss = torch.relu(1.0 - Y * score).mean() + alpha * ((W1 * W1).sum() + (W2 * W2).sum()
                                                              + (W3 * W3).sum())
        for W in Ws:
            W.grad = None
        loss.backward()
        with torch.no_grad():
            for W in Ws:
                W -= lr * W.grad
        return loss.item()

    return step


# ------------------------------------------------------------------ runner


def run(name, makers, data, ws, lr, rounds, block):
    """Interleaved rounds; returns {impl: (median seconds per epoch, losses)}."""
    steps = {impl: make(*data, ws, lr) for impl, make in makers.items()}
    times = {impl: [] for impl in steps}
    losses = {impl: [] for impl in steps}
    order = list(steps)
    for r in range(rounds):
        for impl in order[r % len(order):] + order[: r % len(order)]:
            step = steps[impl]
            for _ in range(block):
                t = CLOCK[0]()
                losses[impl].append(step())
                times[impl].append(CLOCK[0]() - t)
    return {impl: (statistics.median(times[impl]), losses[impl]) for impl in steps}


def report(name, results, kept) -> bool:
    """The table of one workload; ``kept``: {impl: median s} with freed memory kept."""
    floor = results["numpy floor"]
    ok = True
    print(f"\n### {name}\n")
    print("| implementation | median ms / epoch | × numpy floor | × torch | final loss "
          "| max \\|Δ loss\\| vs floor | extra: ms with freed memory kept (× floor) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    peer = results.get("torch")
    for impl, (t, losses) in results.items():
        vs_torch = f"{t / peer[0]:.2f}" if peer else "n/a"
        diff = max(abs(a - b) for a, b in zip(losses, floor[1]))
        extra = (f"{kept[impl] * 1e3:.3f} ({kept[impl] / kept['numpy floor']:.2f})"
                 if impl in kept else "n/a")
        print(f"| {impl} | {t * 1e3:.3f} | {t / floor[0]:.2f} | {vs_torch} | {losses[-1]:.12f} "
              f"| {diff:.1e} | {extra} |")
        if diff > 1e-10:
            print(f"\n**{impl}'s losses differ from the floor's by {diff:.3g} > 1e-10**")
            ok = False
    sg = results["stepgrad"][0]
    bars = [("numpy floor", floor[0], 1.25)] + ([("torch", peer[0], 1.0)] if peer else [])
    print()
    for peer_name, t, bar in bars:
        met = sg / t <= bar
        ok &= met
        print(f"- stepgrad / {peer_name} = {sg / t:.2f} (bar {bar}): {'met' if met else 'MISSED'}")
    if not peer:
        print("- torch is not installed: its bar was not checked")
    return ok


WORKLOADS = (
    ("6-9-2 tanh, ½Σ(a − y)², full batch",
     {"numpy floor": tanh_floor, "stepgrad": tanh_stepgrad, "torch": tanh_torch},
     (6, 9, 2), 0.5),
    ("2-16-16-1 ReLU, moons, hinge + 1e-4·Σp², full batch",
     {"numpy floor": moons_floor, "stepgrad": moons_stepgrad, "torch": moons_torch},
     (2, 16, 16, 1), 0.1),
)


def measure(args) -> list:
    """[(name, {impl: (median s, losses)})] for both workloads, same seeds every run."""
    rng = np.random.default_rng(0)
    out = []
    for name, makers, sizes, lr in WORKLOADS:
        if sizes[0] == 6:
            data = (rng.uniform(-1, 1, (args.n, 6)), rng.uniform(-0.9, 0.9, (args.n, 2)))
        else:
            data = moons(rng, args.n)
        makers = {k: v for k, v in makers.items() if k != "torch" or torch is not None}
        out.append((name, run(name, makers, data, init(rng, sizes), lr, args.rounds,
                              args.block)))
    return out


def with_freed_memory_kept(args) -> dict:
    """{workload: {impl: median s}} from a child process that keeps freed memory."""
    cmd = [sys.executable, __file__, "--child-keep-memory", "--n", str(args.n),
           "--rounds", str(args.rounds), "--block", str(args.block)] + \
        (["--cpu-time"] if args.cpu_time else [])
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="samples (default 10,000)")
    ap.add_argument("--rounds", type=int, default=9, help="interleaved rounds")
    ap.add_argument("--block", type=int, default=10, help="epochs per round")
    ap.add_argument("--quick", action="store_true", help="3 rounds of 5 epochs")
    ap.add_argument("--no-extra", action="store_true", help="skip the mallopt column")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with the process's CPU time (a loaded machine), not the wall clock")
    ap.add_argument("--child-keep-memory", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.block = 3, 5
    if args.cpu_time:
        CLOCK[0] = time.process_time
    if torch is not None:
        torch.set_num_threads(1)
    with threadpool_limits(limits=1, user_api="blas"):
        if args.child_keep_memory:  # the extra column: medians as JSON on stdout
            keep_freed_memory()
            print(json.dumps({name: {impl: t for impl, (t, _) in res.items()}
                              for name, res in measure(args)}))
            return 0
        peer = (f"{torch.__version__}, threads: {torch.get_num_threads()}" if torch
                else "not installed")
        print(f"N = {args.n}, {args.rounds} rounds × {args.block} epochs, a plain Python "
              f"process; numpy {np.__version__}, BLAS threads: {blas_threads()}; torch {peer}; "
              f"timed by {'CPU time' if args.cpu_time else 'the wall clock'}; load average "
              + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        results = measure(args)
    kept = {} if args.no_extra else with_freed_memory_kept(args)
    ok = True
    for name, res in results:
        ok &= report(name, res, kept.get(name, {}))
    print("\nall bars met" if ok else "\nsome bars MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
