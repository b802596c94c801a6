"""numpy's reductions, called directly.

``ndarray.min``, ``.max`` and ``.sum`` are these same ufunc reductions behind a
Python wrapper of numpy's, which costs more than reducing a batch's few hundred
entries; the engine's hot paths (the softmax, cross-entropy, log's domain test,
the class-index check) call them here instead, with the same results. Typed
loosely: numpy's stubs for ``ufunc.reduce`` differ by version (numpy 2.5's reject
``axis=None``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["minimum", "maximum", "total"]

minimum: Callable[..., Any] = np.minimum.reduce  # ndarray.min
maximum: Callable[..., Any] = np.maximum.reduce  # ndarray.max
total: Callable[..., Any] = np.add.reduce  # ndarray.sum
