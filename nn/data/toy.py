"""Two-dimensional toy data sets: moons, circles, spirals, XOR and a linear split.

Each returns ``(X, y)``: X of shape (n, 2), the points (x_1, x_2); y of shape
(n,), integer class indices 0, 1, … (``one_hot(y)`` makes the lecture's
targets). Each is seeded (the same seed gives the same points) and has a
``noise`` level: the standard deviation of Gaussian noise added to each
coordinate after the classes are set, so with ``noise=0`` the shapes are exact
and a larger noise makes the classes overlap. The classes are as equal in size
as n allows, and the rows come in random order.

=============  ===================================================  =====================
set            shape                                                 a straight line can
=============  ===================================================  =====================
``linear``     the square [−1, 1]², split by x_2 = 0.5·x_1          separate it
``xor``        the four corners (±1, ±1); class 1 where x_1·x_2 < 0  not separate it
``circles``    a circle of radius 1 around one of radius ``factor``  not separate it
``moons``      two interleaved half circles of radius 1              not separate it
``spirals``    ``classes`` arms turning ``turns`` times              not separate it
=============  ===================================================  =====================
"""

from __future__ import annotations

import numpy as np

from stepgrad.common.rng import Seed, make_rng

from .registry import DATASETS

__all__ = ["linear", "xor", "circles", "moons", "spirals"]


def _check(who: str, n, noise, classes: int = 2) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < classes:
        raise ValueError(f"{who}: n must be an int >= {classes} (one point per class), got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float)) or not noise >= 0:
        raise ValueError(f"{who}: noise must be a number >= 0 (a standard deviation), "
                         f"got {noise!r}")


def _labels(n: int, classes: int) -> np.ndarray:
    """0 … classes−1, as equal in number as n allows, in blocks."""
    return np.repeat(np.arange(classes), [len(b) for b in np.array_split(np.arange(n), classes)])


def _finish(X, y, noise, rng):
    X = X + noise * rng.normal(size=X.shape)
    order = rng.permutation(len(y))
    return X[order], y[order]


@DATASETS.register()
def linear(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in [−1, 1]²; class 1 above the line x_2 = 0.5·x_1, class 0 below."""
    _check("linear", n, noise)
    rng = make_rng(seed)
    y = _labels(n, 2)
    X = np.empty((n, 2))
    X[:, 0] = rng.uniform(-1, 1, size=n)
    line = 0.5 * X[:, 0]
    # x_2 uniform on the side of the line its class says
    u = rng.uniform(0, 1, size=n)
    X[:, 1] = np.where(y == 1, line + u * (1 - line), line - u * (line + 1))
    return _finish(X, y, noise, rng)


@DATASETS.register()
def xor(n: int = 200, noise: float = 0.2, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """The four corners (±1, ±1), ``noise`` around each; class 1 where the signs differ."""
    _check("xor", n, noise)
    rng = make_rng(seed)
    y = _labels(n, 2)
    first = rng.choice([-1.0, 1.0], size=n)              # x_1's corner
    second = np.where(y == 1, -first, first)             # same sign: class 0
    return _finish(np.column_stack([first, second]), y, noise, rng)


@DATASETS.register()
def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5,
            seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Class 0 on the circle of radius 1, class 1 on the circle of radius ``factor`` inside it."""
    _check("circles", n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor (the inner radius) must be in (0, 1), got {factor!r}")
    rng = make_rng(seed)
    y = _labels(n, 2)
    t = rng.uniform(0, 2 * np.pi, size=n)
    r = np.where(y == 0, 1.0, factor)
    return _finish(np.column_stack([r * np.cos(t), r * np.sin(t)]), y, noise, rng)


@DATASETS.register()
def moons(n: int = 200, noise: float = 0.1, seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles of radius 1.

    Class 0: (cos t, sin t), centre (0, 0); class 1: (1 − cos t, ½ − sin t),
    centre (1, ½); t evenly spaced in [0, π].
    """
    _check("moons", n, noise)
    rng = make_rng(seed)
    y = _labels(n, 2)
    t = np.concatenate([np.linspace(0, np.pi, np.sum(y == k)) for k in (0, 1)])
    X = np.where((y == 0)[:, None],
                 np.column_stack([np.cos(t), np.sin(t)]),
                 np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)]))
    return _finish(X, y, noise, rng)


@DATASETS.register()
def spirals(n: int = 300, noise: float = 0.05, classes: int = 2, turns: float = 1.0,
            seed: Seed = 0) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` spiral arms from the centre out to radius 1, each turning ``turns`` times.

    Arm k: radius r ∈ [0.1, 1] evenly spaced, angle 2π·(turns·r + k/classes).
    """
    if isinstance(classes, bool) or not isinstance(classes, int) or classes < 2:
        raise ValueError(f"spirals: classes must be an int >= 2, got {classes!r}")
    _check("spirals", n, noise, classes)
    rng = make_rng(seed)
    y = _labels(n, classes)
    r = np.concatenate([np.linspace(0.1, 1, np.sum(y == k)) for k in range(classes)])
    angle = 2 * np.pi * (turns * r + y / classes)
    return _finish(np.column_stack([r * np.cos(angle), r * np.sin(angle)]), y, noise, rng)
