"""The activation and loss slides' printed forms against what the library computes
(docs/lecture-slips.md): ReLU′ = sign x, the MSLE table, BCE's brackets, sums
where the library averages."""

from __future__ import annotations

import math

import numpy as np
import pytest

import stepgrad.nn as nn
from stepgrad.autograd import Tensor

rng = np.random.default_rng(9)


def test_the_slides_relu_derivative_sign_x_is_wrong_for_negative_x():
    x = np.array([-3.0, -0.5, -1e-9, 0.0, 1e-9, 0.5, 3.0])
    printed = np.sign(x)                                  # the slide: σ′(x) = sign(x)
    true = nn.relu.derivative(x)                          # the engine's backward
    assert np.array_equal(true, [0, 0, 0, 0, 1, 1, 1])
    assert np.array_equal(printed[x >= 0], true[x >= 0])  # agree for x ≥ 0
    assert np.all(printed[x < 0] == -1) and np.all(true[x < 0] == 0)   # differ for x < 0


def test_the_slides_hardtanh_derivative_on_the_closed_interval_differs_only_at_the_kinks():
    x = np.array([-1.5, -1.0, -0.5, 0.5, 1.0, 1.5])
    printed = ((x >= -1) & (x <= 1)).astype(float)        # the slide: 1 on [−1, 1]
    true = nn.hardtanh.derivative(x)
    assert np.array_equal(printed != true, np.abs(x) == 1)


def test_the_msle_tables_numbers_are_not_its_formula_and_log10_is_a_reconstruction():
    table = [(3.0, 5.0, 0.22), (3000.0, 3200.0, 0.02)]   # a, y, the printed MSLE
    formula = [nn.msle(Tensor(np.array([a])), np.array([y])).item() for a, y, _ in table]
    assert formula == pytest.approx([0.1644, 0.00416], abs=1e-4)   # (ln(y+1) − ln(a+1))²
    for (a, y, printed), f in zip(table, formula):
        assert abs(f - printed) > 0.015                  # not the formula's number
        guess = abs(math.log10(y / a))                   # the reconstruction: |log₁₀(y/a)|
        assert math.floor(100 * guess) / 100 == printed  # fits when cut to 2 decimals
    assert round(abs(math.log10(3200 / 3000)), 2) == 0.03   # rounded, it would not fit


def test_categorical_cross_entropy_and_squared_hinge_are_sums_on_the_slides():
    N = 5
    P = rng.dirichlet(np.ones(3), size=N)
    Y = np.eye(3)[rng.integers(0, 3, N)]
    slide_ce = -np.sum(Y * np.log(P))                    # L = −Σ y log a
    assert nn.cross_entropy(Tensor(P), Y, reduction="sum").item() == pytest.approx(slide_ce)
    assert nn.cross_entropy(Tensor(P), Y).item() == pytest.approx(slide_ce / N)
    A, T = rng.normal(size=(N, 2)), np.where(rng.random((N, 2)) < 0.5, -1.0, 1.0)
    slide_hinge = np.sum(np.maximum(0.0, 1 - T * A) ** 2)   # L = Σ max{0, 1 − y a}²
    assert nn.squared_hinge(Tensor(A), T, reduction="sum").item() == pytest.approx(slide_hinge)
    assert nn.squared_hinge(Tensor(A), T).item() == pytest.approx(slide_hinge / A.size)


def test_the_bce_formula_needs_its_brackets():
    a, y = rng.uniform(0.1, 0.9, 6), (rng.random(6) < 0.5).astype(float)
    n = len(a)
    as_printed = -(1 / n) * np.sum(y * np.log(a)) + (1 - y) * np.log(1 - a)  # an array, even
    bracketed = -(1 / n) * np.sum(y * np.log(a) + (1 - y) * np.log(1 - a))
    assert np.ndim(as_printed) == 1                      # the second term left outside Σ
    ours = nn.binary_cross_entropy(Tensor(a), y).item()
    assert ours == pytest.approx(bracketed, rel=1e-12)
