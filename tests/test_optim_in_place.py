"""A Tensor's update is written in place (optim/rules_in_place.py, issue 20): the same
numbers as the pure rule of optim/rules.py, bit for bit, without a new parameter array."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.autograd import Tensor
from stepgrad.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp, rules
from stepgrad.optim.optimizer import OPTIMIZERS

SETTINGS = [
    (SGD, {"lr": 0.1}),
    (SGD, {"lr": 0.1, "weight_decay": 0.01}),
    (Momentum, {"lr": 0.05, "momentum": 0.9}),
    (Momentum, {"lr": 0.05, "momentum": 0.5, "weight_decay": 0.1}),
    (Nesterov, {"lr": 0.05, "momentum": 0.9}),
    (Nesterov, {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.1}),
    (AdaGrad, {"lr": 0.1}),
    (AdaGrad, {"lr": 0.1, "eps": 0.0}),
    (RMSProp, {"lr": 0.01, "beta": 0.9}),
    (RMSProp, {"lr": 0.01, "eps": 0.0, "weight_decay": 0.1}),
    (Adam, {"lr": 1e-3}),
    (Adam, {"lr": 1e-2, "betas": (0.8, 0.99), "eps": 0.0, "weight_decay": 0.05}),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("cls, hyper", SETTINGS, ids=lambda s: getattr(s, "__name__", str(s)))
def test_the_in_place_step_equals_the_pure_rule_bit_for_bit(cls, hyper, dtype):
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=(5, 4)).astype(dtype)
    W = Tensor(theta0, dtype=dtype)
    data = W.data
    opt = cls([W], **hyper)
    assert opt.rule_in_place is not None
    theta, state = theta0.copy(), opt.State(*[0 if f == "step" else np.zeros_like(theta0)
                                              for f in opt.State._fields])
    for k in range(6):
        g = rng.normal(size=theta0.shape).astype(dtype)
        if k == 2:
            g[1] = 0.0  # a zero gradient (ε = 0 divides by √v = 0 there at first)
        W.grad = g.copy()
        opt.step()
        theta, state = cls.rule(theta, g, state, **hyper)
        assert W.data is data and W.data.dtype == dtype  # written in place
        assert np.array_equal(W.data, theta), f"step {k}"
        for f, a, b in zip(state._fields, opt.state[0], state):
            assert np.array_equal(a, b), f"{f} at step {k}"
        assert np.array_equal(W.grad, g)  # the gradient is only read


def test_each_of_the_six_rules_has_its_in_place_form():
    for name in ("SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"):
        cls = OPTIMIZERS[name]
        assert cls.rule_in_place is not None, name
        assert cls.rule_in_place.__name__ == cls.rule.__name__ + "_", name


def test_a_subclass_with_a_rule_of_its_own_runs_that_rule_not_an_inherited_in_place_form():
    def halve(theta, g, state, lr, weight_decay=0.0):
        return theta * 0.5, state

    class Halving(SGD):
        rule = staticmethod(halve)

    W = Tensor([[2.0, 4.0]])
    W.grad = np.ones((1, 2))
    Halving([W], lr=0.1).step()
    assert W.data.tolist() == [[1.0, 2.0]]


def test_state_arrays_that_share_memory_take_the_pure_rule_and_stay_right():
    W = Tensor(np.ones((3, 2)))
    opt = Adam([W], lr=0.1)
    shared = np.zeros((3, 2))
    opt.state[0] = rules.AdamState(0, shared, shared)  # one array for v and s
    W.grad = np.full((3, 2), 2.0)
    opt.step()
    theta, _ = rules.adam(np.ones((3, 2)), np.full((3, 2), 2.0),
                          rules.AdamState(0, np.zeros((3, 2)), np.zeros((3, 2))), lr=0.1)
    assert np.array_equal(W.data, theta)
    assert opt.state[0].first_moment is not opt.state[0].second_moment


def test_an_optimizers_fresh_state_has_one_array_per_field():
    opt = Adam([Tensor(np.ones((2, 2)))])
    s = opt.state[0]
    assert s.first_moment is not s.second_moment
    opt.load_state_dict(opt.state_dict())
    s = opt.state[0]
    assert not np.may_share_memory(s.first_moment, s.second_moment)


def _pure_after(W0, grads, hyper):
    """θ after Adam's pure rule takes ``grads`` from θ = W0."""
    theta, state = W0.copy(), rules.AdamState(0, np.zeros_like(W0), np.zeros_like(W0))
    for g in grads:
        theta, state = rules.adam(theta, g, state, **hyper)
    return theta


@pytest.mark.parametrize("alias", ["first_moment", "theta", "theta_view", "second_moment_view"])
def test_a_gradient_that_shares_memory_after_the_checks_takes_the_pure_rule(alias):
    # θ and the state are checked once; a new g is checked at every step, also when it
    # is θ itself or a view of the state (the in-place rule would read what it wrote)
    rng = np.random.default_rng(1)
    W0 = rng.normal(size=(4, 3))
    W = Tensor(W0.copy())
    opt = Adam([W], lr=0.1)
    grads = [rng.normal(size=(4, 3)) for _ in range(2)]
    for g in grads:
        W.grad = g.copy()
        opt.step()
    s = opt.state[0]
    shared = {"first_moment": s.first_moment, "theta": W.data, "theta_view": W.data[:, :],
              "second_moment_view": s.second_moment.reshape(3, 4).reshape(4, 3)}[alias]
    g3 = shared.copy()
    W.grad = shared
    opt.step()
    expected = _pure_after(W0, grads + [g3], {"lr": 0.1})
    assert np.array_equal(W.data, expected)


def test_a_new_theta_or_state_record_is_checked_again():
    rng = np.random.default_rng(2)
    W0 = rng.normal(size=(3, 2))
    W = Tensor(W0.copy())
    opt = Adam([W], lr=0.1)
    g1, g2, g3 = (rng.normal(size=(3, 2)) for _ in range(3))
    W.grad = g1
    opt.step()
    W.data = W.data.copy()  # a new θ: the rule must write this one
    W.grad = g2
    opt.step()
    s = opt.state[0]
    both = s.second_moment.copy()
    opt.state[0] = rules.AdamState(s.step, both, both)  # a new record, v and s one array
    W.grad = g3
    opt.step()
    theta, state = W0.copy(), rules.AdamState(0, np.zeros((3, 2)), np.zeros((3, 2)))
    for g in (g1, g2):
        theta, state = rules.adam(theta, g, state, lr=0.1)
    theta, _ = rules.adam(theta, g3, rules.AdamState(state.step, state.second_moment,
                                                      state.second_moment), lr=0.1)
    assert np.array_equal(W.data, theta)
    assert opt.state[0].first_moment is not opt.state[0].second_moment


def test_a_theta_that_is_a_view_of_the_gradients_array_takes_the_pure_rule():
    # θ owns no memory here, so the optimizer's once-per-θ shortcut (identity tests, for
    # arrays that own theirs) does not apply: a gradient whose array θ is a view of is
    # caught by numpy's memory test, and the pure rule runs
    rng = np.random.default_rng(3)
    W0 = rng.normal(size=(4, 3))
    W = Tensor(W0.copy())
    opt = Adam([W], lr=0.1)
    g1 = rng.normal(size=(4, 3))
    W.grad = g1.copy()
    opt.step()
    buf = W.data.copy()
    W.data = buf[...]  # θ: a view of buf
    g2 = buf.copy()
    W.grad = buf  # g: buf itself, which owns the memory θ is written into
    opt.step()
    assert np.array_equal(W.data, _pure_after(W0, [g1, g2], {"lr": 0.1}))
