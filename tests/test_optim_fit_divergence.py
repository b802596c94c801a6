"""fit's divergence rule calls good runs good: a loss that rises for an epoch or two and
then falls, a start near 0, dropout's noisier training loss; and still stops the runs
that truly diverge, as soon as the loss has stayed high or would be called converged.

Each good run here was called "diverged" by the rule before (an epoch loss ≥ 10·Q₀):
the tests show the epoch that rule stopped at."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from stepgrad.nn import MLP, Dropout, Layer, Sequential, cross_entropy, half_sse
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import SGD, Adam, fit, training
from stepgrad.optim.fit_steps import guess_loss
from stepgrad.optim.fit_watch import GROWTH, HIGH_EPOCHS


def quiet_fit(*args, **kwargs):
    """fit, with its divergence warnings collected."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = fit(*args, progress=False, **kwargs)
    return h, [str(w.message) for w in caught if "diverged" in str(w.message)]


def old_rule_stops(h) -> int | None:
    """The epoch at which 'an epoch loss ≥ 10·Q₀' stopped training, or None."""
    return next((e + 1 for e, L in enumerate(h.loss) if L >= GROWTH * h.Q[0]), None)


@pytest.fixture(scope="module")
def moons_data():
    X, y = moons(100, noise=0.1, seed=0)
    return X, one_hot(y)


def test_fitting_a_trained_network_again_is_not_divergence(moons_data):
    """From Q₀ = 3.8e-4, Adam with one sample per step throws the loss up 34 times in the
    first epoch, and then brings it to 2.5e-5: Q₀ near 0 says nothing about scale."""
    X, Y = moons_data
    model = MLP([2, 16, 2], hidden="tanh", output="sigmoid", seed=0)
    fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), epochs=300, batch_size=None,
        tol=None, progress=False)
    h, warned = quiet_fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), epochs=30,
                          batch_size=1, seed=0)
    assert h.Q[0] < 1e-3 and old_rule_stops(h) == 1
    assert h.stop_reason != "diverged" and not warned
    assert h.loss[-1] < h.Q[0]


def test_dropouts_training_loss_above_the_eval_mode_q0_is_not_divergence(moons_data):
    """Q₀ is taken in eval mode (no dropout), the epoch losses in training mode."""
    X, Y = moons_data

    def net():
        return Sequential(Layer(2, 32, "relu", seed=0), Dropout(0.3, seed=1),
                          Layer(32, 2, "sigmoid", seed=2))

    trained = net()
    fit(trained, X, Y, optimizer=Adam(trained.parameters(), lr=0.02), epochs=300,
        batch_size=16, seed=0, progress=False)
    model = net()
    model.load_state_dict(trained.state_dict())
    h, warned = quiet_fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.02), epochs=40,
                          batch_size=16, seed=0)
    assert old_rule_stops(h) is not None
    assert h.stop_reason != "diverged" and not warned
    assert max(h.loss) < GROWTH * guess_loss(model, half_sse, X, Y)


def sine(n=64):
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(n, 1))
    return X, np.sin(2 * X)


def test_a_loss_that_jumps_for_two_epochs_and_then_falls_is_not_divergence():
    """Adam's first steps are μ long in every weight: 21·Q₀ at epochs 3 and 4, then 4.5e-5."""
    X, Y = sine()
    model = MLP([1, 64, 64, 1], hidden="tanh", output="identity", seed=1)
    h, warned = quiet_fit(model, X, Y, loss="mse", optimizer=Adam(model.parameters(), lr=0.1),
                          epochs=200, batch_size=None)
    assert old_rule_stops(h) == 3
    assert h.stop_reason == "converged" and not warned
    assert h.loss[-1] < 1e-4 * h.Q[0]


def growing_run(epochs):
    X, Y = sine()
    model = MLP([1, 16, 16, 1], hidden="tanh", output="identity", seed=1)
    return quiet_fit(model, X, Y, loss="mse", optimizer=SGD(model.parameters(), lr=0.3),
                     epochs=epochs, batch_size=None)


