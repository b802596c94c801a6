"""fit's accuracy per epoch is the share of right predictions of the epoch's steps."""

from __future__ import annotations

import numpy as np

from stepgrad.nn import MLP
from stepgrad.optim import SGD, fit

rng = np.random.default_rng(5)


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
