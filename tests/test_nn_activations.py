"""The lecture's activations: σ as autograd compositions, σ′ as the engine computes it."""

import math

import numpy as np
import pytest

import stepgrad.nn as nn
from stepgrad.autograd import Tensor, Value, gradcheck, nsum
from stepgrad.autograd.softmax_ops import SoftmaxAt

ELEMENTWISE = ["identity", "sign", "sigmoid", "tanh", "relu", "hardtanh"]
# away from every kink (0 for relu and sign, ±1 for hardtanh)
AWAY = np.array([-2.3, -1.4, -0.6, -0.2, 0.35, 0.9, 1.6, 3.1])

SLIDES = {  # σ and σ′ as the slides write them (kinks excluded)
    "identity": (lambda u: u, lambda u: 1.0),
    "sign": (lambda u: math.copysign(1.0, u), lambda u: 0.0),
    "sigmoid": (lambda u: 1 / (1 + math.exp(-u)),
                lambda u: math.exp(-u) / (1 + math.exp(-u)) ** 2),
    "tanh": (lambda u: (math.exp(2 * u) - 1) / (math.exp(2 * u) + 1),
             lambda u: 4 * math.exp(2 * u) / (math.exp(2 * u) + 1) ** 2),
    "relu": (lambda u: max(u, 0.0), lambda u: 1.0 if u > 0 else 0.0),
    "hardtanh": (lambda u: max(min(u, 1.0), -1.0), lambda u: 1.0 if -1 <= u <= 1 else 0.0),
}


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_sigma_and_sigma_prime_are_the_slides_formulas(name):
    act = nn.get_activation(name)
    f, df = SLIDES[name]
    np.testing.assert_allclose(act.function(AWAY), [f(u) for u in AWAY], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(act.derivative(AWAY), [df(u) for u in AWAY],
                               rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_gradcheck_on_values_and_tensors_away_from_kinks(name):
    act = nn.get_activation(name)
    for u in AWAY:
        assert gradcheck(lambda v: act(v), [Value(float(u))])
    assert gradcheck(lambda t: (act(t) * Tensor(np.arange(1.0, 9.0))).sum(), [Tensor(AWAY)])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    act = nn.get_activation(name)
    h = 1e-6
    numeric = (act.function(AWAY + h) - act.function(AWAY - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(AWAY), numeric, atol=1e-7)


@pytest.mark.parametrize("name, u, value, slope", [
    ("relu", 0.0, 0.0, 0.0), ("relu", 1e-9, 1e-9, 1.0), ("relu", -1e-9, 0.0, 0.0),
    ("sign", 0.0, 0.0, 0.0), ("sign", -1e-300, -1.0, 0.0),
    ("hardtanh", 1.0, 1.0, 0.0), ("hardtanh", -1.0, -1.0, 0.0),
    ("hardtanh", 1 - 1e-12, 1 - 1e-12, 1.0), ("hardtanh", 1 + 1e-12, 1.0, 0.0),
    ("sigmoid", 0.0, 0.5, 0.25), ("tanh", 0.0, 0.0, 1.0), ("identity", 0.0, 0.0, 1.0),
    ("sigmoid", -1000.0, 0.0, 0.0), ("sigmoid", 1000.0, 1.0, 0.0), ("tanh", 1000.0, 1.0, 0.0),
])
def test_exact_values_at_kinks_and_extremes(name, u, value, slope):
    act = nn.get_activation(name)
    v = Value(u)
    out = act(v)
    out.backward()
    assert (out.data, v.grad) == (value, slope)
    assert act.function(np.array([u]))[0] == value
    assert act.derivative(np.array([u]))[0] == slope


def test_activation_on_a_list_maps_each_value_and_lifts_numbers():
    out = nn.tanh([Value(0.5), 1.0])
    assert [o.data for o in out] == [math.tanh(0.5), math.tanh(1.0)]


def test_softmax_on_values_and_tensors_agrees_and_sums_to_one():
    u = [0.3, -1.2, 2.0]
    a = nn.softmax([Value(x) for x in u])
    assert math.isclose(sum(v.data for v in a), 1.0, rel_tol=1e-15)
    np.testing.assert_allclose([v.data for v in a], nn.softmax.function(np.array(u)), rtol=1e-14)


def test_softmax_is_stable_at_a_thousand():
    a = nn.softmax([Value(1000.0), Value(0.0), Value(-1000.0)])
    assert [v.data for v in a] == [1.0, 0.0, 0.0]
    np.testing.assert_array_equal(nn.softmax.function(np.array([1000.0, 0.0, -1000.0])),
                                  [1.0, 0.0, 0.0])


def test_softmax_jacobian_is_a_m_times_delta_minus_a_k():
    u = np.array([0.3, -1.2, 2.0])
    a = nn.softmax.function(u)
    np.testing.assert_allclose(nn.softmax.derivative(u), np.diag(a) - np.outer(a, a), atol=1e-15)


def test_gradcheck_softmax_on_values_and_tensors():
    w = [0.7, -0.1, 2.0]
    assert gradcheck(lambda *u: nsum([ai * wi for ai, wi in zip(nn.softmax(list(u)), w)]),
                     [Value(0.3), Value(-1.2), Value(2.0)])
    T = Tensor(np.array([[0.3, -1.2, 2.0], [1.0, 0.0, -0.5]]))
    assert gradcheck(lambda t: (nn.softmax(t) * Tensor(np.array(w))).sum(), [T])


def test_a_softmax_layer_on_values_is_one_node_per_output_a_m():
    v = [Value(0.3), Value(-1.2), Value(2.0)]
    a = nn.softmax(v)
    assert [ai.op for ai in a] == [SoftmaxAt] * 3
    assert all(ai.parents == tuple(v) for ai in a)
    a[1].backward()  # ∂a_2/∂v_k = a_2·(δ_2k − a_k)
    s = [ai.data for ai in a]
    np.testing.assert_allclose([vk.grad for vk in v],
                               [s[1] * ((k == 1) - s[k]) for k in range(3)], rtol=1e-14)


def test_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="valid names: identity, sign, sigmoid, tanh, relu"):
        nn.get_activation("swish")


def test_a_callable_is_an_elementwise_activation():
    act = nn.get_activation(lambda u: u * u)
    assert [v.data for v in act([Value(2.0), Value(-3.0)])] == [4.0, 9.0]
    np.testing.assert_allclose(act.derivative(np.array([2.0, -3.0])), [4.0, -6.0])


def test_softmax_of_one_value_is_refused():
    with pytest.raises(TypeError, match="vector"):
        nn.softmax(Value(1.0))
