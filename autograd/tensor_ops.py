"""Ops that only Tensors have: their Jacobian is not diagonal, so each gives
its contributions directly with ``vjp(B, consts, g, out, *x)`` (g is ∂L/∂out).

The elementwise ops shared with Value live in :mod:`.ops`, the ops that only
move entries (reshape, transpose, indexing, concat, stack) in :mod:`.shape_ops`,
softmax and log-softmax in :mod:`.softmax_ops`; :class:`Clip` is the one op here
with ``partials`` (a Value has no use for it). Their function forms
(``matmul``, ``where``, ...) are in :mod:`.functional`. Each docstring gives
f and its vector-Jacobian product in the lecture's spirit: what backward
hands each parent, given the upstream gradient G = ∂L/∂f.

Contributions may have the broadcast shape of the output (MatMul's batch
dimensions, Where): the engine sums them down once, in
``Tensor._accumulate``.
"""

from __future__ import annotations

import numpy as np

from .arrays import add_rows, column_sums, fast_sum
from .buffers import reusable
from .node import apply
from .ops import Op
from .shape_ops import Concat

__all__ = ["MatMul", "Affine", "SumAxes", "MaxAxes", "Where", "Clip"]


def _axes_text(consts) -> str:
    axes, keepdims = consts
    text = "all" if axes is None else ",".join(map(str, axes))
    return f"axis={text}" + (" keepdims" if keepdims else "")


def _kept(a, x_shape, axes):
    """``a`` (a reduction's output or gradient) with the reduced axes kept as 1."""
    if axes is None:
        return a.reshape((1,) * len(x_shape))
    shape = list(x_shape)
    for i in axes:
        shape[i] = 1
    return a.reshape(shape)


def _swap_last(a):
    """``a`` with its last two axes swapped (an array or a Tensor node alike)."""
    nd = a.ndim
    return a.transpose(*range(nd - 2), nd - 1, nd - 2)


class MatMul(Op):
    """F = A·B, i.e. F_ij = Σ_k A_ik·B_kj;  ∂L/∂A = G·Bᵀ,  ∂L/∂B = Aᵀ·G.

    As numpy's ``@``: a 1-D A is a row vector, a 1-D B a column vector (the
    added axis is dropped again), and leading batch axes broadcast; the
    gradients of broadcast batch axes are summed by the engine. The lecture's
    u_h = Σ_f x_f·w_fh for all samples at once is U = X·W. ``consts`` says which
    operands need a gradient: none is computed for data (``requires_grad=False``).
    """

    symbol = "@"
    formula = "F = A·B;  ∂L/∂A = G·Bᵀ,  ∂L/∂B = Aᵀ·G"
    fresh_vjp = True  # each gradient a new product (or a view of one)

    @staticmethod
    def forward(B, consts, a, b):
        try:
            if a.ndim == 2 and b.ndim == 2 and a.shape[1] == b.shape[0]:
                return np.matmul(a, b, out=reusable((a.shape[0], b.shape[1]),
                                                    _promote(a.dtype, b.dtype)))
            return np.matmul(a, b)
        except ValueError:
            raise ValueError(
                f"matmul: shapes {a.shape} and {b.shape} do not multiply: A @ B needs A's last "
                "dimension to equal B's first (for 2-D and more, its second to last) and both "
                "operands at least 1-D"
            ) from None

    @staticmethod
    def vjp(B, consts, g, out, a, b):
        need_a, need_b = consts
        if a.ndim == 2 and b.ndim == 2:  # the common case, no reshaping
            if type(g) is np.ndarray:  # each product into an array of the pool
                return (_product(g, b.T) if need_a else None), \
                    (_product(a.T, g) if need_b else None)
            return (g @ b.T if need_a else None), (a.T @ g if need_b else None)
        g2 = g[..., None] if b.ndim == 1 else g  # B as a column (k, 1)
        if a.ndim == 1:
            g2 = g2[..., None, :]  # A as a row (1, k)
        a2 = a[None, :] if a.ndim == 1 else a
        b2 = b[:, None] if b.ndim == 1 else b
        ga = g2 @ _swap_last(b2) if need_a else None
        gb = _swap_last(a2) @ g2 if need_b else None
        if a.ndim == 1 and need_a:
            ga = ga[..., 0, :]
        if b.ndim == 1 and need_b:
            gb = gb[..., 0]
        return ga, gb


