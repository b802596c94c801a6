"""``exercise.html``: the problem and its folded-away solution in one offline page.

No script, no font, no MathJax, nothing fetched: the math is Unicode with
``<sub>``/``<sup>`` (:mod:`.html_math`), the network the inline SVG of
:mod:`.picture`. In a window of 1280×800 the whole problem (picture, weights,
sample, tasks) is on screen without scrolling; below 1100 px the two columns
stack. The solution sits in a ``<details>`` element: "Show the worked solution"
opens it (the same lines as ``solution.md``).
"""

from __future__ import annotations

from html import escape

from .html_math import inline_to_html, tex_to_html
from .picture import network_svg
from .problem import Problem
from .solution import Worked
from .statement import statement

__all__ = ["exercise_html", "CSS"]

CSS = """
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "DejaVu Sans", Arial, sans-serif; color: #111827;
       background: #f9fafb; }
main { max-width: 1260px; margin: 0 auto; padding: 10px 16px 40px; }
h1 { font-size: 21px; margin: 2px 0 8px; }
h2 { font-size: 16px; margin: 10px 0 4px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.problem { display: flex; gap: 20px; align-items: flex-start; }
.left { flex: 0 0 600px; }
.right { flex: 1 1 auto; min-width: 0; }
.left svg { width: 100%; height: auto; background: #fff; border: 1px solid #d1d5db;
            border-radius: 6px; }
.tables { display: flex; gap: 14px; flex-wrap: wrap; margin-top: 6px; }
.tables figure { margin: 0; }
figcaption { font-size: 14px; margin: 2px 0; }
table.w { border-collapse: collapse; font-size: 14px; background: #fff; }
table.w th, table.w td { border: 1px solid #d1d5db; padding: 1px 7px; text-align: right; }
table.w th:first-child, table.w td:first-child { text-align: left; }
ul, ol { margin: 4px 0 6px; padding-left: 22px; }
li { margin: 2px 0; }
p { margin: 5px 0; }
sub, sup { font-size: 75%; line-height: 0; }
details { margin-top: 14px; background: #fff; border: 1px solid #d1d5db; border-radius: 6px;
          padding: 6px 14px; }
summary { cursor: pointer; font-weight: bold; font-size: 16px; padding: 4px 0; }
table.rows { border-collapse: collapse; }
table.rows td { padding: 1px 0; vertical-align: top; }
table.rows td.l { text-align: right; padding-right: 6px; white-space: nowrap; }
.foot { color: #6b7280; font-size: 13px; margin-top: 10px; }
@media (max-width: 1100px) { .problem { display: block; } .left { max-width: 620px; } }
"""


def _part_html(part) -> str:
    if part.kind == "heading":
        return f"<h2>{inline_to_html(part.text)}</h2>"
    if part.kind == "text":
        return f"<p>{inline_to_html(part.text)}</p>"
    if part.kind == "list":
        tag = "ol" if part.ordered else "ul"
        items = "".join(f"<li>{inline_to_html(i)}</li>" for i in part.items)
        return f"<{tag}>{items}</{tag}>"
    if part.kind == "table":
        head = "".join(f"<th>{inline_to_html(h)}</th>" for h in part.head)
        body = "".join("<tr>" + "".join(f"<td>{inline_to_html(c)}</td>" if k else
                                        f"<td>{inline_to_html(c)}</td>".replace("-", "−")
                                        for k, c in enumerate(row)) + "</tr>"
                       for row in part.rows)
        return (f"<figure><figcaption>{inline_to_html(part.text)}</figcaption>"
                f'<table class="w"><tr>{head}</tr>{body}</table></figure>')
    raise ValueError(f"exercise page: no HTML for a part of kind {part.kind!r}")


def _row(row: str) -> str:
    left, _, right = row.partition("&")
    return (f'<tr><td class="l">{tex_to_html(left)}</td>'
            f"<td>{tex_to_html(right)}</td></tr>")


def _solution_html(worked: Worked) -> str:
    out = []
    for b in worked.derivation.blocks:
        if b.kind == "heading":
            out.append(f"<h3>{inline_to_html(b.text)}</h3>")
        elif b.kind == "text":
            out.append(f"<p>{inline_to_html(b.text)}</p>")
        elif b.kind == "align":
            out.append('<table class="rows">' + "".join(_row(r) for r in b.rows) + "</table>")
        else:
            out.append(f"<p>{tex_to_html(b.text)}</p>")
    return "\n".join(out)


def exercise_html(problem: Problem, worked: Worked) -> str:
    """The page's text (deterministic: the same exercise, the same bytes)."""
    parts = statement(problem)
    title = next(p.text for p in parts if p.kind == "title")
    left = [network_svg(problem), '<div class="tables">']
    left += [_part_html(p) for p in parts if p.kind == "table"] + ["</div>"]
    right = [_part_html(p) for p in parts if p.kind not in ("title", "picture", "table")]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        "<main>", f"<h1>{escape(title)}</h1>", '<div class="problem">',
        '<section class="left">', *left, "</section>",
        '<section class="right">', *right, "</section>", "</div>",
        '<details id="solution"><summary>Show the worked solution</summary>',
        _solution_html(worked), "</details>",
        f'<p class="foot">Seed {problem.seed}, {escape(problem.difficulty)}: '
        f"{escape(problem.name)}. Every number of the solution is the engine's, from its "
        "recorded backward pass and its SGD step (stepgrad.practice).</p>",
        "</main>", "</body>", "</html>", ""])
