"""stepgrad.viz: pictures of the graph the engine recorded, and backprop step by step.

``draw(root, view="forward" | "backward")`` returns a ``graphviz.Digraph``;
``step_through(root)`` a :class:`Stepper` whose frames are the engine's own
backward steps (Jupyter player, one self-contained HTML file, one SVG per
frame). Both replay the engine's record and observer; neither re-implements
the order or the math of backward.

``draw_mlp(model)`` draws a perceptron as the slides do, one circle per unit
and one edge per weight; ``step_network(model, x, y)`` replays one sample's
backward pass on that picture, grouped as the lecture tells it (ε²_m, ∂L/∂w²_hm,
ε¹_h, ∂L/∂w¹_fh); ``stepgrad.viz.plots`` holds the lecture's plots
(matplotlib, imported only there) and ``stepgrad.viz.live`` the live view of
training. ``derivation_of(steps)`` (or ``steps.derivation()``) writes a recorded backward
pass out as the chain rule with the engine's numbers, as Markdown with LaTeX or LaTeX alone.
"""

from .derivation import Derivation, derivation_of
from .graph import GraphNode, draw, extract
from .network import draw_mlp
from .network_stepper import NetworkStepper, step_network
from .renderer import GraphvizMissing, RenderError, use_renderer, which_renderer
from .stepper import Frame, Stepper, step_through

__all__ = ["draw", "extract", "GraphNode", "GraphvizMissing", "RenderError", "use_renderer",
           "which_renderer", "draw_mlp", "step_through",
           "Stepper", "Frame", "step_network", "NetworkStepper", "derivation_of", "Derivation"]
