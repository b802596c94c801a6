"""The solution's LaTeX as plain HTML: readable offline, with no MathJax and no network.

The exercise page shows the same formula lines as ``solution.md`` (one source,
:class:`stepgrad.viz.Derivation`), written with Unicode and ``<sub>``/``<sup>``:
``\\frac{\\partial L}{\\partial w^{2}_{01}}`` → ∂L/∂w<sup>2</sup><sub>01</sub>,
``\\varepsilon^{2}_{1}`` → ε<sup>2</sup><sub>1</sub>, ``-`` → −, ``\\cdot`` → ·.

Only the LaTeX the exercises write is known (:data:`SYMBOLS`, :data:`DROPPED`,
``\\frac``, ``\\operatorname``, ``\\mathrm``, ``\\mathbf``, ``\\overset``, ``^``, ``_``);
anything else raises ValueError, so a formula never reaches the page half read.
"""

from __future__ import annotations

import html
import re

__all__ = ["tex_to_html", "inline_to_html", "SYMBOLS"]

SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "varepsilon": "ε", "epsilon": "ε",
    "eta": "η", "lambda": "λ", "mu": "μ", "sigma": "σ", "partial": "∂", "sum": "Σ",
    "cdot": " · ", "times": " × ", "dots": "…", "cdots": "⋯", "vdots": "⋮", "approx": " ≈ ",
    "leq": " ≤ ", "geq": " ≥ ", "infty": "∞", "leftarrow": " ← ", "to": " → ",
    "{": "{", "}": "}", "_": "_", "%": "%", "&": "&amp;", "#": "#",
    ",": "\u2009", ";": "\u2005", ":": "\u2005", " ": " ", "quad": "\u2003",
    "qquad": "\u2003\u2003", "!": "",
}
FUNCTIONS = {"tanh", "ln", "exp", "log", "max", "min", "sin", "cos"}
DROPPED = {"left", "right", "displaystyle"}
_TOKEN = re.compile(r"\\([A-Za-z]+|.)|([{}^_&'])|(\s+)|([^\\{}^_&'\s]+)")


def _tokens(tex: str) -> list:
    """Commands, the special characters, spaces and text; a space after a command word
    is not kept (as in TeX: ``\\partial L`` is ∂L)."""
    out: list = []
    for m in _TOKEN.finditer(tex):
        command, special, space, text = m.groups()
        if space is not None and out and out[-1][0] == "cmd" and out[-1][1].isalpha():
            continue
        if command is not None:
            out.append(("cmd", command))
        elif special is not None:
            out.append(("sym", special))
        elif space is not None:
            out.append(("space", " "))
        else:
            out.append(("text", text))
    return out


class _Reader:
    """A recursive reader of the token list: groups, scripts, commands."""

    def __init__(self, tex: str):
        self.tex, self.toks, self.i = tex, _tokens(tex), 0

    def fail(self, why: str) -> ValueError:
        return ValueError(f"tex_to_html: {why} in {self.tex!r}")

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self):
        tok = self.peek()
        if tok is None:
            raise self.fail("the formula ends early")
        self.i += 1
        return tok

    def group(self) -> str:
        """One argument: ``{…}`` or a single token."""
        while self.peek() == ("space", " "):
            self.i += 1
        tok = self.take()
        if tok == ("sym", "{"):
            return self.until("}")
        if tok[0] == "text":  # a bare ``^2``: only its first character is the script
            first, rest = tok[1][0], tok[1][1:]
            if rest:
                self.toks.insert(self.i, ("text", rest))
            return _text(first)
        self.i -= 1
        return self.atom()

    def until(self, end: str | None) -> str:
        out: list = []
        while True:
            tok = self.peek()
            if tok is None:
                if end is None:
                    return "".join(out)
                raise self.fail("a '{' is never closed")
            if tok == ("sym", end):
                self.i += 1
                return "".join(out)
            out.append(self.atom())

    def atom(self) -> str:
        kind, value = self.take()
        if kind == "space":
            return " "
        if kind == "text":
            return _text(value)
        if kind == "sym":
            if value == "{":
                return self.until("}")
            if value in "^_":
                tag = "sup" if value == "^" else "sub"
                return f"<{tag}>{self.group()}</{tag}>"
            if value == "'":
                return "′"
            if value == "&":
                return ""
            raise self.fail(f"an unexpected '{value}'")
        return self.command(value)

    def command(self, name: str) -> str:
        if name in DROPPED:
            return ""
        if name == "frac":
            top, bottom = self.group(), self.group()
            if (top, bottom) == ("1", "2"):
                return "½"
            return f"{_wrap(top)}/{_wrap(bottom)}"
        if name in ("operatorname", "mathrm", "text"):
            return self.group()
        if name == "mathbf":
            return f"<b>{self.group()}</b>"
        if name == "overset":
            over, base = self.group(), self.group()
            return f"{base}<sup>{over}</sup>"
        if name in FUNCTIONS:  # tanh u: a space before a bare argument
            nxt = self.peek()
            bare = nxt is not None and (nxt[0] == "text" and nxt[1][0].isalnum()
                                        or nxt[0] == "cmd" and nxt[1] in SYMBOLS
                                        and SYMBOLS[nxt[1]].isalpha())
            return name + ("\u2009" if bare else "")
        if name in SYMBOLS:
            return SYMBOLS[name]
        raise self.fail(f"an unknown command \\{name}")


def _text(s: str) -> str:
    """Text of a formula: a true minus, and space around = + < > (TeX spaces relations)."""
    s = html.escape(s).replace("-", "−")
    return re.sub(r"\s*(:=|=|\+|&lt;|&gt;)\s*", r" \1 ", s)


def _wrap(part: str) -> str:
    """A numerator or denominator with an operator in it, in parentheses."""
    bare = re.sub(r"<[^>]*>.*?</[^>]*>", "", part)
    compound = any(c in bare for c in " +−/") and not (part.startswith("(") and
                                                        part.endswith(")"))
    return f"({part})" if compound else part


def tex_to_html(tex: str) -> str:
    """One formula (no ``$``) as HTML: Unicode symbols, ``<sub>``, ``<sup>``."""
    text = re.sub(r" {2,}", " ", _Reader(tex).until(None)).strip()
    def tight(m: re.Match) -> str:  # in a script, f=0 stays tight
        return f"<{m.group(1)}>{m.group(2).strip().replace(' = ', '=')}</{m.group(1)}>"

    return re.sub(r"<(sub|sup)>(.*?)</\1>", tight, text)


def inline_to_html(text: str) -> str:
    """Prose with ``$…$`` math: the prose escaped, the math as :func:`tex_to_html`."""
    parts = text.split("$")
    if len(parts) % 2 == 0:
        raise ValueError(f"inline_to_html: an odd number of '$' in {text!r}")
    out = []
    for k, part in enumerate(parts):
        if k % 2:
            out.append(f'<span class="m">{tex_to_html(part)}</span>')
        else:
            out.append(html.escape(part).replace("`", ""))
    return "".join(out)
