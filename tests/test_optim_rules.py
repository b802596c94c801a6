"""The six update rules: PyTorch's trajectories, the documented conventions, bad input."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from stepgrad import optim
from stepgrad.autograd import Tensor, Value
from stepgrad.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "optim_torch_trajectories.json").read_text()
)
ALL = [SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam]


def _grad(theta, spec):
    a, b = np.asarray(spec["a"]), np.asarray(spec["b"])
    return a * theta - b + 0.4 * theta**3


@pytest.mark.parametrize(
    "case", FIXTURE["cases"],
    ids=[f"{c['optimizer']}-wd{c['kwargs']['weight_decay']}" for c in FIXTURE["cases"]],
)
def test_follows_torch_trajectory_to_1e_12(case):
    """50 steps from torch.optim (float64); the scalar parameter is a Value, the rest Tensors."""
    problem = FIXTURE["problem"]
    scalar = Value(problem["scalar"]["theta0"])
    vector = Tensor(problem["vector"]["theta0"])
    matrix = Tensor(problem["matrix"]["theta0"])
    params = {"scalar": scalar, "vector": vector, "matrix": matrix}
    opt = optim.OPTIMIZERS[case["optimizer"]](list(params.values()), **case["kwargs"])
    for k in range(FIXTURE["steps"]):
        for name, p in params.items():
            g = _grad(np.asarray(p.data), problem[name])
            p.grad = float(g) if name == "scalar" else g
        opt.step()
        for name, p in params.items():
            want = np.asarray(case["trajectory"][name][k])
            np.testing.assert_allclose(p.data, want, rtol=0, atol=1e-12,
                                       err_msg=f"{case['optimizer']} step {k + 1}, {name}")
    assert type(scalar.data) is float


@pytest.mark.parametrize("scale", [1e-3, 1.0, 1e3, 1e6])
def test_adam_first_step_moves_each_parameter_by_lr(scale):
    """m̂₁ = g, ŝ₁ = g², so Δθ = μ·g/(|g| + ε) ≈ μ·sign g, whatever |g|."""
    rng = np.random.default_rng(0)
    t = Tensor(rng.normal(size=(4, 5)))
    v = Value(0.3)
    before_t, before_v = t.data.copy(), v.data
    g = scale * rng.choice([-1.0, 1.0], size=(4, 5)) * rng.uniform(0.5, 2.0, size=(4, 5))
    t.grad, v.grad = g, -scale
    Adam([t, v], lr=1e-3).step()
    np.testing.assert_allclose(np.abs(t.data - before_t), 1e-3, rtol=0, atol=1e-6)
    assert np.all(np.sign(before_t - t.data) == np.sign(g))
    assert v.data - before_v == pytest.approx(1e-3, abs=1e-6)


@pytest.mark.parametrize("eps", [1e-8, 0.0, 1e-3])
def test_adam_in_kingma_and_bas_order_is_the_boxs_last_line(eps):
    """θ − (μ·c/(1 − β₁ᵗ))·v/(√s + ε·c), c = √(1 − β₂ᵗ), is θ − μ·v̂/(√ŝ + ε) with
    v̂ = v/(1 − β₁ᵗ), ŝ = s/(1 − β₂ᵗ): the same number up to rounding, at every step."""
    rng = np.random.default_rng(4)
    theta = rng.normal(size=50)
    state = optim.rules.AdamState(0, np.zeros(50), np.zeros(50))
    box_theta, v, s = theta.copy(), np.zeros(50), np.zeros(50)
    for t in range(1, 30):
        g = rng.normal(scale=10.0 ** rng.integers(-6, 3), size=50)
        theta, state = optim.rules.adam(theta, g, state, lr=0.01, eps=eps)
        v = 0.9 * v + 0.1 * g
        s = 0.999 * s + 0.001 * g * g
        v_hat, s_hat = v / (1 - 0.9**t), s / (1 - 0.999**t)
        box_theta = box_theta - 0.01 * v_hat / (np.sqrt(s_hat) + eps)
        np.testing.assert_allclose(theta, box_theta, rtol=1e-12, atol=1e-14)


def test_momentum_after_lr_change_scales_the_whole_velocity():
    """PyTorch's form: v ← γv + g, θ ← θ − μ_new·v; the textbook form would differ."""
    w = Value(1.0)
    opt = Momentum([w], lr=0.1, momentum=0.9)
    grads = [1.0, 2.0, 3.0]
    v = 0.0
    theta = 1.0
    for k, g in enumerate(grads):
        if k == 2:
            opt.lr = 0.01
        w.grad = g
        opt.step()
        v = 0.9 * v + g
        theta -= opt.lr * v
        assert w.data == pytest.approx(theta, abs=1e-15)
        assert opt.state_of(w).velocity == pytest.approx(v, abs=1e-15)
    textbook = 1.0 - (0.1 * 1.0) - (0.9 * 0.1 + 0.1 * 2.0) - (0.9 * (0.9 * 0.1 + 0.2) + 0.01 * 3.0)
    assert abs(w.data - textbook) > 1e-3  # the two forms part when μ changes


