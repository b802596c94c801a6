"""The two kinds of numbers an op can compute with: Python floats and numpy arrays.

Every op in :mod:`stepgrad.autograd.ops` is written once, against a *backend*
``B``: its forward calls ``B.exp(x)``, ``B.tanh(x)`` and so on, and its
derivative is plain arithmetic that works for floats and arrays alike. A
:class:`~stepgrad.autograd.value.Value` hands the ops :class:`ScalarMath`
(built on :mod:`math`: a numpy call on a Python float costs about twenty
times a ``math`` call), a :class:`~stepgrad.autograd.tensor.Tensor` hands
them :class:`ArrayMath` (built on numpy).

Both backends share the conventions of the engine:

* stable forms: ``sigmoid(±1000)`` is ``1`` or ``0`` and ``tanh(±1000)`` is
  ``±1``, with no overflow; ``exp`` of a huge number is ``inf``, as in numpy;
* domain errors raise :class:`ValueError` naming the op and the value (log of
  a non-positive number, 0 to a negative power, a negative base to a
  fractional power), never ``math domain error`` and never a complex number;
* NaN propagates: ``relu(nan)`` is ``nan``, not ``0``;
* ``sign(0) = 0`` and ``sign(nan) = nan``; ``indicator(condition, like)`` turns
  a comparison into 1.0 or 0.0, so an op's derivative at a kink is written
  once, in the op (relu′(0) = 0 is ``indicator(x > 0, x)``).
"""

from __future__ import annotations

import math
import operator

import numpy as np

from . import reductions
from .arrays import add_rows, expand
from .buffers import reusable
from .softmax_ops import stable_softmax

__all__ = ["ScalarMath", "ArrayMath", "DivisionByZeroError"]


class DivisionByZeroError(ZeroDivisionError, ValueError):
    """x / y with y = 0: a ZeroDivisionError, and a ValueError as every domain error."""


def _domain(op: str, message: str) -> ValueError:
    return ValueError(f"{op}: {message}")


class ScalarMath:
    """Math on Python floats, for :class:`Value`."""

    add = staticmethod(operator.add)  # a + b

    @staticmethod
    def exp(x: float) -> float:
        try:
            return math.exp(x)
        except OverflowError:
            return math.inf

    @staticmethod
    def log(x: float) -> float:
        if x > 0:
            return math.log(x)
        if x != x:  # NaN propagates
            return x
        raise _domain("log", f"log(x) needs x > 0, got x = {x!r}")

    tanh = staticmethod(math.tanh)  # math.tanh(±1000) is ±1.0, no overflow

    @staticmethod
    def sigmoid(x: float) -> float:
        # 1/(1+e^{-x}) for x >= 0 and e^{x}/(1+e^{x}) for x < 0: the exponent is
        # never positive, so nothing overflows at ±1000.
        if x >= 0:
            return 1.0 / (1.0 + math.exp(-x))
        if x != x:
            return x
        e = math.exp(x)
        return e / (1.0 + e)

    @staticmethod
    def relu(x: float) -> float:
        return 0.0 if x <= 0 else x  # NaN <= 0 is False: relu(nan) = nan

    @staticmethod
    def sign(x: float) -> float:
        if x > 0:
            return 1.0
        if x < 0:
            return -1.0
        return 0.0 if x == 0 else x  # sign(0) = 0, sign(nan) = nan

    @staticmethod
    def hardtanh(x: float) -> float:
        if x < -1.0:
            return -1.0
        return 1.0 if x > 1.0 else x

    @staticmethod
    def abs(x: float) -> float:
        return abs(x)

    @staticmethod
    def softmax(v: tuple) -> list:
        """[a₁, …, a_M], a_k = e^{v_k − m}/Σ_j e^{v_j − m}: the softmax of M floats (stable)."""
        return stable_softmax(v).tolist()

    @staticmethod
    def indicator(condition: bool, like: float) -> float:
        """1.0 where ``condition`` holds, else 0.0 (a number like ``like``)."""
        return 1.0 if condition else 0.0

    @staticmethod
    def one_minus_square(s: float) -> float:
        """1 − s², tanh′ from its output s."""
        return 1.0 - s * s

    @staticmethod
    def positive(x: float, op: str, why: str) -> None:
        """Raise ValueError naming ``op`` unless x > 0 (NaN passes through)."""
        if x <= 0:
            raise _domain(op, f"{why}; got {x!r}")

    @staticmethod
    def nonzero(x: float, op: str, why: str) -> None:
        """Raise DivisionByZeroError naming ``op`` if x = 0."""
        if x == 0:
            raise DivisionByZeroError(f"{op}: {why}, got {x!r}")

    @staticmethod
    def pow(a: float, n: float) -> float:
        """``a ** n`` with the engine's domain rules."""
        if a == 0 and n < 0:
            raise _domain("pow", f"0 to a negative power is undefined: {a!r} ** {n!r}")
        if a < 0 and n != int(n):
            raise _domain(
                "pow",
                f"a negative base to a fractional power is not a real number: {a!r} ** {n!r}",
            )
        return ScalarMath.rawpow(a, n)

    @staticmethod
    def rawpow(a: float, n: float) -> float:
        """``a ** n`` where a domain problem gives inf or nan (for derivatives)."""
        try:
            return a**n
        except ZeroDivisionError:  # 0.0 ** -0.5: the slope of sqrt at 0
            return math.inf
        except OverflowError:
            return math.inf if a > 0 or float(n) % 2 == 0 else -math.inf


