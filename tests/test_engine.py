"""The backward pass: the chain rule, accumulation, graph bookkeeping.

Claims of the lecture and of the engine's design, one test each: a node used
twice gets both contributions; leaves accumulate over backward calls (as in
PyTorch) while intermediate nodes show the latest pass; a million-node chain
needs no recursion; no_grad records nothing; the observer sees every step
without changing the result; a finished graph is freed by reference
counting alone.
"""

from __future__ import annotations

import gc
import math
import sys

import numpy as np
import pytest

from stepgrad.autograd import (
    BackwardStep,
    Tensor,
    Value,
    dot,
    enable_grad,
    is_grad_enabled,
    no_grad,
    nsum,
    toposort,
)

KINDS = [Value, Tensor]
ids = lambda k: k.__name__


def g(x) -> float:
    return float(np.asarray(x.grad).reshape(()))


# ------------------------------------------------------------ the chain rule


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_a_node_used_twice_receives_both_contributions(kind):
    a = kind(3.0)
    b = a + a  # ∂b/∂a = 2
    c = b + b  # ∂c/∂a = 4
    c.backward()
    assert g(a) == 4.0 and g(b) == 2.0
    assert b.parents == (a, a)  # an ordered tuple: a * a is drawn with two edges


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_x_times_x_times_x_has_derivative_three_x_squared(kind):
    x = kind(1.5)
    (x * x * x).backward()
    assert g(x) == pytest.approx(3 * 1.5**2, rel=1e-15)


def test_a_neuron_follows_the_lecture_formula():
    # α = tanh(Σ_f w_f·x_f + w_0);  ∂α/∂w_f = (1 − α²)·x_f,  ∂α/∂x_f = (1 − α²)·w_f
    w, x, b = [Value(0.5), Value(-1.0)], [Value(2.0), Value(0.25)], Value(0.1)
    alpha = dot(w, x, b).tanh()
    alpha.backward()
    slope = 1 - alpha.data**2
    assert alpha.data == pytest.approx(math.tanh(0.5 * 2.0 - 0.25 + 0.1))
    assert [wf.grad for wf in w] == pytest.approx([slope * 2.0, slope * 0.25])
    assert [xf.grad for xf in x] == pytest.approx([slope * 0.5, slope * -1.0])
    assert b.grad == pytest.approx(slope)


# ------------------------------------------------------------- accumulation


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_backward_twice_accumulates_into_leaves_like_pytorch(kind):
    a, b = kind(2.0), kind(-3.0)
    mid = a * b
    out = mid.tanh()
    out.backward()
    first = (g(a), g(b), g(mid))
    out.backward()
    assert (g(a), g(b)) == (2 * first[0], 2 * first[1])  # leaves accumulate
    assert g(mid) == first[2]  # an intermediate shows the latest pass


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_zero_grad_between_steps_gives_the_same_gradient_again(kind):
    a = kind(0.7)
    out = (a * a).sigmoid()
    out.backward()
    first = g(a)
    a.zero_grad()
    out.backward()
    assert g(a) == first


def test_backward_with_an_upstream_gradient_scales_every_gradient():
    a = Value(2.0)
    (a * 3.0).backward(grad=0.5)
    assert a.grad == 1.5


# ---------------------------------------------------------------- big graphs


def test_a_million_node_chain_backpropagates_at_the_default_recursion_limit():
    assert sys.getrecursionlimit() <= 1000  # Python's default: no recursion allowed
    x = Value(0.5)
    y = x
    for _ in range(1_000_000):
        y = y.identity()
    y.backward()
    assert x.grad == 1.0
    assert len(toposort(y, leaves=False)) == 1_000_000
    del y  # freeing a million-deep chain must not overflow the C stack either


# ---------------------------------------------------------- no_grad, detach


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_no_grad_records_no_graph(kind):
    a = kind(1.0)
    with no_grad():
        assert not is_grad_enabled()
        b = (a * 2.0).tanh()
        with enable_grad():
            c = a * 2.0
    assert is_grad_enabled()
    assert b.is_leaf and b.parents == () and b.op is None
    assert c.parents == (a, c.parents[1]) and not c.is_leaf
    assert float(b.data) == pytest.approx(math.tanh(2.0))


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_detach_cuts_the_graph_and_keeps_the_data(kind):
    a = kind(2.0)
    b = a * a
    d = b.detach()
    assert d.is_leaf and float(d.data) == float(b.data) and d is not b
    (d * a).backward()
    assert g(a) == 4.0  # only through the direct edge: ∂(d·a)/∂a = d


