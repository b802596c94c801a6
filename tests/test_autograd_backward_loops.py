"""The reference loop and the fast path for Values give identical gradients.

``backprop_reference`` is the loop a student reads; ``backprop_values_fast``
skips its bookkeeping. On random graphs drawn from every op a Value has, both
must give the same gradient to the last bit, for every node.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value, affine, apply, buffers, nary_ops, ops, toposort
from stepgrad.autograd.backward import (
    backprop_reference,
    backprop_tensors_fast,
    backprop_values_fast,
    toposort_tensors,
)
from stepgrad.nn import MLP


@pytest.fixture(autouse=True)
def small_pool(monkeypatch):
    """The pool's threshold lowered to 16,384 entries, so that these tests' layer-sized
    arrays (a few hundred rows) come from it, as a large model's do."""
    monkeypatch.setattr(buffers, "REUSE_MIN", 16384)


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
        consts = None
        if arity == "n":
            parents = pick(int(rng.integers(2, 5)))
        elif arity == "dot":
            n = int(rng.integers(1, 4))
            parents, consts = pick(2 * n + 1), (n, True)
        else:
            parents = pick(arity)
        if const == "n":
            consts = float(rng.choice([2.0, 3.0, -1.0, 0.5]))
        try:
            node = apply(op, parents, consts)
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


# ------------------------------------------------------------------ Tensors

SHAPES = [(3, 4), (4,), (1, 4), (3, 1)]


def random_tensor_graph(seed: int, size: int = 30):
    """A random graph of Tensors (broadcasting shapes, constants, reductions, matmul)."""
    rng = np.random.default_rng(seed)
    leaves = [Tensor(rng.uniform(-1.5, 1.5, SHAPES[i % 4]), label=f"X{i}") for i in range(4)]
    data = Tensor(rng.uniform(-1, 1, (3, 4)), requires_grad=False)
    pool = leaves + [data]
    unary = [lambda a: a.tanh(), lambda a: a.sigmoid(), lambda a: a.relu(), lambda a: a.abs(),
             lambda a: a.exp(), lambda a: a ** 2, lambda a: a.hardtanh(), lambda a: a.identity(),
             lambda a: a.sign(), lambda a: a.sum(axis=0, keepdims=True), lambda a: a.T.T,
             lambda a: a.reshape(-1).reshape(a.shape), lambda a: a.softmax(axis=-1),
             lambda a: a.clip(-0.5, 0.5), lambda a: a[..., :2] * 1.0 if a.shape[-1] > 1 else a]
    binary = [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
              lambda a, b: (a @ b.T).sum(axis=1) if a.ndim == b.ndim == 2 else a * b]
    while len(pool) < size:
        pick = lambda: pool[int(rng.integers(len(pool)))]
        try:
            if rng.random() < 0.5:
                node = unary[int(rng.integers(len(unary)))](pick())
            else:
                node = binary[int(rng.integers(len(binary)))](pick(), pick())
        except ValueError:  # shapes that do not broadcast
            continue
        if node.requires_grad and np.all(np.abs(node.data) < 1e3):
            pool.append(node)
    total = pool[-1].sum()
    for t in pool[-5:-1]:
        total = total + t.sum()
    return total, leaves


@pytest.mark.parametrize("seed", range(25))
def test_reference_and_tensor_fast_path_give_identical_gradients(seed):
    root, leaves = random_tensor_graph(seed)
    nodes = toposort(root)
    backprop_reference(root, np.ones(()))
    reference = [None if n.grad is None else n.grad.copy() for n in nodes]
    for leaf in leaves:
        leaf.zero_grad()
    backprop_tensors_fast(root, np.ones(()))
    for n, want in zip(nodes, reference):
        if want is None:
            assert n.grad is None
        else:
            np.testing.assert_array_equal(n.grad, want)  # to the last bit
    assert any(leaf.grad.any() for leaf in leaves)


