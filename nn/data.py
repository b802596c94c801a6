"""A small lecture-like data set, made here so examples, tests and benchmarks share it.

The slide's table: height, weight, bone density, femur length, jawline width
and jawline length of a person (the inputs x_1 … x_6), and gender as two
one-hot outputs y_1, y_2 (F = (1, 0), M = (0, 1)).
"""

from __future__ import annotations

import numpy as np

__all__ = ["COLUMNS", "lecture_data"]

COLUMNS = ("height", "weight", "bone density", "femur length", "jawline width",
           "jawline length")


def lecture_data(n: int = 60, seed=0):
    """``n`` made-up people, standardised per column, with one-hot gender.

    Args:
        n: the number of rows.
        seed: an int or a numpy Generator (never numpy's global state).

    Returns:
        ``(X, Y)``: X of shape (n, 6), standardised; Y of shape (n, 2), one-hot.
    """
    rng = np.random.default_rng(seed)
    female = np.array([150, 60, 1.4, 36, 3.2, 10.5])
    male = np.array([180, 85, 2.2, 46, 4.8, 14.0])
    spread = np.array([8, 8, 0.3, 3, 0.4, 1.0])
    gender = rng.integers(0, 2, size=n)
    X = np.where(gender[:, None] == 1, male, female) + rng.normal(size=(n, 6)) * spread
    return (X - X.mean(axis=0)) / X.std(axis=0), np.eye(2)[gender]
