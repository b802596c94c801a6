"""stepgrad on MLPs the size users train, against what they would pick instead.

Two workloads, each in one plain Python process, numpy's BLAS and torch at one
thread (threadpoolctl, ``torch.set_num_threads(1)``):

* **MNIST-shaped MLP**: 784-256-10, ReLU hidden units α_h, a softmax output
  with cross-entropy on class indices, batch 128, SGD (μ = 0.1), float64, one
  epoch of 8,192 synthetic samples (64 steps). Three implementations from the
  same initial weights, on the same batches in the same order:

  - *numpy floor*: the step written by hand (forward, the lecture's ε's,
    the gradient step, in place where numpy allows): what no numpy engine
    beats by much;
  - *stepgrad*: ``MLP([784, 256, 10], hidden="relu", output="identity")``,
    ``cross_entropy(..., from_logits=True)``, ``SGD``: the way a user writes it;
  - *torch*: the same network on the CPU, ``F.cross_entropy`` and
    ``torch.optim.SGD`` (skipped, saying so, when torch is missing).

  The losses of all three must agree to 1e-10 at every step. Epochs are
  interleaved in rotating order; the table gives the median epoch time.
  Bars (issue 20): stepgrad ≤ 1.3× the floor and faster than torch.

* **Course-sized MLP**: scikit-learn's digits (64 inputs, 10 classes; 1,347
  training and 450 test samples, pixels scaled to [0, 1]), 100 ReLU units,
  batch 200, Adam (μ = 1e-3), 100 epochs: stepgrad's ``fit`` against
  scikit-learn's ``MLPClassifier`` (``solver="adam"``, the same epochs, no
  early stopping, ``alpha=0``). Fits alternate; the table gives the median
  time of a fit and the mean test accuracy over the seeds. Bars: stepgrad at
  least 1.3× as fast, test accuracy within one point (0.01).

Run: ``python benchmarks/bench_peers_mlp.py`` (``--quick`` for a short run; ``--smoke``: one
round, one seed of 10 epochs, scikit-learn required, only the losses' agreement judged,
not the speed or accuracy bars: ``make test-floors`` runs it on the bench extra's floors).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from stepgrad.nn import MLP, cross_entropy
from stepgrad.optim import SGD, Adam, fit

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # an optional peer
    torch = None

try:
    from sklearn.datasets import load_digits
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
except ImportError:  # an optional peer (the bench extra)
    MLPClassifier = None

# what each epoch is timed with: the wall clock, or with --cpu-time the process's CPU time
# (user + system), which leaves out the time other processes held the cores: on a shared,
# loaded machine the wall clock of a 1 ms epoch measures mostly the scheduler
CLOCK = [time.perf_counter]


def blas_threads() -> str:
    return ", ".join(f"{p['internal_api']} {p['num_threads']}" for p in threadpool_info()
                     if p["user_api"] == "blas") or "none found"


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


# ------------------------------------------------------- MNIST-shaped MLP

SIZES, BATCH, N_SAMPLES, LR = (784, 256, 10), 128, 8192, 0.1


def mnist_data(seed=0):
    """8,192 synthetic 28×28 "images" in [0, 1) and labels 0…9 (learnable: the label
    shifts the mean of a tenth of the pixels)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 10, N_SAMPLES)
    x = rng.uniform(0, 1, (N_SAMPLES, 784)) * 0.5
    for k in range(10):
        x[y == k, k * 78:(k + 1) * 78] += 0.5
    return x, y


def mnist_floor(x, y, ws):
    """The hand-written step: U¹ = X·W¹[1:] + W¹[0], α = relu(U¹), v = α·W²[1:] + W²[0],
    L = mean(ln Σ e^v − v_y); ε² = (softmax(v) − onehot(y))/N, ε¹ = ε²·W²[1:]ᵀ ⊙ [U¹ > 0]."""
    w1, w2 = (w.copy() for w in ws)
    g1, g2 = np.empty_like(w1), np.empty_like(w2)

    def step(xb, yb):
        n = len(xb)
        rows = np.arange(n)
        h = xb @ w1[1:]
        h += w1[0]
        np.maximum(h, 0.0, out=h)  # α_h
        v = h @ w2[1:]
        v += w2[0]
        v -= v.max(axis=1, keepdims=True)
        e = np.exp(v)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(s[:, 0]) - v[rows, yb]))
        e /= s  # softmax
        e[rows, yb] -= 1.0
        e *= 1.0 / n  # ε² = ∂L/∂v
        np.matmul(h.T, e, out=g2[1:])
        np.sum(e, axis=0, out=g2[0])
        d = e @ w2[1:].T
        d *= h > 0  # ε¹ = ∂L/∂u¹
        np.matmul(xb.T, d, out=g1[1:])
        np.sum(d, axis=0, out=g1[0])
        for w, g in ((w1, g1), (w2, g2)):  # θ ← θ − μ·g
            g *= LR
            w -= g
        return loss

    return step


