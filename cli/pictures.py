"""The pictures the command writes: one sample's graph (forward and backward, SVG), the backprop
steppers (HTML: on the network's picture, and node by node) and the training curves (PNG),
each drawn by :mod:`stepgrad.viz`.

Each writer returns None when it wrote its file, or a one-line reason when this
installation cannot draw that picture (so the demo writes what it can and says why).
"""

from __future__ import annotations

from pathlib import Path

from stepgrad.nn import LOSSES
from stepgrad.nn.labels import sub
from stepgrad.viz import (
    GraphvizMissing,
    RenderError,
    draw,
    draw_mlp,
    step_network,
    step_through,
)
from stepgrad.viz.plots import plot_history

from .errors import CLIError
from .paths import write_output

__all__ = ["sample_graph", "class_key", "write_graph_svg", "write_network_svg",
           "write_stepper_html", "write_network_stepper_html", "write_curves_png"]


def sample_graph(model, x, y=None, loss: str = "half_sse"):
    """One sample through the model's scalar view (the lecture's forward phase).

    Returns ``(outputs, L)``: the Values a_1 … a_M, and, when the target ``y`` is
    given, L = loss(a, y) after ``L.backward()`` (the backward phase; every node's
    ``grad`` is ∂L/∂node). Without ``y``, L is None.
    """
    outputs = model([float(v) for v in x])
    if y is None:
        return outputs, None
    L = LOSSES[loss](outputs, [float(v) for v in y], reduction="sum")
    L.label = "L"
    L.backward()
    return outputs, L


def _draw(root, view: str):
    """The one-sample graph collapsed by neuron (u_h, α_h and ∂L/∂ in one box per neuron):
    the whole 6-9-2 graph is too tall to read at a glance; the stepper shows every node."""
    return draw(root, view=view, collapse="neuron")


def _write_svg(digraph, path: Path) -> None:
    try:
        svg = digraph.pipe(format="svg")
    except (GraphvizMissing, RenderError) as e:
        raise CLIError(str(e)) from None
    write_output(path, svg)


def class_key(classes) -> str:
    """``a₁: setosa · a₂: versicolor · a₃: virginica``: which output is which class."""
    return " · ".join(f"a{sub(m)}: {name}" for m, name in enumerate(classes, 1))


def write_graph_svg(root, path: Path, view: str, classes=None) -> None:
    """The graph of ``root`` (a node or a list of nodes) as SVG: view "forward" or "backward";
    with ``classes``, a line under the picture names each output's class."""
    g = _draw(root, view)
    if classes:
        g.node("classes", "outputs: " + class_key(classes), shape="plaintext", fontsize="14",
               style="filled", fillcolor="white", color="white")
    _write_svg(g, path)


def write_network_svg(model, path: Path) -> None:
    """The network as the slides draw it: a circle per unit, an edge per weight."""
    _write_svg(draw_mlp(model, by="weight"), path)


def write_stepper_html(L, path: Path) -> None:
    """The backprop stepper of the loss L as one self-contained HTML file."""
    try:  # the command refused an existing file already, without --force
        step_through(L).save_html(path, overwrite=True)
    except (GraphvizMissing, RenderError) as e:
        raise CLIError(str(e)) from None


def write_network_stepper_html(model, x, y, path: Path, loss: str = "half_sse", links=(),
                               classes=None) -> None:
    """Backprop of one sample on the network's picture (``step_network``) as one HTML file."""
    try:  # the command refused an existing file already, without --force
        step_network(model, x, y, loss=loss, classes=classes).save_html(
            path, overwrite=True, links=links)
    except (GraphvizMissing, RenderError) as e:
        raise CLIError(str(e)) from None


def write_curves_png(history, path: Path) -> None:
    """The loss and Q curves of a training run as PNG."""
    import matplotlib  # optional: imported when drawing

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # optional: imported when drawing

    fig = plot_history(history)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