def test_a_loss_that_stays_high_for_five_epochs_is_divergence():
    """μ = 0.3 is past the stability limit of this net: after 125 epochs of learning the
    loss grows for good (to 1.6e5·Q₀ before it would overflow)."""
    h, warned = growing_run(300)
    first_high = old_rule_stops(h)
    assert h.stop_reason == "diverged" and h.epochs >= first_high + HIGH_EPOCHS - 1
    assert all(L >= GROWTH * h.Q[0] for L in h.loss[-HIGH_EPOCHS:])   # 5 in a row
    assert h.loss[-HIGH_EPOCHS - 1] < GROWTH * h.Q[0]                 # and not 6: at once
    assert len(warned) == 1 and warned[0].endswith(
        "(the loss was 10 times Q₀ or more for 5 epochs in a row)")
    assert h.best_epoch == 1 + int(np.argmin(h.loss))           # the best weights put back


def test_a_run_whose_epochs_run_out_at_a_high_loss_has_diverged():
    first_high = old_rule_stops(growing_run(300)[0])
    h, warned = growing_run(first_high)
    assert h.stop_reason == "diverged" and h.epochs == first_high
    assert len(warned) == 1 and warned[0].endswith("(0.4578), when the epochs ran out)")


def test_the_constant_guess_is_the_targets_mean_for_every_sample(moons_data):
    X, Y = moons_data
    model = MLP([2, 16, 2], seed=0)
    freq = Y.mean(axis=0)
    expected = 0.5 * np.sum((freq - Y) ** 2, axis=1).mean()     # ½Σ_m (ȳ_m − y_m)², mean
    assert guess_loss(model, half_sse, X, Y) == pytest.approx(expected, rel=1e-14)
    entropy = -np.sum(freq * np.log(freq))                       # −Σ_m ȳ_m log ȳ_m
    labels = np.argmax(Y, axis=1)
    softmax_net = MLP([2, 16, 2], output="softmax", seed=0)
    assert guess_loss(softmax_net, cross_entropy, X, labels) == pytest.approx(entropy, rel=1e-12)
    assert math.isnan(guess_loss(model, half_sse, X, np.ones((len(X), 3))))  # another width

    def scalar_only(a, y):
        raise TypeError("this loss takes lists of Values")
    assert math.isnan(guess_loss(model, scalar_only, X, Y))


def test_the_constant_guess_is_scored_only_when_an_epoch_loss_reaches_growth_times_q0(
        moons_data, monkeypatch):
    """Q_ȳ only matters for a loss of GROWTH·Q₀ or more (Q_ref ≥ Q₀): a run that never gets
    there never computes it; one that does computes it once."""
    X, Y = moons_data
    calls = []

    def counted(*args):
        calls.append(1)
        return guess_loss(*args)

    monkeypatch.setattr(training, "guess_loss", counted)
    model = MLP([2, 8, 2], hidden="tanh", output="sigmoid", seed=0)
    fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), epochs=200, batch_size=None,
        tol=None, progress=False)
    assert calls == []
    h, warned = quiet_fit(model, X, Y, optimizer=SGD(model.parameters(), lr=1e4), epochs=8,
                          batch_size=None)
    assert max(h.loss) >= GROWTH * h.Q[0] and calls == [1]


def test_from_a_good_start_the_reference_is_the_constant_guess_and_the_warning_says_so(
        moons_data):
    """A trained softmax net (Q₀ = 0.003), then μ = 10⁶: the loss sits flat at 6.9, 2400·Q₀
    and above ln 2 (the constant guess's loss): a stuck network, never convergence."""
    X, Y = moons_data
    model = MLP([2, 16, 2], hidden="tanh", output="softmax", seed=0)
    fit(model, X, Y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.05),
        epochs=200, batch_size=None, tol=None, progress=False)
    start = model.state_dict()
    h, warned = quiet_fit(model, X, Y, loss="cross_entropy",
                          optimizer=SGD(model.parameters(), lr=1e6), epochs=50, batch_size=None)
    guess = guess_loss(model, cross_entropy, X, Y)
    assert h.Q[0] < guess == pytest.approx(np.log(2), rel=1e-3)
    assert h.stop_reason == "diverged" and guess < h.loss[-1] < GROWTH * guess
    assert len(warned) == 1 and warned[0].endswith(
        f"(the loss was 10 times Q₀ or more, and above the constant guess's loss ({guess:.4g}), "
        "and stopped changing)")
    assert all(np.array_equal(v, start[k]) for k, v in model.state_dict().items())  # epoch 0
