"""stepgrad's Value against a minimal ``__slots__`` engine, on a character-level transformer.

The transformer is written once, for any micrograd-style scalar engine: it uses only
``+``, ``*``, ``**``, ``exp``, ``log``, ``relu``, Python's ``sum`` and the one-liners
over them (``-x``, ``a - b``, ``a / b``), reads ``.data`` and ``.grad`` and calls
``.backward()``. Two engines run it, from the same initial weights on the same text:

* **stepgrad**: :class:`stepgrad.autograd.Value`, as a user would use it;
* **minimal**: :class:`Tiny` below, a scalar engine written the obvious fast way (the
  engine the comparison is against): ``__slots__``, each node's children in a tuple with
  its local gradients beside them (computed when the node is made), an iterative
  topological sort, no closures and so no reference cycles.

The model: one pre-norm transformer block (RMSNorm, causal multi-head self-attention,
RMSNorm, a ReLU MLP of width 4·d), token and position embeddings, a language-model head,
softmax and cross-entropy averaged over the positions; Adam on every weight. Each step
trains on one window of ``block + 1`` characters.

The script stops with an error unless both engines' losses agree to 1e-12 at every step.
The forward passes do the same float operations in the same order; the backward passes add
a node's gradient contributions in each engine's own topological order, so the gradients,
and from the second step the losses, can differ in the last bits (about 1e-16).

Timing: rounds are interleaved (each round runs both engines from the same start, in a
rotating order), every step is timed on its own in CPU time of this process (the machine
is shared), and the table shows the median over rounds of the mean time per step. The
collector stays on, as a user runs either engine: neither engine makes reference cycles,
so it frees nothing, but it walks the growing graph's objects again and again, which is a
large part of either engine's forward pass.

Run: ``.venv/bin/python benchmarks/bench_transformer.py`` (``--quick`` for a short run).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time

from stepgrad.autograd import Value

# ----------------------------------------------------------------- the minimal engine


class Tiny:
    """A minimal scalar engine: children and their local gradients, stored when made."""

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(self, data, children=(), local_grads=()):
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other):
        other = other if isinstance(other, Tiny) else Tiny(other)
        return Tiny(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other):
        other = other if isinstance(other, Tiny) else Tiny(other)
        return Tiny(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, n):  # n: a number
        return Tiny(self.data**n, (self,), (n * self.data ** (n - 1),))

    def exp(self):
        e = math.exp(self.data)
        return Tiny(e, (self,), (e,))

    def log(self):
        return Tiny(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self):
        x = self.data
        return Tiny(x if x > 0 else 0.0, (self,), (1.0 if x > 0 else 0.0,))

    def __neg__(self):  # self · (−1)
        return self * -1.0

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self + (−other)
        return self + (-other)

    def __rsub__(self, other):  # other + (−self)
        return other + (-self)

    def __rmul__(self, other):  # other · self
        return self * other

    def __truediv__(self, other):  # self · other⁻¹
        return self * other**-1

    def __rtruediv__(self, other):  # other · self⁻¹
        return other * self**-1

    def backward(self):
        topo, visited = [], set()
        stack = [(self, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                topo.append(node)
            elif node not in visited:
                visited.add(node)
                stack.append((node, True))
                for child in node._children:
                    if child not in visited:
                        stack.append((child, False))
        self.grad = 1.0
        for node in reversed(topo):
            g = node.grad
            for child, local in zip(node._children, node._local_grads):
                child.grad += local * g


# ------------------------------------------------------------ the transformer, once

TEXT = """\
a neuron weighs its inputs, adds its bias and squashes the sum.
the forward phase computes every hidden output, then the outputs.
the backward phase sends the error from the outputs to the inputs.
each weight moves against its gradient by a small step.
the chain rule multiplies the local slopes along every path.
a graph of numbers remembers how each one was made.
the loss is small when the outputs match the targets.
"""


class Transformer:
    """One attention block over characters, for the scalar node class ``node``."""

    def __init__(self, node, vocab, d=16, heads=4, block=16, seed=0):
        rng = random.Random(seed)
        self.node, self.d, self.heads, self.block = node, d, heads, block

        def matrix(rows, cols, std=0.08):
            return [[node(rng.gauss(0.0, std)) for _ in range(cols)] for _ in range(rows)]

        self.wte, self.wpe = matrix(vocab, d), matrix(block, d)
        self.wq, self.wk, self.wv, self.wo = (matrix(d, d) for _ in range(4))
        self.fc1, self.fc2, self.head = matrix(4 * d, d), matrix(d, 4 * d), matrix(vocab, d)
        self.params = [p for m in (self.wte, self.wpe, self.wq, self.wk, self.wv, self.wo,
                                   self.fc1, self.fc2, self.head) for row in m for p in row]

    @staticmethod
    def linear(x, w):
        return [sum(wi * xi for wi, xi in zip(row, x)) for row in w]

    @staticmethod
    def rmsnorm(x):
        scale = (sum(xi * xi for xi in x) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    @staticmethod
    def softmax(logits):
        m = max(v.data for v in logits)
        exps = [(v - m).exp() for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    def loss(self, tokens):
        """Mean cross-entropy of predicting tokens[t + 1] from tokens[:t + 1]."""
        d, hd = self.d, self.d // self.heads
        keys, values, losses = [], [], []
        for pos, (tok, target) in enumerate(zip(tokens, tokens[1:])):
            x = [t + p for t, p in zip(self.wte[tok], self.wpe[pos])]
            res, x = x, self.rmsnorm(x)
            q, k, v = self.linear(x, self.wq), self.linear(x, self.wk), self.linear(x, self.wv)
            keys.append(k)
            values.append(v)
            out = []
            for h in range(0, d, hd):
                qh = q[h:h + hd]
                scores = [sum(qi * ki for qi, ki in zip(qh, kt[h:h + hd])) / hd**0.5
                          for kt in keys]
                weights = self.softmax(scores)
                out += [sum(w * vt[h + j] for w, vt in zip(weights, values)) for j in range(hd)]
            x = [a + b for a, b in zip(self.linear(out, self.wo), res)]
            res, x = x, self.rmsnorm(x)
            x = [a.relu() for a in self.linear(x, self.fc1)]
            x = [a + b for a, b in zip(self.linear(x, self.fc2), res)]
            probs = self.softmax(self.linear(self.rmsnorm(x), self.head))
            losses.append(-probs[target].log())
        return (1.0 / len(losses)) * sum(losses)


def trainer(node, steps, seed=0, lr=0.01, betas=(0.9, 0.99), eps=1e-8):
    """A function running ``steps`` Adam steps on ``node``'s engine; returns times, losses."""
    chars = sorted(set(TEXT))
    ids = [chars.index(c) for c in TEXT]
    model = Transformer(node, len(chars), seed=seed)
    params, block = model.params, model.block
    m, v = [0.0] * len(params), [0.0] * len(params)
    rng = random.Random(seed + 1)
    starts = [rng.randrange(len(ids) - block - 1) for _ in range(steps)]

    def run():
        clock = time.process_time
        times, losses = [], []
        b1, b2 = betas
        for t, start in enumerate(starts, 1):
            t0 = clock()
            loss = model.loss(ids[start:start + block + 1])
            for p in params:
                p.grad = 0.0
            loss.backward()
            for i, p in enumerate(params):
                g = p.grad
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                p.data -= lr * (m[i] / (1 - b1**t)) / ((v[i] / (1 - b2**t)) ** 0.5 + eps)
            times.append(clock() - t0)
            losses.append(loss.data)
        return times, losses

    return run


