"""Where the stepper looks: a view box that keeps the current node and its parents on screen.

The picture is laid out once and is often far larger than the window (the
6-9-2 graph is about 1,400 × 4,000 points). The rule, at each frame:

* a picture that fits the frame with its text still readable is shown whole;
* else the view is centred on the current box and its parents, at natural size
  (1 pt = 4/3 px) when they fit the frame, zoomed out only as far as they need,
  but **never below** :data:`READABLE` (1 px per point: the boxes' 10 pt text is
  10 px, a line about 11 px high). A Σw·x node's parents (every weight and input
  of a neuron) may not fit at that scale: the view then pans so the current box
  is inside it (clear of the overview in the corner), and the parents outside
  the view are listed in a marker on the edge of the frame they lie beyond
  (:func:`off_view`: "▲ 7 parents above: w¹₁₅, …"); clicking it pans there.
* "fit" shows the whole graph (small, to see where things are).

The HTML page's script (``assets/stepper.html``) does the same arithmetic in the
browser with its own frame size; the Jupyter player (:mod:`.widget`) uses
:func:`view_box` and :func:`off_view` for its fixed frame.

A small overview (:func:`minimap`) draws every box as a rectangle and the
view as a red frame, so the student sees where in the graph the step is.
"""

from __future__ import annotations

__all__ = ["focus", "view_box", "off_view", "with_view", "minimap", "PX_PER_PT",
           "MARGIN", "READABLE", "INSET", "ARROWS", "marker_text", "minimap_px"]

PX_PER_PT = 4 / 3  # the natural size of an SVG point in CSS pixels
MARGIN = 24.0  # points around the current box and its parents
READABLE = 0.75 * PX_PER_PT  # px per pt: the view never zooms out further (10 pt text = 10 px)
INSET = 8.0  # px: the current box stays this far inside the frame's edges


def focus(boxes: dict, ids) -> tuple:
    """The bounding box (x0, y0, x1, y1) of the boxes ``ids``, with a margin."""
    got = [boxes[b] for b in ids if b in boxes]
    if not got:
        return (0.0, 0.0, 1.0, 1.0)
    return (min(b[0] for b in got) - MARGIN, min(b[1] for b in got) - MARGIN,
            max(b[2] for b in got) + MARGIN, max(b[3] for b in got) + MARGIN)


def view_box(region, size, frame_px, keep=None, corner=(0.0, 0.0), others=()) -> tuple:
    """The view (x, y, w, h) that shows ``region`` in a frame of ``frame_px`` pixels.

    Natural size when the region fits, else zoomed out just enough, never below
    :data:`READABLE`; centred on the region when it fits. When it does not, the view
    holds ``keep`` (x0, y0, x1, y1: the current box), :data:`INSET` px inside the frame,
    and as many of ``others`` (the parents' boxes) as it can, on each axis. Either way
    ``keep`` is moved clear of a ``corner`` (w, h px: the overview) at the bottom right.
    ``size`` is the picture's.
    """
    fw, fh = frame_px
    if min(fw / max(size[0], 1.0), fh / max(size[1], 1.0)) >= READABLE:
        return _centred((0.0, 0.0, *size), min(PX_PER_PT, fw / size[0], fh / size[1]), frame_px)
    rw, rh = max(region[2] - region[0], 1.0), max(region[3] - region[1], 1.0)
    scale = max(READABLE, min(PX_PER_PT, fw / rw, fh / rh))
    view = _centred(region, scale, frame_px)
    if keep is None:
        return view
    m, (x, y) = INSET / scale, view[:2]
    if rw > view[2] or rh > view[3]:
        x = _best_start(keep[0] - m, keep[2] + m, [(b[0] - m, b[2] + m) for b in others],
                        view[2], x)
        y = _best_start(keep[1] - m, keep[3] + m, [(b[1] - m, b[3] + m) for b in others],
                        view[3], y)
    cw, ch = corner[0] / scale, corner[1] / scale
    if cw and keep[2] > x + view[2] - cw - m and keep[3] > y + view[3] - ch - m:
        if keep[2] - keep[0] + cw + 2 * m <= view[2]:  # under the overview: move it left
            x = keep[2] + m + cw - view[2]
        else:  # or up
            y = keep[3] + m + ch - view[3]
    return (x, y, view[2], view[3])


def _best_start(lo: float, hi: float, spans, length: float, default: float) -> float:
    """Where a window of ``length`` starts so it holds [lo, hi] and the most ``spans``
    (a, b) whole; among the best, the one nearest ``default``. [lo, hi] longer than it:
    it starts at lo."""
    first, last = hi - length, lo  # the starts that hold [lo, hi]
    if first > last:
        return lo
    clamp = lambda v: min(max(v, first), last)
    starts = {clamp(default)} | {clamp(a) for a, _ in spans} | {clamp(b - length)
                                                                  for _, b in spans}
    count = lambda s0: sum(s0 <= a and b <= s0 + length for a, b in spans)
    return max(sorted(starts), key=lambda s0: (count(s0), -abs(s0 - default)))


def off_view(view, boxes: dict, ids) -> dict:
    """The boxes of ``ids`` not wholly inside ``view``, by the edge they lie beyond.

    Returns ``{"top" | "bottom" | "left" | "right": [id, …]}``: a box goes to the
    edge its centre is farthest past, relative to the view's half-size.
    """
    x, y, w, h = view
    cx, cy = x + w / 2, y + h / 2
    out: dict = {}
    for i in ids:
        b = boxes.get(i)
        if b is None or (b[0] >= x and b[2] <= x + w and b[1] >= y and b[3] <= y + h):
            continue
        dx, dy = ((b[0] + b[2]) / 2 - cx) / w, ((b[1] + b[3]) / 2 - cy) / h
        side = (("right" if dx > 0 else "left") if abs(dx) >= abs(dy)
                else ("bottom" if dy > 0 else "top"))
        out.setdefault(side, []).append(i)
    return out


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
    height_px = minimap_px(size, width_px)[1]
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


ARROWS = {"top": ("▲", "above"), "bottom": ("▼", "below"), "left": ("◀", "to the left"),
          "right": ("▶", "to the right")}
"""The off-screen markers' arrow and words per edge of the frame (the page's script has
the same)."""


def marker_text(side: str, names: list, shown: int = 4) -> str:
    """The marker of parents beyond one edge: "▲ 7 parents above: w¹₁₅, w¹₂₅, …"."""
    arrow, where = ARROWS[side]
    head = ", ".join(names[:shown]) + (", …" if len(names) > shown else "")
    noun = "parent" if len(names) == 1 else "parents"
    return f"{arrow} {len(names)} {noun} {where}: {head}"


def minimap_px(size, width_px: int = 160) -> tuple:
    """The overview's size in px (width, height) for a picture of ``size`` points."""
    return width_px, max(40, min(170, int(width_px * size[1] / max(size[0], 1.0))))
