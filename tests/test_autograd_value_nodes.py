"""A Value node's record: + and × made directly are the nodes ``apply`` makes.

``a + b`` and ``a * b`` of Values make their node without ``apply``'s generic
plumbing (see ``autograd/value.py``); they must be the very node
``apply(ops.Add, ...)`` / ``apply(ops.Mul, ...)`` makes: same data to the last
bit, same op class from the table, same parents, and the same gradients after
backward. A Value keeps its parents in two fields, not a tuple, so a graph of
n nodes is n objects for the garbage collector.
"""

from __future__ import annotations

import gc
import math
import random

import pytest

from stepgrad.autograd import (
    AnomalyError,
    Value,
    apply,
    detect_anomaly,
    dot,
    no_grad,
    nsum,
    ops,
    toposort,
)
from stepgrad.autograd.backward import backprop_reference, backprop_values_fast, toposort_values
from stepgrad.autograd.grad_mode import NO_GRAD_RESULT


def record(v):
    """Everything a node records, with the data as its exact bits."""
    return (v.data.hex(), v.op, v.consts, v.label, tuple(id(p) for p in v.parents))


FORMS = [  # (what the user writes, the apply call it stands for)
    (lambda a, b: a + b, lambda a, b: apply(ops.Add, (a, b))),
    (lambda a, b: a * b, lambda a, b: apply(ops.Mul, (a, b))),
]


@pytest.mark.parametrize("form, applied", FORMS)
def test_plus_and_times_of_two_values_are_the_node_apply_makes(form, applied):
    rng = random.Random(0)
    for _ in range(200):
        a, b = Value(rng.uniform(-1e3, 1e3)), Value(rng.uniform(-1e-3, 1e-3))
        assert record(form(a, b)) == record(applied(a, b))
        assert record(form(a, a)) == record(applied(a, a))  # a·a: a twice, two edges


@pytest.mark.parametrize("number", [2, 0.1, -3.5, True])
def test_a_number_on_either_side_becomes_a_leaf_parent_in_its_place(number):
    a = Value(1.7)
    for node, op, parents in ((a + number, ops.Add, "a n"), (number + a, ops.Add, "n a"),
                              (a * number, ops.Mul, "a n"), (number * a, ops.Mul, "n a")):
        assert node.op is op
        p = dict(zip(parents.split(), node.parents))
        assert p["a"] is a and p["n"].is_leaf and p["n"].data == float(number)
        x, y = (a.data, float(number)) if parents == "a n" else (float(number), a.data)
        assert node.data == (x + y if op is ops.Add else x * y)


def test_subtraction_negation_and_division_use_the_same_nodes():
    a, b = Value(0.3), Value(-1.25)
    assert (a - b).op is ops.Add and (a - b).parents[1].op is ops.Mul  # a + (−1·b)
    assert (-a).op is ops.Mul and (-a).data == -0.3
    assert (a / b).op is ops.Mul and (a / b).parents[1].op is ops.PowConst
    assert (a - 2).op is ops.Add and (a - 2).data == 0.3 - 2


def test_gradients_through_the_direct_nodes_equal_those_through_apply():
    rng = random.Random(1)
    xs = [Value(rng.uniform(-1, 1)) for _ in range(6)]
    ys = [Value(x.data) for x in xs]
    # the same expression, once with operators and once spelled with apply
    out = sum((x * w for x, w in zip(xs, xs[::-1])), xs[0]) * 0.5 + 1.0
    acc = ys[0]
    for y, w in zip(ys, ys[::-1]):
        acc = apply(ops.Add, (acc, apply(ops.Mul, (y, w))))
    ref = apply(ops.Add, (apply(ops.Mul, (acc, Value(0.5))), Value(1.0)))
    assert out.data == ref.data
    out.backward()
    ref.backward()
    assert [x.grad for x in xs] == [y.grad for y in ys]


def test_inside_no_grad_plus_and_times_make_leaves_as_every_op_does():
    a, b = Value(2.0), Value(3.0)
    with no_grad():
        for node in (a + b, a * b, 1 + a, 2 * a):
            assert node.is_leaf and node.consts is NO_GRAD_RESULT and node.parents == ()
    with pytest.raises(RuntimeError, match="no_grad"):
        node.backward()


def test_inside_detect_anomaly_plus_and_times_are_checked():
    a = Value(1e308)
    with detect_anomaly(), pytest.raises(AnomalyError, match="mul"):
        a * 10.0  # overflows to inf: the first inf
    with detect_anomaly(), pytest.raises(AnomalyError, match="add"):
        1e308 + a
    assert math.isinf((a * 10.0).data)  # outside, no check


def test_a_value_and_a_tensor_still_refuse_to_meet():
    from stepgrad.autograd import Tensor

    for f in (lambda v, t: v + t, lambda v, t: v * t):
        with pytest.raises(TypeError, match="Tensor"):
            f(Value(1.0), Tensor([1.0]))


def test_parents_read_and_written_for_every_arity():
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    assert a.parents == ()
    assert a.tanh().parents == (a,)
    assert (a * b).parents == (a, b)
    assert nsum([a, b, c]).parents == (a, b, c)
    assert dot([a, b], [b, c], a).parents == (a, b, b, c, a)
    node = a * b
    for parents in ((), (c,), (c, a), (a, b, c)):
        node._parents = parents
        assert node.parents == parents


def test_the_fast_walk_visits_nodes_in_toposorts_order():
    rng = random.Random(2)
    pool = [Value(rng.uniform(-1, 1)) for _ in range(5)]
    for _ in range(300):
        k = rng.randrange(5)
        pick = lambda: pool[rng.randrange(len(pool))]  # noqa: E731
        node = (pick() + pick(), pick() * pick(), pick().tanh(), nsum([pick(), pick(), pick()]),
                dot([pick()], [pick()], pick()))[k]
        pool.append(node)
    root = nsum(pool[-8:])
    assert toposort_values(root) == toposort(root, leaves=False)
    backprop_reference(root, 1.0)
    want = [n.grad for n in toposort(root)]
    for leaf in pool[:5]:
        leaf.grad = 0.0
    backprop_values_fast(root, 1.0)
    assert [n.grad for n in toposort(root)] == want  # to the last bit


def test_a_graph_of_n_binary_nodes_is_n_objects_for_the_collector():
    x = Value(0.5)
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        before = len(gc.get_objects())
        acc = x
        for _ in range(10_000):
            acc = acc * 1.0001 + x  # two op nodes and one leaf per round
        made = len(gc.get_objects()) - before
    finally:
        if was:
            gc.enable()
    assert 30_000 <= made < 30_500  # a node per node: no tuple of parents beside each
    acc.backward()
    assert x.grad > 10_000