def test_the_tensor_fast_path_keeps_each_leafs_buffer_and_never_touches_upstream():
    W = Tensor(np.ones((2, 3)))
    buffer = W.grad
    for _ in range(2):
        H = (W + 1.0).tanh()
        (H * H).sum().backward()
    assert W.grad is buffer  # accumulated in place across steps
    W.zero_grad()
    assert W.grad is buffer and not buffer.any()
    A = W * 2.0
    B = A + 0.0  # Add hands B's gradient to A without a copy
    (B * B).sum().backward()
    assert A.grad is B.grad or not np.shares_memory(A.grad, W.grad)


def test_relu_backward_multiplies_by_the_mask_to_the_bit():
    """The fast loop multiplies g by the boolean mask [x > 0] where the reference multiplies
    by relu's partial, the indicator array of 1.0 and 0.0: the same bits, signed zeros (g < 0
    times 0 is −0), infinities and NaN (relu′(nan) = 0, nan·0 = nan) included."""
    rng = np.random.default_rng(3)
    x = np.array(SPECIAL * len(SPECIAL) + rng.normal(size=60).tolist())
    g = np.array([v for v in SPECIAL for _ in SPECIAL] + rng.normal(size=60).tolist())
    got = []
    for loop in (backprop_reference, backprop_tensors_fast):
        X = Tensor(x)
        C = Tensor(g, requires_grad=False)
        X.zero_grad()
        loop((X.relu() * C).sum(), np.ones(()))
        got.append(X.grad.tobytes())
    assert got[0] == got[1]
    want = g * (x > 0).astype(float)
    assert got[1] == want.tobytes()


# ------------------- the fast loop's Add and Mul: their own partials, without the call

SPECIAL = [0.0, -0.0, 1.0, -2.5, 5e-324, -1e-310, 1e308, -1e308, math.inf, -math.inf, math.nan,
           0.1, 3.0e-17, 7.25e150]


def _bits(x: float) -> bytes:
    import struct

    return struct.pack("<d", x)


def test_add_and_mul_partials_are_what_the_fast_loop_adds():
    """The fast loop adds g for Add and g·b, g·a for Mul; these are g times the ops'
    own partials, to the last bit, on ordinary and special floats."""
    from stepgrad.autograd.backend import ScalarMath as B

    rng = np.random.default_rng(7)
    values = SPECIAL + rng.standard_normal(30).tolist() + (rng.standard_normal(30) * 1e200).tolist()
    for a in values:
        for b in values[::3]:
            da, db = ops.Add.partials(B, None, a + b, a, b)
            assert _bits(da) == _bits(db) == _bits(1.0)
            ma, mb = ops.Mul.partials(B, None, a * b, a, b)
            assert ma is b and mb is a
    for g in values:
        assert _bits(g * 1.0) == _bits(g)  # so adding g is adding g·(∂/∂a of Add)
    from stepgrad.autograd.backend import ArrayMath

    a, b = np.array(values), np.array(values[::-1])  # and on arrays, for the Tensor loop
    assert ops.Add.partials(ArrayMath, None, a + b, a, b) == (1.0, 1.0)
    ma, mb = ops.Mul.partials(ArrayMath, None, a * b, a, b)
    assert ma is b and mb is a


@pytest.mark.parametrize("seed", range(10))
def test_add_and_mul_graphs_with_special_values_give_the_references_gradients(seed):
    rng = np.random.default_rng(seed)
    pool = [Value(float(v)) for v in rng.choice(SPECIAL, 3)] + [Value(float(rng.normal()))
                                                                for _ in range(3)]
    leaves = list(pool)
    for _ in range(60):
        i, j = rng.integers(len(pool), size=2)
        pool.append(pool[i] + pool[j] if rng.random() < 0.5 else pool[i] * pool[j])
    root = apply(nary_ops.Sum, tuple(pool[-5:]))
    backprop_reference(root, 0.75)
    want = [_bits(n.grad) for n in toposort(root)]
    for leaf in leaves:
        leaf.grad = 0.0
    backprop_values_fast(root, 0.75)
    assert [_bits(n.grad) for n in toposort(root)] == want


