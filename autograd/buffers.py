"""Large arrays reused across training steps instead of made anew.

A training step makes the same large arrays every time (a layer's output, its
gradient), and a graph keeps them all until the step ends. Freed together,
glibc hands that memory back to the kernel, and the next step faults every
page in again: on a VM that costs more than the arithmetic. The ops and the
Tensor fast path write their large results into :func:`reusable` arrays
instead, which stay in the process.
"""

from __future__ import annotations

import math
import sys

import numpy as np

__all__ = ["reusable"]

_REUSE_MIN = 16384  # arrays of at least this many entries come from the pool
_POOL: dict = {}
_refs = sys.getrefcount


def reusable(shape: tuple, dtype):
    """An uninitialised array to write a large result into, reused across steps.

    The pool keeps the large arrays it handed out and hands one out again only
    when nothing else refers to it (its graph was freed): the memory stays in
    the process instead of going back to the kernel and faulting in again at
    the next step. Small arrays (below 16,384 entries) are made new.
    """
    if math.prod(shape) < _REUSE_MIN:
        return np.empty(shape, dtype)
    arrays = _POOL.setdefault((shape, dtype), [])
    for a in arrays:
        if _refs(a) == 3:  # the pool's list, this loop, getrefcount's argument
            return a
    a = np.empty(shape, dtype)
    if len(arrays) < 16:
        arrays.append(a)
    return a
