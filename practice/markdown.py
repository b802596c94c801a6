"""An exercise as Markdown with LaTeX (``$…$``, ``$$…$$``): renders in Jupyter and on GitHub.

``problem.md`` is the :func:`~.statement.statement` with the network's picture
(``network.svg`` beside it); ``solution.md`` is the worked solution's
:class:`stepgrad.viz.Derivation`, as ``Derivation.to_markdown()`` writes it.
"""

from __future__ import annotations

from .problem import Problem
from .solution import Worked
from .statement import statement

__all__ = ["problem_markdown", "solution_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", r"\|")


def problem_markdown(problem: Problem, picture: str | None = "network.svg") -> str:
    """The problem in Markdown; ``picture``: the file name of the network's SVG (None:
    no picture)."""
    out = []
    for part in statement(problem):
        if part.kind == "title":
            out.append(f"# {part.text}")
        elif part.kind == "heading":
            out.append(f"## {part.text}")
        elif part.kind == "text":
            out.append(part.text)
        elif part.kind == "list":
            out.append("\n".join(f"{k}. {item}" if part.ordered else f"- {item}"
                                 for k, item in enumerate(part.items, 1)))
        elif part.kind == "picture":
            if picture:
                out.append(f"![{part.text}]({picture})")
        else:
            lines = [part.text, "", "| " + " | ".join(_cell(h) for h in part.head) + " |",
                     "|" + "---|" * len(part.head)]
            lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in part.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def solution_markdown(problem: Problem, worked: Worked) -> str:
    """The worked solution in Markdown: every line the formula, the numbers, the result."""
    head = (f"# Solution: exercise {problem.seed} ({problem.difficulty})\n\n"
            f"{problem.name}; numbers to 4 significant digits (the answer key holds them "
            f"in full).\n\n")
    return head + worked.derivation.to_markdown()
