"""``ValueVector``: one sample's outputs a₁…a_M as Values, used the way a Tensor is.

The losses are written once, in a Tensor's vocabulary (``a - y``, ``d * d``,
``.log()``, ``.sum()``, ...). A Tensor runs that code on the whole batch; a
ValueVector runs it on one sample's list of Values, entry by entry, so the
scalar view records the same ops, in the same order, as the Tensor view: one
node per entry where the Tensor has one node per array. This is the only place
outside the engine where a list of Values is told apart from a Tensor.
"""

from __future__ import annotations

import operator

import numpy as np

from stepgrad.autograd import Value, log_softmax, nsum

__all__ = ["ValueVector"]


class ValueVector:
    """The Values v₁…v_M of one sample, with a Tensor's elementwise operators.

    Operands may be another ValueVector, a number, or an array of M numbers
    (a target y: a constant, never differentiated).
    """

    __slots__ = ("values",)
    __array_ufunc__ = None  # y * a with y an ndarray calls our __rmul__
    ndim = 1

    def __init__(self, values):
        self.values = list(values)

    # ------------------------------------------------------------ like a Tensor

    @property
    def shape(self) -> tuple:
        return (len(self.values),)

    @property
    def size(self) -> int:
        return len(self.values)

    @property
    def data(self) -> np.ndarray:
        """The entries' numbers, an array of shape (M,)."""
        return np.array([v.data for v in self.values], dtype=np.float64)

    def _zip(self, other, op):
        if isinstance(other, ValueVector):
            return ValueVector([op(a, b) for a, b in zip(self.values, other.values)])
        if np.ndim(other) == 0:
            b = float(other)
            return ValueVector([op(a, b) for a in self.values])
        return ValueVector([op(a, float(b)) for a, b in zip(self.values, np.ravel(other))])

    def _map(self, f):
        return ValueVector([f(v) for v in self.values])

    def __add__(self, other):
        return self._zip(other, operator.add)

    def __radd__(self, other):
        return self._zip(other, lambda a, b: b + a)

    def __sub__(self, other):
        return self._zip(other, operator.sub)

    def __rsub__(self, other):
        return self._zip(other, lambda a, b: b - a)

    def __mul__(self, other):
        return self._zip(other, operator.mul)

    def __rmul__(self, other):
        return self._zip(other, lambda a, b: b * a)

    def __neg__(self):
        return self._map(operator.neg)

    def __pow__(self, n):
        return self._map(lambda v: v**n)

    def log(self):
        return self._map(Value.log)

    def exp(self):
        return self._map(Value.exp)

    def abs(self):
        return self._map(Value.abs)

    def relu(self):
        return self._map(Value.relu)

    def clip(self, lo: float, hi: float):
        """min{max{v, lo}, hi} per entry; a clipped entry is the constant lo or hi
        (slope 0, as ``Tensor.clip``)."""
        return self._map(lambda v: v if lo <= v.data <= hi else Value(lo if v.data < lo else hi))

    def log_softmax(self, axis: int = -1):
        """log a_m = u_m − log Σ_k e^{u_k}, one node per entry
        (:class:`~stepgrad.autograd.softmax_ops.LogSoftmaxAt`: shifted by max_k u_k, no
        overflow); empty when there is no u_m."""
        if not self.values:
            return self
        return ValueVector(log_softmax(self.values))

    def sum(self) -> Value:
        """Σ_m v_m as one node."""
        return nsum(self.values)

    def mean(self) -> Value:
        """(1/M)·Σ_m v_m: a sum times 1/M, as ``Tensor.mean``."""
        return nsum(self.values) * (1.0 / len(self.values))

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return f"ValueVector({[v.data for v in self.values]})"
