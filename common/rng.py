"""Random generators: one rule for turning a seed into a ``numpy.random.Generator``.

Randomness in stepgrad comes only from an explicit seed or Generator, never
numpy's global state, so the same seed gives the same network, split and data
on every run.
"""

from __future__ import annotations

import numpy as np

__all__ = ["make_rng", "Seed"]

Seed = int | np.random.Generator | None
"""What :func:`make_rng` takes: an int, a Generator, or None (fresh entropy)."""


def make_rng(seed: Seed = None) -> np.random.Generator:
    """A ``numpy.random.Generator`` from a seed (int), a Generator, or None (fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise TypeError(f"seed must be an int, a numpy Generator or None, got {type(seed).__name__}")
