"""The course-sized fit of two stepgrad trees, paired in one process: is a change faster?

``bench_peers_mlp.py`` times stepgrad against scikit-learn in one process, and its
ratio moves by ±0.05 between runs of the same code on a shared machine: too much
to see a change of 1–3%. Here the tree at a git revision (``--base``, default
``HEAD``) is exported to a temporary folder as the package ``stepgrad_base``, and
one process alternates fits of it with fits of the working tree (``stepgrad``):
the same data, seeds and heap, each pair of fits back to back, the order swapped
every round. The machine's slow spells then fall on both members of a pair.

The workload is ``bench_peers_mlp.py``'s course-sized fit: digits, 64-100-10 ReLU,
softmax and cross-entropy on class indices, batch 200, Adam (μ = 1e-3), 100 epochs.
Printed: each tree's median CPU time of a fit, the median over pairs of new ÷ base,
the ratio of the lower quartiles, and the largest difference of the two trees'
final weights (0.0: the change kept every bit).

Run: ``python benchmarks/pair_course_fit.py --base 76dfd8f --rounds 30`` (needs
scikit-learn for the digits, and git).
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "cli", "common", "nn", "optim", "practice", "saving", "viz")


def export(rev: str, dest: Path) -> None:
    """The package at ``rev``, renamed ``stepgrad_base``, under ``dest``."""
    tree = dest / "tree"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    pkg = dest / "stepgrad_base"
    shutil.copytree(tree / "src" / "stepgrad", pkg, symlinks=False,
                    ignore=shutil.ignore_patterns(*PACKAGES))
    for name in PACKAGES:  # src/stepgrad/<name> links to the folder at the root
        if (tree / name).is_dir():
            shutil.copytree(tree / name, pkg / name)
    for path in pkg.rglob("*.py"):
        text = path.read_text()
        text = re.sub(r"\bstepgrad\.", "stepgrad_base.", text)
        text = re.sub(r"\bfrom stepgrad import\b", "from stepgrad_base import", text)
        path.write_text(text)


def digits():
    X, y = load_digits(return_X_y=True)
    Xtr, _, ytr, _ = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    return Xtr, ytr


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="HEAD", help="the git revision to compare against")
    ap.add_argument("--rounds", type=int, default=20, help="pairs of fits")
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=200,
                    help="samples per step; a small batch (2) times the per-step overhead of "
                         "Python and numpy calls almost alone, the arithmetic being tiny")
    args = ap.parse_args(argv)
    Xtr, ytr = digits()
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(1):
        export(args.base, Path(tmp))
        sys.path.insert(0, tmp)
        trees = {}
        for name in ("stepgrad_base", "stepgrad"):
            nn, optim = (importlib.import_module(f"{name}.{m}") for m in ("nn", "optim"))
            trees[name] = (nn.MLP, optim.fit, optim.Adam)

        def run(name, seed):
            MLP, fit, Adam = trees[name]
            model = MLP([64, 100, 10], hidden="relu", output="softmax", init="glorot",
                        seed=seed)
            fit(model, Xtr, ytr, loss="cross_entropy",
                optimizer=Adam(model.parameters(), lr=1e-3), batch_size=args.batch_size,
                epochs=args.epochs, tol=None, seed=seed, progress=False)
            return [p.data for p in model.parameters()]

        diff = max(float(np.max(np.abs(a - b)))
                   for a, b in zip(run("stepgrad_base", 0), run("stepgrad", 0)))
        times: dict[str, list[float]] = {"stepgrad_base": [], "stepgrad": []}
        for r in range(args.rounds):
            order = list(times) if r % 2 == 0 else list(times)[::-1]
            for name in order:
                t = time.process_time()
                run(name, r)
                times[name].append(time.process_time() - t)
    base, new = times["stepgrad_base"], times["stepgrad"]
    pairs = [b / a for a, b in zip(base, new)]
    q1 = sorted(new)[len(new) // 4] / sorted(base)[len(base) // 4]
    print(f"base {args.base}: {statistics.median(base):.4f} s a fit; working tree: "
          f"{statistics.median(new):.4f} s ({args.rounds} pairs, CPU time, load "
          f"{os.getloadavg()[0]:.2f})")
    print(f"new / base: median of pairs {statistics.median(pairs):.4f}, lower quartiles "
          f"{q1:.4f}; largest |Δw| after a fit {diff:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
