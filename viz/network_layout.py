"""Where each unit of the lecture's network picture sits: columns, order, folding.

Pure geometry (inches, y up as in Graphviz), shared by :func:`~.network.draw_mlp`
and the network-view stepper (:mod:`.network_stepper`), so both draw the same
picture:

* one column per layer, left to right: inputs, hidden layer(s), outputs;
* in each column, top to bottom: the bias unit (x₀ = 1, α₀ = 1; none in the
  output layer), then unit 1, 2, …: x₁ … x_F, α₁ … α_H, a₁ … a_M. Every unit
  is pinned at its position (Graphviz ``pos="x,y!"``), so the order is fixed in
  the DOT text itself and is the same on every run;
* a layer wider than :data:`FOLD_AT` units is **folded**: units 1 … :data:`HEAD`,
  a "⋮" marker standing for the units in between, and the last unit, as the
  slides write x₁ … x_F. Folded units and their weights are not drawn, and the
  picture's caption says so.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FOLD_AT", "HEAD", "Slot", "Geometry", "shown_units", "mlp_geometry"]

FOLD_AT = 16
"""A layer with more units than this is drawn folded."""
HEAD = 3
"""A folded layer shows units 1 … HEAD, then "⋮", then its last unit."""


@dataclass(frozen=True)
class Slot:
    """One drawn place in a column.

    Attributes:
        layer: the column, 0 for the inputs.
        unit: 0 the bias unit, 1 … n a unit, None the "⋮" of a folded layer.
        x, y: the centre, in inches (y grows upwards).
    """

    layer: int
    unit: int | None
    x: float
    y: float

    @property
    def id(self) -> str:
        """The node id in the DOT text: ``L{layer}_{unit}`` (``L{layer}_fold`` for "⋮")."""
        return f"L{self.layer}_{'fold' if self.unit is None else self.unit}"


def shown_units(size: int) -> list:
    """The units of a layer of ``size`` that are drawn, in order; None marks the fold."""
    if size <= FOLD_AT:
        return list(range(1, size + 1))
    return list(range(1, HEAD + 1)) + [None, size]


@dataclass(frozen=True)
class Geometry:
    """The columns of a picture.

    Attributes:
        sizes: [F, H₁, …, M], the units per layer (without bias units).
        columns: per layer, its :class:`Slot` s from top to bottom.
        gap: inches between two neighbouring slots of a column.
        dx: inches between two columns.
    """

    sizes: tuple
    columns: tuple
    gap: float
    dx: float

    @property
    def folded(self) -> list:
        """The layers drawn folded."""
        return [layer for layer, size in enumerate(self.sizes) if size > FOLD_AT]

    def slot(self, layer: int, unit: int) -> Slot | None:
        """The slot of ``unit`` of ``layer`` (None when it is folded away)."""
        for s in self.columns[layer]:
            if s.unit == unit:
                return s
        return None

    def fold_slot(self, layer: int) -> Slot | None:
        for s in self.columns[layer]:
            if s.unit is None:
                return s
        return None

    @property
    def top(self) -> float:
        """The y of the highest slot."""
        return max(s.y for col in self.columns for s in col)

    @property
    def bottom(self) -> float:
        return min(s.y for col in self.columns for s in col)


def mlp_geometry(sizes, gap: float | None = None, dx: float = 2.4,
                 out_gap: float | None = None) -> Geometry:
    """The slots of a network with ``sizes`` = [F, H₁, …, M] units per layer.

    Args:
        gap: inches between neighbouring slots; by default the tallest column
            is at most 8 inches (0.7 in at most).
        dx: inches between columns.
        out_gap: the gap in the output column (taller units), ``gap`` by default.
    """
    sizes = tuple(int(s) for s in sizes)
    n_layers = len(sizes) - 1
    shown = [shown_units(s) for s in sizes]
    counts = [len(units) + (layer < n_layers) for layer, units in enumerate(shown)]
    if gap is None:
        gap = min(0.7, 8.0 / max(counts))
    columns = []
    for layer, units in enumerate(shown):
        x = layer * dx
        units = ([0] if layer < n_layers else []) + units
        step = out_gap if layer == n_layers and out_gap else gap
        y0 = step * (len(units) - 1) / 2
        columns.append(tuple(Slot(layer, u, x, y0 - step * i) for i, u in enumerate(units)))
    return Geometry(sizes, tuple(columns), gap, dx)
