"""The lecture's practical issues: penalties, dropout, batch norm, clipping, diagnostics."""

import math

import numpy as np
import pytest

import stepgrad.nn as nn
from stepgrad import optim
from stepgrad.autograd import Tensor, Value, gradcheck
from stepgrad.nn.diagnostics import gradient_norm

rng = np.random.default_rng(3)


# ---------------------------------------------------------------- penalties


def test_l2_and_l1_penalties_leave_the_biases_alone():
    model = nn.MLP([3, 4, 2], seed=0)
    W1, W2 = (p.data for p in model.parameters())
    kappa = 0.1
    R = nn.l2_penalty(model, kappa)
    assert math.isclose(R.item(), kappa / 2 * (np.sum(W1[1:] ** 2) + np.sum(W2[1:] ** 2)),
                        rel_tol=1e-14)
    R.backward()
    np.testing.assert_allclose(model.parameters()[0].grad[1:], kappa * W1[1:], rtol=1e-14)
    assert np.all(model.parameters()[0].grad[0] == 0)                 # biases: no penalty
    model.zero_grad()
    nn.l1_penalty(model, kappa).backward()
    np.testing.assert_array_equal(model.parameters()[1].grad[1:], kappa * np.sign(W2[1:]))


@pytest.mark.parametrize("name", ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"])
def test_weight_decay_is_the_l2_penalty_gradient_and_leaves_the_biases_alone(name):
    """One step with weight_decay=κ = one step with ∂[(κ/2)·Σ w²]/∂w added to g, w not biases."""
    kappa, lr = 0.3, 0.1
    decayed, penalised = nn.MLP([3, 4, 2], seed=0), nn.MLP([3, 4, 2], seed=0)
    X, Y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    nn.mse(decayed(X), Y).backward()
    optim.OPTIMIZERS[name](decayed.parameters(), lr=lr, weight_decay=kappa).step()
    (nn.mse(penalised(X), Y) + nn.l2_penalty(penalised.parameters(), kappa)).backward()
    optim.OPTIMIZERS[name](penalised.parameters(), lr=lr).step()
    for a, b in zip(decayed.parameters(), penalised.parameters()):
        np.testing.assert_allclose(a.data, b.data, rtol=0, atol=1e-14)


def test_weight_decay_with_a_zero_gradient_shrinks_weights_not_biases():
    """The issue's example: g = 0, μ = 0.1, κ = 1: a weight 0.5 → 0.45, a bias stays 0.5."""
    W = Tensor(np.full((3, 2), 0.5))            # row 0: the biases w_0h
    W.grad = np.zeros((3, 2))
    optim.SGD([W], lr=0.1, weight_decay=1.0).step()
    np.testing.assert_array_equal(W.data[0], [0.5, 0.5])
    np.testing.assert_allclose(W.data[1:], 0.45, rtol=0, atol=1e-15)
    v = Tensor(np.array([0.5, 0.5]))            # a vector (no bias row): decayed whole
    v.grad = np.zeros(2)
    optim.SGD([v], lr=0.1, weight_decay=1.0).step()
    np.testing.assert_allclose(v.data, 0.45, rtol=0, atol=1e-15)


def test_penalties_gradcheck_and_scalar_form_agree():
    model = nn.MLP([3, 4, 2], seed=0)
    assert gradcheck(lambda a, b: nn.l2_penalty(model, 0.3) + nn.l1_penalty(model, 0.2),
                     model.parameters())
    for pen in (nn.l2_penalty, nn.l1_penalty):
        model.zero_grad()
        r_s = pen(model, 0.3, scalar=True)
        r_s.backward()
        gs = [p.grad.copy() for p in model.parameters()]
        model.zero_grad()
        r_t = pen(model, 0.3)
        r_t.backward()
        assert isinstance(r_s, Value) and math.isclose(r_s.data, r_t.item(), rel_tol=1e-13)
        for a, b in zip(gs, model.parameters()):
            np.testing.assert_allclose(a, b.grad, atol=1e-15)


def test_penalty_of_tensors_and_a_negative_weight():
    w = Tensor(np.array([1.0, -2.0]))                 # a vector: penalised whole
    assert nn.l2_penalty([w], 1.0).item() == 2.5
    W = Tensor(np.array([[9.0, 9.0], [1.0, -2.0]]))   # a weight matrix: row 0 is the biases
    assert nn.l2_penalty([W], 1.0).item() == 2.5
    nn.l2_penalty([W], 1.0).backward()
    np.testing.assert_array_equal(W.grad, [[0.0, 0.0], [1.0, -2.0]])
    with pytest.raises(ValueError, match=r"penalty weight κ \(weight_decay\) must be ≥ 0"):
        nn.l2_penalty([W], -1.0)


# ------------------------------------------------------------------ dropout


def test_dropout_is_inverted_in_training_and_the_identity_in_eval():
    drop = nn.Dropout(0.25, seed=0)
    X = Tensor(np.ones((400, 50)))
    out = drop(X).data
    assert set(np.unique(out)) == {0.0, 1 / 0.75}
    assert abs(np.mean(out == 0) - 0.25) < 0.01
    assert abs(out.mean() - 1.0) < 0.02                              # E[output] = input
    drop.eval()
    assert drop(X) is X
    xs = [Value(1.0), Value(2.0)]
    assert drop(xs) == xs


def test_dropout_gradient_flows_only_through_kept_units_in_both_views():
    drop = nn.Dropout(0.5, seed=1)
    X = Tensor(np.arange(1.0, 9.0).reshape(2, 4))
    out = drop(X)
    out.sum().backward()
    kept = out.data != 0
    np.testing.assert_array_equal(X.grad, np.where(kept, 2.0, 0.0))
    xs = [Value(1.0), Value(2.0), Value(3.0), Value(4.0)]
    outs = nn.Dropout(0.5, seed=1)(xs)
    assert [o.data for o in outs] == list(out.data[0])               # same seed, same mask


def test_dropout_seed_and_bad_p():
    a = nn.Dropout(0.5, seed=4)(Tensor(np.ones(20))).data
    b = nn.Dropout(0.5, seed=4)(Tensor(np.ones(20))).data
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\), got 1.0"):
        nn.Dropout(1.0)


