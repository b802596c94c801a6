"""The lecture's table, made up: six body measurements of a person and their gender.

The slide's example table has one row per person and these columns (the
inputs x_1 … x_6, F = 6) and one target, the gender, which becomes M = 2 one-hot
outputs y_1, y_2 (F = (1, 0), M = (0, 1)). The slide prints three real-looking
rows (125 cm, 56 kg, … F; 189 cm, 90 kg, … M; 150 cm, 70 kg, … F) and elides the
rest, so :func:`lecture_data` *invents* rows like them: synthetic, seeded, and
the same on every run for the same seed.

==================  ======  ==================  ==================  ========
column (x_f)        unit    female mean         male mean           spread
==================  ======  ==================  ==================  ========
height              cm      150                 180                 8
weight              kg      60                  85                  8
bone density        g/cm²   1.4                 2.2                 0.3
femur length        cm      36                  46                  3
jawline width       cm      3.2                 4.8                 0.4
jawline length      cm      10.5                14.0                1.0
==================  ======  ==================  ==================  ========

Each value is its group's mean plus Gaussian noise of the given spread (standard
deviation), so nearly all heights lie in 125–205 cm, weights in 35–110 kg, and so
on (mean ± 3 spreads). The two groups are far apart in every column: a 6-9-2
perceptron separates them completely.
"""

from __future__ import annotations

import numpy as np

from stepgrad.common.rng import make_rng

from .preprocessing import Standardizer
from .registry import DATASETS

__all__ = ["COLUMNS", "UNITS", "GENDERS", "lecture_data"]

COLUMNS = ("height", "weight", "bone density", "femur length", "jawline width",
           "jawline length")
"""The names of the inputs x_1 … x_6, in the slide's order (the columns of X)."""

UNITS = ("cm", "kg", "g/cm²", "cm", "cm", "cm")
"""The unit of each column of :data:`COLUMNS`."""

GENDERS = ("F", "M")
"""The classes, in the order of the outputs: y = (1, 0) is F, y = (0, 1) is M."""

_FEMALE = np.array([150, 60, 1.4, 36, 3.2, 10.5])
_MALE = np.array([180, 85, 2.2, 46, 4.8, 14.0])
_SPREAD = np.array([8, 8, 0.3, 3, 0.4, 1.0])


@DATASETS.register("lecture")
def lecture_data(n: int = 60, seed: int | np.random.Generator | None = 0,
                 standardize: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """``n`` made-up people with the slide's columns :data:`COLUMNS`, and one-hot gender.

    Args:
        n: the number of rows (people), at least 1.
        seed: an int or a numpy Generator (never numpy's global state).
        standardize: True (the default) returns every column standardised with its
            own mean and standard deviation over all ``n`` rows, ready for quick
            examples. False returns the measurements in their units
            (:data:`UNITS`); to hold rows out for testing, split those first and
            fit a :class:`~stepgrad.nn.data.Standardizer` on the training rows only.

    Returns:
        ``(X, Y)``: X of shape (n, 6), one person per row, columns as in
        :data:`COLUMNS`; Y of shape (n, 2), one-hot: y = (1, 0) for F, (0, 1) for M
        (:data:`GENDERS`).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"lecture_data: n must be a positive int (the number of rows), got {n!r}")
    rng = make_rng(seed)
    gender = rng.integers(0, 2, size=n)
    X = np.where(gender[:, None] == 1, _MALE, _FEMALE) + rng.normal(size=(n, 6)) * _SPREAD
    if standardize:
        X = Standardizer().fit_transform(X)
    return X, np.eye(2)[gender]
