"""stepgrad.viz.plots: the lecture's plots, each a matplotlib Figure.

Each plot's numbers come from a pure function, tested on its own; the drawing
is a thin layer over it:

=================================  =======================================
plot                               its data
=================================  =======================================
:func:`plot_history`               :func:`history_curves`
:func:`plot_activations`           :func:`activation_curves`, :func:`slide_relu_derivative`
:func:`plot_losses`                :func:`loss_curves` on :data:`LECTURE_EXAMPLE`
=================================  =======================================

matplotlib is imported here (``pip install stepgrad[notebooks]``), never by
``import stepgrad.viz``.
"""

from .activations import activation_curves, plot_activations, slide_relu_derivative
from .history import history_curves, plot_history
from .losses import LECTURE_EXAMPLE, loss_curves, plot_losses

__all__ = [
    "plot_history", "history_curves",
    "plot_activations", "activation_curves", "slide_relu_derivative",
    "plot_losses", "loss_curves", "LECTURE_EXAMPLE",
]
