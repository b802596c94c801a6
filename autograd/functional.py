"""Function forms of the ops, for lists of nodes and for readability.

``exp(x)``, ``tanh(x)``, ... take a node or a number (a number becomes a
constant Value); ``nsum`` and ``dot`` are the n-ary ops: one node for Σᵢ xᵢ or
Σᵢ wᵢ·xᵢ instead of a chain of n binary nodes; ``matmul``, ``concat``,
``stack``, ``where``, ``softmax`` and ``log_softmax`` are the Tensor ops.
:func:`local_derivatives` evaluates an op's own derivative with no graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, overload

import numpy as np
from numpy.typing import ArrayLike

from .arrays import axis_of
from .backend import ArrayMath, ScalarMath
from .nary_ops import Dot, Sum
from .node import Node, apply
from .ops import Op
from .shape_ops import Concat, Stack
from .softmax_ops import LogSoftmaxAt, SoftmaxAt
from .tensor import Tensor
from .tensor_ops import Affine, MatMul, Where
from .value import Value

__all__ = ["exp", "log", "tanh", "sigmoid", "relu", "sign", "hardtanh", "identity",
           "nsum", "dot", "mean", "matmul", "affine", "concat", "stack", "where", "softmax",
           "log_softmax", "local_derivatives"]


def local_derivatives(op: type[Op], *x: float | np.ndarray, consts: object = None,
                      ) -> tuple[float | np.ndarray, ...]:
    """The op's local derivatives ∂f/∂xᵢ at ``x`` (floats or arrays), with no graph.

    The derivative is the op's own ``partials``, written once in the op table:
    ``local_derivatives(ops.Tanh, u)[0]`` is σ′(u) = 1 − tanh²u, for a float or
    elementwise for an array. Only for ops with ``partials``.
    """
    if not op.has_partials:
        raise TypeError(f"local_derivatives: {op.__name__} gives contributions with vjp, "
                        "not local derivatives")
    B: type[ScalarMath] | type[ArrayMath]
    if all(isinstance(xi, (int, float)) for xi in x):
        B, x = ScalarMath, tuple(float(xi) for xi in x)
    else:
        B, x = ArrayMath, tuple(np.asarray(xi, dtype=np.float64) for xi in x)
    return tuple(op.partials(B, consts, op.forward(B, consts, *x), *x))


def _node(x):
    return x if isinstance(x, Node) else Value._lift(x)


@overload
def exp(x: Tensor) -> Tensor: ...
@overload
def exp(x: Value | float) -> Value: ...
def exp(x: Node | float) -> Node:
    """eˣ."""
    return _node(x).exp()


@overload
def log(x: Tensor) -> Tensor: ...
@overload
def log(x: Value | float) -> Value: ...
def log(x: Node | float) -> Node:
    """ln x (x > 0)."""
    return _node(x).log()


@overload
def tanh(x: Tensor) -> Tensor: ...
@overload
def tanh(x: Value | float) -> Value: ...
def tanh(x: Node | float) -> Node:
    """tanh x."""
    return _node(x).tanh()


@overload
def sigmoid(x: Tensor) -> Tensor: ...
@overload
def sigmoid(x: Value | float) -> Value: ...
def sigmoid(x: Node | float) -> Node:
    """1/(1 + e⁻ˣ)."""
    return _node(x).sigmoid()


@overload
def relu(x: Tensor) -> Tensor: ...
@overload
def relu(x: Value | float) -> Value: ...
def relu(x: Node | float) -> Node:
    """max{x, 0}."""
    return _node(x).relu()


@overload
def sign(x: Tensor) -> Tensor: ...
@overload
def sign(x: Value | float) -> Value: ...
def sign(x: Node | float) -> Node:
    """sign x."""
    return _node(x).sign()


@overload
def hardtanh(x: Tensor) -> Tensor: ...
@overload
def hardtanh(x: Value | float) -> Value: ...
def hardtanh(x: Node | float) -> Node:
    """max{min{x, 1}, −1}."""
    return _node(x).hardtanh()


@overload
def identity(x: Tensor) -> Tensor: ...
@overload
def identity(x: Value | float) -> Value: ...
def identity(x: Node | float) -> Node:
    """x."""
    return _node(x).identity()


_SEQUENCES = (list, tuple)


def _nodes(xs, what: str) -> tuple:
    """The terms as nodes of one kind; numbers become constant leaves."""
    xs = tuple(xs)
    kinds = set(map(type, xs))
    if len(kinds) == 1 and issubclass(kinds.pop(), Node):  # already nodes of one kind
        return xs
    if not xs:
        raise ValueError(f"{what}: needs at least one term, got none")
    first = next((x for x in xs if isinstance(x, Node)), None)
    kind = type(first) if first is not None else Value
    lift = first._lift if first is not None else Value._lift
    return tuple([x if type(x) is kind else lift(x) for x in xs])


@overload
def nsum(xs: Iterable[Tensor]) -> Tensor: ...
@overload
def nsum(xs: Iterable[Value | float]) -> Value: ...
def nsum(xs: Iterable[Node | float]) -> Node:
    """Σᵢ xᵢ as one node (:class:`~.nary_ops.Sum`); numbers are lifted to constant nodes."""
    xs = _nodes(xs, "nsum")
    return apply(Sum, xs)


@overload
def dot(w: Sequence[Tensor], x: Sequence[Tensor], bias: Tensor | None = None) -> Tensor: ...
@overload
def dot(w: Sequence[Value | float], x: Sequence[Value | float],
        bias: Value | float | None = None) -> Value: ...
def dot(w: Sequence[Any], x: Sequence[Any], bias: Any = None) -> Node:  # the overloads' union
    """u = Σᵢ wᵢ·xᵢ (+ bias) as one node (:class:`~.nary_ops.Dot`): a neuron's weighted sum.

    In the lecture's notation u_h = Σ_{f=0}^{F} w_fh·x_f with x₀ = 1, the bias
    w₀ₕ is ``bias``. ``w`` and ``x`` must have the same length.
    """
    if type(w) not in _SEQUENCES:
        w = tuple(w)
    if type(x) not in _SEQUENCES:
        x = tuple(x)
    n = len(w)
    if len(x) != n:
        raise ValueError(f"dot: w has {n} entries but x has {len(x)}")
    if bias is None:
        terms, consts = (*w, *x), (n, False)
    else:
        terms, consts = (*w, *x, bias), (n, True)
    if len(set(map(type, terms))) != 1 or not isinstance(terms[0], Node):
        terms = _nodes(terms, "dot")  # lift numbers, or explain the mix of kinds
    return apply(Dot, terms, consts)


@overload
def mean(xs: Iterable[Tensor]) -> Tensor: ...
@overload
def mean(xs: Iterable[Value | float]) -> Value: ...
def mean(xs: Iterable[Any]) -> Node:  # the overloads' union
    """(1/n)·Σᵢ xᵢ."""
    xs = tuple(xs)
    return nsum(xs) * (1.0 / len(xs)) if xs else nsum(xs)


def _tensors(ts: Iterable[Any], what: str) -> tuple[Tensor, ...]:
    ts = tuple(ts)
    if not ts:
        raise ValueError(f"{what}: needs at least one Tensor, got none")
    first = next((t for t in ts if isinstance(t, Tensor)), None)
    if first is None:
        first = Tensor(ts[0])
    return tuple(first._lift(t) for t in ts)


def matmul(a: Tensor | ArrayLike, b: Tensor | ArrayLike) -> Tensor:
    """A·B as numpy's ``@`` (see :class:`MatMul`); either may be an array."""
    a, b = _tensors((a, b), "matmul")
    return apply(MatMul, (a, b), (a.requires_grad, b.requires_grad))


