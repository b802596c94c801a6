"""The exercise's network as a small SVG, drawn like the lecture's slides, byte for byte the
same for the same problem (no layout program: Graphviz's output varies with its version).

Left to right: the inputs x₀ = 1 (the bias, grey), x₁ … x_F with their values;
the hidden units α₀ = 1, α₁ … α_H; the outputs a₁ … a_M with their targets y_m.
Each weight is a line from its unit to the unit it feeds, labelled with its
value; the lines into one unit share a colour, and their labels stand in one
column (at a fraction of the way that differs per unit), so no two collide.
"""

from __future__ import annotations

from html import escape

from stepgrad.nn.labels import sub
from stepgrad.viz.network_text import num

from .problem import Problem

__all__ = ["network_svg", "COLOURS"]

COLOURS = ("#1d4ed8", "#b91c1c", "#047857", "#7c3aed", "#b45309", "#0e7490")
GAP = 92        # between units of a column
STEP = 250      # between columns
R = 23          # a unit's radius
TOP = 78        # the first unit's centre (the headings above it)
LEFT = 120      # the input column's centre (the input values to its left)


def _columns(problem: Problem) -> list:
    """[(x, [(y, kind, name, note)])]: kind "bias" or "unit"; note the value beside it."""
    F, H, M = problem.sizes
    rows = max(F + 1, H + 1, M)
    height = (rows - 1) * GAP

    def ys(n: int) -> list:
        start = TOP + (height - (n - 1) * GAP) / 2
        return [start + k * GAP for k in range(n)]

    inputs = [(y, "bias" if f == 0 else "unit", "x" + sub(f),
               "" if f == 0 else num(problem.x[f - 1], "g"))
              for f, y in enumerate(ys(F + 1))]
    hidden = [(y, "bias" if h == 0 else "unit", "α" + sub(h), "") for h, y in enumerate(ys(H + 1))]
    outputs = [(y, "unit", "a" + sub(m), f"y{sub(m)} = {num(problem.y[m - 1], 'g')}")
               for m, y in enumerate(ys(M), 1)]
    return [(LEFT, inputs), (LEFT + STEP, hidden), (LEFT + 2 * STEP, outputs)]


def _f(x: float) -> str:
    """A coordinate: at most one decimal, always written the same way."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _edges(problem: Problem, cols: list) -> list:
    out = []
    for layer in (1, 2):
        (x0, src), (x1, dst) = cols[layer - 1], cols[layer]
        w = problem.weights(layer)
        targets = [(y, name) for y, kind, name, _ in dst if kind == "unit"]
        for k, (y1, _) in enumerate(targets):
            colour = COLOURS[k % len(COLOURS)]
            t = 0.5 if len(targets) == 1 else 0.22 + 0.38 * k / (len(targets) - 1)
            for j, (y0, _, _, _) in enumerate(src):
                dx, dy = x1 - x0, y1 - y0
                length = (dx * dx + dy * dy) ** 0.5
                ax, ay = x0 + dx * R / length, y0 + dy * R / length
                bx, by = x1 - dx * (R + 6) / length, y1 - dy * (R + 6) / length
                lx, ly = x0 + dx * t, y0 + dy * t
                label = num(w[j, k], "g")
                width = 8.5 * len(label) + 8
                out.append(
                    f'<line x1="{_f(ax)}" y1="{_f(ay)}" x2="{_f(bx)}" y2="{_f(by)}" '
                    f'stroke="{colour}" stroke-width="1.6" marker-end="url(#arrow{k})"/>\n'
                    f'<rect x="{_f(lx - width / 2)}" y="{_f(ly - 10)}" width="{_f(width)}" '
                    f'height="19" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="{colour}" '
                    f'stroke-width="0.8"/>\n'
                    f'<text x="{_f(lx)}" y="{_f(ly + 4.5)}" text-anchor="middle" '
                    f'fill="{colour}" font-size="13.5">{escape(label)}</text>')
    return out


def _units(cols: list) -> list:
    out = []
    for col, (x, units) in enumerate(cols):
        for y, kind, name, note in units:
            fill = "#e5e7eb" if kind == "bias" else "#ffffff"
            out.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="{R}" fill="{fill}" '
                       f'stroke="#111827" stroke-width="1.8"/>')
            if kind == "bias":
                out.append(f'<text x="{_f(x)}" y="{_f(y + 6)}" text-anchor="middle" '
                           f'font-size="18">1</text>')
                out.append(f'<text x="{_f(x - R - 6)}" y="{_f(y - R + 2)}" '
                           f'text-anchor="end" font-size="14" fill="#4b5563">'
                           f'{escape(name)}</text>')
            else:
                out.append(f'<text x="{_f(x)}" y="{_f(y + 6)}" text-anchor="middle" '
                           f'font-size="18">{escape(name)}</text>')
            if note and col == 0:
                out.append(f'<text x="{_f(x - R - 8)}" y="{_f(y + 5)}" text-anchor="end" '
                           f'font-size="15">{escape(note)}</text>')
            elif note:
                out.append(f'<text x="{_f(x + R + 8)}" y="{_f(y + 5)}" font-size="15">'
                           f'{escape(note)}</text>')
    return out


def network_svg(problem: Problem) -> str:
    """The SVG text of the problem's network (deterministic: the same problem, the same
    bytes)."""
    cols = _columns(problem)
    F, H, M = problem.sizes
    height = TOP + (max(F + 1, H + 1, M) - 1) * GAP + 40
    width = LEFT + 2 * STEP + 110
    heads = [(LEFT, "inputs"), (LEFT + STEP, f"hidden units ({problem.hidden})"),
             (LEFT + 2 * STEP, f"outputs ({problem.output})")]
    markers = "".join(
        f'<marker id="arrow{k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>'
        for k, c in enumerate(COLOURS))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{_f(height)}" '
             f'viewBox="0 0 {width} {_f(height)}" font-family="DejaVu Sans, Arial, sans-serif" '
             f'role="img" aria-label="the {F}-{H}-{M} network with its weights">',
             f"<title>The {F}-{H}-{M} network: bias units grey, each line a weight "
             f"w with its value</title>",
             f"<defs>{markers}</defs>",
             f'<rect width="{width}" height="{_f(height)}" fill="#ffffff"/>']
    parts += [f'<text x="{x}" y="24" text-anchor="middle" font-size="15" '
              f'font-weight="bold">{escape(t)}</text>' for x, t in heads]
    parts += _edges(problem, cols) + _units(cols)
    return "\n".join(parts) + "\n</svg>\n"
