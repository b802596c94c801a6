"""Preparing data for a network: standardisation, a train/validation/test split, one-hot.

The order matters: split first, then fit the standardisation on the training
rows only and apply that same transformation to the validation and test rows.
Fitting it on all rows would let the held-out rows leak into training through
their mean and spread::

    train, val, test = train_val_test_split(X, y, val=0.2, test=0.2, seed=0)
    scaler = Standardizer().fit(train[0])
    X_train, X_val, X_test = (scaler.transform(part[0]) for part in (train, val, test))
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.common.rng import Seed, make_rng

__all__ = ["Standardizer", "train_val_test_split", "one_hot"]


def _as_matrix(X, who: str) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2:
        raise ValueError(f"{who}: expected a 2-D array (one sample per row), got shape {X.shape}")
    return X


class Standardizer:
    """x_f ← (x_f − x̄_f) / s_f per column, with x̄_f and s_f fitted on training data only.

    ``fit(X_train)`` stores each column's mean x̄_f (``mean``) and standard
    deviation s_f (``std``, population form); ``transform(X)`` applies them to
    any rows. A constant column (s_f = 0) is only centred (its s_f is taken as 1),
    so it becomes all zeros instead of NaN. A column of huge numbers (1e300,
    whose square overflows) gets its x̄_f and s_f from the column divided by its
    largest |x|, then scaled back: the right values, with no overflow.
    """

    def __init__(self):
        self.mean = None
        self.std = None

    def fit(self, X: ArrayLike) -> Standardizer:
        """Fit x̄_f and s_f on the rows of ``X`` (the training rows); returns self."""
        X = _as_matrix(X, "Standardizer.fit")
        if len(X) == 0:
            raise ValueError("Standardizer.fit: X has no rows")
        if not np.isfinite(X).all():
            r, c = np.argwhere(~np.isfinite(X))[0]
            raise ValueError(f"Standardizer.fit: X[{r}, {c}] is {X[r, c]}; "
                             "remove or fill missing values first")
        with np.errstate(over="ignore", invalid="ignore"):
            self.mean, std = X.mean(axis=0), X.std(axis=0)
        huge = ~(np.isfinite(self.mean) & np.isfinite(std))   # (x − x̄)² overflowed
        if huge.any():
            c = np.abs(X[:, huge]).max(axis=0)                # x = c·(x/c), |x/c| ≤ 1
            self.mean[huge] = (X[:, huge] / c).mean(axis=0) * c
            std[huge] = (X[:, huge] / c).std(axis=0) * c
        self.std = np.where(std > 0, std, 1.0)
        return self

    def _check(self, X, who: str) -> np.ndarray:
        if self.mean is None:
            raise RuntimeError(f"Standardizer.{who}: call fit(X_train) first")
        X = _as_matrix(X, f"Standardizer.{who}")
        if X.shape[1] != len(self.mean):
            raise ValueError(f"Standardizer.{who}: X has {X.shape[1]} columns, "
                             f"but the standardizer was fitted on {len(self.mean)}")
        return X

    def transform(self, X: ArrayLike) -> np.ndarray:
        """(X − x̄) / s with the fitted x̄ and s; a new array."""
        return (self._check(X, "transform") - self.mean) / self.std

    def fit_transform(self, X: ArrayLike) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``: for the training rows."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: ArrayLike) -> np.ndarray:
        """Back to the original units: Z·s + x̄."""
        return self._check(Z, "inverse_transform") * self.std + self.mean

    def __repr__(self) -> str:
        if self.mean is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(columns={len(self.mean)})"


def _fraction(name: str, p) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p < 1:
        raise ValueError(f"train_val_test_split: {name} must be a fraction in [0, 1), got {p!r}")
    return float(p)


Split = tuple[np.ndarray, np.ndarray]
"""``(X, Y)`` of one part."""


def train_val_test_split(X: ArrayLike, Y: ArrayLike, val: float = 0.15, test: float = 0.15,
                         seed: Seed = 0, stratify: bool = False) -> tuple[Split, Split, Split]:
    """Shuffle the rows (seeded) and cut them into training, validation and test parts.

    Args:
        X: inputs, shape (N, F).
        Y: targets with N rows: class indices (N,), one-hot (N, M) or values.
        val, test: the fractions of the rows held out for validation and test
            (each rounded to whole rows; the training part gets the rest).
        seed: an int or a numpy Generator.
        stratify: keep each class's share the same in all three parts (Y must
            be class indices or one-hot rows). Helps small data sets such as iris.

    Returns:
        ``((X_train, Y_train), (X_val, Y_val), (X_test, Y_test))``.
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if len(X) != len(Y):
        raise ValueError(f"train_val_test_split: X has {len(X)} rows but Y has {len(Y)}")
    val, test = _fraction("val", val), _fraction("test", test)
    if val + test >= 1:
        raise ValueError(f"train_val_test_split: val + test = {val + test:g} leaves no "
                         "training rows; it must be below 1")
    rng = make_rng(seed)
    if stratify:
        labels = Y.argmax(axis=1) if Y.ndim == 2 else Y
        groups = [rng.permutation(np.flatnonzero(labels == k)) for k in np.unique(labels)]
    else:
        groups = [rng.permutation(len(X))]
    parts: tuple[list, list, list] = ([], [], [])
    for idx in groups:
        n_val, n_test = round(val * len(idx)), round(test * len(idx))
        cuts = (idx[n_val + n_test:], idx[:n_val], idx[n_val:n_val + n_test])
        for part, rows in zip(parts, cuts):
            part.append(rows)
    out: list[Split] = []
    for part in parts:
        rows = np.concatenate(part)
        if stratify:
            rows = rng.permutation(rows)   # classes interleaved, not one block each
        out.append((X[rows], Y[rows]))
    return out[0], out[1], out[2]


def one_hot(y: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """Class indices k ∈ {0, …, K−1} → rows y with y_k = 1 and 0 elsewhere, shape (N, K).

    The lecture's targets for M = K outputs: class k is the output a_{k+1}.

    Args:
        y: integer class indices, shape (N,).
        num_classes: K; default ``max(y) + 1``.
    """
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"one_hot: expected class indices of shape (N,), got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        if not (np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y))):
            raise ValueError(f"one_hot: class indices must be integers, got dtype {y.dtype}")
        y = y.astype(int)
    k = int(y.max()) + 1 if y.size else 0
    if num_classes is None:
        num_classes = k
    elif num_classes < k:
        raise ValueError(f"one_hot: class index {k - 1} does not fit num_classes={num_classes}")
    if y.size and y.min() < 0:
        raise ValueError(f"one_hot: class indices must be >= 0, got {y.min()}")
    return np.eye(num_classes)[y.astype(int)]
