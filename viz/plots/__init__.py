"""stepgrad.viz.plots: the lecture's plots, each a matplotlib Figure.

Each plot's numbers come from a pure function, tested on its own; the drawing
is a thin layer over it:

=================================  =======================================
plot                               its data
=================================  =======================================
:func:`plot_history`               :func:`history_curves`
:func:`plot_activations`           :func:`activation_curves`, :func:`slide_relu_derivative`
:func:`plot_losses`                :func:`loss_curves` on :data:`LECTURE_EXAMPLE`
:func:`plot_decision_boundary`     :func:`decision_grid`, :func:`class_labels`
:func:`plot_grad_norms`            :func:`grad_norm_curves` (``History.grad_norms``)
:func:`plot_depth_comparison`      :func:`depth_gradient_norms` (``nn.diagnostics``)
:func:`plot_runs`                  :func:`run_curves` (several Histories)
:func:`optimizer_race`             :func:`race_trajectories` on :data:`SURFACES`
:func:`race_animation`,            the same, frame by frame (GIF or HTML)
:func:`save_race`
=================================  =======================================

matplotlib, a core dependency, is imported when a plot is drawn, never by
``import stepgrad.viz`` (importing it takes about half a second).
"""

from .activations import activation_curves, plot_activations, slide_relu_derivative
from .boundary import class_labels, decision_grid, plot_decision_boundary
from .compare import plot_runs, run_curves
from .grad_norms import (
    depth_gradient_norms,
    grad_norm_curves,
    plot_depth_comparison,
    plot_grad_norms,
)
from .history import history_curves, plot_history
from .losses import LECTURE_EXAMPLE, loss_curves, plot_losses
from .race import (
    SURFACES,
    optimizer_race,
    race_animation,
    race_lr,
    race_trajectories,
    save_race,
)

__all__ = [
    "plot_history", "history_curves",
    "plot_activations", "activation_curves", "slide_relu_derivative",
    "plot_losses", "loss_curves", "LECTURE_EXAMPLE",
    "plot_decision_boundary", "decision_grid", "class_labels",
    "plot_grad_norms", "grad_norm_curves", "plot_depth_comparison", "depth_gradient_norms",
    "plot_runs", "run_curves",
    "optimizer_race", "race_trajectories", "race_animation", "save_race", "SURFACES", "race_lr",
]