def nodes_per_step(node):
    """How many nodes one step's graph has (counted on the minimal engine's graph)."""
    chars = sorted(set(TEXT))
    model = Transformer(node, len(chars))
    root = model.loss([chars.index(c) for c in TEXT[:model.block + 1]])
    seen, stack = {root}, [root]
    while stack:
        for c in stack.pop()._children:
            if c not in seen:
                seen.add(c)
                stack.append(c)
    return len(seen)


ENGINES = {"stepgrad Value": Value, "minimal __slots__ engine": Tiny}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--quick", action="store_true", help="3 rounds of 2 steps")
    args = ap.parse_args(argv)
    rounds, steps = (3, 2) if args.quick else (args.rounds, args.steps)

    times = {name: [] for name in ENGINES}
    losses, worst = {}, 0.0
    for r in range(rounds):
        names = list(ENGINES)
        names = names[r % len(names):] + names[: r % len(names)]
        for name in names:
            ts, ls = trainer(ENGINES[name], steps)()
            times[name].append(statistics.fmean(ts))
            losses[name] = ls
        ref = losses["minimal __slots__ engine"]
        worst = max(worst, *(abs(a - b) for a, b in zip(ref, losses["stepgrad Value"])))
        if worst > 1e-12:
            sys.exit(f"losses disagree: stepgrad vs the minimal engine differ by {worst:.3g}")
    med = {name: statistics.median(ts) for name, ts in times.items()}
    ratio = med["minimal __slots__ engine"] / med["stepgrad Value"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    print(f"Python {sys.version.split()[0]}, load average {load:.1f}; {rounds} interleaved "
          f"rounds of {steps} Adam steps, {nodes_per_step(Tiny):,} nodes per step; "
          "median of the mean CPU seconds per step.\n")
    print("| engine | s/step | minimal ÷ engine |")
    print("|---|---:|---:|")
    for name, s in med.items():
        print(f"| {name} | {s:.3f} | {med['minimal __slots__ engine'] / s:.2f}× |")
    print(f"\nlosses, step by step (the engines differ by at most {worst:.1g}):",
          ", ".join(f"{x:.6f}" for x in losses["stepgrad Value"]))
    print("\n| bar | measured | met |")
    print("|---|---:|:---:|")
    print(f"| stepgrad ≥ 1.5× faster than the minimal engine | {ratio:.2f}× | "
          f"{'yes' if ratio >= 1.5 else 'NO'} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
