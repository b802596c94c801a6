"""The scalar view's names: the one labelling scheme, as the lecture writes it.

Every Value the scalar view of a model records is named here, and nowhere
else; the drawing and the notebooks read the same names. Indices count from
1, as the slides do; index 0 is the bias (x₀ = α₀ = 1):

=================  ==========================  ===========================================
name               what                        example (the 6-9-2 network)
=================  ==========================  ===========================================
``x_f``            input f = 1…F               ``x₁`` … ``x₆``
``wˡ_fh``          weight of layer l from       ``w¹₀₁`` (the bias of hidden unit 1),
                   unit f (0: the bias) to      ``w¹₆₉``, ``w²₉₂``
                   unit h = 1…H
``u_h``            hidden unit h's weighted     ``u₁`` … ``u₉``: u_h = Σ_{f=0}^{F} w¹_fh·x_f
                   sum
``α_h``            hidden unit h's output       ``α₁`` … ``α₉``: α_h = σ_h(u_h)
``v_m``            output m's weighted sum      ``v₁``, ``v₂``: v_m = Σ_{h=0}^{H} w²_hm·α_h
``a_m``            output m                     ``a₁``, ``a₂``: a_m = σ_m(v_m)
=================  ==========================  ===========================================

With several hidden layers, each hidden layer's names carry its number as a
superscript: ``u¹_h``, ``α¹_h``, ``u²_h``, ``α²_h``, … (``α¹₃`` is unit 3 of the
first hidden layer). Indices are subscripts written one after the other
(``w¹₃₂``: f = 3, h = 2); when an index has two digits they are separated by a
comma (``w¹₁₂,₃``: f = 12, h = 3).

The slides call the output layer's weighted sum nothing; ``v_m`` is the name
:mod:`stepgrad.nn.backprop_by_hand` uses for it. A single :class:`Layer` or
:class:`Neuron` outside an MLP names its weights ``w_fh`` (``w_f`` for a
neuron), its sums ``u_h`` and its outputs ``α_h`` (``a`` for a neuron).

Names are made once per shape and kept (:func:`layer_names` is cached), so a
training step in the scalar view allocates no strings.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

import numpy as np

__all__ = ["sub", "sup", "input_name", "weight_name", "LayerNames", "layer_names",
           "mlp_names"]

_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def sub(*indices: int) -> str:
    """Subscript indices: ``sub(3, 2) == "₃₂"``, ``sub(12, 3) == "₁₂,₃"``."""
    sep = "," if any(i >= 10 for i in indices) else ""
    return sep.join(str(i) for i in indices).translate(_SUB)


def sup(n: int | None) -> str:
    """A superscript layer number (``sup(2) == "²"``); ``""`` for None."""
    return "" if n is None else str(n).translate(_SUP)


def input_name(f: int) -> str:
    """x_f, f = 1…F."""
    return "x" + sub(f)


def weight_name(layer: int | None, f: int, h: int | None) -> str:
    """wˡ_fh: the weight from unit f (0 the bias) to unit h (from 1) of layer ``layer``.

    ``h=None`` gives a single neuron's w_f.
    """
    return "w" + sup(layer) + (sub(f) if h is None else sub(f, h))


class LayerNames(NamedTuple):
    """The names of one layer's Values.

    Attributes:
        weights: an object array of the weight Tensor's shape (F + 1, H):
            ``weights[f, h - 1]`` is the name of w_fh.
        sums: the weighted sums, h = 1…H (u_h, or v_m for the output layer).
        outputs: the outputs, h = 1…H (α_h, or a_m for the output layer).
        tensor: the weight Tensor's own name in the Tensor view (``w¹``).
    """

    weights: np.ndarray
    sums: tuple
    outputs: tuple
    tensor: str


@lru_cache(maxsize=256)
def layer_names(n_in: int, n_out: int, layer: int | None = None, output: bool = False,
                hidden_layer: int | None = None) -> LayerNames:
    """The names of a layer with ``n_in`` inputs and ``n_out`` units.

    Args:
        n_in, n_out: F and H.
        layer: l, the superscript of the weights (None: no superscript).
        output: True for a network's output layer (v_m, a_m), False for a
            hidden layer (u_h, α_h).
        hidden_layer: the superscript of u and α when a network has several
            hidden layers (None: none).
    """
    weights = np.empty((n_in + 1, n_out), dtype=object)
    for f in range(n_in + 1):
        for h in range(n_out):
            weights[f, h] = weight_name(layer, f, h + 1)
    weights.flags.writeable = False
    s, o = ("v", "a") if output else ("u" + sup(hidden_layer), "α" + sup(hidden_layer))
    units = range(1, n_out + 1)
    return LayerNames(weights, tuple(s + sub(h) for h in units),
                      tuple(o + sub(h) for h in units), "w" + sup(layer))


def mlp_names(sizes: Iterable[int]) -> tuple[tuple[str, ...], tuple[LayerNames, ...]]:
    """:class:`LayerNames` of each layer of ``MLP(sizes)``, and the input names.

    Returns:
        ``(inputs, layers)``: ``inputs`` the names x₁…x_F, ``layers`` one
        :class:`LayerNames` per layer.
    """
    sizes = [int(s) for s in sizes]
    n_hidden = len(sizes) - 2
    layers = tuple(
        layer_names(sizes[i], sizes[i + 1], layer=i + 1, output=i == n_hidden,
                    hidden_layer=(i + 1) if n_hidden > 1 else None)
        for i in range(len(sizes) - 1))
    return tuple(input_name(f) for f in range(1, sizes[0] + 1)), layers