def test_dot_partials_are_what_the_fast_loop_adds():
    """The fast loop adds g·xᵢ to wᵢ, then g·wᵢ to xᵢ, then g to the bias: g times
    Dot.partials, in parent order."""
    from stepgrad.autograd.backend import ScalarMath as B

    rng = np.random.default_rng(8)
    for n in (1, 2, 5):
        for bias in (True, False):
            p = tuple(rng.choice(SPECIAL, 2 * n + bias).tolist())
            d = nary_ops.Dot.partials(B, (n, bias), 0.0, *p)
            want = p[n:2 * n] + p[:n] + ((1.0,) if bias else ())
            assert len(d) == len(want) and all(x is y for x, y in zip(d[:2 * n], want))
            assert [_bits(x) for x in d[2 * n:]] == [_bits(1.0)] * bias


@pytest.mark.parametrize("seed", range(10))
def test_dot_graphs_with_shared_and_special_parents_give_the_references_gradients(seed):
    """dot(w, x, b) with nodes shared between w, x and the bias (few nodes to pick from, so
    each gets several contributions from one node and their order shows in the last bit),
    with and without a bias, n from 1 (two parents) to 6, special values among the data."""
    rng = np.random.default_rng(100 + seed)
    pool = [Value(float(rng.choice(SPECIAL)))] + [Value(float(rng.normal())) for _ in range(3)]
    leaves = list(pool)
    for _ in range(40):
        n = int(rng.integers(1, 7))
        near = pool[-4:]
        pick = [near[i] for i in rng.integers(len(near), size=2 * n + 1)]
        w, x, b = pick[:n], pick[n:2 * n], pick[-1]
        if rng.random() < 0.3:
            x = w[::-1]  # each node in w and in x, with another partner
        if rng.random() < 0.5:
            node = apply(nary_ops.Dot, (*w, *x, b), (n, True))
        else:
            node = apply(nary_ops.Dot, (*w, *x), (n, False))
        pool.append(node.tanh() if abs(node.data) > 3 else node)
    root = apply(nary_ops.Sum, tuple(pool[-5:]))
    backprop_reference(root, 1.25)
    want = [_bits(n.grad) for n in toposort(root)]
    for leaf in leaves:
        leaf.grad = 0.0
    backprop_values_fast(root, 1.25)
    assert [_bits(n.grad) for n in toposort(root)] == want


def _mlp_loss(leaves, X, y):
    """An MLP written with Affine (a layer's [1 X]·W) and a hand-built cross-entropy."""

    W1, W2, W3 = leaves
    H = affine(X, W1).relu()
    H2 = affine(H, W2).tanh()
    logp = affine(H2, W3).log_softmax(axis=-1)
    return logp[np.arange(len(y)), y].sum() * (-1.0 / len(y))


@pytest.mark.parametrize("n", [3, 200])  # 200 rows: the (n, 130) arrays come from the pool
def test_affine_layers_give_identical_gradients_on_both_tensor_loops(n):
    rng = np.random.default_rng(n)
    X = Tensor(rng.normal(size=(n, 7)), requires_grad=False)
    Xg = Tensor(rng.normal(size=(n, 7)))  # an input that wants its gradient too
    y = rng.integers(0, 4, n)
    leaves = [Tensor(rng.normal(size=s) / 3) for s in ((8, 130), (131, 5), (6, 4))]
    for x in (X, Xg):
        grads = []
        for loop in (backprop_reference, backprop_tensors_fast):
            for leaf in [*leaves, x]:
                if leaf.requires_grad:
                    leaf.zero_grad()
            loop(_mlp_loss(leaves, x, y), np.ones(()))
            loop(_mlp_loss(leaves, x, y), np.ones(()))  # twice: accumulated into the leaves
            grads.append([leaf.grad.copy() for leaf in [*leaves, x] if leaf.requires_grad])
        for want, got in zip(*grads):
            np.testing.assert_array_equal(got, want)  # to the last bit
        assert all(g.any() for g in grads[0])