def affine(X: Tensor | ArrayLike, W: Tensor | ArrayLike) -> Tensor:
    """U = X·W[1:] + W[0] = [1 X]·W for a batch X (N, F) and a weight W (F + 1, H), row 0
    the biases: a layer's weighted sums u_nh = Σ_{f=0}^{F} x_nf·w_fh (x_n0 = 1) as one node
    (see :class:`Affine`); either may be an array."""
    if type(X) is not Tensor or type(W) is not Tensor:  # a layer's call: both Tensors already
        X, W = _tensors((X, W), "affine")
    return apply(Affine, (X, W), (X.requires_grad, W.requires_grad))


def concat(ts: Iterable[Tensor | ArrayLike], axis: int = 0) -> Tensor:
    """The Tensors joined along an existing axis (see :class:`Concat`)."""
    ts = _tensors(ts, "concat")
    return apply(Concat, ts, axis_of(axis, ts[0].data.shape, "concat"))


def stack(ts: Iterable[Tensor | ArrayLike], axis: int = 0) -> Tensor:
    """The Tensors stacked along a new axis (see :class:`Stack`)."""
    ts = _tensors(ts, "stack")
    nd = ts[0].data.ndim + 1
    if not -nd <= axis < nd:
        raise ValueError(f"stack: axis {axis} does not exist in the result ({nd} axes)")
    return apply(Stack, ts, axis % nd)


