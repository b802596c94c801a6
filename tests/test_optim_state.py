"""Optimizer state_dict/load_state_dict and the learning-rate schedules."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value
from stepgrad.optim import (
    SGD,
    AdaGrad,
    Adam,
    ExponentialDecay,
    Momentum,
    Nesterov,
    RMSProp,
    StepDecay,
    exponential_decay,
    step_decay,
)

ALL = [SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam]


def _params():
    return [Tensor([[0.5, -1.0], [2.0, 0.1]]), Value(-0.7)]


def _steps(opt, n):
    for _ in range(n):
        for p in opt.params:
            p.grad = 2.0 * p.data + np.sin(p.data) if not p.is_scalar else 2.0 * p.data + 1.0
        opt.step()


@pytest.mark.parametrize("cls", ALL)
def test_state_dict_round_trip_resumes_the_same_trajectory(cls):
    a = cls(_params(), lr=0.05)
    _steps(a, 5)
    saved = a.state_dict()
    b = cls([Tensor(a.params[0].data), Value(a.params[1].data)], lr=0.9)
    b.load_state_dict(saved)
    assert b.lr == 0.05
    _steps(a, 5)
    _steps(b, 5)
    np.testing.assert_array_equal(a.params[0].data, b.params[0].data)
    assert a.params[1].data == b.params[1].data


def test_state_dict_is_a_copy():
    opt = Momentum(_params(), lr=0.1)
    _steps(opt, 2)
    saved = opt.state_dict()
    before = saved["state"][0]["velocity"].copy()
    _steps(opt, 2)
    np.testing.assert_array_equal(saved["state"][0]["velocity"], before)
    assert saved["optimizer"] == "Momentum"
    assert saved["hyper"] == {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.0}


def test_load_state_dict_rejects_a_mismatch():
    adam = Adam(_params())
    _steps(adam, 1)
    with pytest.raises(ValueError, match="state_dict is for 'Adam', this optimizer is SGD"):
        SGD(_params()).load_state_dict(adam.state_dict())
    with pytest.raises(ValueError, match="state for 2 parameters, this optimizer has 1"):
        Adam([Tensor([1.0])]).load_state_dict(adam.state_dict())
    with pytest.raises(ValueError, match=r"shape \(2, 2\), parameter 0 has shape \(3,\)"):
        Adam([Tensor([1.0, 2.0, 3.0]), Value(0.0)]).load_state_dict(adam.state_dict())
    bad = adam.state_dict()
    bad["hyper"]["lr"] = -1.0
    with pytest.raises(ValueError, match="lr=-1.0"):
        Adam(_params()).load_state_dict(bad)


def test_step_decay_and_exponential_decay_formulas():
    assert [step_decay(1.0, e, 3, 0.5) for e in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    assert exponential_decay(0.1, 3, 0.5) == pytest.approx(0.0125)


def test_step_decay_sets_the_optimizers_lr_each_epoch():
    opt = SGD(_params(), lr=0.1)
    sched = StepDecay(opt, step_size=2, gamma=0.5)
    seen = []
    for _ in range(5):
        seen.append(opt.lr)
        sched.step()
    assert seen == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])


def test_exponential_decay_drives_the_step_size():
    w = Value(0.0)
    opt = SGD([w], lr=1.0)
    sched = ExponentialDecay(opt, gamma=0.5)
    for _ in range(3):
        w.grad = -1.0  # each step moves w by +μ
        opt.step()
        sched.step()
    assert w.data == pytest.approx(1.0 + 0.5 + 0.25)
    again = ExponentialDecay(SGD([Value(0.0)], lr=1.0), gamma=0.5)
    again.load_state_dict(json.loads(json.dumps(sched.state_dict())))
    assert again.optimizer.lr == pytest.approx(0.125)


@pytest.mark.parametrize("make, shown", [
    (lambda o: StepDecay(o, step_size=0), "step_size=0"),
    (lambda o: StepDecay(o, step_size=2, gamma=-0.5), "gamma=-0.5"),
    (lambda o: ExponentialDecay(o, gamma=0.0), "gamma=0.0"),
])
def test_bad_schedule_arguments_raise(make, shown):
    with pytest.raises(ValueError, match=shown):
        make(SGD(_params()))
    with pytest.raises(TypeError, match="needs a stepgrad optimizer"):
        ExponentialDecay(object(), gamma=0.5)
