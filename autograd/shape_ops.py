"""Tensor ops that move entries without computing: reshape, transpose, indexing,
concat and stack. Each vjp hands back G rearranged the other way (G = ∂L/∂f);
indexing scatters it, so repeated indices accumulate.
"""

from __future__ import annotations

import numpy as np

from .node import Node
from .ops import Op
from .scatter import BASIC_INDEX, Scatter

__all__ = ["Reshape", "Transpose", "Index", "ScatterAdd", "Concat", "Stack", "index_key"]


class Reshape(Op):
    """f = X with a new shape (same entries in C order);  ∂L/∂X = G reshaped back."""

    symbol = "reshape"
    formula = "f = reshape(X);  ∂L/∂X = reshape(G, shape of X)"

    @staticmethod
    def describe(consts):
        return str(consts)

    @staticmethod
    def forward(B, shape, x):
        try:
            return x.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a Tensor of shape {x.shape} "
                             f"({x.size} entries) into shape {shape}") from None

    @staticmethod
    def vjp(B, shape, g, out, x):
        return (g.reshape(x.shape),)


class Transpose(Op):
    """f = X with its axes permuted (Xᵀ for 2-D);  ∂L/∂X = G under the inverse permutation."""

    symbol = "ᵀ"
    formula = "f_{…j…i…} = X_{…i…j…};  ∂L/∂X = G permuted back"

    @staticmethod
    def describe(axes):
        return str(axes)

    @staticmethod
    def forward(B, axes, x):
        return x.transpose(axes)

    @staticmethod
    def vjp(B, axes, g, out, x):
        return (g.transpose(tuple(np.argsort(axes).tolist())),)


class Index(Op):
    """f = X[idx] (numpy's basic and advanced indexing);  ∂L/∂X[idx] += G.

    Backward scatters G back into a zero array of X's shape; an index that
    picks an entry twice adds both gradients (``X[[0, 0]]`` gives X[0] twice
    the gradient).
    """

    symbol = "[·]"
    formula = "f = X[idx];  ∂L/∂X = G scattered to idx (repeats add)"

    @staticmethod
    def describe(idx):
        return "[" + ", ".join(map(_index_text, idx if type(idx) is tuple else (idx,))) + "]"

    @staticmethod
    def forward(B, idx, x):
        try:
            return x[idx]
        except IndexError as e:
            raise IndexError(f"index: {e} (the Tensor has shape {x.shape})") from None

    @staticmethod
    def vjp(B, idx, g, out, x):
        return (Scatter(idx, g),)


class ScatterAdd(Op):
    """f = zeros of a shape with G added at idx (repeats add);  ∂L/∂G = H[idx].

    Index's vjp as an op of its own (``consts`` is ``(idx, shape)``): the
    graph that :mod:`.backward_graph` records for X[idx]'s gradient. Its own
    vjp is indexing again, so it can be differentiated once more.
    """

    name = "scatter_add"
    symbol = "scatter"
    formula = "f = 0 with G added at idx;  ∂L/∂G = H[idx]"

    @staticmethod
    def describe(consts):
        return "into " + str(consts[1]) + " at " + Index.describe(consts[0])

    @staticmethod
    def forward(B, consts, g):
        idx, shape = consts
        return Scatter(idx, g).added_to(None, shape, g.dtype)

    @staticmethod
    def vjp(B, consts, h, out, g):
        return (h[consts[0]],)


def _index_text(i) -> str:
    if type(i) is slice:
        text = ("" if i.start is None else str(i.start)) + ":" + ("" if i.stop is None
                                                                   else str(i.stop))
        return text + ("" if i.step is None else f":{i.step}")
    if i is None:
        return "None"
    if i is Ellipsis:
        return "..."
    if isinstance(i, np.ndarray):
        return f"<{i.dtype} array {i.shape}>" if i.size > 6 else str(i.tolist())
    return str(i)


class Concat(Op):
    """f = [X₁ X₂ … Xₙ] joined along an axis;  ∂L/∂Xᵢ = the slice of G that Xᵢ became."""

    symbol = "concat"
    formula = "f = [X₁ … Xₙ];  ∂L/∂Xᵢ = Gᵢ (G split where the Xᵢ were joined)"

    @staticmethod
    def describe(axis):
        return f"axis={axis}"

    @staticmethod
    def forward(B, axis, *xs):
        try:
            return np.concatenate(xs, axis=axis)
        except ValueError:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"concat: shapes {shapes} do not join along axis {axis}: all "
                             "dimensions but that axis must match") from None

    @staticmethod
    def vjp(B, axis, g, out, *xs):
        ends = np.cumsum([0] + [x.shape[axis] for x in xs]).tolist()
        before = (slice(None),) * axis
        return [g[before + (slice(a, b),)] for a, b in zip(ends, ends[1:])]


class Stack(Op):
    """f = (X₁, …, Xₙ) stacked along a new axis;  ∂L/∂Xᵢ = G[…, i, …] (slice i of that axis)."""

    symbol = "stack"
    formula = "f[i] = Xᵢ;  ∂L/∂Xᵢ = G[i] along the new axis"

    @staticmethod
    def describe(axis):
        return f"axis={axis}"

    @staticmethod
    def forward(B, axis, *xs):
        try:
            return np.stack(xs, axis=axis)
        except ValueError:
            shapes = ", ".join(str(x.shape) for x in xs)
            raise ValueError(f"stack: shapes {shapes} differ; stack needs equal shapes") from None

    @staticmethod
    def vjp(B, axis, g, out, *xs):
        before = (slice(None),) * axis
        return [g[before + (i,)] for i in range(len(xs))]


def _index_part(i):
    if isinstance(i, BASIC_INDEX) or i is True or i is False:
        return i
    if isinstance(i, Node) and not i.is_scalar:  # a Tensor of whole numbers
        i = i.data
        if not np.all(i == np.round(i)):
            raise TypeError("index: a Tensor used as an index must hold whole numbers")
        return i.astype(np.intp)
    if isinstance(i, (list, np.ndarray)):
        arr = np.asarray(i)
        if arr.size == 0:
            return arr.astype(np.intp)
        if arr.dtype.kind in "iub":
            return arr
    raise TypeError(f"index: indices must be ints, slices, None, ..., or arrays of ints or "
                    f"booleans, got {type(i).__name__}"
                    + (f" of dtype {np.asarray(i).dtype}" if isinstance(i, (list, np.ndarray))
                       else ""))


def index_key(idx):
    """``idx`` as numpy takes it: Tensors of whole numbers become intp arrays; a clear
    TypeError for anything numpy would not read as an index."""
    if type(idx) is int or type(idx) is slice:
        return idx
    if type(idx) is tuple:
        return tuple(_index_part(i) for i in idx)
    return _index_part(idx)
