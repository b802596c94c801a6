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
numpy floor and within 1.5× of torch.

Memory: this VM pays a few µs per page fault, and glibc hands freed blocks
above 128 KiB back to the kernel, so every large temporary array faults its
pages in again (``1.0 - a*a`` on 100,000 floats: 560 µs instead of 30 µs).
By default the script asks glibc (``mallopt``) to keep freed memory in the
process, as a long training run would see; ``--malloc default`` measures
without it. The setting applies to all three implementations alike.

Run: ``.venv/bin/python benchmarks/bench_tensor.py`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import ctypes
import glob
import os
import statistics
import time

import numpy as np

from stepgrad.autograd import Tensor

try:
    import torch
except ImportError:  # optional peer
    torch = None


def keep_freed_memory() -> bool:
    """Ask glibc not to return freed memory to the kernel (M_TRIM/M_MMAP_THRESHOLD)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return False
    return bool(libc.mallopt(-1, 1 << 30)) and bool(libc.mallopt(-3, 1 << 29))


def numpy_blas_threads(n: int | None = None) -> int | None:
    """numpy's OpenBLAS thread count, set to ``n`` first if given (None: unknown)."""
    libs = glob.glob(os.path.join(os.path.dirname(np.__file__) + ".libs", "*openblas*.so*"))
    for path in libs:
        lib = ctypes.CDLL(path)
        for prefix in ("scipy_openblas", "openblas"):
            get = getattr(lib, f"{prefix}_get_num_threads64_", None)
            put = getattr(lib, f"{prefix}_set_num_threads64_", None)
            if get is not None and put is not None:
                if n:
                    put(ctypes.c_int(n))
                return get()
    return None


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
                t = time.perf_counter()
                losses[impl].append(step())
                times[impl].append(time.perf_counter() - t)
    return {impl: (statistics.median(times[impl]), losses[impl]) for impl in steps}


def report(name, results) -> bool:
    floor = results["numpy floor"]
    ok = True
    print(f"\n### {name}\n")
    print("| implementation | median ms / epoch | × numpy floor | × torch | final loss "
          "| max \\|Δ loss\\| vs floor |")
    print("|---|---:|---:|---:|---:|---:|")
    peer = results.get("torch")
    for impl, (t, losses) in results.items():
        vs_torch = f"{t / peer[0]:.2f}" if peer else "n/a"
        diff = max(abs(a - b) for a, b in zip(losses, floor[1]))
        print(f"| {impl} | {t * 1e3:.3f} | {t / floor[0]:.2f} | {vs_torch} | {losses[-1]:.12f} "
              f"| {diff:.1e} |")
        if diff > 1e-10:
            print(f"\n**{impl}'s losses differ from the floor's by {diff:.3g} > 1e-10**")
            ok = False
    sg = results["stepgrad"][0]
    bars = [("numpy floor", floor[0], 1.25)] + ([("torch", peer[0], 1.5)] if peer else [])
    print()
    for peer_name, t, bar in bars:
        met = sg / t <= bar
        ok &= met
        print(f"- stepgrad / {peer_name} = {sg / t:.2f} (bar {bar}): {'met' if met else 'MISSED'}")
    if not peer:
        print("- torch is not installed: its bar was not checked")
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000, help="samples (default 10,000)")
    ap.add_argument("--rounds", type=int, default=9, help="interleaved rounds")
    ap.add_argument("--block", type=int, default=10, help="epochs per round")
    ap.add_argument("--quick", action="store_true", help="3 rounds of 5 epochs")
    ap.add_argument("--malloc", choices=("keep", "default"), default="keep",
                    help="keep freed memory in the process (default) or glibc's default")
    ap.add_argument("--blas-threads", type=int, default=0,
                    help="set numpy's OpenBLAS threads (1: one thread, like torch here); "
                         "0 (default) leaves OpenBLAS as the environment set it")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.block = 3, 5
    kept = args.malloc == "keep" and keep_freed_memory()
    blas = numpy_blas_threads(args.blas_threads)
    if torch is not None:
        torch.set_num_threads(1)
    print(f"N = {args.n}, {args.rounds} rounds × {args.block} epochs, malloc: "
          f"{'freed memory kept (mallopt)' if kept else 'glibc default'}, numpy "
          f"{np.__version__} (OpenBLAS threads: {blas}), torch "
          f"{torch.__version__ + ' (1 thread)' if torch else 'not installed'}")
    rng = np.random.default_rng(0)
    ok = True
    for name, makers, data, sizes, lr in (
        ("6-9-2 tanh, ½Σ(a − y)², full batch",
         {"numpy floor": tanh_floor, "stepgrad": tanh_stepgrad, "torch": tanh_torch},
         (rng.uniform(-1, 1, (args.n, 6)), rng.uniform(-0.9, 0.9, (args.n, 2))),
         (6, 9, 2), 0.5),
        ("2-16-16-1 ReLU, moons, hinge + 1e-4·Σp², full batch",
         {"numpy floor": moons_floor, "stepgrad": moons_stepgrad, "torch": moons_torch},
         moons(rng, args.n), (2, 16, 16, 1), 0.1),
    ):
        if torch is None:
            makers.pop("torch")
        results = run(name, makers, data, init(rng, sizes), lr, args.rounds, args.block)
        ok &= report(name, results)
    print("\nall bars met" if ok else "\nsome bars MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
