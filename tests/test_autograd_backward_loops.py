"""The reference loop and the fast path for Values give identical gradients.

``backprop_reference`` is the loop a student reads; ``backprop_values_fast``
skips its bookkeeping. On random graphs drawn from every op a Value has, both
must give the same gradient to the last bit, for every node.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from stepgrad.autograd import Value, apply, nary_ops, ops, toposort
from stepgrad.autograd.backward import backprop_reference, backprop_values_fast

# every op a Value has, with how many parents it takes and its constants
BUILDERS = {
    ops.Add: (2, None), ops.Mul: (2, None), ops.PowConst: (1, "n"), ops.Pow: (2, None),
    ops.Exp: (1, None), ops.Log: (1, None), ops.Tanh: (1, None), ops.Sigmoid: (1, None),
    ops.Relu: (1, None), ops.Sign: (1, None), ops.Hardtanh: (1, None), ops.Abs: (1, None),
    ops.Identity: (1, None), nary_ops.Sum: ("n", None), nary_ops.Dot: ("dot", None),
}


def test_the_builders_cover_every_value_op():
    table = {c for m in (ops, nary_ops) for c in vars(m).values()
             if isinstance(c, type) and issubclass(c, ops.Op) and c is not ops.Op}
    assert table == set(BUILDERS)


def random_graph(seed: int, size: int = 40):
    """A random graph of Values; nodes whose value leaves [-1e3, 1e3] or the domain are dropped."""
    rng = np.random.default_rng(seed)
    pool = [Value(float(rng.uniform(-2, 2)), label=f"x{i}") for i in range(4)]
    leaves = list(pool)
    ops_list = list(BUILDERS)
    while len(pool) < size:
        op = ops_list[rng.integers(len(ops_list))]
        arity, const = BUILDERS[op]
        pick = lambda k: tuple(pool[i] for i in rng.integers(len(pool), size=k))
        ctx = None
        if arity == "n":
            parents = pick(int(rng.integers(2, 5)))
        elif arity == "dot":
            n = int(rng.integers(1, 4))
            parents, ctx = pick(2 * n + 1), (n, True)
        else:
            parents = pick(arity)
        if const == "n":
            ctx = float(rng.choice([2.0, 3.0, -1.0, 0.5]))
        try:
            node = apply(op, parents, ctx)
        except ValueError:  # log of a negative number, 0 to a negative power, ...
            continue
        if math.isfinite(node.data) and abs(node.data) < 1e3:
            pool.append(node)
    root = apply(nary_ops.Sum, tuple(pool[-6:]))
    return root, leaves


@pytest.mark.parametrize("seed", range(25))
def test_reference_and_fast_path_give_identical_gradients(seed):
    root, leaves = random_graph(seed)
    nodes = toposort(root)
    backprop_reference(root, 1.0)
    reference = [n.grad for n in nodes]
    for leaf in leaves:
        leaf.grad = 0.0
    backprop_values_fast(root, 1.0)
    assert [n.grad for n in nodes] == reference  # to the last bit, node by node
    assert len(nodes) > 10 and any(n.grad != 0.0 for n in leaves)


def test_both_loops_accumulate_into_leaves_and_take_a_leaf_root():
    x = Value(1.5)
    y = x * x
    backprop_reference(y, 1.0)
    backprop_values_fast(y, 1.0)
    assert x.grad == 6.0
    backprop_reference(x, 2.0)
    backprop_values_fast(x, 2.0)
    assert x.grad == 10.0