# --------------------------------------------------------------- batch norm


def test_batchnorm_training_normalises_with_batch_statistics():
    bn = nn.BatchNorm(3)
    X = rng.normal(5.0, 3.0, size=(64, 3))
    out = bn(X).data
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=0), 1.0, rtol=1e-4)
    np.testing.assert_allclose(bn.running_mean, 0.1 * X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, 0.9 + 0.1 * X.var(axis=0, ddof=1), rtol=1e-12)


def test_batchnorm_eval_uses_running_statistics_in_both_views():
    bn = nn.BatchNorm(3)
    for _ in range(50):
        bn(rng.normal(2.0, 0.5, size=(32, 3)))
    bn.gamma.data[:] = [1.0, 2.0, 3.0]
    bn.eval()
    x = np.array([2.0, 2.5, 1.0])
    expected = (x - bn.running_mean) / np.sqrt(bn.running_var + 1e-5) * bn.gamma.data
    np.testing.assert_allclose(bn(x[None, :]).data[0], expected, rtol=1e-12)
    np.testing.assert_allclose([v.data for v in bn(list(x))], expected, rtol=1e-12)
    before = bn.running_mean.copy()
    bn(x[None, :])
    np.testing.assert_array_equal(bn.running_mean, before)          # eval: no update


def test_batchnorm_gradcheck_through_the_batch_statistics():
    bn = nn.BatchNorm(2)
    bn.gamma.data[:] = [1.5, -0.5]
    bn.beta.data[:] = [0.1, 0.2]
    X = Tensor(rng.normal(size=(5, 2)))
    w = Tensor(rng.normal(size=(5, 2)))
    assert gradcheck(lambda X, g, b: (bn(X) * w).sum(), [X, bn.gamma, bn.beta])


def test_batchnorm_refuses_what_it_cannot_do():
    bn = nn.BatchNorm(2)
    with pytest.raises(ValueError, match="N ≥ 2"):
        bn(np.ones((1, 2)))
    with pytest.raises(ValueError, match="needs eval mode"):
        bn([1.0, 2.0])


def test_batchnorm_state_dict_carries_the_running_statistics():
    model = nn.Sequential(nn.Layer(3, 2, seed=0), nn.BatchNorm(2))
    model(rng.normal(size=(8, 3)))
    state = model.state_dict()
    assert list(state) == ["layers.0.weight", "layers.1.gamma", "layers.1.beta",
                           "layers.1.running_mean", "layers.1.running_var"]
    other = nn.Sequential(nn.Layer(3, 2, seed=1), nn.BatchNorm(2))
    other.load_state_dict(state)
    np.testing.assert_array_equal(other.layers[1].running_var, model.layers[1].running_var)


