"""The update-rule slides' printed forms, run as printed, against the rules they
are (docs/lecture-slips.md): Momentum and NAG without decay, RMSProp's sign
step at β = 0, Adam's extra g, and the gradient-descent box."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stepgrad.autograd import Value
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD, Adam, Momentum, Nesterov, RMSProp, fit


def grad_f(theta):
    """∇f of f(θ) = (θ − 1)² + sin 3θ, a non-quadratic bowl."""
    return 2.0 * (theta - 1.0) + 3.0 * math.cos(3.0 * theta)


def run_rule(cls, theta0, steps, **kw):
    w = Value(theta0)
    opt = cls([w], **kw)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        w.grad = grad_f(w.data)
        opt.step()
        out.append(w.data)
    return out


MU, EPS, THETA0 = 0.05, 0.3, -0.4


def test_the_momentum_slide_is_momentum_with_gamma_1_and_lr_mu_times_eps():
    # printed: v_t = v_{t−1} + ε·g,  θ_{t+1} = θ_t − μ·v_t
    theta, v, printed = THETA0, 0.0, []
    for _ in range(25):
        v = v + EPS * grad_f(theta)
        theta = theta - MU * v
        printed.append(theta)
    ours = run_rule(Momentum, THETA0, 25, lr=MU * EPS, momentum=1.0)
    np.testing.assert_allclose(ours, printed, rtol=1e-12, atol=1e-12)
    decayed = run_rule(Momentum, THETA0, 25, lr=MU * EPS, momentum=0.9)
    assert abs(decayed[-1] - printed[-1]) > 1e-3        # the usual γ = 0.9 is another rule


def printed_run(velocity_step, steps=25):
    """The slide's recurrences with its printed indices: θ_{t+1} = θ_t − μ·v_t, t ≥ 0.

    θ_0 is the start and v_0 = 0, so θ_1 = θ_0 − μ·v_0 = θ_0; each v_t, t ≥ 1, comes
    from ``velocity_step(theta, v, t)``. Returns θ_2 … θ_{steps+1}.
    """
    theta, v = [THETA0, THETA0], [0.0]
    for t in range(1, steps + 1):
        v.append(velocity_step(theta, v, t))
        theta.append(theta[t] - MU * v[t])
    return theta[2:]


def test_as_printed_the_nag_slide_is_momentum_and_its_classical_momentum_is_stale():
    """θ_{t+1} = θ_t − μ·v_t makes θ_{t−1} − μ·v_{t−1} = θ_t: the printed NAG takes the
    gradient at the current point, no look-ahead (Momentum, γ = 1, μ·ε); the printed
    classical momentum takes it at θ_{t−1}, one step old."""
    nag = printed_run(lambda th, v, t: v[t - 1] + EPS * grad_f(th[t - 1] - MU * v[t - 1]))
    classical = printed_run(lambda th, v, t: v[t - 1] + EPS * grad_f(th[t - 1]))
    momentum = run_rule(Momentum, THETA0, 25, lr=MU * EPS, momentum=1.0)
    nesterov = run_rule(Nesterov, THETA0, 25, lr=MU * EPS, momentum=1.0)
    np.testing.assert_allclose(nag, momentum, rtol=1e-12, atol=1e-12)
    assert abs(nag[-1] - nesterov[-1]) > 1e-2            # not Nesterov's look-ahead
    assert abs(classical[-1] - momentum[-1]) > 1e-2      # the stale gradient is another rule
    stale, theta, prev, v = [], THETA0, THETA0, 0.0      # momentum on ∇f one step old
    for _ in range(25):
        v += EPS * grad_f(prev)
        prev, theta = theta, theta - MU * v
        stale.append(theta)
    np.testing.assert_allclose(classical, stale, rtol=1e-12, atol=1e-12)


def test_the_nag_slide_is_nesterov_with_gamma_1_at_the_look_ahead_point():
    # read with the jump as θ_t = θ_{t−1} − μ·v_t (Sutskever et al.'s indices; the slide
    # prints θ_{t+1} = θ_t − μ·v_t, see the test above):
    # v_t = v_{t−1} + ε·∇f(θ_{t−1} − μ·v_{t−1}),  θ_t = θ_{t−1} − μ·v_t
    theta, v, look_ahead = THETA0, 0.0, []
    for _ in range(25):
        v = v + EPS * grad_f(theta - MU * v)
        theta = theta - MU * v
        look_ahead.append(theta - MU * v)               # where the next gradient is taken
    ours = run_rule(Nesterov, THETA0, 25, lr=MU * EPS, momentum=1.0)
    np.testing.assert_allclose(ours, look_ahead, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("g", [3.7, -0.02, 1e-6, -250.0])
def test_rmsprop_steps_by_exactly_mu_sign_g_at_beta_0(g):
    for theta in (0.0, 1.5):
        w = Value(theta)
        w.grad = g
        RMSProp([w], lr=MU, beta=0.0, eps=0.0).step()
        assert w.data == theta - MU * math.copysign(1.0, g)


def test_rmsprop_near_beta_1_does_not_step_by_mu_sign_g():
    w = Value(0.0)
    w.grad = 2.0
    RMSProp([w], lr=MU, beta=0.99, eps=0.0).step()
    assert w.data == pytest.approx(-MU / math.sqrt(1 - 0.99))   # 10·μ, not μ
    steps = np.diff([0.0] + run_rule(RMSProp, 0.0, 40, lr=MU, beta=0.99, eps=0.0))
    assert not np.allclose(np.abs(steps), MU, rtol=0.05)


@pytest.mark.parametrize("g", [0.5, -0.5, 40.0, -40.0])
def test_adams_printed_extra_g_moves_by_mu_times_abs_g_downhill_or_not(g):
    b1, b2 = 0.9, 0.999
    v, s = (1 - b1) * g, (1 - b2) * g * g                # first step, t = 1
    v_hat, s_hat = v / (1 - b1), s / (1 - b2)
    printed = 0.0 - MU * v_hat / (math.sqrt(s_hat) + 1e-8) * g
    assert printed == pytest.approx(-MU * abs(g))       # lowers θ even when g < 0
    w = Value(0.0)
    w.grad = g
    Adam([w], lr=MU).step()
    assert w.data == pytest.approx(-MU * math.copysign(1.0, g))   # Adam: about μ, downhill


def test_the_gradient_descent_box_is_one_step_per_epoch_with_the_mean_gradient():
    """The slides print the GD box as the SGD box ("select xᵢ"); the formulas under
    it are the mean gradient (1/N)·Σₙ ∂Lₙ/∂w: batch_size=None."""
    X, Y = lecture_data(12)
    model = MLP([6, 4, 2], seed=0)
    ref = MLP([6, 4, 2], seed=0)
    h = fit(model, X, Y, optimizer=SGD(model.parameters(), lr=0.5), batch_size=None,
            epochs=1, tol=None, progress=False)
    assert h.steps == 1
    mean_grad = [np.zeros_like(p.data) for p in ref.parameters()]
    for n in range(len(X)):
        ref.zero_grad()
        half_sse(ref(list(X[n])), list(Y[n])).backward()        # ∂Lₙ/∂w, one sample
        for acc, p in zip(mean_grad, ref.parameters()):
            acc += p.grad / len(X)
    for p, q, g in zip(model.parameters(), ref.parameters(), mean_grad):
        np.testing.assert_allclose(p.data, q.data - 0.5 * g, rtol=0, atol=1e-14)
