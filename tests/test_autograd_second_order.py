"""Second derivatives of every op: double backward against central differences of backward.

With ``create_graph=True`` the backward pass records a graph (each op's
partials evaluated on nodes with :class:`GraphMath`), so a second backward
through it gives H·u, where H = ∇²f. The claim, for every op of the table, on
Values and on Tensors with broadcasting, in float64:

    H·u ≈ (∇f(x + h·u) − ∇f(x − h·u)) / 2h,

a central difference of the *first* derivative (plain backward), whose error
is O(h²). Value ops are taken from ``tests/cases.py`` (the op test table);
Tensor ops from :data:`TENSOR_CASES` below; a test fails if an op of the
table has no case here, so a new op is covered as soon as it is added.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stepgrad.autograd as ag
from stepgrad.autograd import Tensor, Value, apply, ops, shape_ops, tensor_ops, toposort
from stepgrad.autograd.loss_ops import CrossEntropyAt
from stepgrad.autograd.softmax_ops import LogSoftmax, LogSoftmaxAt, Softmax, SoftmaxAt

from cases import CASES, ENGINE  # the shared op test table, tests/cases.py

H = 1e-5  # the finite-difference step on the first derivative
TOL = dict(rtol=1e-6, atol=1e-7)


def op_table() -> set:
    """Every op class of the engine (any module of stepgrad.autograd), found by subclassing."""
    found, todo = set(), [ops.Op]
    while todo:
        for c in todo.pop().__subclasses__():
            todo.append(c)
            if c.__module__.startswith("stepgrad.autograd"):
                found.add(c)
    return found


def ops_in(node) -> set:
    return {n.op for n in toposort(node) if n.op is not None}


def leaves_like(xs):
    return [Value(float(x)) if np.ndim(x) == 0 else Tensor(x) for x in xs]


def first(f, xs):
    """∇f at xs by the plain backward (numbers/arrays)."""
    leaves = leaves_like(xs)
    f(*leaves).backward()
    return [np.asarray(x.grad, dtype=float) for x in leaves]


def check_second_derivative(f, xs, seed=0):
    """H·u by double backward against central differences of ∇f, in 3 random directions."""
    rng = np.random.default_rng(seed)
    leaves = leaves_like(xs)
    out = f(*leaves)
    gs = ag.grad(out, leaves, create_graph=True)
    plain = first(f, xs)
    for g, p in zip(gs, plain):  # the recorded gradient holds backward's numbers
        np.testing.assert_allclose(np.asarray(g.data, float), p, rtol=1e-14, atol=1e-15)
    for _ in range(3):
        u = [float(rng.normal()) if np.ndim(x) == 0 else rng.normal(size=np.shape(x))
             for x in xs]
        gu = ag.nsum([(g * ui) if np.ndim(ui) == 0 else (g * ui).sum() for g, ui in zip(gs, u)])
        Hu = [np.asarray(h.data, float) for h in ag.grad(gu, leaves)]
        plus = first(f, [x + H * ui for x, ui in zip(xs, u)])
        minus = first(f, [x - H * ui for x, ui in zip(xs, u)])
        for i, (hu, a, b) in enumerate(zip(Hu, plus, minus)):
            numeric = (a - b) / (2 * H)
            np.testing.assert_allclose(hu, numeric, **TOL,
                                       err_msg=f"input {i} at {xs}, direction {u}")


# ------------------------------------------------------------------ Values


@pytest.mark.parametrize("case", CASES, ids=repr)
@settings(max_examples=8, deadline=None)
@given(data=st.data())
def test_second_derivative_of_each_value_op_matches_differences(case, data):
    xs = [data.draw(d) for d in case.domain]
    check_second_derivative(lambda *v: case.f(ENGINE, *v), xs)


# Value ops that tests/cases.py does not hold: a softmax layer's outputs on Values
VALUE_CASES = {
    SoftmaxAt: lambda a, b, c: ag.softmax([a, b * a, c])[1] * ag.softmax([a, c])[0],
    LogSoftmaxAt: lambda a, b, c: ag.log_softmax([a.tanh(), b, c * c])[2],
}


@pytest.mark.parametrize("op", sorted(VALUE_CASES, key=lambda c: c.name), ids=lambda c: c.name)
@pytest.mark.parametrize("seed", range(5))
def test_second_derivative_of_the_value_softmax_ops_matches_differences(op, seed):
    xs = list(np.random.default_rng(seed).uniform(-2, 2, size=3))
    check_second_derivative(VALUE_CASES[op], xs, seed)


def value_ops() -> set:
    """The ops the Value cases reach (tests/cases.py and VALUE_CASES)."""
    seen = set(VALUE_CASES)
    for case in CASES:
        seen |= ops_in(case.f(ENGINE, *[Value(0.5) for _ in case.domain]))
    return seen


def test_the_value_cases_cover_every_value_op():
    table = {c for c in op_table() if c.__module__.endswith((".ops", ".nary_ops"))}
    assert table <= value_ops(), f"no second-derivative case for {table - value_ops()}"
    for op, f in VALUE_CASES.items():
        assert op in ops_in(f(Value(0.1), Value(0.2), Value(0.3)))


# ------------------------------------------------------ Tensors, broadcasting

SHAPES = [(3, 1), (4,), (3, 4), (1, 4), (2, 3, 4)]


@pytest.mark.parametrize("case", CASES, ids=repr)
@settings(max_examples=3, deadline=None)
@given(data=st.data())
def test_second_derivative_of_each_op_on_broadcast_tensors(case, data):
    xs = []
    for i, domain in enumerate(case.domain):
        shape = SHAPES[(i + len(case.name)) % len(SHAPES)]
        entries = data.draw(st.lists(domain, min_size=int(np.prod(shape)),
                                     max_size=int(np.prod(shape))))
        xs.append(np.array(entries).reshape(shape))
    w = np.random.default_rng(len(case.name)).normal(size=(2, 3, 4))

    def loss(*t):  # Σ w ⊙ y + Σ y ⊙ y: the op's own second derivative and its vjp in g
        y = case.f(ENGINE, *t)
        return (y * w).sum() + (y * y).sum()

    check_second_derivative(loss, xs)


def _rand(rng, *shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, size=shape)


# op → (inputs, f): f of Tensors, its inputs drawn by rng; shapes chosen to broadcast
TENSOR_CASES = {
    tensor_ops.MatMul: [
        (lambda r: [_rand(r, 3, 4), _rand(r, 4, 2)], lambda a, b: a @ b),
        (lambda r: [_rand(r, 4), _rand(r, 2, 4, 3)], lambda a, b: a @ b),
        (lambda r: [_rand(r, 2, 3, 4), _rand(r, 4)], lambda a, b: a @ b),
    ],
    tensor_ops.Affine: [
        (lambda r: [_rand(r, 3, 2), _rand(r, 3, 4)], lambda x, w: ag.affine(x, w).tanh() * x.sum()),
        (lambda r: [_rand(r, 3, 4)], lambda w: ag.affine(np.arange(6.0).reshape(3, 2) / 4, w)),
    ],
    tensor_ops.SumAxes: [(lambda r: [_rand(r, 2, 3, 4)], lambda a: a.sum(axis=(0, 2)).tanh()),
                         (lambda r: [_rand(r, 3, 4)], lambda a: a.sum(keepdims=True).exp())],
    tensor_ops.MaxAxes: [(lambda r: [_rand(r, 3, 4)], lambda a: a.max(axis=1) * a.max())],
    tensor_ops.Where: [(lambda r: [_rand(r, 3, 4), _rand(r, 4)],
                        lambda a, b: ag.where(np.arange(12).reshape(3, 4) % 3 == 0, a, b))],
    tensor_ops.Clip: [(lambda r: [np.array([-2.0, -0.3, 0.2, 1.7])],
                       lambda a: a.clip(-1.0, 1.0) * a)],
    shape_ops.Reshape: [(lambda r: [_rand(r, 3, 4)], lambda a: a.reshape(2, 6).sigmoid())],
    shape_ops.Transpose: [(lambda r: [_rand(r, 2, 3, 4)], lambda a: a.transpose(0, 2, 1) @ a)],
    shape_ops.Index: [(lambda r: [_rand(r, 4, 3)], lambda a: a[1:3].tanh() * a[[0, 0]])],
    shape_ops.ScatterAdd: [(lambda r: [_rand(r, 3)],
                            lambda g: apply(shape_ops.ScatterAdd, (g,),
                                            (np.array([0, 2, 0]), (4,))).exp())],
    shape_ops.Concat: [(lambda r: [_rand(r, 2, 3), _rand(r, 1, 3)],
                        lambda a, b: ag.concat([a, b.tanh(), a * b]).sigmoid())],
    shape_ops.Stack: [(lambda r: [_rand(r, 3), _rand(r, 3)],
                       lambda a, b: ag.stack([a, b * a], axis=1).exp())],
    Softmax: [(lambda r: [_rand(r, 3, 4)], lambda a: a.softmax(axis=0))],
    LogSoftmax: [(lambda r: [_rand(r, 3, 4)], lambda a: a.log_softmax(axis=1))],
    CrossEntropyAt: [(lambda r: [_rand(r, 3, 4)],
                      lambda a: apply(CrossEntropyAt, (a.softmax(axis=1),),
                                      ((np.arange(3), np.array([2, 0, 2])), 1 / 3)) * a)],
}
TENSOR_ONLY = sorted(((op, i) for op, cs in TENSOR_CASES.items() for i in range(len(cs))),
                     key=lambda t: (t[0].name, t[1]))


def test_the_tensor_cases_cover_every_tensor_op():
    missing = op_table() - value_ops() - set(TENSOR_CASES)
    assert not missing, (f"no second-derivative case for {missing}: add one to tests/cases.py "
                         "(Value ops) or to TENSOR_CASES here (Tensor ops)")
    for op, cases in TENSOR_CASES.items():
        for make, f in cases:
            assert op in ops_in(f(*leaves_like(make(np.random.default_rng(0))))), op.name


@pytest.mark.parametrize("op, k", TENSOR_ONLY, ids=lambda t: getattr(t, "name", str(t)))
@pytest.mark.parametrize("seed", range(3))
def test_second_derivative_of_each_tensor_op_matches_differences(op, k, seed):
    make, f = TENSOR_CASES[op][k]
    xs = make(np.random.default_rng(seed))
    w = np.random.default_rng(100 + seed).normal(size=(3, 4))

    def loss(*t):
        y = f(*t)
        wy = w.ravel()[: y.size].reshape(y.shape) if y.size <= 12 else 1.0
        return (y * wy).sum() + (y * y).sum()

    check_second_derivative(loss, xs, seed)