def where(cond: Tensor | ArrayLike, a: Tensor | ArrayLike, b: Tensor | ArrayLike) -> Tensor:
    """A where ``cond`` (a boolean array, list or Tensor) holds, else B (see :class:`Where`)."""
    cond = np.asarray(cond.data if isinstance(cond, Tensor) else cond)
    if cond.dtype.kind not in "biuf":
        raise TypeError(f"where: cond must be booleans, got an array of dtype {cond.dtype}")
    cond = cond.astype(bool, copy=False)
    a, b = _tensors((a, b), "where")
    try:
        np.broadcast_shapes(cond.shape, a.data.shape, b.data.shape)
    except ValueError:
        raise ValueError(f"where: shapes {cond.shape} (cond), {a.data.shape} and "
                         f"{b.data.shape} do not broadcast") from None
    return apply(Where, (a, b), cond)


@overload
def softmax(x: Sequence[Value], axis: int = -1) -> list[Value]: ...
@overload
def softmax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor: ...
def softmax(x: Sequence[Value] | Tensor | ArrayLike, axis: int = -1) -> list[Value] | Tensor:
    """e^{x−m}/Σe^{x−m} along ``axis`` (see :class:`Softmax`).

    For a list of Values v₁ … v_M: the list a₁ … a_M, each one node
    a_m = softmax_m(v) (:class:`~.softmax.SoftmaxAt`).
    """
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, Value) for v in x):
        v = tuple(x)
        return [apply(SoftmaxAt, v, m) for m in range(len(v))]
    return _tensors((x,), "softmax")[0].softmax(axis)


@overload
def log_softmax(x: Sequence[Value], axis: int = -1) -> list[Value]: ...
@overload
def log_softmax(x: Tensor | ArrayLike, axis: int = -1) -> Tensor: ...
def log_softmax(x: Sequence[Value] | Tensor | ArrayLike, axis: int = -1) -> list[Value] | Tensor:
    """x − m − ln Σe^{x−m} along ``axis`` (see :class:`LogSoftmax`).

    For a list of Values v₁ … v_M: the list ℓ₁ … ℓ_M, each one node
    ℓ_m = log softmax_m(v) (:class:`~.softmax.LogSoftmaxAt`).
    """
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, Value) for v in x):
        v = tuple(x)
        return [apply(LogSoftmaxAt, v, m) for m in range(len(v))]
    return _tensors((x,), "log_softmax")[0].log_softmax(axis)