def test_a_state_reader_reads_what_state_dict_reads_at_each_call():
    """fit copies the best weights each epoch with state_reader(): the same names, order and
    numbers as state_dict() at that moment, a running statistic set anew included, and
    copies that later steps leave alone."""
    model = nn.Sequential(nn.Layer(3, 2, seed=0), nn.BatchNorm(2))
    read = model.state_reader()
    for _ in range(2):
        model(rng.normal(size=(8, 3)))  # BatchNorm sets new running statistics
        model.layers[0].weight.data += 1.0
        got, want = read(), model.state_dict()
        assert list(got) == list(want)
        assert all(np.array_equal(got[k], want[k]) for k in want)
    model.layers[0].weight.data += 1.0
    assert not np.array_equal(got["layers.0.weight"], model.layers[0].weight.data)


# ----------------------------------------------------------------- clipping


def test_clip_grad_norm_bounds_the_global_norm_and_keeps_the_direction():
    a, b = Tensor(np.zeros(2)), Tensor(np.zeros((1, 2)))
    a.grad, b.grad = np.array([3.0, 0.0]), np.array([[0.0, 4.0]])
    total = nn.clip_grad_norm([a, b], 1.0)
    assert total == 5.0
    np.testing.assert_allclose(a.grad, [0.6, 0.0])
    np.testing.assert_allclose(b.grad, [[0.0, 0.8]])
    assert nn.clip_grad_norm([a, b], 10.0) == pytest.approx(1.0)    # under the bound: unchanged
    np.testing.assert_allclose(a.grad, [0.6, 0.0])
    with pytest.raises(ValueError, match="max_norm must be > 0"):
        nn.clip_grad_norm([a], 0.0)


# -------------------------------------------------------------- diagnostics


def test_gradient_norms_per_layer():
    model = nn.MLP([4, 5, 3], seed=0)
    nn.mse(model(rng.normal(size=(6, 4))), rng.uniform(size=(6, 3))).backward()
    norms = nn.gradient_norms(model)
    assert list(norms) == ["w1", "w2"]
    assert norms["w2"] == pytest.approx(np.linalg.norm(model.parameters()[1].grad))


def test_saturated_sigmoid_units_and_dead_relus_are_counted():
    model = nn.MLP([2, 4, 3], hidden="relu", output="tanh", seed=0)
    W1, W2 = (p.data for p in model.parameters())
    W1[:] = 0.0
    W1[0, :2] = -1.0          # units 1, 2: u = −1 for every sample: dead
    W1[0, 2:] = 1.0
    W1[1, 2:] = 1.0           # units 3, 4: alive for x₁ > −1
    W2[:] = 0.0
    W2[0, 0] = 10.0           # output 1 saturated (tanh 10), outputs 2, 3 at 0
    X = np.array([[0.5, 0.0], [1.0, 0.0], [2.0, 1.0]])
    hidden, output = nn.unit_health(model, X)
    assert hidden == {"layer": "w1", "activation": "relu", "saturated": None, "dead": 0.5}
    assert output["saturated"] == pytest.approx(1 / 3) and output["dead"] is None


def test_diagnostics_do_not_move_batchnorm_statistics():
    model = nn.Sequential(nn.Layer(3, 4, activation="relu", seed=0), nn.BatchNorm(4),
                          nn.Layer(4, 2, activation="sigmoid", seed=1))
    before = model.layers[1].state_dict()
    report = nn.unit_health(model, rng.normal(size=(10, 3)))
    assert [r["layer"] for r in report] == ["layers.0.weight", "layers.2.weight"]
    for k, v in model.layers[1].state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_a_gradient_norm_is_the_square_root_of_the_sum_of_squares_of_any_gradient():
    g = np.random.default_rng(0).normal(size=(7, 5))
    for arr in (g, g[::2], g.T, np.asfortranarray(g), g[:, 1]):
        assert math.isclose(gradient_norm(arr), math.sqrt(float(np.sum(arr * arr))),
                            rel_tol=1e-13)
    assert gradient_norm(None) == 0.0