def test_after_zero_grad_both_loops_set_each_leaf_to_its_first_contribution():
    """zero_grad leaves a mark, not a pass of zeros: the next backward sets ∂L/∂W to its
    first contribution (0 + c is c) and adds the rest; both loops to the last bit, signed
    zeros included, and a leaf no gradient reached reads zeros in its old buffer."""
    rng = np.random.default_rng(3)
    X = Tensor(rng.normal(size=(200, 7)), requires_grad=False)  # (200, 130): pooled arrays
    y = rng.integers(0, 4, 200)
    leaves = [Tensor(rng.normal(size=s) / 3) for s in ((8, 130), (131, 5), (6, 4))]
    unused = Tensor(np.ones((2, 2)))
    bits = []
    for loop in (backprop_reference, backprop_tensors_fast):
        for leaf in [*leaves, unused]:
            leaf.grad = np.full(leaf.shape, 7.0)  # stale numbers, which zero_grad forgets
            leaf.zero_grad()
        buffer = unused._grad.buffer
        negzero = Tensor(np.full((8, 130), -0.0), requires_grad=False)
        loop(_mlp_loss(leaves, X, y), np.ones(()))
        bits.append([leaf.grad.tobytes() for leaf in leaves])
        assert unused.grad is buffer and not buffer.any()
        leaves[0].zero_grad()
        loop((leaves[0] * negzero).sum(), np.ones(()))
        assert np.signbit(leaves[0].grad).all()  # 1·(−0.0) kept: set, not added to +0.0
        for leaf in leaves:
            leaf.zero_grad()
        loop(_mlp_loss(leaves, X, y), np.ones(()))
        once = [leaf.grad.copy() for leaf in leaves]
        loop(_mlp_loss(leaves, X, y), np.ones(()))  # no zero_grad: added to the first
        bits.append([leaf.grad.tobytes() for leaf in leaves])
        for leaf, g in zip(leaves, once):
            np.testing.assert_array_equal(leaf.grad, g + g)
    assert bits[0] == bits[2] and bits[1] == bits[3]


def test_a_gradient_held_across_zero_grad_is_never_handed_out_again():
    """The fast loop keeps an Affine's ∂L/∂W (an array of the pool made for it) as W.grad;
    after zero_grad an array the caller still holds is theirs: the next steps, whose
    ∂L/∂W come from the pool, never write into it."""
    rng = np.random.default_rng(4)
    X = Tensor(rng.normal(size=(300, 127)), requires_grad=False)
    W = Tensor(rng.normal(size=(128, 130)) / 10)
    held = []
    for step in range(4):
        W.zero_grad()
        affine(X * float(step + 1), W).tanh().sum().backward()
        held.append((W.grad, W.grad.copy()))
    for k, (g, copy) in enumerate(held):
        np.testing.assert_array_equal(g, copy)
        assert not any(np.shares_memory(g, h) for h, _ in held[k + 1:])


def test_the_pooled_tanh_slope_and_matmul_products_are_the_plain_formulas_to_the_bit():
    """tanh′ = 1 − σ² and the matmul/Affine gradients G·Bᵀ, Aᵀ·G are written into arrays of
    the pool (a layer-sized array made new each step faults its pages in); the numbers are
    those of the plain expressions, bit for bit, special values included."""
    from stepgrad.autograd.backend import ArrayMath, ScalarMath
    from stepgrad.autograd.tensor_ops import Affine, MatMul

    rng = np.random.default_rng(5)
    s = np.tanh(rng.normal(size=(300, 70)) * 3)  # 21,000 entries: from the pool
    s.flat[:len(SPECIAL)] = SPECIAL
    got = ArrayMath.one_minus_square(s)
    assert type(got.base).__name__ == "Lease"
    assert got.tobytes() == (1.0 - s * s).tobytes()
    for x in SPECIAL:
        assert _bits(ScalarMath.one_minus_square(x)) == _bits(1.0 - x * x)
    a, b, g = rng.normal(size=(300, 70)), rng.normal(size=(70, 60)), rng.normal(size=(300, 60))
    ga, gb = MatMul.vjp(ArrayMath, (True, True), g, None, a, b)
    assert ga.tobytes() == (g @ b.T).tobytes() and gb.tobytes() == (a.T @ g).tobytes()
    w = rng.normal(size=(71, 60))
    gx, gw = Affine.vjp(ArrayMath, (True, True), g, None, a, w)
    assert gx.tobytes() == (g @ w[1:].T).tobytes()
    assert gw[1:].tobytes() == (a.T @ g).tobytes()


