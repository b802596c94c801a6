"""stepgrad.viz.plots: the lecture's plots, each a matplotlib Figure.

Each plot's numbers come from a pure function, tested on its own; the drawing
is a thin layer over it:

=================================  =======================================
plot                               its data
=================================  =======================================
:func:`plot_history`               :func:`history_curves`
=================================  =======================================

matplotlib is imported here (``pip install stepgrad[notebooks]``), never by
``import stepgrad.viz``.
"""

from .history import history_curves, plot_history

__all__ = ["plot_history", "history_curves"]
