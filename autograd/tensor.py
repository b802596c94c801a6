"""``Tensor``: a numpy array and its place in the computation graph.

The same ops as :class:`~stepgrad.autograd.value.Value`, elementwise with
numpy broadcasting, plus the array ops of :mod:`.tensor_ops` (matmul,
reductions, reshapes, indexing, softmax). Broadcasting is undone once, here,
in :meth:`Tensor._accumulate`, when a gradient is added into a parent of a
smaller shape: never in each op.
"""

from __future__ import annotations

import numbers

import numpy as np

from .backend import ArrayMath
from .node import Node

__all__ = ["Tensor", "Scatter", "unbroadcast"]

_new = object.__new__
_DTYPES = (np.float64, np.float32)


class Scatter:
    """A sparse gradient contribution: add ``value`` at ``index`` of the parent.

    Indexing ops return one from ``vjp`` instead of a dense array; repeated
    indices accumulate (``np.add.at``).
    """

    __slots__ = ("index", "value")

    def __init__(self, index, value):
        self.index = index
        self.value = value

    def __repr__(self) -> str:
        return f"Scatter(index={self.index!r}, value={self.value!r})"


def unbroadcast(g, shape: tuple):
    """Sum ``g`` down to ``shape``: the adjoint of numpy broadcasting."""
    g = np.asarray(g)
    if g.shape == shape:
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if g.shape != shape:  # g smaller than shape (a 0-d constant derivative)
        g = np.broadcast_to(g, shape)
    return g


class Tensor(Node):
    """An array node: ``data`` (ndarray), ``grad`` (ndarray, ∂L/∂self), ``label``.

    Args:
        data: a number, nested list or array; integers and booleans are
            converted to float explicitly.
        label: a name for graphs and error messages.
        dtype: ``"float64"`` (default) or ``"float32"``.

    ``grad`` of a Tensor you create is an array of zeros until backward adds to
    it; an intermediate result's ``grad`` is ``None`` until backward reaches it.
    A Value and a Tensor do not mix in one op (TypeError).
    """

    __slots__ = ("data", "grad", "_parents", "_op", "_ctx", "label")

    _math = ArrayMath
    _scalar = False
    _GRAD0 = None

    def __init__(self, data, label: str = "", dtype=None):
        self.data = _as_array(data, dtype)
        self.grad = np.zeros_like(self.data)
        self._parents = ()
        self._op = None
        self._ctx = None
        self.label = label

    @staticmethod
    def _make(data, parents, op, ctx):
        t = _new(Tensor)
        t.data = data if type(data) is np.ndarray else np.asarray(data)
        t.grad = None
        t._parents = parents
        t._op = op
        t._ctx = ctx
        t.label = ""
        return t

    def _lift(self, other):
        if type(other) is Tensor:
            return other
        if isinstance(other, Node):
            raise TypeError(
                "cannot combine a Tensor with a Value in one op: make the Value a Tensor "
                "with Tensor(v.data), or take Values out of the Tensor with t.scalars()"
            )
        return Tensor._make(_as_array(other, self.data.dtype), (), None, None)

    def _accumulate(self, c) -> None:
        shape = self.data.shape
        if type(c) is Scatter:
            g = np.zeros(shape, self.data.dtype) if self.grad is None else self.grad.copy()
            np.add.at(g, c.index, c.value)
            self.grad = g
            return
        c = unbroadcast(c, shape).astype(self.data.dtype, copy=False)
        self.grad = c if self.grad is None else self.grad + c

    def _seed(self, grad):
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() needs a scalar loss, but this Tensor has shape {self.data.shape}: "
                    "reduce it first (t.sum(), t.mean()) or pass the gradient, t.backward(grad)"
                )
            return np.ones_like(self.data)
        g = _as_array(grad, self.data.dtype)
        if g.shape != self.data.shape:
            raise ValueError(
                f"backward(grad): grad has shape {g.shape}, the Tensor has shape {self.data.shape}"
            )
        return g

    # ------------------------------------------------------------ properties

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    def zero_grad(self) -> None:
        self.grad = np.zeros_like(self.data)

    def item(self) -> float:
        """The one number of a one-element Tensor, as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element Tensor, got shape {self.data.shape}")
        return float(self.data.reshape(()))

    def numpy(self) -> np.ndarray:
        """The data array (not a copy)."""
        return self.data

    def __repr__(self) -> str:
        vals = np.array2string(self.data, precision=4, threshold=6, edgeitems=2,
                               separator=", ").replace("\n", "")
        lab = f", label={self.label!r}" if self.label else ""
        return f"Tensor(shape={self.data.shape}, dtype={self.data.dtype}, data={vals}{lab})"


def _as_array(x, dtype=None) -> np.ndarray:
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
    return np.array(arr, dtype=dtype)  # a copy: the Tensor owns its data
