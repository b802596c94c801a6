"""Picture: the ``graphviz.Digraph`` every stepgrad drawing returns, laid out by :mod:`.renderer`.

``graphviz.Digraph`` runs a program named ``dot`` found on PATH; a Picture
instead hands its DOT text to :func:`.renderer.layout` (the system ``dot`` or
the pip-installed ``graphviz-pure``, whichever :func:`.renderer.which_renderer`
chooses). ``.pipe`` (SVG bytes, what the stepper, the command and the docs use),
``.render`` (a file) and Jupyter's inline display all go through it.
"""

from __future__ import annotations

from pathlib import Path

import graphviz

from .renderer import GraphvizMissing, layout

__all__ = ["Picture"]


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` laid out by stepgrad's renderer; SVG unless told otherwise."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("format", "svg")
        super().__init__(*args, **kwargs)

    def pipe(self, format: str | None = None, *, engine: str | None = None,
             encoding: str | None = None):
        """The picture as ``format`` (default ``svg``): bytes, or text with ``encoding``.

        SVG is the format to use: graphviz-pure's PNG has no glyph for ①, ⇒ and a few
        other symbols (its fonts lack them; a browser draws the SVG's text with its own).

        Raises GraphvizMissing (how to install a renderer) or RenderError (the
        program failed: its name and first line).
        """
        data = layout(self.source, format or self.format, engine or self.engine)
        return data.decode(encoding) if encoding else data

    def render(self, filename=None, directory=None, view: bool = False, cleanup: bool = False,
               format: str | None = None, *, outfile=None, engine: str | None = None) -> str:
        """Save the DOT text (``filename``, default ``name.gv``) and the picture beside it
        (``filename.format``, or ``outfile``); returns the picture's path."""
        if outfile is not None:
            outfile = Path(directory or self.directory, outfile)
            format = format or outfile.suffix.lstrip(".") or None
            filename = filename or outfile.with_suffix(".gv").name
        format = format or self.format
        source = Path(self.save(filename, directory=directory or (outfile.parent if outfile
                                                                   else None)))
        out = outfile if outfile is not None else source.with_name(f"{source.name}.{format}")
        out.write_bytes(self.pipe(format, engine=engine))
        if cleanup:
            source.unlink()
        if view:
            self._view(out, format=format, quiet=False)
        return str(out)

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        """Jupyter's inline display; without a renderer, the install command as text."""
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except GraphvizMissing as e:
            return {"text/plain": f"{e}\n(the DOT text is in .source)"}