def test_nesterov_is_the_look_ahead_form_in_shifted_variables():
    """θ' = θ − μγv turns the lecture's look-ahead NAG into θ ← θ − μ(g + γv)."""
    f_grad = lambda x: 2.0 * x + math.sin(x)
    lr, gamma = 0.1, 0.7
    w = Value(1.5)
    opt = Nesterov([w], lr=lr, momentum=gamma)
    phi, vel = 1.5, 0.0  # look-ahead form: vel ← γ·vel − μ∇f(φ + γ·vel), φ ← φ + vel
    for _ in range(20):
        w.grad = f_grad(w.data)
        opt.step()
        vel = gamma * vel - lr * f_grad(phi + gamma * vel)
        phi = phi + vel
        assert w.data == pytest.approx(phi + gamma * vel, abs=1e-12)


@pytest.mark.parametrize("cls", ALL)
@pytest.mark.parametrize("eps", [None, 0.0])
def test_zero_gradient_leaves_parameters_unchanged(cls, eps):
    kw = {} if eps is None or cls in (SGD, Momentum, Nesterov) else {"eps": eps}
    t, v = Tensor([[1.0, -2.0], [0.5, 3.0]]), Value(-0.25)
    opt = cls([t, v], lr=0.5, **kw)
    for _ in range(3):
        opt.zero_grad()
        opt.step()
    np.testing.assert_array_equal(t.data, [[1.0, -2.0], [0.5, 3.0]])
    assert v.data == -0.25
    for s in opt.state:
        for field in s:
            assert np.all(np.isfinite(field))


@pytest.mark.parametrize("cls", ALL)
def test_value_and_tensor_parameters_take_the_same_steps(cls):
    t, vs = Tensor([0.5, -1.5, 2.0]), [Value(0.5), Value(-1.5), Value(2.0)]
    ot, ov = cls([t], lr=0.05), cls(vs, lr=0.05)
    for _ in range(10):
        t.grad = 2.0 * t.data + 1.0
        for v in vs:
            v.grad = 2.0 * v.data + 1.0
        ot.step()
        ov.step()
    np.testing.assert_allclose(t.data, [v.data for v in vs], rtol=0, atol=1e-14)
    assert all(type(v.data) is float for v in vs)


def test_state_is_named_after_the_math_and_readable_per_parameter():
    t = Tensor([1.0, 2.0])
    opt = Adam([t], lr=0.1)
    t.grad = np.array([0.5, -1.0])
    opt.step()
    s = opt.state_of(t)
    assert s._fields == ("step", "first_moment", "second_moment")
    assert s.step == 1
    np.testing.assert_allclose(s.first_moment, 0.1 * t.grad)
    np.testing.assert_allclose(s.second_moment, 0.001 * t.grad**2)
    assert Momentum([t]).state[0]._fields == ("velocity",)
    assert AdaGrad([t]).state[0]._fields == ("sum_sq",)
    assert RMSProp([t]).state[0]._fields == ("mean_sq",)
    with pytest.raises(KeyError):
        opt.state_of(Tensor([1.0]))


def test_defaults_are_pytorchs():
    p = [Tensor([1.0])]
    assert SGD(p).hyper == {"lr": 1e-3, "weight_decay": 0.0}
    assert AdaGrad(p).hyper == {"lr": 1e-2, "eps": 1e-10, "weight_decay": 0.0}
    assert RMSProp(p).hyper == {"lr": 1e-2, "beta": 0.99, "eps": 1e-8, "weight_decay": 0.0}
    assert Adam(p).hyper == {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8,
                             "weight_decay": 0.0}


BAD = [
    (SGD, {"lr": -0.1}, "lr=-0.1"),
    (SGD, {"weight_decay": -1.0}, "weight_decay=-1.0"),
    (Momentum, {"momentum": -0.5}, "momentum=-0.5"),
    (Nesterov, {"momentum": 0.0}, "momentum=0.0"),
    (Nesterov, {"momentum": -0.9}, "momentum=-0.9"),
    (AdaGrad, {"eps": -1e-8}, "eps=-1e-08"),
    (RMSProp, {"beta": 1.0}, "beta=1.0"),
    (RMSProp, {"beta": -0.1}, "beta=-0.1"),
    (Adam, {"betas": (0.9, 1.0)}, "betas[1]=1.0"),
    (Adam, {"betas": (-0.1, 0.999)}, "betas[0]=-0.1"),
    (Adam, {"betas": (0.9,)}, "betas=(0.9,)"),
    (Adam, {"lr": float("nan")}, "lr=nan"),
    (Adam, {"weight_decay": -0.01}, "weight_decay=-0.01"),
]


@pytest.mark.parametrize("cls, kw, shown", BAD, ids=[b[2] for b in BAD])
def test_bad_hyperparameter_raises_value_error_showing_the_value(cls, kw, shown):
    with pytest.raises(ValueError, match=re.escape(shown)):
        cls([Tensor([1.0])], **kw)


@pytest.mark.parametrize("cls", ALL)
def test_empty_parameter_list_raises(cls):
    with pytest.raises(ValueError, match=r"empty parameter list, params=\[\]"):
        cls([])
    with pytest.raises(ValueError, match="empty"):
        cls(iter(()))


def test_non_node_parameter_and_non_number_lr_raise_type_error():
    with pytest.raises(TypeError, match="parameter 1 is a ndarray"):
        SGD([Tensor([1.0]), np.zeros(2)])
    with pytest.raises(TypeError, match="lr must be a number"):
        SGD([Tensor([1.0])], lr="0.1")
    with pytest.raises(ValueError, match="lr=-1.0"):
        SGD([Tensor([1.0])]).lr = -1.0