class ArrayMath:
    """Math on numpy arrays, for :class:`Tensor`; elementwise, same rules."""

    add = staticmethod(add_rows)  # a + b, a short row (a bias) added to many rows in blocks

    @staticmethod
    def exp(x):
        with np.errstate(over="ignore"):
            return np.exp(x, out=reusable(x.shape, x.dtype))

    @staticmethod
    def log(x):
        ArrayMath.positive(x, "log", "log(x) needs x > 0")
        return np.log(x)

    @staticmethod
    def tanh(x):
        return np.tanh(x, out=reusable(x.shape, x.dtype))

    @staticmethod
    def sigmoid(x):
        e = np.exp(-np.abs(x))  # never overflows
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e)).astype(x.dtype, copy=False)

    @staticmethod
    def relu(x):
        return np.maximum(x, 0, out=reusable(x.shape, x.dtype))  # propagates NaN

    @staticmethod
    def sign(x):
        return np.sign(x)

    @staticmethod
    def hardtanh(x):
        return np.clip(x, -1.0, 1.0)

    @staticmethod
    def abs(x):
        return np.abs(x)

    @staticmethod
    def indicator(condition, like):
        """1 where ``condition`` holds, else 0, in the dtype of ``like``."""
        out = reusable(condition.shape, like.dtype)
        np.copyto(out, condition)
        return out

    @staticmethod
    def one_minus_square(s):
        """1 − s², the same numbers as ``1.0 - s * s``, written into one array of the pool
        (two new arrays of a layer's size would each fault their pages in)."""
        out = np.multiply(s, s, out=reusable(s.shape, s.dtype))
        return np.subtract(1.0, out, out=out)

    expand = staticmethod(expand)  # g broadcast to a shape: the adjoint of a sum
    where = staticmethod(np.where)

    @staticmethod
    def positive(x, op: str, why: str) -> None:
        # one reduction in the common case: every entry > 0 (NaN, which min passes on and
        # which is not <= 0, takes the exact test below)
        if type(x) is np.ndarray and x.size and reductions.minimum(x, axis=None) > 0:
            return
        bad = np.less_equal(x, 0)
        if bad.any():  # the method: np.any's Python wrapper costs more than the test
            first = np.asarray(x)[bad].flat[0]
            count = int(np.count_nonzero(bad))
            raise _domain(op, f"{why}; got {count} entries <= 0 (first: {first!r})")

    @staticmethod
    def nonzero(x, op: str, why: str) -> None:
        zero = np.asarray(x) == 0
        if np.any(zero):
            raise DivisionByZeroError(f"{op}: {why}; got {int(np.count_nonzero(zero))} "
                                      "entries equal to 0")

    @staticmethod
    def pow(a, n):
        n_arr = np.asarray(n)
        zero_neg = (a == 0) & (n_arr < 0)
        if np.any(zero_neg):
            raise _domain("pow", "0 to a negative power is undefined (base 0 with exponent < 0)")
        neg_frac = (a < 0) & (n_arr != np.round(n_arr))
        if np.any(neg_frac):
            raise _domain(
                "pow",
                "a negative base to a fractional power is not a real number "
                f"(first base: {np.broadcast_to(a, neg_frac.shape)[neg_frac].flat[0]!r})",
            )
        return ArrayMath.rawpow(a, n)

    @staticmethod
    def rawpow(a, n):
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            return np.power(a, n)
