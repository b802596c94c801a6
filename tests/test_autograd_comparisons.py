"""Comparisons compare the data and record no graph; hashing is by identity.

``<``, ``<=``, ``>``, ``>=``, ``==`` and ``!=`` give a bool for Values and a
boolean array for Tensors, as numpy and PyTorch do; nodes stay set members and
dict keys by identity, so two nodes with equal data are two keys.
"""

from __future__ import annotations

import numpy as np

from stepgrad.autograd import Tensor, Value


def test_value_comparisons_give_bools_and_no_graph():
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True and (a <= b) is True and (a > b) is False and (a >= b) is False
    assert (a < 1.5) is True and (2.5 > b) is True and (a >= 1) is True
    assert type(a < b) is bool


def test_max_and_min_of_values_pick_the_node():
    a, b = Value(1.0), Value(2.0)
    assert max(a, b) is b and min(a, b) is a
    assert max([Value(-1.0), a, b, Value(0.5)]) is b
    assert sorted([b, a]) == [a, b]


def test_equality_compares_the_data_never_identity():
    a, a2, b = Value(1.0), Value(1.0), Value(2.0)
    assert a == a2 and a is not a2 and a != b and a == 1.0 and not (a == b)
    t, u = Tensor([1.0, 2.0]), Tensor([1.0, 3.0])
    np.testing.assert_array_equal(t == u, [True, False])
    np.testing.assert_array_equal(t < u, [False, True])
    np.testing.assert_array_equal(t >= np.array([0.0, 5.0]), [True, False])
    assert (t <= u).dtype == bool


def test_nodes_are_kept_in_sets_and_dicts_by_identity():
    a, a2 = Value(1.0), Value(1.0)
    assert len({a, a2}) == 2 and {a: 1, a2: 2}[a2] == 2
    t, t2 = Tensor([1.0]), Tensor([1.0])
    assert len({t, t2}) == 2 and hash(t) != hash(t2)
