"""Greedy layer-wise pretraining of a deep sigmoid network against its random start."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from stepgrad.nn import MLP, gradient_norms, half_sse
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import SGD, fit
from stepgrad.optim.pretraining import pretrain_layers

SIZES = [2] + [16] * 6 + [2]


def deep_sigmoid():
    return MLP(SIZES, hidden="sigmoid", output="sigmoid", init="small", seed=0)


@pytest.fixture(scope="module")
def runs():
    X, y = moons(200, noise=0.15, seed=0)
    Y = one_hot(y)
    random, pretrained = deep_sigmoid(), deep_sigmoid()
    histories = pretrain_layers(pretrained, X, epochs=100, lr=0.01)
    return X, Y, random, pretrained, histories


def first_gradients(model, X, Y):
    model.zero_grad()
    half_sse(model(X), Y).backward()
    return list(gradient_norms(model).values())


def test_pretraining_gives_larger_first_layer_gradients_than_the_random_start(runs):
    X, Y, random, pretrained, _ = runs
    g_random, g_pre = first_gradients(random, X, Y), first_gradients(pretrained, X, Y)
    assert g_pre[0] > 1e3 * g_random[0]                 # ‖∂L/∂w¹‖: orders of magnitude
    assert min(g_pre[:-1]) > 1e2 * min(g_random[:-1])   # no hidden layer left starved
    assert g_random[0] < g_random[-2] * 1e-3            # the random start's vanishing gradient


def test_each_autoencoder_learns_to_reconstruct_and_only_hidden_layers_change(runs):
    X, Y, random, pretrained, histories = runs
    assert len(histories) == len(SIZES) - 2
    for h in histories:
        assert h.loss[-1] < 0.5 * h.loss[0]
    for a, b in zip(random.parameters()[:-1], pretrained.parameters()[:-1]):
        assert not np.allclose(a.data, b.data)
    np.testing.assert_array_equal(random.parameters()[-1].data, pretrained.parameters()[-1].data)


def test_fine_tuning_from_the_pretrained_start_learns_where_the_random_start_stalls(runs):
    X, Y, random, pretrained, _ = runs
    losses = {}
    for name, model in (("random", random), ("pretrained", pretrained)):
        model = copy.deepcopy(model)              # the fixture's networks stay at their start
        h = fit(model, X, Y, optimizer=SGD(model.parameters(), lr=2.0), batch_size=None,
                epochs=100, tol=None, progress=False)
        losses[name] = h.loss[-1]
    assert losses["random"] > 0.24                      # still ½ everywhere: ¼ per sample
    assert losses["pretrained"] < 0.15


def test_pretraining_needs_layers_and_inputs_that_fit():
    with pytest.raises(ValueError, match="at least one hidden layer"):
        pretrain_layers(MLP([2, 1]), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(N, 2\)"):
        pretrain_layers(MLP([2, 3, 1]), np.zeros((4, 3)))
