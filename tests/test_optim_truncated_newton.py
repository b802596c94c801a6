"""Conjugate gradient with Hessian-vector products from autograd: on the lecture's
½‖Ax − b‖² it is linear CG (at most n steps to the minimum); on a network's loss its
H·v matches finite differences of the gradient, and truncated Newton steps train the
2-8-2 network on the moons in fewer steps than gradient descent."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.autograd import Tensor, hvp
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import SGD, linear_cg
from stepgrad.optim.truncated_newton import cg_solve, curvature, hessian_free


def quadratic(seed, m, n):
    """The lecture's f(x) = ½‖Ax − b‖² on a Tensor x (at 0), with A, b and x*."""
    rng = np.random.default_rng(seed)
    A, b = rng.normal(size=(m, n)), rng.normal(size=m)
    x = Tensor(np.zeros(n))
    A_t = Tensor(A, requires_grad=False)
    return (lambda: 0.5 * ((A_t @ x - b) ** 2).sum()), x, A, b, np.linalg.lstsq(A, b, rcond=None)[0]


def test_on_the_quadratic_h_v_is_a_transpose_a_v_and_g_is_a_transpose_residual():
    f, x, A, b, _ = quadratic(0, 12, 6)
    x.data[...] = np.arange(6.0)
    L, g, matvec = curvature(f, [x])
    np.testing.assert_allclose(g, A.T @ (A @ x.data - b), rtol=1e-13, atol=1e-13)
    assert L == pytest.approx(0.5 * np.sum((A @ x.data - b) ** 2), rel=1e-14)
    for v in np.random.default_rng(1).normal(size=(3, 6)):
        np.testing.assert_allclose(matvec(v), A.T @ A @ v, rtol=1e-12, atol=1e-12)


def test_cg_on_hessian_vector_products_takes_the_steps_of_linear_cg():
    """From x₀ = 0, CG on H p = −g is CG on AᵀA x = Aᵀb: the same iterates as CGLS."""
    f, x, A, b, x_star = quadratic(3, 12, 6)
    _, g, matvec = curvature(f, [x])
    for k in range(1, 7):
        p = cg_solve(matvec, -g, max_steps=k).p
        np.testing.assert_allclose(p, linear_cg(A, b, tol=0.0, max_steps=k).x, rtol=0, atol=1e-10)
    np.testing.assert_allclose(cg_solve(matvec, -g).p, x_star, rtol=0, atol=1e-10)


@pytest.mark.parametrize("seed", range(3))
def test_hvp_cg_reaches_1e_8_on_a_50_dimensional_quadratic_in_at_most_50_steps(seed):
    f, x, A, b, x_star = quadratic(seed, 80, 50)
    _, g, matvec = curvature(f, [x])
    s = cg_solve(matvec, -g, tol=1e-8 * np.linalg.norm(g))
    assert s.steps <= 50 and not s.negative_curvature
    assert np.linalg.norm(A.T @ (A @ s.p - b)) <= 1e-8 * np.linalg.norm(g) * (1 + 1e-6)
    assert np.linalg.norm(s.p - x_star) <= 1e-7 * np.linalg.norm(x_star)
    assert abs(s.steps - linear_cg(A, b, tol=1e-8).steps) <= 2   # rounding may move it a step
    np.testing.assert_allclose(s.Hp, A.T @ A @ s.p, rtol=0, atol=1e-9 * np.linalg.norm(g))


def test_hessian_free_with_no_damping_is_newtons_step_one_step_to_the_minimum():
    f, x, A, b, x_star = quadratic(4, 80, 50)
    r = hessian_free(f, [x], damping=0.0, forcing=1e-10, tol=1e-8 * np.linalg.norm(A.T @ b))
    assert r.steps == 1 and r.hvps[-1] <= 50 and r.refused == 0
    np.testing.assert_allclose(x.data, x_star, rtol=0, atol=1e-8 * np.linalg.norm(x_star))
    assert r.gradients == [1, 2] and r.losses_only == [0, 1]


def test_cg_stops_at_negative_curvature_and_keeps_a_downhill_step():
    """H = diag(1, −1), b = (2, 1): the first direction has dᵀHd = 3 > 0, the second
    (20/9, 40/9) has dᵀHd = −400/27 < 0; the step of the first is kept."""
    H = np.diag([1.0, -1.0])
    s = cg_solve(lambda v: H @ v, np.array([2.0, 1.0]))
    assert s.negative_curvature and s.steps == 1
    np.testing.assert_allclose(s.p, [10 / 3, 5 / 3], rtol=1e-15)
    assert -np.array([2.0, 1.0]) @ s.p < 0                       # g = −b: gᵀp < 0, downhill
    first = cg_solve(lambda v: H @ v, np.array([1.0, 1.0]))       # dᵀHd = 0 at once
    assert first.negative_curvature and first.steps == 0 and not first.p.any()


