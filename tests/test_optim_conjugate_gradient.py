"""Conjugate gradient: linear CG ends in at most n steps on ½‖Ax − b‖²; Polak–Ribière
with a line search trains a network in fewer steps than gradient descent."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.autograd import Tensor
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import SGD
from stepgrad.optim.conjugate_gradient import backtracking_line_search, linear_cg, polak_ribiere


def least_squares(seed, m=80, n=50):
    rng = np.random.default_rng(seed)
    A, b = rng.normal(size=(m, n)), rng.normal(size=m)
    return A, b, np.linalg.lstsq(A, b, rcond=None)[0]


@pytest.mark.parametrize("seed", range(5))
def test_linear_cg_reaches_1e_8_on_a_50_dimensional_quadratic_in_at_most_50_steps(seed):
    A, b, x_star = least_squares(seed)
    r = linear_cg(A, b, tol=1e-8)
    assert r.steps <= 50
    assert r.grad_norms[-1] <= 1e-8 * r.grad_norms[0]             # ‖∇f‖ down by 1e-8
    assert np.linalg.norm(A.T @ (A @ r.x - b)) == pytest.approx(r.grad_norms[-1], rel=1e-6)
    assert np.linalg.norm(r.x - x_star) <= 1e-7 * np.linalg.norm(x_star)
    assert np.all(np.diff(r.losses) <= 1e-12)                     # f never rises


def test_gradient_descent_needs_many_more_steps_than_cg_on_the_same_bowl():
    A, b, _ = least_squares(0)
    r = linear_cg(A, b, tol=1e-8)
    x, mu = np.zeros(50), 1.0 / np.linalg.norm(A, 2) ** 2       # μ = 1/ν_max
    gd_steps = 0
    while np.linalg.norm(A.T @ (A @ x - b)) > 1e-8 * r.grad_norms[0] and gd_steps < 5000:
        x -= mu * (A.T @ (A @ x - b))
        gd_steps += 1
    assert gd_steps > 10 * r.steps


def test_linear_cg_ends_in_n_steps_on_a_small_well_conditioned_problem():
    rng = np.random.default_rng(1)
    A, b = rng.normal(size=(6, 3)), rng.normal(size=6)
    r = linear_cg(A, b, tol=0.0)
    assert r.steps == 3
    np.testing.assert_allclose(r.x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=0, atol=1e-12)


def test_linear_cg_refuses_shapes_that_do_not_fit():
    with pytest.raises(ValueError, match=r"A must be a matrix \(m, n\) and b a vector of m"):
        linear_cg(np.ones((4, 2)), np.ones(3))
    with pytest.raises(ValueError, match="x0 must have 2 numbers"):
        linear_cg(np.ones((4, 2)), np.ones(4), x0=np.ones(3))


def test_the_line_search_gives_enough_decrease_and_refuses_an_uphill_direction():
    def phi(eta):                      # f(θ + η d) for f = (θ − 3)², θ = 0, d = 1
        return (eta - 3.0) ** 2
    for guess in (1e-3, 1.0, 10.0, 100.0):
        eta, value, tries = backtracking_line_search(phi, 9.0, -6.0, guess)
        assert value == phi(eta) and value <= 9.0 - 1e-4 * eta * 6.0
        assert value < 9.0 and tries >= 1
    with pytest.raises(ValueError, match="d must point downhill"):
        backtracking_line_search(phi, 9.0, 6.0, 1.0)


def test_polak_ribiere_solves_least_squares_written_with_tensors():
    A, b, x_star = least_squares(2, m=30, n=10)
    x = Tensor(np.zeros(10))
    r = polak_ribiere(lambda: 0.5 * ((Tensor(A, requires_grad=False) @ x - b) ** 2).sum(), [x],
                      steps=200, tol=1e-6)
    np.testing.assert_allclose(x.data, x_star, rtol=0, atol=1e-6)
    assert r.grad_norms[-1] <= 1e-6 and np.all(np.diff(r.losses) < 0)
    assert r.steps < 60


def gd_steps_to(target, X, Y, lr, most=1000):
    model = MLP([2, 8, 2], hidden="tanh", output="sigmoid", init="glorot", seed=0)
    opt = SGD(model.parameters(), lr=lr)
    for step in range(most):
        opt.zero_grad()
        L = half_sse(model(X), Y)
        if L.item() <= target:
            return step
        L.backward()
        opt.step()
    return most


def test_polak_ribiere_trains_a_network_in_fewer_steps_than_gradient_descent():
    """Fewer steps than gradient descent at every μ tried; in evaluations of f and ∇f
    (about 3 per step) fewer than at μ = 8, and about as many as at a tuned μ = 32."""
    X, y = moons(100, noise=0.15, seed=0)
    Y = one_hot(y)
    model = MLP([2, 8, 2], hidden="tanh", output="sigmoid", init="glorot", seed=0)
    r = polak_ribiere(lambda: half_sse(model(X), Y), model.parameters(), steps=40)
    assert np.all(np.diff(r.losses) < 0)                          # every step goes down
    assert half_sse(model(X), Y).item() == pytest.approx(r.losses[-1], rel=1e-12)
    assert r.evaluations[0] == 1 and np.all(np.diff(r.evaluations) >= 1)
    cg_steps = next(k for k, L in enumerate(r.losses) if L <= 0.01)
    gd = {lr: gd_steps_to(0.01, X, Y, lr) for lr in (8.0, 32.0)}
    assert 2 * cg_steps < min(gd.values())
    assert r.evaluations[cg_steps] < gd[8.0]
    assert r.evaluations[cg_steps] < 2 * gd[32.0]


def test_polak_ribiere_takes_tensors():
    with pytest.raises(TypeError, match="expected a Tensor"):
        polak_ribiere(lambda: None, [1.0])
