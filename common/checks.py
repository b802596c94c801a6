"""Argument checks shared by the layers: a clear error naming the argument and its value."""

from __future__ import annotations

import numbers

__all__ = ["check_number"]


def check_number(name: str, x: object, *, positive: bool = False) -> float:
    """``x`` as a float, if it is a finite real number >= 0 (> 0 with ``positive``).

    Raises:
        TypeError: not a real number (a bool is not one).
        ValueError: negative, NaN, infinite, or 0 with ``positive``.
    """
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a number, got {x!r} ({type(x).__name__})")
    x = float(x)
    if not x >= 0 or x == float("inf"):  # also rejects NaN
        raise ValueError(f"{name} must be a finite number >= 0, got {name}={x!r}")
    if positive and x == 0:
        raise ValueError(f"{name} must be > 0, got {name}={x!r}")
    return x