_promote = np.promote_types  # the dtype of a product of two arrays, as numpy's result_type


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a·b for 2-D arrays, written into an array of the pool (a gradient of a layer's size,
    made new every step, would fault its pages in each time)."""
    return np.matmul(a, b, out=reusable((a.shape[0], b.shape[1]), _promote(a.dtype, b.dtype)))


class Affine(Op):
    """U = X·W[1:] + W[0] = [1 X]·W, i.e. u_nh = Σ_{f=0}^{F} x_nf·w_fh with x_n0 = 1;
    ∂L/∂X = G·W[1:]ᵀ,  ∂L/∂W = [1 X]ᵀ·G (row 0: Σ_n G_n, the biases' gradient).

    A layer's weighted sums for a batch X (N, F) and a weight W (F + 1, H) in the
    lecture's layout, row 0 the biases w_0h: one node instead of four (W[1:], W[0],
    the matmul and the bias add). The bias is added into the matmul's result in
    place, and ∂L/∂W is one array, written by one matmul and one sum, with no
    scatter of W[1:] and W[0] into W's gradient. ``consts`` says which operands
    need a gradient, as for :class:`MatMul`.
    """

    symbol = "[1 X]·W"
    formula = "U = [1 X]·W;  ∂L/∂X = G·W[1:]ᵀ,  ∂L/∂W = [1 X]ᵀ·G"
    fresh_vjp = True  # G·W[1:]ᵀ a new product, ∂L/∂W an array of the pool made here

    @staticmethod
    def forward(B, consts, x, w):
        if x.ndim != 2 or w.ndim != 2 or w.shape[0] != x.shape[1] + 1:
            raise ValueError(
                f"affine: X of shape {x.shape} and W of shape {w.shape} do not fit: "
                "X·W[1:] + W[0] needs a 2-D X (N, F) and a 2-D W (F + 1, H), row 0 the biases")
        out = reusable((x.shape[0], w.shape[1]), _promote(x.dtype, w.dtype))
        np.matmul(x, w[1:], out=out)
        add_rows(out, w[0], out=out)  # out += W[0], in place: the sum's array is the matmul's
        return out

    @staticmethod
    def vjp(B, consts, g, out, x, w):
        need_x, need_w = consts
        if type(g) is not np.ndarray:  # nodes (create_graph): the same formulas, recorded
            gx = g @ w[1:].T if need_x else None
            gw = apply(Concat, (g.sum(0, keepdims=True), x.T @ g), 0) if need_w else None
            return gx, gw
        gx = _product(g, w[1:].T) if need_x else None  # ∂L/∂X = G·W[1:]ᵀ
        gw = None
        if need_w:  # ∂L/∂W = [1 X]ᵀ·G: row 0 is 1ᵀ·G, rows 1… are Xᵀ·G
            gw = reusable(w.shape, _promote(x.dtype, g.dtype))
            np.matmul(x.T, g, out=gw[1:])
            column_sums(g, out=gw[0])  # 1ᵀ·G, into row 0 where it lies
        return gx, gw


class SumAxes(Op):
    """f = Σ_{i ∈ axes} X_i (all entries when axis is None);  ∂L/∂X_i = G.

    Backward copies G back along the summed axes (a broadcast, no copy).
    """

    name = "sum"
    symbol = "Σ"
    formula = "f = Σᵢ Xᵢ;  ∂L/∂Xᵢ = G (spread over the summed axes)"
    describe = staticmethod(_axes_text)

    @staticmethod
    def forward(B, consts, x):
        axes, keepdims = consts
        return fast_sum(x, axes, keepdims)

    @staticmethod
    def vjp(B, consts, g, out, x):
        axes, keepdims = consts
        if not keepdims:
            g = _kept(g, x.shape, axes)
        return (B.expand(g, x.shape),)


class MaxAxes(Op):
    """f = max_{i ∈ axes} X_i;  ∂L/∂X_i = G/c where X_i = f, else 0.

    c counts the entries that tie for the maximum: a tie splits the gradient
    evenly (as PyTorch's ``amax`` and its max over all entries).
    """

    name = "max"
    symbol = "max"
    formula = "f = maxᵢ Xᵢ;  ∂L/∂Xᵢ = G/c at the c maxima, 0 elsewhere"
    describe = staticmethod(_axes_text)

    @staticmethod
    def forward(B, consts, x):
        axes, keepdims = consts
        if x.size == 0:
            raise ValueError(f"max: a Tensor of shape {x.shape} has no entries")
        return x.max(axis=axes, keepdims=keepdims)

    @staticmethod
    def vjp(B, consts, g, out, x):
        axes, _ = consts
        at_max = np.asarray(x == _kept(out, x.shape, axes))  # an array for a 0-d x too
        count = at_max.sum(axis=axes, keepdims=True).astype(x.dtype)
        with np.errstate(divide="ignore", invalid="ignore"):  # NaN input: no entry ties
            return (at_max * (_kept(g, x.shape, axes) / count),)


class Where(Op):
    """f = A where cond else B (entrywise, broadcast);  ∂L/∂A = G·[cond],  ∂L/∂B = G·[¬cond]."""

    symbol = "where"
    formula = "f = cond ? A : B;  ∂L/∂A = G where cond,  ∂L/∂B = G elsewhere"

    @staticmethod
    def describe(cond):
        return f"cond {cond.shape}"

    @staticmethod
    def forward(B, cond, a, b):
        return np.where(cond, a, b)

    @staticmethod
    def vjp(B, cond, g, out, a, b):
        zero = g.dtype.type(0)
        return B.where(cond, g, zero), B.where(cond, zero, g)


class Clip(Op):
    """f(x) = min{max{x, lo}, hi};  f′(x) = 1 for lo ≤ x ≤ hi, else 0 (as PyTorch's clamp);
    f″ = 0 a.e."""

    symbol = "clip"
    formula = "f = min{max{x, lo}, hi};  f′ = 1 if lo ≤ x ≤ hi else 0"

    @staticmethod
    def describe(consts):
        return f"[{consts[0]:g}, {consts[1]:g}]"

    @staticmethod
    def forward(B, consts, x):
        return np.clip(x, consts[0], consts[1])

    @staticmethod
    def partials(B, consts, out, x):
        return (((x >= consts[0]) & (x <= consts[1])).astype(x.dtype),)