@pytest.mark.parametrize("case", ["node", "leaf", "node used twice"])
def test_the_tensor_fast_path_squares_x_times_x_to_the_bit(case):
    """E·E (the same node twice, as ½Σ(a − y)² writes it): the fast loop forms g·E once
    and adds it twice; the gradients are the reference loop's, bit for bit, whether E
    is a leaf, a node, or a node that has a gradient from elsewhere first."""
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 100)) * 10 ** rng.uniform(-3, 3, size=(200, 100))
    grads = []
    for loop in (backprop_reference, backprop_tensors_fast):
        W = Tensor(x.copy())
        E = W if case == "leaf" else (W * 0.7).tanh() + W
        L = (E * E).sum() * 0.37
        if case == "node used twice":
            L = (E * 1.3).sum() + L
        loop(L, np.ones(()))
        grads.append((W.grad.copy(), None if case == "leaf" else E.grad.copy()))
    (w_ref, e_ref), (w_fast, e_fast) = grads
    assert w_fast.tobytes() == w_ref.tobytes()
    if e_ref is not None:
        assert e_fast.tobytes() == e_ref.tobytes()


@pytest.mark.parametrize("seed", range(6))
def test_the_tensor_walk_visits_nodes_in_toposorts_order(seed):
    """The fast loop's recursive walk gives toposort's order and resets each gradient."""
    root, _ = random_tensor_graph(seed)
    want = toposort(root, leaves=False)
    for n in want:
        n.grad = np.ones(n.shape)
    got = toposort_tensors(root)
    assert got == want and all(a is b for a, b in zip(got, want))
    assert all(n.grad is None for n in got)


def test_the_tensor_walk_of_an_mlp_is_toposorts_order():
    """An MLP's graph, then x·x (one parent twice): toposort's order, each gradient reset."""
    model = MLP([3, 4, 2], hidden="relu", output="softmax", seed=0)
    a = model(Tensor(np.random.default_rng(0).normal(size=(5, 3))))
    h = a * a
    root = (h.tanh() * 2.0).sum()
    want = toposort(root, leaves=False)
    for n in want:
        n.grad = np.ones(n.shape)
    got = toposort_tensors(root)
    assert len(got) == len(want) and all(p is q for p, q in zip(got, want))
    assert all(n.grad is None for n in got)


def test_the_tensor_walk_sorts_a_chain_deeper_than_the_recursion_limit():
    import sys

    x = Tensor(np.ones(3))
    y = x
    for _ in range(sys.getrecursionlimit() + 50):
        y = y * 1.0
    got = toposort_tensors(y)
    assert len(got) == sys.getrecursionlimit() + 50
    assert all(a is b for a, b in zip(got, toposort(y, leaves=False)))
    y.backward(np.ones(3))
    np.testing.assert_array_equal(x.grad, np.ones(3))


def test_w_rows_and_bias_row_land_in_the_leafs_kept_buffer_on_both_loops():
    """X·W[1:] + W[0] (the bias as row 0): after zero_grad, the fast loop adds the two
    scattered gradients into W's own buffer (kept across steps; the reference loop makes
    new arrays), and both loops give the same bits."""
    rng = np.random.default_rng(8)
    X = Tensor(rng.normal(size=(50, 3)), requires_grad=False)
    w0 = rng.normal(size=(4, 5))
    bits = []
    for loop in (backprop_reference, backprop_tensors_fast):
        W = Tensor(w0)
        buffer = W.grad
        for _ in range(2):
            W.zero_grad()
            loop(((X @ W[1:] + W[0]).tanh() ** 2).sum(), np.ones(()))
            assert (W.grad is buffer) == (loop is backprop_tensors_fast)
        bits.append(W.grad.tobytes())
        U = X.data @ w0[1:] + w0[0]  # the formula: ∂L/∂U = 2·tanh(U)·(1 − tanh²U)
        dU = 2 * np.tanh(U) * (1 - np.tanh(U) ** 2)
        np.testing.assert_allclose(W.grad, np.vstack([dU.sum(0), X.data.T @ dU]), rtol=1e-12)
    assert bits[0] == bits[1]


