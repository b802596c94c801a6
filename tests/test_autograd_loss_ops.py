"""The cross-entropy of class indices as one node: the same numbers as its four primitive
steps, the derivative −c/a_{n,yₙ} at the true class only, and log's domain kept."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.autograd import Tensor, apply, gradcheck
from stepgrad.autograd.loss_ops import BelowFloor, CrossEntropyAt
from stepgrad.nn import cross_entropy


def _probabilities(rng, n, m):
    z = rng.normal(size=(n, m))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _key(y):
    return (np.arange(len(y)), y)


@pytest.mark.parametrize("c", [1 / 5, 1.0])
def test_one_node_gives_the_four_steps_numbers_to_the_bit(c):
    """−c·Σ ln a[n, yₙ] as one node equals a[key].log().sum() · (−c), value and ∂L/∂a."""
    rng = np.random.default_rng(0)
    p, y = _probabilities(rng, 5, 4), rng.integers(0, 4, 5)
    a1, a2 = Tensor(p), Tensor(p)
    fused = apply(CrossEntropyAt, (a1,), (_key(y), c))
    steps = a2[_key(y)].log().sum() * -c
    assert fused.item() == steps.item()
    fused.backward()
    steps.backward()
    assert a1.grad.tobytes() == a2.grad.tobytes()


def test_only_the_true_class_gets_a_gradient_minus_c_over_a():
    """∂L/∂a_{n,yₙ} = −c/a_{n,yₙ}; every other entry 0 (the lecture's one-hot y_m)."""
    rng = np.random.default_rng(1)
    p, y = _probabilities(rng, 6, 3), np.array([0, 2, 2, 1, 0, 1])
    a = Tensor(p)
    apply(CrossEntropyAt, (a,), (_key(y), 1 / 6)).backward()
    want = np.zeros_like(p)
    want[_key(y)] = -1 / 6 / p[_key(y)]
    np.testing.assert_allclose(a.grad, want, rtol=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_the_gradient_is_the_central_difference_one(seed):
    """Central differences in float64, on positive entries that need not sum to 1."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.05, 1.0, size=(4, 3))
    y = rng.integers(0, 3, 4)
    assert gradcheck(lambda a: apply(CrossEntropyAt, (a,), (_key(y), 0.25)), [Tensor(p)],
                     atol=1e-9, rtol=1e-7)


def test_one_sample_with_an_int_class():
    p = np.array([0.2, 0.5, 0.3])
    a = Tensor(p)
    L = apply(CrossEntropyAt, (a,), (1, 1.0))
    assert L.item() == -np.log(0.5)
    L.backward()
    assert a.grad.tolist() == [0.0, -2.0, 0.0]


def test_a_true_class_of_probability_zero_is_refused_by_name():
    """ln 0: log's domain error naming the op, never a silent inf."""
    with pytest.raises(ValueError, match="log"):
        apply(CrossEntropyAt, (Tensor([[0.0, 1.0], [0.5, 0.5]]),), (_key(np.array([0, 1])), 0.5))


@pytest.mark.parametrize("bad", [0.0, 1e-13, np.nan])
def test_a_floor_refuses_picked_entries_below_it_and_cross_entropy_clamps_them(bad):
    """Recorded with a floor (cross_entropy's eps), the node's forward tests the picked
    entries once and raises BelowFloor below it (NaN too); cross_entropy then takes its
    clamped form, ln max{a, eps}, or names the NaN."""
    p = np.array([[0.3, 0.7], [0.5, 0.5]])
    p[0, 0] = bad
    y = np.array([0, 1])
    with pytest.raises(BelowFloor):
        apply(CrossEntropyAt, (Tensor(p),), (_key(y), 0.5, 1e-12))
    ok = apply(CrossEntropyAt, (Tensor(p[1:]),), (_key(y[1:]), 1.0, 1e-12))
    assert ok.item() == -np.log(0.5)
    a = Tensor(np.log(np.where(np.isnan(p), 1.0, np.maximum(p, 1e-300)))).softmax(axis=-1)
    a.data[...] = p  # the softmax node, holding these probabilities
    if np.isnan(bad):
        with pytest.raises(ValueError, match="probabilities must be in"):
            cross_entropy(a, y)
    else:
        L = cross_entropy(a, y)
        assert L.op is not CrossEntropyAt
        assert np.isclose(L.item(), 0.5 * (-np.log(max(bad, 1e-12)) - np.log(0.5)))
