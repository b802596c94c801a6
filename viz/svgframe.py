"""One laid-out SVG, restyled per frame: no new layout, only colours and texts.

:class:`FrameSVG` finds, once, where in graphviz's SVG each box's fill and
stroke, each edge's stroke and each changing text row sit; a frame is then the
SVG with those few spans replaced (a string join: well under a millisecond per
hundred nodes). The same spans get ``id`` attributes so the HTML export's
script restyles the same elements in the browser.
"""

from __future__ import annotations

import html
import re

__all__ = ["FrameSVG", "text_id"]

_GROUP = re.compile(r'<g id="([ne]\d+|g\d+)" class="(node|edge)">(.*?)</g>', re.S)
_TEXT = re.compile(r"<text([^>]*)>(.*?)</text>", re.S)


class FrameSVG:
    """The base SVG and the spans a frame may change.

    Args:
        svg: graphviz's SVG of the picture laid out with ``texts`` (row text → key).
        texts: for each box or edge id, the (placeholder text, key) pairs of its changing rows.
    """

    def __init__(self, svg: str, texts: dict):
        self.spans: list[tuple] = []  # (start, end, kind, key)
        self.original: dict[str, str] = {}  # key -> original value
        pieces = []
        for m in _GROUP.finditer(svg):
            gid, kind, body = m.group(1), m.group(2), m.group(3)
            base = m.start(3)
            if kind == "node":
                self._attr(body, base, "<polygon", "fill", ("fill", gid))
                self._attr(body, base, "<polygon", "stroke", ("stroke", gid))
                self._attr(body, base, "<polygon", "stroke-width", ("width", gid), add=True)
            else:
                self._attr(body, base, "<path", "stroke", ("estroke", gid))
                self._attr(body, base, "<path", "stroke-width", ("ewidth", gid), add=True)
            wanted = {t: key for t, key in texts.get(gid, [])}
            for t in _TEXT.finditer(body):
                key = wanted.pop(html.unescape(t.group(2)), None)
                if key is not None:
                    self.spans.append((base + t.start(2), base + t.end(2), "text", key))
                    pieces.append((base + t.start(1), f' id="{text_id(key)}"'))
        self.spans.sort()
        # the tagged SVG: ids added to the changing texts, for the browser's script
        out, last = [], 0
        for at, text in sorted(pieces):
            out.append(svg[last:at])
            out.append(text)
            last = at
        out.append(svg[last:])
        self.tagged = "".join(out)
        self.svg = svg
        self.size, self.boxes = _geometry(svg)

    def _attr(self, body, base, tag, attr, key, add=False):
        at = body.find(tag)
        if at < 0:
            return
        end = body.find(">", at)
        m = re.search(rf' {attr}="([^"]*)"', body[at:end])
        if m:
            self.spans.append((base + at + m.start(1), base + at + m.end(1), "attr", key))
            self.original[key] = m.group(1)
        elif add:  # no such attribute: insert one (empty by default)
            pos = base + at + len(tag)
            self.spans.append((pos, pos, "insert", key))
            self.original[key] = ""

    def render(self, values: dict) -> str:
        """The SVG with ``values`` (key → new value) in place of the originals."""
        out, last = [], 0
        svg = self.svg
        for start, end, kind, key in self.spans:
            if key not in values:
                continue
            out.append(svg[last:start])
            v = values[key]
            if kind == "text":
                out.append(html.escape(v, quote=False))
            elif kind == "insert":
                out.append(f' stroke-width="{v}"')
            else:
                out.append(v)
            last = end
        out.append(svg[last:])
        return "".join(out)


_VIEWBOX = re.compile(r'<svg[^>]*viewBox="([-\d.]+) ([-\d.]+) ([-\d.]+) ([-\d.]+)"')
_TRANSFORM = re.compile(r'class="graph" transform="scale\(([-\d.]+) ([-\d.]+)\) rotate\(0\) '
                        r'translate\(([-\d.]+) ([-\d.]+)\)"')
_NODE = re.compile(r'<g id="([ng]\w*)" class="node">.*?<polygon[^>]*points="([^"]*)"', re.S)


def _geometry(svg: str):
    """(width, height) of the picture and each node's box (x0, y0, x1, y1), in the
    viewBox's units (points), y downwards."""
    vb = _VIEWBOX.search(svg)
    size = (float(vb.group(3)), float(vb.group(4))) if vb else (0.0, 0.0)
    tf = _TRANSFORM.search(svg)
    sx, sy, tx, ty = (float(v) for v in tf.groups()) if tf else (1.0, 1.0, 0.0, 0.0)
    boxes = {}
    for m in _NODE.finditer(svg):
        pts = [p.split(",") for p in m.group(2).split()]
        xs = [(float(x) + tx) * sx for x, _ in pts]
        ys = [(float(y) + ty) * sy for _, y in pts]
        boxes[m.group(1)] = (min(xs), min(ys), max(xs), max(ys))
    return size, boxes


def text_id(key) -> str:
    return "t-" + "-".join(str(k) for k in key)
