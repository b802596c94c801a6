"""to_torch(model) and from_torch(module): the same network in PyTorch, predictions equal to
1e-12 in float64 (skipped when PyTorch is not installed: it is the optional ``torch`` extra)."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.nn import MLP, from_torch, lecture_data, to_torch


def test_without_torch_the_error_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # what `import torch` sees without it
    with pytest.raises(ImportError, match=r"pip install 'stepgrad\[torch\]'"):
        to_torch(MLP([2, 1]))


torch = pytest.importorskip("torch")

CASES = [
    ([6, 9, 2], "tanh", "sigmoid"),
    ([6, 9, 2], "tanh", "softmax"),
    ([3, 5, 4, 1], ["relu", "hardtanh"], "identity"),
    ([2, 3], [], "tanh"),
]


@pytest.mark.parametrize("sizes, hidden, output", CASES)
def test_to_torch_predicts_what_the_model_predicts(sizes, hidden, output):
    model = MLP(sizes, hidden=hidden, output=output, init="glorot", seed=1)
    X = np.random.default_rng(0).normal(size=(50, sizes[0]))
    net = to_torch(model)
    assert isinstance(net, torch.nn.Sequential)
    assert all(p.dtype == torch.float64 for p in net.parameters())
    with torch.no_grad():
        ours, theirs = model(X).data, net(torch.from_numpy(X)).numpy()
    assert np.max(np.abs(ours - theirs)) < 1e-12


def test_the_layers_are_linear_then_the_same_activation():
    net = to_torch(MLP([6, 9, 2], hidden="tanh", output="softmax", seed=0))
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "Tanh", "Linear", "Softmax"]
    assert tuple(net[0].weight.shape) == (9, 6)  # PyTorch's (out, in): w¹_fh transposed


def test_a_model_trained_in_torch_comes_back_and_predicts_the_same():
    X, Y = lecture_data(n=40, seed=0)
    net = to_torch(MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0))
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
    for _ in range(20):
        opt.zero_grad()
        (0.5 * ((net(Xt) - Yt) ** 2).sum(dim=1).mean()).backward()
        opt.step()
    back = from_torch(net)
    assert back.sizes == [6, 9, 2]
    assert [a.activation.name for a in back.layers] == ["tanh", "sigmoid"]
    with torch.no_grad():
        assert np.max(np.abs(back(X).data - net(Xt).numpy())) < 1e-12


@pytest.mark.parametrize("sizes, hidden, output", CASES)
def test_round_trip_gives_the_same_weights_bit_for_bit(sizes, hidden, output):
    model = MLP(sizes, hidden=hidden, output=output, seed=2)
    back = from_torch(to_torch(model))
    for w, w2 in zip(model.parameters(), back.parameters()):
        assert w.data.tobytes() == w2.data.tobytes()


def test_a_linear_without_bias_or_activation_is_read_as_identity_with_zero_bias():
    net = torch.nn.Sequential(torch.nn.Linear(3, 2, bias=False, dtype=torch.float64))
    back = from_torch(net)
    assert back.layers[0].activation.name == "identity"
    assert np.array_equal(back.layers[0].weight.data[0], np.zeros(2))


@pytest.mark.parametrize("net, says", [
    (lambda: torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Dropout()), "Dropout"),
    (lambda: torch.nn.Sequential(torch.nn.ReLU()), "ReLU where a Linear"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Linear(4, 1)), "gives 2"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Hardtanh(0, 2)), "Hardtanh"),
    (lambda: torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Softmax(dim=0)), "dim=0"),
    (lambda: torch.nn.Sequential(), "no Linear"),
])
def test_from_torch_refuses_what_an_mlp_cannot_hold(net, says):
    with pytest.raises(ValueError, match=says):
        from_torch(net())


def test_sign_and_other_models_are_refused_clearly():
    with pytest.raises(ValueError, match="sign"):
        to_torch(MLP([2, 2, 1], hidden="sign"))
    with pytest.raises(TypeError, match="Sequential"):
        from_torch(torch.nn.Linear(2, 2))