# ------------- cross-entropy at a softmax: its sparse gradient, and keep_grads=False

def _softmax_ce(leaves, X, y, second: bool):
    """A softmax output layer with cross-entropy on class indices (one CrossEntropyAt node,
    whose ∂L/∂a reaches the softmax sparse); ``second``: a also feeds a second term."""
    from stepgrad.nn import cross_entropy

    W1, W2 = leaves
    a = affine(affine(X, W1).relu(), W2).softmax(axis=-1)
    L = cross_entropy(a, y)
    assert L.op.__name__ == "CrossEntropyAt"
    return (L + (a * a).sum() * 0.5 if second else L), a


@pytest.mark.parametrize("second", [False, True])
@pytest.mark.parametrize("scale", [1.0, 5.0])  # 5: entries of 1e-10, picked ones near 1e-8
def test_cross_entropy_at_a_softmax_gives_the_references_gradients_to_the_bit(second, scale):
    rng = np.random.default_rng(11)
    X = Tensor(rng.normal(size=(64, 5)) * scale, requires_grad=False)
    y = rng.integers(0, 6, 64)
    leaves = [Tensor(rng.normal(size=s) / 3) for s in ((6, 20), (21, 6))]
    runs = []
    for loop, keep in ((backprop_reference, True), (backprop_tensors_fast, True),
                       (backprop_tensors_fast, False)):
        for leaf in leaves:
            leaf.zero_grad()
        L, a = _softmax_ce(leaves, X, y, second)
        if loop is backprop_reference:
            loop(L, np.ones(()))
        else:
            loop(L, np.ones(()), keep)
        runs.append(([leaf.grad.tobytes() for leaf in leaves],
                     None if a.grad is None else a.grad.tobytes()))
    (ref, ref_a), (kept, kept_a), (dropped, dropped_a) = runs
    assert ref == kept == dropped  # the weights' gradients, to the last bit
    assert kept_a == ref_a  # the softmax's own gradient, dense when kept
    assert dropped_a is None


def test_softmax_sparse_vjp_is_the_dense_vjp_to_the_bit():
    """Softmax.sparse_vjp on special upstream values (signed zeros, tiny, huge, inf,
    nan) and rows with exact zeros gives what vjp gives on the dense G."""
    from stepgrad.autograd.backend import ArrayMath
    from stepgrad.autograd.softmax_ops import Softmax, stable_softmax

    rng = np.random.default_rng(2)
    n = len(SPECIAL)
    x = rng.normal(size=(n, 7)) * 10
    x[0] = [800, 0, -800, 1, 2, 3, 4]  # entries that underflow to 0
    s = stable_softmax(x, axis=1)
    rows, cols = np.arange(n), rng.integers(0, 7, n)
    v = np.array(SPECIAL)
    G = np.zeros_like(s)
    np.add.at(G, (rows, cols), v)
    with np.errstate(all="ignore"):
        want = Softmax.vjp(ArrayMath, 1, G, s, x)[0]
        got = Softmax.sparse_vjp(1, s, rows, cols, v)
        given = Softmax.sparse_vjp(1, s, rows, cols, v, s[rows, cols])  # picked, as CE has it
    assert got.tobytes() == want.tobytes() == given.tobytes()


def test_keep_grads_false_keeps_only_the_leaves_gradients():
    rng = np.random.default_rng(4)
    X = Tensor(rng.normal(size=(200, 7)), requires_grad=False)
    y = rng.integers(0, 4, 200)
    leaves = [Tensor(rng.normal(size=s) / 3) for s in ((8, 130), (131, 5), (6, 4))]
    grads = []
    for keep in (True, False):
        for leaf in leaves:
            leaf.zero_grad()
        L = _mlp_loss(leaves, X, y)
        L.backward(keep_grads=keep)
        inner = [n for n in toposort(L) if n.op is not None]
        assert all((n.grad is not None) == keep for n in inner)
        grads.append([leaf.grad.tobytes() for leaf in leaves])
    assert grads[0] == grads[1]
