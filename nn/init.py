"""Initial weights: the lecture's "small random numbers", Glorot and He.

Each scheme fills a layer's weight array of shape (n_in + 1, n_out) in the
lecture's layout: row 0 holds the biases w_0h (x₀ = 1), rows 1…n_in the
weights w_fh. Randomness comes only from an explicit seed or
``numpy.random.Generator``, never numpy's global state, so the same seed gives
the same network on every run.

==========  ==========================================================  ============
name        weights w_fh, f ≥ 1                                          biases w_0h
==========  ==========================================================  ============
``small``   uniform(−1/(2n), 1/(2n)), n = n_in (a classic rule for       same
            "small random numbers": u_h stays in σ's linear range)
``glorot``  uniform(−r, r), r = √(6/(n_in + n_out)) (Glorot, Bengio      0
            2010; for tanh and sigmoid)
``he``      normal(0, √(2/n_in)) (He et al. 2015; for ReLU)              0
==========  ==========================================================  ============
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from stepgrad.common.registry import Registry
from stepgrad.common.rng import Seed, make_rng

__all__ = ["init_weights", "INITS", "small", "glorot", "he"]

InitLike = str | Callable[[int, int, np.random.Generator], np.ndarray]
"""A scheme by name (``"glorot"``) or ``f(n_in, n_out, rng)`` giving the (n_in + 1, n_out) array."""

INITS = Registry("init")
"""The initialisation schemes by name (``MLP(init=…)``, the command's ``--init``)."""


@INITS.register()
def small(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Every weight, biases too, uniform in (−1/(2·n_in), 1/(2·n_in))."""
    r = 1.0 / (2.0 * n_in)
    return rng.uniform(-r, r, size=(n_in + 1, n_out))


@INITS.register()
def glorot(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Weights uniform in (−√(6/(n_in + n_out)), +√(6/(n_in + n_out))), biases 0."""
    r = np.sqrt(6.0 / (n_in + n_out))
    w = np.zeros((n_in + 1, n_out))
    w[1:] = rng.uniform(-r, r, size=(n_in, n_out))
    return w


@INITS.register()
def he(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """Weights normal with mean 0 and standard deviation √(2/n_in), biases 0."""
    w = np.zeros((n_in + 1, n_out))
    w[1:] = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    return w


INITS.add("xavier", glorot)  # the same scheme under its other names
INITS.add("kaiming", he)


def init_weights(scheme: InitLike, n_in: int, n_out: int, rng: Seed) -> np.ndarray:
    """The (n_in + 1, n_out) array of ``scheme`` (a name or ``f(n_in, n_out, rng)``).

    Raises:
        ValueError: an unknown name (the message lists the valid ones), or an
            array of the wrong shape from a custom scheme.
    """
    make = INITS.lookup(scheme) if isinstance(scheme, str) else scheme
    w = np.asarray(make(n_in, n_out, make_rng(rng)), dtype=np.float64)
    if w.shape != (n_in + 1, n_out):
        raise ValueError(f"init must give shape {(n_in + 1, n_out)} (row 0: biases), "
                         f"got {w.shape}")
    return w
