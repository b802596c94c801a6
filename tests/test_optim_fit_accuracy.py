"""fit's accuracy per epoch is counted once at the end of the epoch (optim/fit_steps.py,
EpochHits, issue 20): the same count as adding each step's count, for every accuracy rule."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.nn import MLP
from stepgrad.optim import SGD, fit
from stepgrad.optim.fit_checks import accuracy_rule
from stepgrad.optim.fit_steps import EpochHits

rng = np.random.default_rng(5)
N = 23
TARGETS = {
    "class indices": (rng.integers(0, 4, N), 4),
    "one-hot": (np.eye(4)[rng.integers(0, 4, N)], 4),
    "±1": (rng.choice([-1.0, 1.0], N), 1),
    "0/1, one output": (rng.choice([0.0, 1.0], N), 1),
}


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize("batch", [1, 5, None])
def test_the_epochs_count_equals_the_sum_of_the_steps_counts(kind, batch):
    Y, width = TARGETS[kind]
    correct = accuracy_rule(Y)
    assert correct is not None
    order = rng.permutation(N)
    steps = [None] if batch is None else [order[s:s + batch] for s in range(0, N, batch)]
    hits, by_step = EpochHits(correct, N), 0
    for epoch in range(2):
        for idx in steps:
            k = N if idx is None else len(idx)
            a = rng.normal(size=(k, width)) if width > 1 else rng.uniform(-1, 1, (k, 1))
            a[0] = a[0].round(0)  # ties and exact zeros, where argmax and sign are picky
            by_step += correct(a, slice(None) if idx is None else idx)
            hits.add(a, idx)
        assert hits.epoch() == by_step, f"epoch {epoch}"
        by_step = 0


def test_predictions_of_another_dtype_or_width_midway_are_counted_as_they_are():
    Y = rng.integers(0, 3, 12)
    correct = accuracy_rule(Y)
    hits, expected = EpochHits(correct, 12), 0
    for s, dtype in zip(range(0, 12, 4), ["float64", "float32", "float32"]):
        idx = np.arange(s, s + 4)
        a = rng.normal(size=(4, 3)).astype(dtype)
        expected += correct(a, idx)
        hits.add(a, idx)
    assert hits.epoch() == expected
    assert hits.epoch() == 0  # the next epoch starts from nothing


def test_fits_accuracy_is_the_share_of_right_predictions_of_the_epochs_steps():
    # one step per sample, at a learning rate of 0: every step predicts with the same
    # weights, so the epoch's accuracy is the accuracy of those weights on all of X
    X = rng.normal(size=(30, 3))
    Y = rng.integers(0, 3, 30)
    model = MLP([3, 5, 3], hidden="tanh", output="softmax", seed=2)
    right = np.mean(np.argmax(model(X).data, axis=1) == Y)
    h = fit(model, X, Y, loss="cross_entropy", optimizer=SGD(model.parameters(), lr=0.0),
            batch_size=1, epochs=2, tol=None, seed=0, progress=False)
    assert h.accuracy == [right, right]
