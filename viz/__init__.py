"""stepgrad.viz: pictures of the graph the engine recorded.

``draw(root)`` returns a ``graphviz.Digraph`` of the forward values and, after
backward, the gradients; it replays the engine's own record (parents, op,
topological order) and never re-implements it.

``draw_mlp(model)`` draws a perceptron as the slides do, one circle per unit
and one edge per weight; ``stepgrad.viz.plots`` holds the lecture's plots
(matplotlib, imported only there) and ``stepgrad.viz.live`` the live view of
training.
"""

from .graph import GraphNode, draw, extract
from .network import draw_mlp

__all__ = ["draw", "extract", "GraphNode", "draw_mlp"]
