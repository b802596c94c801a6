"""Where the stepper looks: a view box that keeps the current node and its parents on screen.

The picture is laid out once and is often far larger than the window (the
6-9-2 graph is about 1,400 × 4,000 points). A picture that fits the frame with
its text still ≥ 10 px is shown whole. Otherwise, at each frame the view is centred
on the current box and its parents, at natural size (1 pt = 4/3 px) when they
fit the frame, zoomed out only as far as they need; "fit" shows the whole
graph. The HTML page's script (``assets/stepper.html``) does the same
arithmetic in the browser with its own frame size; the Jupyter player
(:mod:`.widget`) uses :func:`view_box` for its fixed frame.

A small overview (:func:`minimap`) draws every box as a rectangle and the
view as a red frame, so the student sees where in the graph the step is.
"""

from __future__ import annotations

__all__ = ["focus", "view_box", "with_view", "minimap", "PX_PER_PT", "MARGIN"]

PX_PER_PT = 4 / 3  # the natural size of an SVG point in CSS pixels
MARGIN = 24.0  # points around the current box and its parents
READABLE = 0.75 * PX_PER_PT  # a whole picture this large or larger is shown whole (10 pt ≥ 10 px)


def focus(boxes: dict, ids) -> tuple:
    """The bounding box (x0, y0, x1, y1) of the boxes ``ids``, with a margin."""
    got = [boxes[b] for b in ids if b in boxes]
    if not got:
        return (0.0, 0.0, 1.0, 1.0)
    return (min(b[0] for b in got) - MARGIN, min(b[1] for b in got) - MARGIN,
            max(b[2] for b in got) + MARGIN, max(b[3] for b in got) + MARGIN)


def view_box(region, size, frame_px) -> tuple:
    """The view (x, y, w, h) that shows ``region`` in a frame of ``frame_px`` pixels.

    Natural size when the region fits, else zoomed out just enough; centred on
    the region (so the overview in a corner never hides it); ``size`` is the picture's.
    """
    fw, fh = frame_px
    if min(fw / max(size[0], 1.0), fh / max(size[1], 1.0)) >= READABLE:
        return _centred((0.0, 0.0, *size), min(PX_PER_PT, fw / size[0], fh / size[1]), frame_px)
    rw, rh = max(region[2] - region[0], 1.0), max(region[3] - region[1], 1.0)
    return _centred(region, min(PX_PER_PT, fw / rw, fh / rh), frame_px)


def _centred(region, scale, frame_px) -> tuple:
    """The view of ``scale`` px per point centred on ``region``."""
    vw, vh = frame_px[0] / scale, frame_px[1] / scale
    cx, cy = (region[0] + region[2]) / 2, (region[1] + region[3]) / 2
    return (cx - vw / 2, cy - vh / 2, vw, vh)


def with_view(svg: str, view, width: str = "100%", height: str = "100%") -> str:
    """``svg`` shown through ``view`` (x, y, w, h), filling a frame of the given CSS size."""
    head_end = svg.index(">", svg.index("<svg"))
    head = svg[svg.index("<svg"):head_end]
    for attr in ("width", "height", "viewBox", "preserveAspectRatio"):
        start = head.find(f' {attr}="')
        if start >= 0:
            end = head.index('"', start + len(attr) + 3)
            head = head[:start] + head[end + 1:]
    x, y, w, h = view
    head += (f' width="{width}" height="{height}" viewBox="{x:.1f} {y:.1f} {w:.1f} {h:.1f}"'
             f' preserveAspectRatio="xMidYMid meet"')
    return head + svg[head_end:]


def minimap(size, boxes: dict, view, fills=None, width_px: int = 160) -> str:
    """A small SVG: every box as a grey rectangle (``fills``: id → colour), the view in red."""
    w, h = size
    height_px = max(40, min(170, int(width_px * h / max(w, 1.0))))
    fills = fills or {}
    rects = "".join(
        f'<rect data-id="{i}" x="{b[0]:.0f}" y="{b[1]:.0f}" width="{b[2] - b[0]:.0f}" '
        f'height="{b[3] - b[1]:.0f}" fill="{fills.get(i, "#d1d5db")}"/>'
        for i, b in boxes.items())
    x, y, vw, vh = view
    stroke = max(w, h) / 120
    return (f'<svg id="overview" class="minimap" width="{width_px}" height="{height_px}" '
            f'viewBox="0 0 {w:.0f} {h:.0f}" preserveAspectRatio="xMidYMid meet">'
            f'<rect width="{w:.0f}" height="{h:.0f}" fill="white"/>{rects}'
            f'<rect class="view" x="{x:.0f}" y="{y:.0f}" width="{vw:.0f}" height="{vh:.0f}" '
            f'fill="none" stroke="#dc2626" stroke-width="{stroke:.0f}"/></svg>')
