"""Array helpers of the Tensor engine: broadcast gradients, fast sums (the sparse
gradient, ``Scatter``, is in :mod:`.scatter`).

* :func:`unbroadcast`: the adjoint of numpy broadcasting, applied once, by
  ``Tensor._accumulate``, never in each op;
* :func:`fast_sum` and :func:`expand`: a sum over leading or trailing axes as
  one BLAS call, and its adjoint as a read-only broadcast view;
* :func:`add_rows`: a short row (a bias) added to many rows in blocks, as
  quick as an addition of two full arrays;
* :func:`axes_of`, :func:`axis_of`, :func:`permutation_of`: an axis argument
  checked and normalised (written here, not taken from numpy, whose helpers
  moved from ``numpy.core`` to ``numpy.lib.array_utils`` in numpy 2: the
  engine runs on numpy 1.24 and later);
* :func:`as_array`: what a Tensor accepts as data (float64 or float32, a copy unless
  asked not to).
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from .node import Node

__all__ = [
    "broadcast_axes", "unbroadcast", "add_rows", "expand", "fast_sum", "as_array",
    "axes_of", "axis_of", "permutation_of",
]

_DTYPES = (np.float64, np.float32)
_FAST_SUM_MIN = 1024  # below this many entries np.sum is as quick


_ONES: dict[tuple, np.ndarray] = {}


def _ones(n: int, dtype) -> np.ndarray:
    """A read-only vector of n ones, kept for the next call of the same size."""
    key = (n, dtype)
    v = _ONES.get(key)
    if v is None:
        if len(_ONES) > 16:
            _ONES.clear()
        v = _ONES[key] = np.ones(n, dtype)
        v.flags.writeable = False
    return v


def fast_sum(x, axes=None, keepdims: bool = False):
    """Σ of ``x`` over ``axes`` (sorted non-negative ints, or None for all).

    numpy sums a leading or trailing block of axes of a C-ordered array one
    short row at a time (a (10000, 9) array over axis 0 takes ~10× longer than
    over all axes); a product with a vector of ones does the same sum in one
    BLAS call.
    """
    nd = x.ndim
    if (axes is None or x.size < _FAST_SUM_MIN or len(axes) in (0, nd)
            or not x.flags.c_contiguous or x.dtype.type not in _DTYPES):
        return x.sum(axis=axes, keepdims=keepdims)
    k = len(axes)
    shape = x.shape
    if axes == tuple(range(k)):  # a leading block: 1ᵀ·X
        m, rest = math.prod(shape[:k]), shape[k:]
        r = (_ones(m, x.dtype) @ x.reshape(m, -1)).reshape(rest)
    elif axes == tuple(range(nd - k, nd)):  # a trailing block: X·1
        n, lead = math.prod(shape[nd - k:]), shape[: nd - k]
        r = (x.reshape(-1, n) @ _ones(n, x.dtype)).reshape(lead)
    else:
        return x.sum(axis=axes, keepdims=keepdims)
    if keepdims:
        r = r.reshape([1 if i in axes else n for i, n in enumerate(shape)])
    return r


def column_sums(g: np.ndarray, out: np.ndarray) -> np.ndarray:
    """1ᵀ·G, the sum of each column of a 2-D G, written into ``out`` (a row of G's width).

    One BLAS product with a vector of ones for a G of :data:`_FAST_SUM_MIN` entries
    or more (as :func:`fast_sum`), numpy's sum below; a layer's bias gradient Σₙ G_n.
    """
    if g.size < _FAST_SUM_MIN or g.dtype.type not in _DTYPES:
        return np.sum(g, axis=0, out=out)
    return np.matmul(_ones(g.shape[0], g.dtype), g, out=out)


_ndarray = np.ndarray
_ROW_SHORT = 16  # rows of fewer entries than this are added in blocks (add_rows)
_ROWS_MIN = 16384  # ... when the large operand has at least this many entries
_BLOCK = 512  # entries per block row


def add_rows(a, b, out=None):
    """``a + b`` (into ``out`` if given), the same numbers as numpy's, quicker when one
    operand is a short row broadcast over the many rows of the other (a bias b of shape
    (H,) added to U of shape (N, H)).

    numpy's broadcast loop adds such a sum one row at a time, H entries per call of its
    inner loop: for H = 2 that costs three times the additions themselves. Here the
    rows are added in blocks of k rows, the row repeated k times, so each inner loop
    adds ~500 entries: every entry is still the one sum a_ij + b_j.
    """
    if (type(a) is _ndarray and type(b) is _ndarray and a.ndim != b.ndim  # else numpy's way
            and (a if a.ndim > b.ndim else b).size >= _ROWS_MIN):
        big, row = (a, b) if a.ndim > b.ndim else (b, a)
        r = row.size
        if (1 < r < _ROW_SHORT and big.ndim == row.ndim + 1 and big.shape[1:] == row.shape
                and a.dtype == b.dtype and big.flags.c_contiguous
                and (out is None or out.flags.c_contiguous)):
            if out is None:
                out = np.empty(big.shape, big.dtype)
            k = _BLOCK // r  # rows per block
            n = big.shape[0] // k * k
            rows = np.empty((k, r), row.dtype)
            rows[...] = row.reshape(r)
            blocks = (big[:n].reshape(-1, k * r), rows.reshape(k * r))
            if big is b:  # row + big: the operands in their order
                blocks = blocks[::-1]
            np.add(*blocks, out=out[:n].reshape(-1, k * r))
            if n < big.shape[0]:
                np.add(a[n:] if big is a else a, b if big is a else b[n:], out=out[n:])
            return out
    if out is None:
        return a + b
    return np.add(a, b, out=out)


def expand(g, shape: tuple):
    """``g`` broadcast to ``shape`` as a read-only view (the adjoint of a sum).

    ``g`` has ``shape``'s number of axes, with 1 where the sum ran. The same
    as ``np.broadcast_to``, built directly (a tenth of its Python overhead).
    """
    if type(g) is not np.ndarray or not g.flags.c_contiguous:
        return np.broadcast_to(g, shape)
    strides = tuple(0 if n == 1 else s for n, s in zip(g.shape, g.strides))
    out: np.ndarray = np.ndarray(shape, g.dtype, g, 0, strides)
    out.flags.writeable = False
    return out


def broadcast_axes(big: tuple, shape: tuple) -> tuple:
    """The axes of ``big`` that broadcasting ``shape`` to it added or stretched
    (``big`` has at least as many axes): the ones a gradient is summed over."""
    extra = len(big) - len(shape)
    return tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and big[extra + i] != 1)


def unbroadcast(g, shape: tuple):
    """Sum ``g`` down to ``shape``: the adjoint of numpy broadcasting."""
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    if g.shape == shape:
        return g
    if g.shape[1:] == shape:  # a bias's gradient: the sum over the rows, one BLAS call
        return fast_sum(g, (0,))
    extra = g.ndim - len(shape)
    if extra >= 0:
        axes = broadcast_axes(g.shape, shape)
        if axes:
            g = fast_sum(g, axes, keepdims=True)
        if g.size == math.prod(shape):
            return g.reshape(shape)
    return np.broadcast_to(g, shape)  # g smaller than shape (a 0-d constant derivative)


def as_array(x, dtype=None, copy: bool = True) -> np.ndarray:
    """``x`` as a Tensor's data: float64 or float32, a copy (``copy=False``: an array of
    that dtype as it is); TypeError for anything else."""
    if isinstance(x, Node):
        raise TypeError(f"Tensor(...) takes numbers or arrays, got a {type(x).__name__} node; "
                        "use its .data")
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.type not in _DTYPES:
            raise TypeError(f"Tensor dtype must be float64 or float32, got {dtype}")
    if isinstance(x, np.ndarray):
        arr = x
    elif isinstance(x, (numbers.Real, list, tuple)):
        try:
            arr = np.asarray(x)
        except ValueError as e:
            raise ValueError(f"Tensor(...): the nested lists are ragged: {e}") from None
    else:
        raise TypeError(f"Tensor(...) takes a number, a nested list or an array, "
                        f"got {type(x).__name__}")
    kind = arr.dtype.kind
    if kind not in "fiub":
        raise TypeError(f"Tensor(...) needs numeric data, got an array of dtype {arr.dtype}")
    if dtype is None:
        dtype = arr.dtype if arr.dtype.type in _DTYPES else np.float64
    if not copy:
        return np.asarray(arr, dtype=dtype)
    return np.array(arr, dtype=dtype)  # a copy: the Tensor owns its data


def _axis_index(axis, ndim: int) -> int:
    """One axis (an integer, negative from the end) as a non-negative int.

    TypeError when ``axis`` is not an integer, ValueError when it is out of range.
    """
    a = operator.index(axis)
    if not -ndim <= a < ndim:
        raise ValueError(f"axis {a} is out of range for {ndim} axes")
    return a % ndim


def _axis_tuple(axis, ndim: int) -> tuple[int, ...]:
    """An int or a sequence of ints as non-negative axes, in the order given, each once."""
    if not isinstance(axis, (tuple, list)):
        try:
            axis = [operator.index(axis)]
        except TypeError:
            pass   # an iterable of axes (an array, a range): read below
    axes = tuple(_axis_index(a, ndim) for a in axis)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in {axes}")
    return axes


def axes_of(axis, shape: tuple, op: str) -> tuple[int, ...] | None:
    """``axis`` (an int, a tuple, negative from the end; None: all) as sorted axes, or None."""
    if axis is None:
        return None
    try:
        return tuple(sorted(_axis_tuple(axis, len(shape))))
    except (ValueError, TypeError):
        raise ValueError(f"{op}: axis {axis!r} does not exist in a Tensor of shape {shape} "
                         f"(axes run from {-len(shape)} to {len(shape) - 1})") from None


def axis_of(axis, shape: tuple, op: str) -> int:
    """One ``axis`` (negative from the end) as a non-negative int."""
    try:
        return _axis_index(axis, len(shape))
    except (ValueError, TypeError):
        raise ValueError(f"{op}: axis {axis!r} does not exist in a Tensor of shape "
                         f"{shape}") from None


def permutation_of(axes, shape: tuple, op: str) -> tuple[int, ...]:
    """``axes`` (negative from the end) as a permutation of all the axes of ``shape``."""
    try:
        norm = _axis_tuple(axes, len(shape))
    except (ValueError, TypeError):
        norm = None
    if norm is None or len(norm) != len(shape):
        raise ValueError(f"{op}: axes {axes} are not a permutation of the "
                         f"{len(shape)} axes of a Tensor of shape {shape}")
    return norm