def mnist_stepgrad(x, y, ws):
    model = MLP(SIZES, hidden="relu", output="identity")
    for layer, w in zip(model.layers, ws):
        layer.weight.data[...] = w
    opt = SGD(model.parameters(), lr=LR)

    def step(xb, yb):
        opt.zero_grad()
        loss = cross_entropy(model(xb), yb, from_logits=True)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def mnist_torch(x, y, ws):
    W1, W2 = (torch.tensor(w, requires_grad=True) for w in ws)
    opt = torch.optim.SGD([W1, W2], lr=LR)

    def step(xb, yb):
        xb, yb = torch.from_numpy(xb), torch.from_numpy(yb)
        opt.zero_grad()
        h = torch.relu(xb @ W1[1:] + W1[0])
        loss = F.cross_entropy(h @ W2[1:] + W2[0], yb)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def run_mnist(rounds: int) -> tuple[dict, bool, bool]:
    """(medians, every bar met, the losses agree with the floor's)."""
    x, y = mnist_data()
    rng = np.random.default_rng(1)
    ws = [rng.uniform(-1, 1, (a + 1, b)) / np.sqrt(a) for a, b in zip(SIZES, SIZES[1:])]
    makers = {"numpy floor": mnist_floor, "stepgrad": mnist_stepgrad}
    if torch is not None:
        makers["torch"] = mnist_torch
    steps = {k: make(x, y, ws) for k, make in makers.items()}
    batches = [(x[i:i + BATCH], y[i:i + BATCH]) for i in range(0, N_SAMPLES, BATCH)]
    times: dict = {k: [] for k in steps}
    losses: dict = {k: [] for k in steps}
    order = list(steps)
    for r in range(rounds):
        for k in order[r % len(order):] + order[:r % len(order)]:
            step = steps[k]
            t = CLOCK[0]()
            losses[k].extend(step(xb, yb) for xb, yb in batches)
            times[k].append(CLOCK[0]() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    floor = med["numpy floor"]
    ok = agree = True
    print("\n### MNIST-shaped MLP 784-256-10, ReLU, softmax + cross-entropy on class indices, "
          f"batch {BATCH}, SGD, float64, one epoch of {N_SAMPLES} samples\n")
    print("| implementation | median s / epoch | × numpy floor | × torch | last loss "
          "| max \\|Δ loss\\| vs floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for k, t in med.items():
        diff = max(abs(a - b) for a, b in zip(losses[k], losses["numpy floor"]))
        vs = f"{t / med['torch']:.2f}" if "torch" in med else "n/a"
        print(f"| {k} | {t:.4f} | {t / floor:.2f} | {vs} | {losses[k][-1]:.10f} | {diff:.1e} |")
        if diff > 1e-10:
            print(f"\n**{k}'s losses differ from the floor's by {diff:.3g} > 1e-10**")
            ok = agree = False
    sg = med["stepgrad"]
    print(f"\n- stepgrad / numpy floor = {sg / floor:.2f} (bar ≤ 1.3): "
          f"{'met' if sg / floor <= 1.3 else 'MISSED'}")
    ok &= sg / floor <= 1.3
    if "torch" in med:
        print(f"- stepgrad / torch = {sg / med['torch']:.2f} (bar < 1.0): "
              f"{'met' if sg < med['torch'] else 'MISSED'}")
        ok &= sg < med["torch"]
    else:
        print("- torch is not installed: its column and bar are skipped")
    return med, ok, agree


# ----------------------------------------------------- course-sized MLP


def digits():
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X / 16.0, y, test_size=0.25, random_state=0,
                                          stratify=y)
    return Xtr, ytr, Xte, yte


def fit_stepgrad(Xtr, ytr, Xte, yte, epochs, seed):
    model = MLP([64, 100, 10], hidden="relu", output="softmax", init="glorot", seed=seed)
    fit(model, Xtr, ytr, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=1e-3),
        batch_size=200, epochs=epochs, tol=None, seed=seed, progress=False)
    return float(np.mean(np.argmax(model(Xte).data, axis=1) == yte))


