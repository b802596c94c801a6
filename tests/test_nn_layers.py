"""Neuron, Layer, MLP: one model, two views on the same parameters."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import stepgrad.nn as nn
from stepgrad.autograd import Tensor, Value, gradcheck

rng = np.random.default_rng(0)


def both_views_grads(model, x, y, loss=nn.half_sse):
    """W.grad after backward through the scalar view, then through the Tensor view."""
    model.zero_grad()
    L_s = loss(model(list(x)), list(y))
    L_s.backward()
    scalar = [p.grad.copy() for p in model.parameters()]
    model.zero_grad()
    L_t = loss(model(np.asarray(x)[None, :]), np.asarray(y)[None, :])
    L_t.backward()
    tensor = [p.grad.copy() for p in model.parameters()]
    return L_s.data, L_t.item(), scalar, tensor


@pytest.mark.parametrize("sizes, hidden, output", [
    ([6, 9, 2], "tanh", "sigmoid"),                     # the lecture's network
    ([4, 7, 5, 6, 3], "relu", "identity"),              # three hidden layers
    ([4, 7, 5, 6, 3], ["tanh", "sigmoid", "hardtanh"], "tanh"),
])
def test_scalar_and_tensor_views_give_the_same_loss_and_gradients(sizes, hidden, output):
    model = nn.MLP(sizes, hidden=hidden, output=output, init="glorot", seed=1)
    x, y = rng.normal(size=sizes[0]), rng.uniform(size=sizes[-1])
    Ls, Lt, gs, gt = both_views_grads(model, x, y)
    assert abs(Ls - Lt) < 1e-12
    for a, b in zip(gs, gt):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
        assert np.any(a != 0)


def test_views_agree_with_softmax_output_and_cross_entropy():
    model = nn.MLP([5, 8, 4], hidden="tanh", output="softmax", init="glorot", seed=3)
    x, y = rng.normal(size=5), np.eye(4)[2]
    Ls, Lt, gs, gt = both_views_grads(model, x, y, nn.cross_entropy)
    assert abs(Ls - Lt) < 1e-12
    for a, b in zip(gs, gt):
        np.testing.assert_allclose(a, b, atol=1e-12)


def test_the_scalar_view_lands_in_the_same_tensors():
    model = nn.MLP([6, 9, 2], seed=0)
    out = model([0.1] * 6)
    assert isinstance(out, list) and all(isinstance(a, Value) for a in out)
    nn.half_sse(out, [0.0, 1.0]).backward()
    assert [n for n, _ in model.named_parameters()] == ["w1", "w2"]
    assert model.parameters()[0] is model.layers[0].weight
    assert model.parameters()[0].grad.shape == (7, 9) and np.any(model.parameters()[0].grad)


def test_tensor_view_gradcheck_through_a_whole_mlp():
    model = nn.MLP([3, 4, 2], hidden="tanh", output="sigmoid", init="glorot", seed=2)
    X, Y = rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))
    assert gradcheck(lambda w1, w2: nn.mse(model(X), Y), model.parameters())


def test_bias_is_row_zero_with_x0_equal_1():
    layer = nn.Layer(2, 1, activation="identity", seed=0)
    layer.weight.data[:] = [[0.5], [2.0], [-3.0]]      # w₀ = 0.5, w₁ = 2, w₂ = −3
    assert layer([1.0, 1.0])[0].data == 0.5 + 2.0 - 3.0
    np.testing.assert_array_equal(layer(np.array([[1.0, 1.0], [0.0, 0.0]])).data, [[-0.5], [0.5]])


def test_a_neuron_is_a_layer_with_one_unit_micrograds_neuron_with_a_bias_row():
    n = nn.Neuron(3, activation="tanh", seed=0)
    assert isinstance(n, nn.Layer) and n.weight.shape == (4, 1)
    w = n.weight.data[:, 0]
    a = n([1.0, 2.0, 3.0])
    assert isinstance(a, Value) and a.label == "a"
    assert math.isclose(a.data, math.tanh(w[0] + w[1] + 2 * w[2] + 3 * w[3]), rel_tol=1e-15)
    assert n.parameters() == [n.weight] and repr(n) == "Neuron(3, tanh)"
    np.testing.assert_allclose(n(np.array([[1.0, 2.0, 3.0]])).data, [a.data], rtol=1e-15)


def test_wrong_input_size_says_how_many():
    model = nn.MLP([6, 9, 2])
    with pytest.raises(ValueError, match="expects 6 inputs, got 4"):
        model([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(ValueError, match="expects 6 inputs, got 4"):
        model(np.ones((3, 4)))


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError, match="unknown activation 'sigmoidd'; valid names: identity"):
        nn.MLP([2, 2, 1], hidden="sigmoidd")
    with pytest.raises(ValueError, match="unknown init 'zero'"):
        nn.MLP([2, 2, 1], init="zero")


def test_the_same_seed_gives_the_same_network():
    a, b = nn.MLP([6, 9, 2], seed=7), nn.MLP([6, 9, 2], seed=7)
    c = nn.MLP([6, 9, 2], seed=np.random.default_rng(7))
    for p, q, r in zip(a.parameters(), b.parameters(), c.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
        np.testing.assert_array_equal(p.data, r.data)
    other = nn.MLP([6, 9, 2], seed=8)
    assert not np.array_equal(a.parameters()[0].data, other.parameters()[0].data)


def test_initialisations_have_their_scales():
    g = np.random.default_rng(0)
    small = nn.init_weights("small", 400, 300, g)
    assert np.abs(small).max() <= 1 / 800 and small[0].std() > 0      # biases random too
    glorot = nn.init_weights("glorot", 400, 300, g)
    assert np.all(glorot[0] == 0) and np.abs(glorot).max() <= math.sqrt(6 / 700)
    assert glorot[1:].std() == pytest.approx(math.sqrt(2 / 700), rel=0.02)
    he = nn.init_weights("he", 400, 300, g)
    assert he[1:].std() == pytest.approx(math.sqrt(2 / 400), rel=0.02)


def test_one_dimensional_input_is_one_sample():
    model = nn.MLP([3, 4, 2], seed=0)
    x = np.array([0.1, -0.2, 0.3])
    np.testing.assert_array_equal(model(x).data, model(x[None, :]).data[0])


def test_state_dict_round_trip_keeps_the_same_tensors():
    a, b = nn.MLP([6, 9, 2], seed=1), nn.MLP([6, 9, 2], seed=2)
    w1 = b.parameters()[0]
    b.load_state_dict(a.state_dict())
    assert b.parameters()[0] is w1
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p.data, q.data)
    state = a.state_dict()
    state["w1"][0, 0] += 1.0                          # a copy, not a view
    assert a.parameters()[0].data[0, 0] != state["w1"][0, 0]


def test_load_state_dict_names_shape_and_key_problems():
    a = nn.MLP([6, 9, 2], seed=1)
    with pytest.raises(ValueError, match=r"'w1' has shape \(7, 9\) here but \(7, 8\)"):
        a.load_state_dict(nn.MLP([6, 8, 2]).state_dict())
    with pytest.raises(KeyError, match="missing \\['w2'\\]"):
        a.load_state_dict({"w1": np.zeros((7, 9))})


def test_repr_shows_the_architecture():
    text = repr(nn.MLP([6, 9, 2]))
    assert text.splitlines()[0] == "MLP([6, 9, 2], 83 parameters)"
    assert "(w1): Layer(6 → 9, tanh)" in text and "(w2): Layer(9 → 2, sigmoid)" in text


def test_zero_grad_train_eval_and_sequential_names():
    model = nn.Sequential(nn.Layer(3, 4, seed=0), nn.Dropout(0.5, seed=0),
                          nn.Layer(4, 2, seed=1))
    assert [n for n, _ in model.named_parameters()] == ["layers.0.weight", "layers.2.weight"]
    model.eval()
    assert not any(m.training for m in model.modules())
    X = np.ones((2, 3))
    model(X).sum().backward()
    assert np.any(model.parameters()[0].grad)
    model.zero_grad()
    assert all(not np.any(p.grad) for p in model.parameters())
    assert model.train() is model and model.layers[1].training


def test_a_callable_activation_works_in_both_views():
    model = nn.MLP([2, 3, 1], hidden=lambda u: u * u.sigmoid(), output="identity", seed=0)
    x, y = np.array([0.3, -0.7]), np.array([0.2])
    Ls, Lt, gs, gt = both_views_grads(model, x, y)
    assert abs(Ls - Lt) < 1e-12
    np.testing.assert_allclose(gs[0], gt[0], atol=1e-12)


def test_tensor_inputs_can_be_differentiated():
    model = nn.MLP([3, 4, 1], seed=0)
    X = Tensor(rng.normal(size=(2, 3)))
    assert gradcheck(lambda X: model(X).sum(), [X])


@settings(max_examples=25)
@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=5),
       hidden=st.sampled_from(["identity", "sigmoid", "tanh", "relu", "hardtanh"]),
       output=st.sampled_from(["identity", "sigmoid", "tanh"]),
       seed=st.integers(0, 2**16))
def test_property_both_views_agree_for_any_shape_and_activation(sizes, hidden, output, seed):
    model = nn.MLP(sizes, hidden=hidden, output=output, init="glorot", seed=seed)
    g = np.random.default_rng(seed)
    x, y = g.normal(size=sizes[0]), g.uniform(size=sizes[-1])
    Ls, Lt, gs, gt = both_views_grads(model, x, y)
    assert abs(Ls - Lt) <= 1e-12 * max(1.0, abs(Ls))
    for a, b in zip(gs, gt):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_numpy_global_random_state_is_never_touched():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    nn.MLP([6, 9, 2])
    nn.MLP([6, 9, 2], seed=1, init="he")
    nn.Dropout(0.5)(Tensor(np.ones((4, 4))))
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_the_scalar_view_is_drawn_with_the_lectures_names():
    from stepgrad.viz import draw

    model = nn.MLP([6, 9, 2], seed=0)
    L = nn.half_sse(model([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), [0.0, 1.0])
    L.backward()
    source = draw(L).source
    for name in ("x₁", "x₆", "u₁", "α₉", "v₂", "a₂", "w¹₀₁", "w¹₆₉", "w²₉₂", "Σw·x"):
        assert name in source
    assert "w¹₀₀" not in source and "α₀" not in source      # units count from 1


def test_labels_count_from_1_with_the_bias_at_f_0():
    model = nn.MLP([6, 9, 2], seed=0)
    t = model.trace([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    w1 = t.layers[0].weights
    assert w1[0, 0].label == "w¹₀₁" and w1[3, 1].label == "w¹₃₂" and w1[6, 8].label == "w¹₆₉"
    assert t.layers[1].weights[9, 1].label == "w²₉₂"
    assert [v.label for v in t.inputs] == [f"x{s}" for s in "₁₂₃₄₅₆"]
    assert [v.label for v in t.layers[0].sums][:2] == ["u₁", "u₂"]
    assert [v.label for v in t.hidden[0]][-1] == "α₉"
    assert [v.label for v in t.outputs] == ["a₁", "a₂"]
    assert [v.data for v in t.outputs] == [v.data for v in model(t.inputs)]


def test_several_hidden_layers_carry_their_number_as_a_superscript():
    t = nn.MLP([2, 3, 12, 1], seed=0).trace([0.5, -0.5])
    assert [v.label for v in t.hidden[0]] == ["α¹₁", "α¹₂", "α¹₃"]
    assert t.hidden[1][11].label == "α²₁₂" and t.layers[1].sums[0].label == "u²₁"
    assert t.layers[2].weights[12, 0].label == "w³₁₂,₁"       # two digits: a comma
    assert t.outputs[0].label == "a₁"


def test_the_hidden_values_are_the_tensor_views_hidden_layer():
    model = nn.MLP([6, 9, 2], seed=0)
    x = np.linspace(-1, 1, 6)
    alpha = [v.data for v in model.trace(list(x)).hidden[0]]
    np.testing.assert_allclose(alpha, model.layers[0](x).data, rtol=1e-15)


def test_ragged_input_names_the_model_and_the_shape_it_expects():
    model = nn.MLP([3, 4, 2])
    with pytest.raises(ValueError, match=r"MLP\(\[3, 4, 2\]\) expects a batch of shape "
                                         r"\(N, 3\).*row lengths \[3, 2\]"):
        model([[1.0, 2.0, 3.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match=r"MLP\(\[3, 4, 2\]\) expects one sample of 3"):
        model([1.0, "2", 3.0])


def test_names_are_matched_the_same_way_everywhere():
    assert nn.MLP([2, 3, 1], hidden="TANH", output="Sigmoid").layers[0].activation is nn.tanh
    assert nn.get_loss("MSE") is nn.mse and nn.get_loss("Half-SSE") is nn.half_sse
    assert nn.init_weights("GLOROT", 2, 2, 0).shape == (3, 2)
    with pytest.raises(ValueError, match="unknown loss 'hinge'; valid names: mse"):
        nn.get_loss("hinge")


def test_a_layers_forward_goes_through_its_preactivation():
    """forward and batch_forward compute σ(u) from preactivation(X), so a subclass that
    changes u (here: u doubled) changes the output."""

    class Doubled(nn.Layer):
        def preactivation(self, X):
            return super().preactivation(X) * 2.0

    X = np.random.default_rng(0).normal(size=(5, 3))
    plain, doubled = nn.Layer(3, 4, "identity", seed=1), Doubled(3, 4, "identity", seed=1)
    np.testing.assert_allclose(doubled(X).data, 2.0 * plain(X).data, rtol=1e-15)
    np.testing.assert_allclose(doubled.batch_forward(Tensor(X)).data, 2.0 * plain(X).data,
                               rtol=1e-15)