def test_hessian_free_leaves_a_saddle_where_the_hessian_is_indefinite():
    """L = x² − y² + y⁴ from (1, 0.1): H = diag(2, −1.88) there; the minima are at
    y = ±1/√2, L = −¼. The damping grows until H + ζI is positive along the step."""
    xy = Tensor(np.array([1.0, 0.1]))
    c, e = np.array([1.0, -1.0]), np.array([0.0, 1.0])
    r = hessian_free(lambda: (c * xy ** 2 + e * xy ** 4).sum(), [xy], steps=100, tol=1e-10)
    assert r.losses[-1] == pytest.approx(-0.25, abs=1e-12)
    np.testing.assert_allclose(np.abs(xy.data), [0.0, 0.5 ** 0.5], atol=1e-6)
    assert np.all(np.diff(r.losses) < 0)


def moons_problem():
    X, y = moons(100, noise=0.15, seed=0)
    return X, one_hot(y)


def moons_net():
    return MLP([2, 8, 2], hidden="tanh", output="sigmoid", init="glorot", seed=0)


def test_the_networks_hessian_vector_product_matches_central_differences_of_the_gradient():
    """H·v ≈ (g(θ + εv) − g(θ − εv)) / 2ε, float64, ε = 1e-5, on the 2-8-2 net's ½SSE."""
    X, Y = moons_problem()
    net = moons_net()
    params = net.parameters()

    def f():
        return half_sse(net(X), Y)

    theta = np.concatenate([p.data.ravel() for p in params])
    cuts = np.cumsum([p.data.size for p in params])[:-1]

    def set_theta(t):
        for p, part in zip(params, np.split(t, cuts)):
            p.data[...] = part.reshape(p.data.shape)

    def gradient(t):
        set_theta(t)
        return curvature(f, params)[1]

    rng, eps = np.random.default_rng(0), 1e-5
    for _ in range(3):
        v = rng.normal(size=theta.size)
        fd = (gradient(theta + eps * v) - gradient(theta - eps * v)) / (2 * eps)
        set_theta(theta)
        Hv = curvature(f, params)[2](v)
        assert np.linalg.norm(Hv - fd) <= 1e-7 * np.linalg.norm(Hv)
        vs = [part.reshape(p.data.shape) for p, part in zip(params, np.split(v, cuts))]
        by_hvp = np.concatenate([h.ravel() for h in hvp(f, params, vs)])   # the engine's hvp
        np.testing.assert_allclose(Hv, by_hvp, rtol=1e-12, atol=1e-14)


def gd_steps_to(target, X, Y, lr, most=1000):
    net = moons_net()
    opt = SGD(net.parameters(), lr=lr)
    for step in range(most):
        opt.zero_grad()
        L = half_sse(net(X), Y)
        if L.item() <= target:
            return step
        L.backward()
        opt.step()
    return most


def test_hessian_free_trains_the_network_in_fewer_steps_than_gradient_descent():
    X, Y = moons_problem()
    net = moons_net()
    r = hessian_free(lambda: half_sse(net(X), Y), net.parameters(), steps=60)
    assert np.all(np.diff(r.losses) < 0)                          # every accepted step goes down
    assert half_sse(net(X), Y).item() == pytest.approx(r.losses[-1], rel=1e-12)
    assert r.losses[-1] < 1e-6
    hf_steps = next(k for k, L in enumerate(r.losses) if L <= 0.01)
    gd = {lr: gd_steps_to(0.01, X, Y, lr) for lr in (8.0, 32.0)}
    assert 2 * hf_steps < gd[32.0] and 10 * hf_steps < gd[8.0]  # 19 steps; 55 and 238
    # the work: one gradient per accepted step, one forward pass per step tried, and
    # the CG steps (one H·v each, at most n = 42 per step)
    assert r.gradients[hf_steps] == hf_steps + 1
    assert hf_steps <= r.losses_only[hf_steps] <= hf_steps + r.refused
    assert hf_steps < r.hvps[hf_steps] <= 42 * r.losses_only[hf_steps]


def test_hessian_free_refuses_what_is_not_a_tensor_or_a_damping():
    with pytest.raises(TypeError, match="expected a Tensor"):
        hessian_free(lambda: None, [1.0])
    with pytest.raises(ValueError, match="damping ζ must be a number ≥ 0"):
        hessian_free(lambda: None, [Tensor(np.zeros(2))], damping=-1.0)
    with pytest.raises(ValueError, match="damping ζ must be a number ≥ 0"):
        cg_solve(lambda v: v, np.ones(2), damping=float("nan"))
