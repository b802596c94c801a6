"""``Tensor``: a numpy array and its place in the computation graph.

The same ops as :class:`~stepgrad.autograd.value.Value` (:mod:`.operators`),
elementwise with numpy broadcasting, plus the array ops of :mod:`.tensor_ops`
(matmul, reductions, where, clip), :mod:`.shape_ops` (reshapes, indexing) and
:mod:`.softmax_ops`. Broadcasting is undone once,
in :meth:`Tensor._accumulate`, when a gradient is added into a parent of a
smaller shape: never in each op.

Mixing kinds: a Value and a Tensor never meet in one op; the op raises
TypeError saying how to convert (``Tensor(v.data)``, or ``t.scalars()`` for
the Values of a Tensor's entries: leaf Values, see :mod:`.scalar_view`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from .arrays import as_array, axes_of, axis_of, permutation_of, unbroadcast
from .backend import ArrayMath
from .buffers import ZeroGrad
from .grad_mode import GradMode
from .node import Node, apply
from .operators import Operators
from .ops import Add
from .scalar_view import ScalarView
from .scatter import Scatter
from .shape_ops import Index, Reshape, Transpose, index_key
from .softmax_ops import LogSoftmax, Softmax
from .tensor_ops import Clip, MatMul, MaxAxes, SumAxes

__all__ = ["Tensor"]

_new = object.__new__


class Tensor(Operators):
    """An array node: ``data`` (ndarray), ``grad`` (ndarray, ∂L/∂self), ``label``.

    Args:
        data: a number, nested list or array; integers and booleans are
            converted to float explicitly; object, string or complex arrays
            raise TypeError. NaN and inf are kept and propagate.
        label: a name for graphs and error messages.
        dtype: ``"float64"`` (default) or ``"float32"``; float32 stays
            float32 through every op and gradient.
        requires_grad: False for data (inputs X, targets Y): backward then
            computes no gradient for it (``grad`` stays None), which saves a
            matmul per layer. Numbers and arrays mixed into an op are such
            constants, an op on constants only gives a constant, and so do
            ``detach()`` and every op inside ``no_grad()``.
        copy: False takes an array that already has the dtype as it is, without
            a copy (the Tensor and the caller then share it). Other data is
            converted. (``Tensor.constant`` wraps an array with neither checks nor
            copy: ``fit``'s batches.)

    ``grad`` of a Tensor you create is an array of zeros until backward adds to
    it; an intermediate result's ``grad`` is ``None`` until backward reaches it.
    A Value and a Tensor do not mix in one op (TypeError): use ``Tensor(v.data)``
    or ``t.scalars()``. Reshape, transpose and basic indexing give views of the
    parent's data, as numpy does: don't modify a node's data while its graph is
    in use.
    """

    __slots__ = ("data", "_grad", "_parents", "_op", "_consts", "label", "requires_grad", "_view")

    math = ArrayMath
    is_scalar = False
    _GRAD0 = None
    _grad: np.ndarray | ZeroGrad | None  # ZeroGrad: zeroed, not yet written (zero_grad)
    _view: ScalarView | None

    def __init__(self, data: ArrayLike, label: str = "", dtype: DTypeLike | None = None,
                 requires_grad: bool = True, copy: bool = True):
        self.data = as_array(data, dtype, copy)
        self.requires_grad = bool(requires_grad)
        self._grad = np.zeros_like(self.data) if requires_grad else None
        self._parents = ()
        self._op = None
        self._consts = None
        self.label = label
        self._view = None

    @staticmethod
    def constant(data: np.ndarray) -> Tensor:
        """A constant leaf (``requires_grad=False``) holding ``data`` itself, no copy and no
        checks: for an array already of float64 or float32 that the caller owns (the rows of
        X that fit gathered for a step). ``Tensor(data, requires_grad=False)`` is the
        checked way."""
        return Tensor._make(data, (), None, None)

    @staticmethod
    def _make(data, parents, op, consts):
        t = _new(Tensor)
        t.data = data if type(data) is np.ndarray else np.asarray(data)
        t._grad = None
        t.label = ""
        t._view = None
        for p in parents:
            if p.requires_grad:  # some parent wants a gradient: record the op
                t.requires_grad = True
                t._parents = parents
                t._op = op
                t._consts = consts
                return t
        t.requires_grad = False  # made from constants only: a constant itself
        t._parents = ()
        t._op = None
        t._consts = None
        return t

    def _lift(self, other):
        if type(other) is Tensor:
            return other
        if type(other) is float or type(other) is int:  # the common constants, quickly
            return Tensor._make(np.array(other, self.data.dtype), (), None, None)
        if isinstance(other, Node):
            raise TypeError(
                "cannot combine a Tensor with a Value in one op: make the Value a Tensor "
                "with Tensor(v.data), or take Values out of the Tensor with t.scalars()"
            )
        return Tensor._make(as_array(other, self.data.dtype), (), None, None)

    @staticmethod
    def _broadcast_error(op, parents) -> ValueError:
        shapes = " and ".join(str(p.data.shape) for p in parents)
        return ValueError(f"{op.name}: shapes {shapes} do not broadcast (numpy's rule: "
                          "aligned from the right, each pair of dimensions equal or one of them 1)")

    def _accumulate(self, c, owned: bool = False) -> None:
        """``grad += c`` (c undone of broadcasting, or a :class:`Scatter`).

        ``owned``: the gradient array is this node's own to write (a leaf's
        buffer, or an array the fast path made for it in this pass), so ``c`` is
        added in place; otherwise the sum is a new array, as the reference loop
        makes it (the same numbers either way).
        """
        if not self.requires_grad:  # a constant: nobody wants its gradient
            return
        data = self.data
        grad = self._grad
        if type(grad) is ZeroGrad:  # zeroed by zero_grad: 0 + c is c (kept as a copy below)
            buf = grad.buffer
            if (type(c) is Scatter and type(buf) is np.ndarray and buf.shape == data.shape
                    and buf.dtype == data.dtype and buf.flags.writeable):
                buf.fill(0.0)  # W[1:], W[0]: scattered into the zeroed buffer, kept
                self._grad = c.add_into(buf)
                return
            grad = self._grad = None
        if (owned and type(grad) is np.ndarray and grad.shape == data.shape
                and grad.dtype == data.dtype and grad.flags.writeable):
            if type(c) is Scatter:  # W[1:], W[0]: added where they came from, no copy of W
                c.add_into(grad)
                return
            c = unbroadcast(c, data.shape)
            if c.dtype != data.dtype:
                c = c.astype(data.dtype)
            np.add(grad, c, out=grad)
            return
        if type(c) is np.ndarray and c.shape == data.shape and c.dtype == data.dtype:
            if self._grad is not None:  # the common case
                self._grad = self._grad + c
            else:  # an intermediate may share g; a leaf owns a writable copy
                self._grad = c if self._op is not None else np.array(c)
            return
        shape = data.shape
        dtype = data.dtype
        if type(c) is Scatter:
            self._grad = c.added_to(self._grad, shape, dtype)
            return
        c = unbroadcast(c, shape)
        if c.dtype != dtype:
            c = c.astype(dtype)
        if self._grad is not None:
            self._grad = self._grad + c
        else:
            self._grad = c if self._op is not None else np.array(c)

    def _seed(self, grad):
        if grad is None:
            if self.data.size != 1:
                raise ValueError(
                    f"backward() needs a scalar loss, but this Tensor has shape {self.data.shape}: "
                    "reduce it first (t.sum(), t.mean()) or pass the gradient, t.backward(grad)"
                )
            return np.array(1.0, self.data.dtype).reshape(self.data.shape)  # ∂L/∂L = 1
        g = as_array(grad, self.data.dtype)
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
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def __len__(self) -> int:
        return len(self.data)

    @property
    def grad(self) -> Any:  # an ndarray, or None (kept Any: most readers hold a leaf)
        """∂L/∂self (an array of self's shape), or None for a constant or an unreached node.

        Gradients that the leaf Values of :meth:`scalars` gather are added here
        when the backward pass ends (see :mod:`.scalar_view`); reading changes nothing.
        """
        g = self._grad
        if type(g) is ZeroGrad:  # zero_grad's mark, read before backward wrote it: zeros
            g = self._grad = g.zeros(self.data)
        return g

    @grad.setter
    def grad(self, value: np.ndarray | None) -> None:
        if self._view is not None:
            self._view.settle()
        self._grad = value

    def zero_grad(self) -> None:
        """Zero the gradient, and that of the leaf Values :meth:`scalars` gave.

        ``grad`` reads zeros afterwards (the same array as before where it can:
        a buffer kept across steps); the next backward pass sets it to its first
        contribution instead of adding that to zeros (see :class:`~.buffers.ZeroGrad`).
        """
        g = self._grad
        if not isinstance(g, ZeroGrad):
            self._grad = ZeroGrad(g)
        if self._view is not None:
            self._view.zero_grad()

    def item(self) -> float:
        """The one number of a one-element Tensor, as a Python float."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element Tensor, got shape {self.data.shape}")
        return float(self.data.reshape(()))

    def numpy(self) -> np.ndarray:
        """The data array (not a copy)."""
        return self.data

    def scalars(self) -> np.ndarray:
        """Every entry as a leaf :class:`Value` (an object array of this shape).

        The Values are the same leaves on every call, holding the current data;
        the gradients they gather through a scalar graph are in ``self.grad``
        when backward ends. No bridge node: each entry is a leaf of the graph.
        See :mod:`.scalar_view` for the rules.

        Raises:
            ValueError: for a Tensor computed by an op (its entries as leaves
                would be cut off from its parents): take the scalars of the leaf
                and index them, ``W.scalars()[1:]`` rather than ``W[1:].scalars()``.
        """
        if self._op is not None:
            raise ValueError(
                f"scalars() gives the leaf Values of a leaf Tensor, but this one was computed "
                f"by {self._op.name}: gradients could not reach its parents. Take the scalars "
                "of the leaf and index them: W.scalars()[1:], not W[1:].scalars()")
        view = self._view
        if view is None:
            view = self._view = ScalarView(self, self.data)
        return view.read(self.data)

    def __repr__(self) -> str:
        vals = np.array2string(self.data, precision=4, threshold=6, edgeitems=2,
                               separator=", ").replace("\n", "")
        lab = f", label={self.label!r}" if self.label else ""
        return f"Tensor(shape={self.data.shape}, dtype={self.data.dtype}, data={vals}{lab})"

    def __sub__(self, other):  # self + (−other): the graph Operators.__sub__ records
        other = self._lift(other)
        if other.requires_grad or not GradMode.plain:
            return Operators.__sub__(self, other)
        # −other of a constant (data, a target Y) is a constant: −1·Y, made without a node
        neg = other.data * np.array(-1.0, other.data.dtype)  # Mul.forward's numbers
        return apply(Add, (self, Tensor._make(neg, (), None, None)))

    # ------------------------------------------------------------ array ops

    def __matmul__(self, other):
        other = self._lift(other)
        return apply(MatMul, (self, other), (self.requires_grad, other.requires_grad))

    def __rmatmul__(self, other):
        other = self._lift(other)
        return apply(MatMul, (other, self), (other.requires_grad, self.requires_grad))

    def sum(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """Σ over ``axis`` (an int, a tuple, negative counts from the end; None: all)."""
        return apply(SumAxes, (self,), (axes_of(axis, self.data.shape, "sum"), bool(keepdims)))

    def mean(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """(1/n)·Σ over ``axis``: a composite, sum times 1/n."""
        axes = axes_of(axis, self.data.shape, "mean")
        shape = self.data.shape
        n = math.prod(shape) if axes is None else math.prod(shape[i] for i in axes)
        if n == 0:
            raise ValueError(f"mean: no entries to average (shape {shape}, axis {axis})")
        return self.sum(axes, keepdims) * (1.0 / n)

    def max(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False) -> Tensor:
        """max over ``axis``; tied maxima share the gradient evenly."""
        return apply(MaxAxes, (self,), (axes_of(axis, self.data.shape, "max"), bool(keepdims)))

    def reshape(self, *shape: Any) -> Tensor:  # ints, or one tuple or list of ints
        """The same entries in a new shape (one entry may be −1)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if not all(isinstance(n, (int, np.integer)) for n in shape):
            raise TypeError(f"reshape: the shape must be integers, got {shape!r}")
        return apply(Reshape, (self,), tuple(int(n) for n in shape))

    def transpose(self, *axes: Any) -> Tensor:  # ints, or one tuple or list of ints
        """Axes permuted (reversed when none are given)."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        if not axes:
            axes = tuple(reversed(range(self.data.ndim)))
        return apply(Transpose, (self,), permutation_of(axes, self.data.shape, "transpose"))

    @property
    def T(self) -> Tensor:
        """The transpose (axes reversed); Xᵀ for a matrix."""
        return self.transpose()

    def __getitem__(self, idx):
        return apply(Index, (self,), index_key(idx))

    def clip(self, lo: float | None = None, hi: float | None = None) -> Tensor:
        """min{max{x, lo}, hi}; gradient 1 inside [lo, hi], 0 outside."""
        lo = -math.inf if lo is None else float(lo)
        hi = math.inf if hi is None else float(hi)
        if not lo <= hi:
            raise ValueError(f"clip: needs lo <= hi, got lo = {lo!r}, hi = {hi!r}")
        return apply(Clip, (self,), (lo, hi))

    def softmax(self, axis: int = -1) -> Tensor:
        """e^{x−m}/Σe^{x−m} along ``axis`` (stable)."""
        return apply(Softmax, (self,), axis_of(axis, self.data.shape, "softmax"))

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x − m − ln Σe^{x−m} along ``axis`` (stable)."""
        return apply(LogSoftmax, (self,), axis_of(axis, self.data.shape, "log_softmax"))
