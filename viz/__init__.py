"""stepgrad.viz: pictures of the graph the engine recorded.

``draw(root)`` returns a ``graphviz.Digraph`` of the forward values and, after
backward, the gradients; it replays the engine's own record (parents, op,
topological order) and never re-implements it.
"""

from .graph import GraphNode, draw, extract

__all__ = ["draw", "extract", "GraphNode"]
