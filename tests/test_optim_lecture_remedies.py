"""Two of the lecture's remedies, as claims: AdaGrad adjusts to sparse updates (a rare
feature keeps a larger effective rate), and a smaller architecture overfits less."""

from __future__ import annotations

import numpy as np

from stepgrad.autograd import Tensor
from stepgrad.nn import MLP
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import SGD, AdaGrad, Adam, fit


def sparse_data(n=2000, seed=0):
    """x₁ in every sample, x₂ in about 5 % (0 elsewhere); y = x₁ + x₂ + noise."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n, 2))
    X[:, 0] = rng.normal(size=n)
    present = rng.random(n) < 0.05
    X[present, 1] = rng.normal(size=present.sum())
    return X, X @ np.array([1.0, 1.0]) + 0.5 * rng.normal(size=n)


def train_linear(rule, mu, X, y):
    w = Tensor(np.zeros(2))
    opt = rule([w], lr=mu)
    errors = []
    for x_i, y_i in zip(X, y):
        opt.zero_grad()
        (0.5 * ((Tensor(x_i, requires_grad=False) * w).sum() - y_i) ** 2).backward()
        opt.step()
        errors.append(np.abs(w.data - 1.0))
    return opt, w, np.array(errors)


def test_adagrad_keeps_a_larger_effective_rate_for_a_rare_feature():
    X, y = sparse_data()
    opt, w, errors = train_linear(AdaGrad, 0.1, X, y)
    rate = 0.1 / (np.sqrt(opt.state_of(w).sum_sq) + 1e-10)      # μ/(√v + ε) per weight
    assert rate[1] > 2 * rate[0]                                  # rare x₂: the larger rate
    _, _, sgd_errors = train_linear(SGD, 0.01, X, y)
    late, sgd_late = errors[1000:].mean(axis=0), sgd_errors[1000:].mean(axis=0)
    assert late[0] < 1.2 * sgd_late[0]                            # w₁ as good as SGD's …
    assert late[1] < 0.7 * sgd_late[1]                            # … and w₂ much better


def test_a_smaller_architecture_overfits_less_on_40_noisy_points():
    X, y = moons(40, noise=0.3, seed=0)
    X_val, y_val = moons(300, noise=0.3, seed=1)
    final = {}
    for sizes in ([2, 32, 32, 2], [2, 4, 2]):
        model = MLP(sizes, hidden="tanh", output="sigmoid", init="glorot", seed=0)
        h = fit(model, X, one_hot(y), optimizer=Adam(model.parameters(), lr=0.02),
                batch_size=None, epochs=300, tol=None, validation=(X_val, one_hot(y_val)),
                restore_best=False, progress=False)
        final[len(sizes)] = (h.loss[-1], h.val_loss[-1])
    (big_train, big_val), (small_train, small_val) = final[4], final[3]
    assert big_train < small_train                    # the big network fits its 40 points closer
    assert small_val < 0.85 * big_val                 # and does worse on new ones
