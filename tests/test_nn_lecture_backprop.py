"""The slides' hand-written backprop equals autograd's gradients, in both views."""

import numpy as np
import pytest

import stepgrad.nn as nn

ACTS = ["identity", "sign", "sigmoid", "tanh", "relu", "hardtanh"]
rng = np.random.default_rng(11)
X, Y = rng.normal(size=6), rng.uniform(size=2)


@pytest.mark.parametrize("hidden", ACTS)
@pytest.mark.parametrize("output", ACTS)
def test_slides_gradients_equal_autograd_in_both_views(hidden, output):
    model = nn.MLP([6, 9, 2], hidden=hidden, output=output, init="glorot", seed=5)
    w1, w2 = (p.data.copy() for p in model.parameters())
    r = nn.lecture_backprop(w1, w2, X, Y, hidden, output)

    model.zero_grad()
    L = nn.half_sse(model(list(X)), list(Y))            # the scalar view
    L.backward()
    assert abs(L.data - r.loss) < 1e-12
    np.testing.assert_allclose(model.parameters()[0].grad, r.grad_w1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.parameters()[1].grad, r.grad_w2, rtol=0, atol=1e-12)

    model.zero_grad()
    L = nn.half_sse(model(X[None, :]), Y[None, :])     # the Tensor view
    L.backward()
    assert abs(L.item() - r.loss) < 1e-12
    np.testing.assert_allclose(model.parameters()[0].grad, r.grad_w1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.parameters()[1].grad, r.grad_w2, rtol=0, atol=1e-12)


def test_output_error_is_a_minus_y_and_the_layout_is_the_lectures():
    model = nn.MLP([6, 9, 2], seed=0)
    w1, w2 = (p.data for p in model.parameters())
    r = nn.lecture_backprop(w1, w2, X, Y, "tanh", "sigmoid")
    np.testing.assert_array_equal(r.eps_m, r.a - Y)
    assert r.grad_w1.shape == (7, 9) and r.grad_w2.shape == (10, 2)
    assert r.x[0] == 1.0 and r.alpha[0] == 1.0              # x₀ = α₀ = 1
    np.testing.assert_allclose(r.grad_w1[0], r.eps_h * nn.tanh.derivative(r.u))   # bias: x₀ = 1


def test_the_slides_sgd_step_lowers_the_loss():
    model = nn.MLP([6, 9, 2], seed=0)
    w1, w2 = (p.data for p in model.parameters())
    losses = []
    for _ in range(20):
        w1, w2, L = nn.lecture_sgd_step(w1, w2, X, Y, mu=0.5, hidden="tanh", output="sigmoid")
        losses.append(L)
    assert losses[-1] < 0.5 * losses[0]


def test_shapes_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match="do not fit F = 6, H = 9, M = 2"):
        nn.lecture_backprop(np.zeros((7, 9)), np.zeros((10, 2)), np.zeros(5), np.zeros(2))