def fit_sklearn(Xtr, ytr, Xte, yte, epochs, seed):
    clf = MLPClassifier(hidden_layer_sizes=(100,), activation="relu", solver="adam",
                        alpha=0.0, batch_size=200, learning_rate_init=1e-3, max_iter=epochs,
                        tol=0.0, n_iter_no_change=epochs + 1, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(Xtr, ytr)
    return float(clf.score(Xte, yte))


def run_course(seeds: int, epochs: int) -> tuple[dict, bool]:
    print(f"\n### Course-sized MLP 64-100-10 (digits), ReLU, batch 200, Adam, {epochs} "
          "epochs: stepgrad's fit against scikit-learn's MLPClassifier\n")
    if MLPClassifier is None:
        print("scikit-learn is not installed (the bench extra): skipped")
        return {}, True
    data = digits()
    times: dict = {"stepgrad fit": [], "sklearn MLPClassifier": []}
    accs: dict = {k: [] for k in times}
    runners = {"stepgrad fit": fit_stepgrad, "sklearn MLPClassifier": fit_sklearn}
    order = list(runners)
    for s in range(seeds):
        for k in order[s % 2:] + order[:s % 2]:
            t = CLOCK[0]()
            accs[k].append(runners[k](*data, epochs, s))
            times[k].append(CLOCK[0]() - t)
    med = {k: statistics.median(v) for k, v in times.items()}
    acc = {k: float(np.mean(v)) for k, v in accs.items()}
    print("| implementation | median s / fit | test accuracy (mean over seeds) |")
    print("|---|---:|---:|")
    for k in runners:
        print(f"| {k} | {med[k]:.3f} | {acc[k]:.4f} |")
    speed = med["sklearn MLPClassifier"] / med["stepgrad fit"]
    gap = acc["stepgrad fit"] - acc["sklearn MLPClassifier"]
    print(f"\n- stepgrad is {speed:.2f}× as fast as scikit-learn (bar ≥ 1.3): "
          f"{'met' if speed >= 1.3 else 'MISSED'}")
    print(f"- test accuracy, stepgrad − scikit-learn = {gap:+.4f} (bar within ±0.01): "
          f"{'met' if abs(gap) <= 0.01 else 'MISSED'}")
    return med, speed >= 1.3 and abs(gap) <= 0.01


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=15, help="MNIST-shaped epochs per impl.")
    ap.add_argument("--seeds", type=int, default=6, help="fits per implementation (digits)")
    ap.add_argument("--epochs", type=int, default=100, help="epochs of each digits fit")
    ap.add_argument("--quick", action="store_true", help="5 rounds, 2 seeds")
    ap.add_argument("--cpu-time", action="store_true",
                    help="time with the process's CPU time (a loaded machine), not the wall clock")
    ap.add_argument("--only", choices=("mnist", "course"), help="run one workload")
    ap.add_argument("--smoke", action="store_true",
                    help="does it run: 1 round, 1 seed of 10 epochs, no speed or accuracy bar")
    args = ap.parse_args(argv)
    if args.quick:
        args.rounds, args.seeds = 5, 2
    if args.cpu_time:
        CLOCK[0] = time.process_time
    if args.smoke:
        args.rounds, args.seeds, args.epochs = 1, 1, 10
        if MLPClassifier is None:
            print("--smoke needs scikit-learn (the bench extra): pip install -e '.[bench]'")
            return 1
    if torch is not None:
        torch.set_num_threads(1)
    ok = agreed = True
    with threadpool_limits(limits=1, user_api="blas"):
        peer = (f"torch {torch.__version__}, threads {torch.get_num_threads()}" if torch
                else "torch not installed")
        print(f"a plain Python process; numpy {np.__version__}, BLAS threads: "
              f"{blas_threads()}; {peer}; timed by "
              f"{'CPU time' if args.cpu_time else 'the wall clock'}; {load()} at the start")
        if args.only != "course":
            _, met, agreed = run_mnist(args.rounds)
            ok &= met
        if args.only != "mnist":
            ok &= run_course(args.seeds, args.epochs)[1]
    print(f"\n{load()} at the end")
    if args.smoke:
        print("\nsmoke run: it ran, the losses agree; no bar judged" if agreed else
              "\nsmoke run: the losses DISAGREE")
        return 0 if agreed else 1
    print("\nall bars met" if ok else "\nsome bars MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
