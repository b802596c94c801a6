"""Softmax and log-softmax along one axis: the Tensor ops whose every output
depends on every input of its slice, so each vjp mixes the whole slice of G = ∂L/∂f.
Both shift by the slice's maximum first, which keeps every exponent ≤ 0.

On Values a softmax output layer is M nodes, one per a_m = softmax_m(v₁, …, v_M)
(:class:`SoftmaxAt`): the lecture's output unit, drawn as one node in the
output layer, as Σw·x is one ``Dot`` node.

The formula is written once, in :func:`softmax_steps`; every op here, the
activation ``nn.softmax``, cross-entropy from logits and the pictures' expanded
steps use it. An empty axis gives an empty result (as PyTorch; there is no
maximum to shift by, and nothing to normalise). A shift that overflows
(x − m = −1e308 − 1e308) is −∞, whose exponential is the right 0, so numpy's
overflow warning is silenced there.
"""

from __future__ import annotations

import numpy as np

from .ops import Op
from .reductions import maximum, total

__all__ = ["Softmax", "LogSoftmax", "SoftmaxAt", "LogSoftmaxAt", "softmax_steps",
           "stable_softmax", "stable_log_softmax"]


def _floats(x) -> np.ndarray:
    """``x`` as a float array (an array of floats as it is, its dtype kept)."""
    x = np.asarray(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def softmax_steps(x, axis=-1, log: bool = True) -> dict:
    """The stable softmax, step by step, along ``axis`` of the array ``x``: the one place
    its formula is written.

    ``m = max x``, ``z = x − m`` (every entry ≤ 0; −∞ where the difference
    overflows), ``e = e^z`` (≤ 1), ``s = Σ e`` (≥ 1), ``ln = ln s`` (≥ 0, never
    overflows); then softmax = e / s and log-softmax = z − ln. Shifting by the
    maximum changes nothing mathematically: softmax([1e4, 1e4]) = [0.5, 0.5], not nan.
    The pictures draw these same steps (``viz.unfuse``). ``log=False``: without ``ln``
    (the softmax does not need it), and ``e`` written over ``z``'s array (``z`` is
    then not returned).

    A batch of short rows (N samples of M ≤ :data:`_SHORT_ROW` classes, along the last
    axis) takes the same steps on a copy of xᵀ, and returns each array as the
    transpose of that result (the same shapes): numpy reduces a short last axis one
    row at a time, which costs more than the arithmetic, and reduces a first axis
    with whole rows of N. The sum is then added in the order e₁ + e₂ + … + e_M.
    """
    x = _floats(x)
    if x.ndim == 2 and axis in (1, -1) and x.shape[1] <= _SHORT_ROW and x.shape[0] >= _MANY_ROWS:
        x, axis, back = x.T.copy(), 0, True  # (M, N): each step below along axis 0
    else:
        back = False
    m = maximum(x, axis=axis, keepdims=True)  # x.max(...), as .reductions says
    with np.errstate(over="ignore"):
        z = x - m
    e = np.exp(z, out=None if log else z)
    s = total(e, axis=axis, keepdims=True)
    st = {"m": m, "z": z, "e": e, "s": s, "ln": np.log(s)} if log else {"m": m, "e": e, "s": s}
    return {k: a.T for k, a in st.items()} if back else st


_SHORT_ROW = 64  # softmax_steps: rows of at most this many entries…
_MANY_ROWS = 16  # … in a batch of at least this many rows are worked on transposed


def stable_softmax(x, axis=-1) -> np.ndarray:
    """a = e^{x−m} / Σ e^{x−m} along ``axis`` (:func:`softmax_steps`); empty for an empty axis."""
    x = _floats(x)
    if x.shape[axis] == 0:
        return x.copy()
    st = softmax_steps(x, axis, log=False)
    e = st["e"]
    if e.flags.c_contiguous or e.flags.f_contiguous and not x.flags.c_contiguous:
        return np.divide(e, st["s"], out=e)  # e is this call's own array, in x's layout
    return np.divide(e, st["s"], out=np.empty(x.shape, x.dtype))  # in x's (row) layout


def stable_log_softmax(x, axis=-1) -> np.ndarray:
    """ℓ = (x − m) − ln Σ e^{x−m} along ``axis`` (:func:`softmax_steps`); empty for an
    empty axis."""
    x = _floats(x)
    if x.shape[axis] == 0:
        return x.copy()
    st = softmax_steps(x, axis)
    return np.subtract(st["z"], st["ln"], out=np.empty(x.shape, x.dtype))


class Softmax(Op):
    """s_k = e^{x_k − m} / Σ_j e^{x_j − m} along an axis, m = max_j x_j (stable);
    ∂L/∂x_k = s_k·(G_k − Σ_j G_j·s_j).
    """

    symbol = "softmax"
    formula = "s = eˣ⁻ᵐ/Σeˣ⁻ᵐ;  ∂L/∂x = s·(G − Σ G·s)"

    @staticmethod
    def describe(axis):
        return f"axis={axis}"

    @staticmethod
    def forward(B, axis, x):
        return stable_softmax(x, axis)

    @staticmethod
    def vjp(B, axis, g, s, x):
        return (s * (g - (g * s).sum(axis=axis, keepdims=True)),)

    @staticmethod
    def sparse_vjp(axis, s, rows, cols, v, picked=None):
        """:meth:`vjp` for a 2-D s (softmax along axis 1) and a G that is v_n at (n, cols_n)
        and 0 elsewhere (cross-entropy's ∂L/∂a), without the dense G: the same numbers, bit
        for bit, as ``vjp`` on G = zeros with v added at (rows, cols); None for another
        axis or shape.

        That G holds 0 + v_n (+0 where v_n = −0). Row n of G·s is one term and zeros, so its
        sum is t_n = (0 + v_n)·s_n,c + 0 exactly; then ∂L/∂x_nj = s_nj·(0 − t_n) off the
        picked entry and s_n,c·((0 + v_n) − t_n) on it. A softmax row is all finite or all
        NaN (a NaN or +∞ logit makes the whole row NaN), so the zeros' products s_nj·0
        add nothing the dense sum would have. ``picked``: s[rows, cols], when the caller
        has it (cross-entropy's vjp read those entries), not gathered again.
        """
        if axis != 1 or s.ndim != 2:
            return None
        v = v + 0.0
        p = s[rows, cols] if picked is None else picked
        t = v * p + 0.0
        out = s * (0.0 - t)[:, None]
        out[rows, cols] = p * (v - t)
        return out


class LogSoftmax(Op):
    """ℓ_k = x_k − m − ln Σ_j e^{x_j − m} along an axis (stable);  ∂L/∂x_k = G_k − s_k·Σ_j G_j.

    s = e^ℓ is the softmax; ln Σ e^{x−m} ≥ 0 never overflows.
    """

    name = "log_softmax"
    symbol = "log softmax"
    formula = "ℓ = x − m − ln Σeˣ⁻ᵐ;  ∂L/∂x = G − eˡ·Σ G"

    @staticmethod
    def describe(axis):
        return f"axis={axis}"

    @staticmethod
    def forward(B, axis, x):
        return stable_log_softmax(x, axis)

    @staticmethod
    def vjp(B, axis, g, out, x):
        return (g - B.exp(out) * g.sum(axis=axis, keepdims=True),)


class SoftmaxAt(Op):
    """a_m = e^{v_m − c} / Σ_k e^{v_k − c}, c = max_k v_k: one output of a softmax
    layer on Values, with the M inputs v₁ … v_M as parents; its constant is m − 1.

    ∂a_m/∂v_k = a_m·(δ_mk − a_k): one n-ary node per a_m, as Σw·x is one ``Dot``
    node (the pictures draw it as one unit; ``expand_fused`` shows the steps).
    """

    name = "softmax_at"
    symbol = "softmax"
    formula = "a_m = e^(v_m)/Σ_k e^(v_k);  ∂a_m/∂v_k = a_m·(δ_mk − a_k)"

    @staticmethod
    def describe(m):
        return f"m={m + 1}"

    @staticmethod
    def forward(B, m, *v):
        return float(stable_softmax(v)[m])

    @staticmethod
    def partials(B, m, out, *v):
        a = B.softmax(v)  # a_k for every k, as floats (or as nodes: create_graph)
        return tuple(out * ((1.0 if k == m else 0.0) - a[k]) for k in range(len(v)))


class LogSoftmaxAt(Op):
    """ℓ_m = v_m − c − ln Σ_k e^{v_k − c}, c = max_k v_k: one output of log-softmax on
    Values (cross-entropy from logits), with the M inputs as parents; its constant is m − 1.

    ∂ℓ_m/∂v_k = δ_mk − a_k, a = softmax(v): exact at logits of ±1000.
    """

    name = "log_softmax_at"
    symbol = "log softmax"
    formula = "ℓ_m = v_m − ln Σ_k e^(v_k);  ∂ℓ_m/∂v_k = δ_mk − a_k"

    @staticmethod
    def describe(m):
        return f"m={m + 1}"

    @staticmethod
    def forward(B, m, *v):
        return float(stable_log_softmax(v)[m])

    @staticmethod
    def partials(B, m, out, *v):
        a = B.softmax(v)
        return tuple((1.0 if k == m else 0.0) - a[k] for k in range(len(v)))