# ----------------------------------------------------------------- observer


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_the_observer_sees_each_step_in_reverse_topological_order(kind):
    a, b = kind(0.5), kind(-2.0)
    out = ((a * b).tanh() + a) ** 2
    steps = []
    out.backward(observer=steps.append)
    assert all(isinstance(s, BackwardStep) for s in steps)
    assert [s.index for s in steps] == list(range(len(steps)))
    assert [s.node for s in steps] == list(reversed(toposort(out, leaves=False)))
    for s in steps:
        assert g(s.node) == float(s.upstream)  # complete when the step is taken
        assert s.parents == s.node.parents
        assert len(s.local) == len(s.contributions) == len(s.parents)
        for local, contribution in zip(s.local, s.contributions):
            assert float(contribution) == float(s.upstream) * float(local)
    # ∂out/∂a is the sum of the contributions handed to a
    to_a = sum(float(c) for s in steps for p, c in zip(s.parents, s.contributions) if p is a)
    assert g(a) == pytest.approx(to_a, rel=1e-15)


def test_the_observer_sees_the_lecture_local_derivatives():
    x = Value(0.3)
    h = x.tanh()
    out = h * 2.0
    steps = []
    out.backward(observer=steps.append)
    (mul_step, tanh_step) = steps
    assert mul_step.node is out and mul_step.upstream == 1.0
    assert mul_step.local == (2.0, h.data)  # ∂(h·c)/∂h = c, ∂(h·c)/∂c = h
    assert tanh_step.node is h and tanh_step.upstream == 2.0
    assert tanh_step.local == (1 - h.data**2,)  # σ′ = 1 − σ²
    assert tanh_step.contributions == [2.0 * (1 - h.data**2)]


@pytest.mark.parametrize("kind", KINDS, ids=ids)
def test_observing_does_not_change_the_gradients(kind):
    def run(observer):
        w = [kind(0.3), kind(-0.8)]
        x = [kind(1.5), kind(0.5)]
        out = nsum([dot(w, x).sigmoid(), (w[0] * x[1]).relu(), w[1] ** 2])
        out.backward(observer=observer)
        return [g(v) for v in w + x]

    assert run(None) == run(lambda step: None)


# ------------------------------------------------------------- no cycles


def _count_nodes():
    return sum(1 for o in gc.get_objects() if type(o) in (Value, Tensor))


def _build_and_backprop(kind, make_cycle=False):
    w = [kind(0.1 * i) for i in range(5)]
    x = [kind(1.0 - 0.2 * i) for i in range(5)]
    out = nsum([dot(w, x, kind(0.5)).tanh() ** 2, (w[0] * x[0]).sigmoid(), -w[1] / 3.0])
    out.backward(observer=lambda step: None)
    if make_cycle:
        out.label = [out]  # a node that refers to itself: freed only by the collector
    return out


@pytest.mark.parametrize("kind", KINDS, ids=ids)
@pytest.mark.parametrize("cycle", [False, True], ids=["engine", "control-with-a-cycle"])
def test_a_finished_graph_is_freed_by_reference_counting_alone(kind, cycle):
    gc.collect()
    gc.disable()
    try:
        baseline = _count_nodes()
        out = _build_and_backprop(kind, make_cycle=cycle)
        assert _count_nodes() > baseline
        del out
        left = _count_nodes() - baseline  # nothing collected yet: refcounting only
        found = gc.collect()  # unreachable objects the collector had to find
    finally:
        gc.enable()
    if cycle:  # the check can fail: a cycle keeps its nodes until the collector runs
        assert left > 0 and found > 0
    else:
        assert left == 0 and found == 0


# ------------------------------------------------------------------- Value


def test_value_repr_reads_like_data_and_grad():
    v = Value(0.76159, label="a")
    v.grad = 0.42
    assert repr(v) == "Value(data=0.7616, grad=0.42, label='a')"
    assert repr(Value(0.5)) == "Value(data=0.5, grad=0)"


def test_value_holds_a_float_and_records_its_op():
    a = Value(2)
    b = a.tanh()
    assert type(a.data) is float and type(a.grad) is float
    assert b.op.name == "tanh" and b.parents == (a,) and a.is_leaf and not b.is_leaf
