"""A sparse gradient: values to add at an index of a parent, from the indexing ops and
cross-entropy on class indices. Its own module (it imports numpy alone), so that the
backward loop can read it without importing the array helpers, which import the node."""

from __future__ import annotations

import numpy as np

__all__ = ["Scatter", "BASIC_INDEX"]

BASIC_INDEX = (int, np.integer, slice, type(None), type(Ellipsis))


class Scatter:
    """A sparse gradient contribution: add ``value`` at ``index`` of the parent.

    Indexing ops return one from ``vjp`` instead of a dense array. A basic
    index (ints and slices) picks each entry at most once, so it is added
    with ``g[index] += value``; an advanced index (arrays) may repeat entries,
    which must accumulate, so it is added with ``np.add.at``.

    ``one_per_row``: the index is ``(arange(N), cols)`` of a 2-D parent, one entry of
    each row (what cross-entropy on class indices sends back); a softmax node takes
    such a gradient without making it dense (:meth:`.Softmax.sparse_vjp`). ``picked``:
    the parent's data at ``index``, when the op that made the gradient read it (None
    otherwise), so that the sparse vjp need not gather it again.
    """

    __slots__ = ("index", "value", "basic", "one_per_row", "picked")

    def __init__(self, index, value, one_per_row: bool = False, picked=None):
        self.index = index
        self.value = value
        self.basic = False if one_per_row else _is_basic(index)  # (arange(N), cols): arrays
        self.one_per_row = one_per_row
        self.picked = picked

    def added_to(self, grad, shape: tuple, dtype) -> np.ndarray:
        """A new array: ``grad`` (None for zeros) with ``value`` added at ``index``.

        New, because ``grad`` may be shared with another node or read-only.
        """
        return self.add_into(np.zeros(shape, dtype) if grad is None else grad.astype(dtype))

    def add_into(self, g: np.ndarray) -> np.ndarray:
        """``g[index] += value`` in place, into an array its owner lets us write; returns g."""
        if self.basic:  # no entry picked twice: a plain (fast) in-place add
            part = g[self.index]
            if type(part) is np.ndarray:  # a view of g: added into where it lies
                np.add(part, self.value, out=part)
            else:  # one entry (a number, not a view)
                g[self.index] += self.value
        else:  # repeated indices accumulate
            np.add.at(g, self.index, np.asarray(self.value, g.dtype))
        return g

    def __repr__(self) -> str:
        return f"Scatter(index={self.index!r}, value={self.value!r})"


def _is_basic(index) -> bool:
    """True for an index of ints, slices, None and ..., which picks no entry twice."""
    for i in index if type(index) is tuple else (index,):
        if type(i) is bool or not isinstance(i, BASIC_INDEX):
            return False
    return True
