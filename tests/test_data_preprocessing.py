"""Standardisation fitted on training rows only, the three-way split, one-hot."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.nn.data import Standardizer, iris, one_hot, train_val_test_split


def test_standardizer_uses_the_training_mean_and_spread_for_every_part():
    rng = np.random.default_rng(0)
    train, test = rng.normal(5, 2, size=(50, 3)), rng.normal(9, 2, size=(20, 3))
    s = Standardizer().fit(train)
    Z_train, Z_test = s.transform(train), s.transform(test)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z_train.std(axis=0), 1)
    np.testing.assert_allclose(Z_test, (test - train.mean(axis=0)) / train.std(axis=0))
    assert Z_test.mean() > 1, "the test rows keep their shift: nothing leaked from them"
    np.testing.assert_allclose(s.inverse_transform(Z_test), test)
    assert np.array_equal(Standardizer().fit_transform(train), Z_train)


def test_a_constant_column_is_centred_not_nan():
    X = np.column_stack([np.arange(4.0), np.full(4, 7.0)])
    Z = Standardizer().fit_transform(X)
    assert np.isfinite(Z).all() and (Z[:, 1] == 0).all()


@pytest.mark.parametrize("call, match", [
    (lambda: Standardizer().transform(np.ones((2, 2))), "fit"),
    (lambda: Standardizer().fit(np.ones(3)), "2-D"),
    (lambda: Standardizer().fit(np.ones((2, 2))).transform(np.ones((2, 3))), "3 columns"),
    (lambda: Standardizer().fit([[1.0, np.nan]]), r"X\[0, 1\] is nan"),
])
def test_standardizer_errors_say_what_to_do(call, match):
    with pytest.raises((ValueError, RuntimeError), match=match):
        call()


def test_split_is_seeded_disjoint_and_complete():
    X = np.arange(200.0).reshape(100, 2)
    y = np.arange(100)
    (Xa, ya), (Xv, yv), (Xt, yt) = train_val_test_split(X, y, val=0.2, test=0.1, seed=3)
    assert (len(ya), len(yv), len(yt)) == (70, 20, 10)
    assert sorted(np.concatenate([ya, yv, yt]).tolist()) == list(range(100))
    assert np.array_equal(Xa[:, 0], 2 * ya), "rows stay paired with their targets"
    again = train_val_test_split(X, y, val=0.2, test=0.1, seed=3)
    assert np.array_equal(again[0][1], ya)
    assert not np.array_equal(train_val_test_split(X, y, seed=4)[0][1][:10], ya[:10])


def test_stratified_split_keeps_each_class_share():
    X, y = iris()
    train, val, test = train_val_test_split(X, y, val=0.2, test=0.2, seed=0, stratify=True)
    assert [np.bincount(part[1]).tolist() for part in (train, val, test)] == \
        [[30, 30, 30], [10, 10, 10], [10, 10, 10]]
    Y = one_hot(y)
    _, _, (_, Yt) = train_val_test_split(X, Y, val=0.2, test=0.2, seed=0, stratify=True)
    assert Yt.sum(axis=0).tolist() == [10, 10, 10]


@pytest.mark.parametrize("kw, match", [({"val": 0.5, "test": 0.5}, "no training rows"),
                                       ({"val": -0.1}, "val must be"),
                                       ({"test": 1.5}, "test must be")])
def test_split_refuses_bad_fractions(kw, match):
    with pytest.raises(ValueError, match=match):
        train_val_test_split(np.ones((10, 2)), np.ones(10), **kw)
    with pytest.raises(ValueError, match="10 rows but Y has 9"):
        train_val_test_split(np.ones((10, 2)), np.ones(9))


def test_one_hot_puts_a_single_1_in_each_row_at_the_class():
    Y = one_hot([2, 0, 1, 2])
    assert Y.tolist() == [[0, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert one_hot([0, 1], num_classes=4).shape == (2, 4)
    assert np.array_equal(one_hot(np.array([1.0, 0.0])), one_hot([1, 0]))
    assert np.array_equal(one_hot(Y.argmax(axis=1)), Y)


@pytest.mark.parametrize("y, kw, match", [([0.5, 1], {}, "integers"), ([[0, 1]], {}, "shape"),
                                          ([0, 3], {"num_classes": 2}, "num_classes=2"),
                                          ([-1, 0], {}, ">= 0")])
def test_one_hot_refuses_what_is_not_class_indices(y, kw, match):
    with pytest.raises(ValueError, match=match):
        one_hot(y, **kw)
