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
from stepgrad.autograd.backward import (
    backprop_reference,
    backprop_values_fast,
    toposort_values,
    toposort_values_stack,
)
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
        leaf = p["n"]  # the leaf Value(number) would make
        assert (leaf.grad, leaf.label, leaf.consts, type(leaf.data)) == (0.0, "", None, float)
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


# ------------------------------------- the one-parent functions, xⁿ and x − n made directly

UNARY = [  # (the method, the op, inputs in its domain)
    (lambda x: x.exp(), ops.Exp, (-3.0, 0.0, 0.7, 800.0)),  # exp(800) is inf, as apply's
    (lambda x: x.log(), ops.Log, (1e-300, 0.5, 2.0, 7e5)),
    (lambda x: x.tanh(), ops.Tanh, (-1000.0, -0.3, 0.0, -0.0, 2.5)),
    (lambda x: x.sigmoid(), ops.Sigmoid, (-1000.0, -0.3, 0.0, 4.0)),
    (lambda x: x.relu(), ops.Relu, (-2.0, -0.0, 0.0, 3.5)),
]


@pytest.mark.parametrize("method, op, inputs", UNARY, ids=lambda p: getattr(p, "name", ""))
def test_each_function_of_a_value_is_the_node_apply_makes(method, op, inputs):
    rng = random.Random(3)
    for x in (*inputs, *(rng.uniform(0.01, 3) for _ in range(50))):
        a = Value(x)
        node = method(a)
        assert node.op is op and node.parents == (a,)
        assert record(node) == record(apply(op, (a,)))
        assert type(node) is Value and type(node.data) is float


@pytest.mark.parametrize("n", [2, 3, 2.0, -1, 0.5, -0.5, 1.5])
def test_a_value_to_a_number_is_the_pow_const_node(n):
    rng = random.Random(4)
    for x in (1e-3, 0.25, 1.0, 7.5, *(rng.uniform(0.01, 4) for _ in range(50))):
        a = Value(x)
        node = a**n
        assert node.consts == float(n) and type(node.consts) is float
        assert record(node) == record(apply(ops.PowConst, (a,), float(n)))
    with pytest.raises(ValueError, match="negative power"):
        Value(0.0) ** -1
    with pytest.raises(ValueError, match="fractional"):
        Value(-2.0) ** 0.5
    b = Value(1.5)
    assert (b**b).op is ops.Pow  # a node exponent: Pow, not PowConst
    with pytest.raises(TypeError, match="exponent"):
        b ** "2"


@pytest.mark.parametrize("n", [2, 0.1, -3.5, 0, True])
def test_a_value_minus_a_number_is_one_add_node_with_the_leaf_minus_n(n):
    a = Value(1.7)
    node = a - n
    ref = apply(ops.Add, (a, Value(-float(n))))
    assert node.op is ops.Add and node.parents[0] is a
    assert node.data.hex() == ref.data.hex()
    assert node.parents[1].is_leaf and node.parents[1].data == -float(n)
    b = Value(0.4)
    minus_b = (a - b).parents[1]  # a + (−1·b)
    assert (a - b).data == (a + b * -1.0).data
    assert minus_b.op is ops.Mul and minus_b.parents[0] is b and minus_b.parents[1].data == -1.0


def test_inside_no_grad_and_detect_anomaly_the_functions_go_through_apply():
    a = Value(2.0)
    with no_grad():
        for node in (a.exp(), a.log(), a.tanh(), a.sigmoid(), a.relu(), a**2, a - 1.0):
            assert node.is_leaf and node.consts is NO_GRAD_RESULT and node.parents == ()
    big = Value(800.0)
    with detect_anomaly(), pytest.raises(AnomalyError, match="exp"):
        big.exp()
    with detect_anomaly(), pytest.raises(AnomalyError, match="pow_const"):
        big**200
    assert math.isinf(big.exp().data)  # outside, no check


def test_gradients_through_the_direct_functions_equal_those_through_apply():
    rng = random.Random(5)
    for _ in range(50):
        xs = [Value(rng.uniform(0.1, 2)) for _ in range(3)]
        ys = [Value(x.data) for x in xs]
        out = (xs[0].tanh() * xs[1].exp() + xs[2].log() - 0.5) ** 2 + xs[0].sigmoid().relu()
        t = apply(ops.Mul, (apply(ops.Tanh, (ys[0],)), apply(ops.Exp, (ys[1],))))
        t = apply(ops.Add, (apply(ops.Add, (t, apply(ops.Log, (ys[2],)))), Value(-0.5)))
        t = apply(ops.PowConst, (t,), 2.0)
        ref = apply(ops.Add, (t, apply(ops.Relu, (apply(ops.Sigmoid, (ys[0],)),))))
        assert out.data.hex() == ref.data.hex()
        out.backward()
        ref.backward()
        assert [x.grad.hex() for x in xs] == [y.grad.hex() for y in ys]


# ------------------------------------------------------------ the two walks of toposort_values


def test_the_recursive_and_the_stack_walk_give_toposorts_order():
    rng = random.Random(6)

    def grow(pool):
        def pick():
            return pool[rng.randrange(len(pool))]
        k = rng.randrange(5)
        if k == 0:
            return pick() + pick()
        if k == 1:
            return pick() * pick()
        if k == 2:
            return pick().tanh()
        if k == 3:
            return nsum([pick(), pick(), pick()])
        return pick() ** 2

    for _ in range(20):
        pool = [Value(rng.uniform(-1, 1)) for _ in range(4)]
        for _ in range(rng.randrange(5, 200)):
            pool.append(grow(pool))
        root = nsum(pool[-5:])
        want = toposort(root, leaves=False)
        assert toposort_values(root) == want
        assert toposort_values_stack(root) == want


def test_a_graph_deeper_than_the_recursion_limit_is_walked_with_the_stack():
    import sys

    x = Value(0.5)
    y = x
    depth = sys.getrecursionlimit() * 3
    for k in range(depth):  # a chain with side branches, deeper than recursion allows
        y = y * 1.0001 + (x if k % 7 else x.tanh())
    want = toposort(y, leaves=False)
    assert toposort_values(y) == want == toposort_values_stack(y)
    backprop_reference(y, 1.0)
    ref = x.grad
    x.grad = 0.0
    backprop_values_fast(y, 1.0)
    assert x.grad == ref


def test_the_walk_works_when_called_near_the_recursion_limit():
    x = Value(0.3)
    y = x
    for _ in range(300):  # a chain 300 deep: more recursion than is left below
        y = (y * 0.999).tanh() + x
    want = toposort(y, leaves=False)

    def free(k=0):  # how many more calls fit on the stack from here
        try:
            return free(k + 1)
        except RecursionError:
            return k

    def deep(k):  # call toposort_values with little recursion left
        return deep(k - 1) if k else toposort_values(y)

    room = free()
    for left in (10, 40, 150):
        assert deep(room - left) == want
