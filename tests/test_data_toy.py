"""The data sets: seeded, shaped as documented, and the shapes their docstrings name."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.nn.data import (
    COLUMNS,
    DATASETS,
    IRIS_CLASSES,
    IRIS_FEATURES,
    UNITS,
    circles,
    iris,
    lecture_data,
    linear,
    moons,
    spirals,
    xor,
)

TOYS = [linear, xor, circles, moons, spirals]


@pytest.mark.parametrize("make", TOYS, ids=lambda f: f.__name__)
def test_each_toy_set_is_seeded_and_shaped_n_by_2_with_balanced_integer_classes(make):
    X, y = make(n=101, noise=0.1, seed=4)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and np.issubdtype(y.dtype, np.integer)
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1
    X2, y2 = make(n=101, noise=0.1, seed=4)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(n=101, noise=0.1, seed=5)
    assert not np.allclose(X, X3)
    assert not np.array_equal(y, np.sort(y)), "rows come in random order, not class blocks"


@pytest.mark.parametrize("make", TOYS, ids=lambda f: f.__name__)
def test_noise_is_the_standard_deviation_added_to_each_coordinate(make):
    clean, y = make(n=2000, noise=0.0, seed=1)
    noisy, y_noisy = make(n=2000, noise=0.3, seed=1)
    assert np.array_equal(y, y_noisy)
    spread = (noisy - clean).std()
    assert 0.27 < spread < 0.33


def test_noise_free_shapes_are_exact():
    X, y = circles(n=200, noise=0, factor=0.4)
    np.testing.assert_allclose(np.hypot(*X.T), np.where(y == 0, 1.0, 0.4))
    X, y = moons(n=200, noise=0)
    centre = np.where((y == 0)[:, None], [0.0, 0.0], [1.0, 0.5])
    np.testing.assert_allclose(np.hypot(*(X - centre).T), 1.0)
    assert (X[y == 0, 1] >= -1e-12).all() and (X[y == 1, 1] <= 0.5 + 1e-12).all()
    X, y = xor(n=200, noise=0)
    assert set(map(tuple, X)) == {(1, 1), (1, -1), (-1, 1), (-1, -1)}
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    X, y = linear(n=200, noise=0)
    assert np.array_equal(y, (X[:, 1] > 0.5 * X[:, 0]).astype(int))
    assert (np.abs(X) <= 1).all()
    X, y = spirals(n=300, noise=0, classes=3)
    r = np.hypot(*X.T)
    assert set(np.bincount(y)) == {100} and r.min() >= 0.1 - 1e-12 and r.max() <= 1 + 1e-12


@pytest.mark.parametrize("make", TOYS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("kw, word", [({"n": 1}, "n must be"), ({"n": 2.5}, "n must be"),
                                      ({"noise": -0.1}, "noise must be"),
                                      ({"noise": "lots"}, "noise must be")])
def test_bad_arguments_say_which(make, kw, word):
    with pytest.raises(ValueError, match=word):
        make(**kw)


def test_lecture_data_is_the_slides_six_columns_and_one_hot_gender():
    assert len(COLUMNS) == len(UNITS) == 6 and COLUMNS[0] == "height" and UNITS[0] == "cm"
    X, Y = lecture_data(40, seed=2)
    assert X.shape == (40, len(COLUMNS)) and Y.shape == (40, 2)
    assert set(Y.sum(axis=1)) == {1.0}
    np.testing.assert_allclose(X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(X.std(axis=0), 1)
    raw, Y_raw = lecture_data(40, seed=2, standardize=False)
    assert np.array_equal(Y, Y_raw)
    men = Y_raw[:, 1] == 1
    assert 120 < raw[:, 0].min() and raw[:, 0].max() < 210                  # heights in cm
    assert raw[men, 0].mean() > raw[~men, 0].mean() + 20                     # 180 vs 150
    assert np.array_equal(lecture_data(40, seed=2)[0], X)
    with pytest.raises(ValueError, match="positive int"):
        lecture_data(0)


def test_iris_is_fishers_150_flowers_three_species_of_50():
    X, y = iris()
    assert X.shape == (150, len(IRIS_FEATURES)) and y.shape == (150,)
    assert np.bincount(y).tolist() == [50, 50, 50] and len(IRIS_CLASSES) == 3
    np.testing.assert_allclose(X.min(axis=0), [4.3, 2.0, 1.0, 0.1])
    np.testing.assert_allclose(X.max(axis=0), [7.9, 4.4, 6.9, 2.5])
    np.testing.assert_allclose(X.mean(axis=0), [5.843, 3.057, 3.758, 1.199], atol=1e-3)
    assert X[0].tolist() == [5.1, 3.5, 1.4, 0.2] and y[0] == 0
    # Fisher's values (as in R), not the UCI copy's two slips
    assert X[34].tolist() == [4.9, 3.1, 1.5, 0.2] and X[37].tolist() == [4.9, 3.6, 1.4, 0.1]
    # setosa's petals are shorter than every other flower's: linearly separable
    assert X[y == 0, 2].max() < X[y != 0, 2].min()


def test_every_named_data_set_loads_by_its_name():
    for name, make in DATASETS.items():
        X, y = make()
        assert len(X) == len(y) > 0, name
