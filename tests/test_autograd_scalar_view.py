"""A Tensor's entries as leaf Values: the scalar view draws what the lecture draws.

``W.scalars()`` gives each weight w_fh as a leaf of the graph (no bridge node,
no bridge step), and what backward finds for those leaves is in ``W.grad``:
accumulated as for W itself, never lost when scalars() is called again.
"""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value, dot, toposort

W0 = np.array([[0.5, -1.0, 0.25], [2.0, 0.75, -0.5]])


def neuron_loss(w, x=(0.3, -1.2)):
    """L = ½·Σ_h tanh(w_0h + Σ_f w_fh·x_f)² on the leaves of a (F+1, H) weight array."""
    F = w.shape[0] - 1
    a = [dot(list(w[1:, h]), list(x[:F]), bias=w[0, h]).tanh() for h in range(w.shape[1])]
    return sum((ah * ah for ah in a), Value(0.0)) * 0.5


def tensor_loss(W, x=(0.3, -1.2)):
    """The same L in the Tensor view."""
    X = Tensor(np.array([x[: W.shape[0] - 1]]), requires_grad=False)
    a = (X @ W[1:] + W[0]).tanh()
    return (a * a).sum() * 0.5


def test_each_entry_is_a_leaf_value_holding_the_data():
    w = Tensor(W0).scalars()
    assert w.shape == W0.shape and w.dtype == object
    assert all(type(v) is Value and v.is_leaf and v.parents == () for v in w.flat)
    assert [v.data for v in w.flat] == W0.ravel().tolist()


def test_gradients_land_in_the_tensor_with_no_bridge_step():
    W = Tensor(W0)
    L = neuron_loss(W.scalars())
    steps = []
    L.backward(observer=steps.append)
    assert [s.node for s in steps] == list(reversed(toposort(L, leaves=False)))
    assert {s.node.op.name for s in steps} == {"mul", "add", "tanh", "dot"}  # no bridge op
    assert all(s.node.parents for s in steps)
    T = Tensor(W0)
    tensor_loss(T).backward()
    np.testing.assert_allclose(W.grad, T.grad, rtol=1e-14, atol=1e-16)


def test_backward_twice_accumulates_exactly_as_for_a_tensor_leaf():
    W, T = Tensor(W0), Tensor(W0)
    L, LT = neuron_loss(W.scalars()), tensor_loss(T)
    L.backward()
    once = W.grad.copy()
    L.backward()
    LT.backward()
    LT.backward()
    np.testing.assert_array_equal(W.grad, 2 * once)
    np.testing.assert_allclose(W.grad, T.grad, rtol=1e-14, atol=1e-16)


def test_calling_scalars_again_loses_nothing():
    W = Tensor(W0)
    first = W.scalars()
    L1 = neuron_loss(first)
    second = W.scalars()  # the same leaves, so a graph over both sees one weight
    assert all(a is b for a, b in zip(first.flat, second.flat))
    L2 = neuron_loss(second, x=(1.0, 0.5))
    L1.backward()
    L2.backward()
    T = Tensor(W0)
    tensor_loss(T).backward()
    tensor_loss(T, x=(1.0, 0.5)).backward()
    np.testing.assert_allclose(W.grad, T.grad, rtol=1e-14, atol=1e-16)


def test_the_leaves_follow_the_data_and_zero_grad_zeroes_both():
    W = Tensor(W0)
    neuron_loss(W.scalars()).backward()
    W.data -= 0.1 * W.grad  # a gradient step, in place
    w = W.scalars()
    assert [v.data for v in w.flat] == W.data.ravel().tolist()
    W.zero_grad()
    assert not W.grad.any() and all(v.grad == 0.0 for v in w.flat)
    neuron_loss(w).backward()
    T = Tensor(W.data)
    tensor_loss(T).backward()
    np.testing.assert_allclose(W.grad, T.grad, rtol=1e-14, atol=1e-16)


def test_setting_grad_by_hand_keeps_what_the_leaves_sent_before():
    W = Tensor(W0)
    neuron_loss(W.scalars()).backward()
    W.grad = np.zeros_like(W0)  # by hand: the leaves' earlier gradients are not sent again
    assert not W.grad.any()
    neuron_loss(W.scalars()).backward()
    T = Tensor(W0)
    tensor_loss(T).backward()
    np.testing.assert_allclose(W.grad, T.grad, rtol=1e-14, atol=1e-16)


def test_float32_weights_keep_their_dtype():
    W = Tensor(W0, dtype="float32")
    neuron_loss(W.scalars()).backward()
    assert W.grad.dtype == np.float32 and W.grad.any()


def test_scalars_of_a_computed_tensor_says_to_index_the_leafs_scalars():
    W = Tensor(W0)
    with pytest.raises(ValueError, match=r"W.scalars\(\)\[1:\]"):
        W[1:].scalars()
    assert W.scalars()[1:].shape == (1, 3)


def test_reading_grad_is_a_plain_read_the_leaves_send_home_when_backward_ends():
    W = Tensor(W0)
    w = W.scalars()
    neuron_loss(w).backward()
    first = W.grad
    assert W.grad is first and first.any()  # reading twice: the same array, unchanged
    w.flat[0].grad += 1.0                   # a leaf changed by hand, not by backward:
    assert W.grad is first                  # nothing is gathered on read
    before = first.copy()
    neuron_loss(w).backward()               # the next backward sends both home
    assert W.grad[0, 0] == pytest.approx(2 * before[0, 0] + 1.0)
