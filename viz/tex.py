"""LaTeX for derivations: names, numbers and a small well-formedness check.

The picture and the text panels write names in Unicode (``w¹₁₂``, ``α₃``,
``(a₁ − y₁)²``, :mod:`.names`); a derivation writes the same names in LaTeX
(``w^{1}_{12}``, ``\\alpha_{3}``, ``(a_{1} - y_{1})^{2}``), so it renders in
Jupyter and on GitHub (MathJax, KaTeX) and compiles in an ``amsmath`` document.
Numbers are written at the panels' precision (4 significant digits), a small
one as ``4.466 \\times 10^{-5}``; a negative factor of a product in parentheses.

:func:`check_tex` is the check the tests run on every block: braces balanced,
``\\begin``/``\\end`` paired, no ``$`` inside a formula, no character a plain
``pdflatex`` cannot set (everything outside ASCII is written as a command).
"""

from __future__ import annotations

import re

__all__ = ["tex_name", "tex_number", "tex_factor", "partial", "check_tex", "text_to_tex"]

_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789"))
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-"))
_GREEK = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
          "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu",
          "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau",
          "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega", "Σ": r"\Sigma",
          "Δ": r"\Delta", "Φ": r"\Phi", "Ω": r"\Omega", "Λ": r"\Lambda", "Γ": r"\Gamma"}
_SYMBOL = {"−": "-", "·": r" \cdot ", "×": r" \times ", "…": r"\dots ", "⋮": r"\vdots ",
           "′": "'", "½": r"\frac{1}{2}", "∂": r"\partial ", "√": r"\sqrt ", "∑": r"\sum ",
           "≈": r" \approx ", "≤": r" \leq ", "≥": r" \geq ", "∞": r"\infty ",
           "_": r"\_", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%",
           "&": r"\&", "~": r"\sim ", "\\": r"\backslash ", "'": "'"}
_FUNCTIONS = {"tanh", "exp", "log", "ln", "sin", "cos", "max", "min"}


def _script(chars: str, table: dict, i: int) -> tuple:
    """The run of sub- or superscript characters from i (commas between digits kept)."""
    out = []
    while i < len(chars):
        c = chars[i]
        if c in table:
            out.append(table[c])
        elif c == "," and i + 1 < len(chars) and chars[i + 1] in table and out:
            out.append(",")
        else:
            break
        i += 1
    return "".join(out), i


def tex_name(name: str) -> str:
    """A node's Unicode name in LaTeX: ``w¹₁₂`` → ``w^{1}_{12}``, ``α₃`` → ``\\alpha_{3}``,
    ``(a₁ − y₁)²`` → ``(a_{1} - y_{1})^{2}``, ``tanh(u₁)`` → ``\\tanh(u_{1})``; a word of
    several letters upright (``\\mathrm{out}``); a character with no LaTeX form → ``?``."""
    out, i, s = [], 0, str(name)
    while i < len(s):
        c = s[i]
        if c in _SUB:
            text, i = _script(s, _SUB, i)
            out.append("_{" + text + "}")
            continue
        if c in _SUP:
            text, i = _script(s, _SUP, i)
            out.append("^{" + text + "}")
            continue
        if c == "^":
            m = re.match(r"\^(½|[-−]?[0-9.]+)", s[i:])
            if m:
                power = m.group(1).replace("−", "-").replace("½", "1/2")
                out.append("^{" + power + "}")
                i += m.end()
                continue
            out.append(r"\hat{}")
            i += 1
            continue
        if c.isascii() and c.isalpha():
            m = re.match(r"[A-Za-z]+", s[i:])
            word = m.group(0) if m else c
            if len(word) == 1:
                out.append(word)
            elif word in _FUNCTIONS:
                out.append("\\" + word + " ")
            else:
                out.append(r"\mathrm{" + word + "}")
            i += len(word)
            continue
        if c in _GREEK:
            out.append(_GREEK[c] + " ")
        elif c in _SYMBOL:
            out.append(_SYMBOL[c])
        elif c.isascii():
            out.append(c)
        else:
            out.append("?")
        i += 1
    return re.sub(r" +", " ", "".join(out)).strip()


def tex_number(x: float, fmt: str = ".4g") -> str:
    """A number at the panels' precision: ``-0.2712``, ``0`` (never −0),
    ``4.466 \\times 10^{-5}``."""
    text = format(float(x), fmt)
    if float(text) == 0:
        return "0"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def tex_factor(x: float, fmt: str = ".4g") -> str:
    """A number inside a product: a negative one, or one in ``× 10^k`` form, in parentheses."""
    text = tex_number(x, fmt)
    return f"({text})" if text.startswith("-") or "times" in text else text


def partial(top: str, bottom: str) -> str:
    """``\\frac{\\partial top}{\\partial bottom}``, a compound one in parentheses."""
    return rf"\frac{{\partial {_wrap(top)}}}{{\partial {_wrap(bottom)}}}"


def _wrap(tex: str) -> str:
    depth, bare = 0, False
    for c in tex:
        depth += (c in "({") - (c in ")}")
        bare = bare or (depth == 0 and c in "+-/")
    bare = bare or (r"\cdot" in tex and not tex.startswith("("))
    return f"({tex})" if bare else tex


def text_to_tex(text: str) -> str:
    """Prose for a LaTeX document: inline math ``$…$`` kept, the rest escaped."""
    parts = text.split("$")
    out = []
    for k, part in enumerate(parts):
        if k % 2:
            out.append("$" + part + "$")
        else:
            out.append("".join(_SYMBOL.get(c, c) if c in "_{}#%&~\\" else c for c in part)
                       .replace("`", ""))
    return "".join(out)


def check_tex(tex: str) -> list:
    """The problems of a LaTeX fragment (empty when none): unbalanced braces, an
    unpaired ``\\begin``/``\\end``, a non-ASCII character, an unpaired ``$``."""
    problems = []
    depth = 0
    body = re.sub(r"\\[{}$%&#_]", "", tex)  # escaped characters are not delimiters
    for k, c in enumerate(body):
        depth += (c == "{") - (c == "}")
        if depth < 0:
            problems.append(f"a '}}' without its '{{' near {body[max(0, k - 30):k + 1]!r}")
            depth = 0
    if depth:
        problems.append(f"{depth} '{{' never closed")
    stack: list = []
    for kind, env in re.findall(r"\\(begin|end)\{([^}]*)\}", tex):
        if kind == "begin":
            stack.append(env)
        elif not stack or stack.pop() != env:
            problems.append(f"\\end{{{env}}} without its \\begin{{{env}}}")
    problems += [f"\\begin{{{env}}} never ended" for env in stack]
    bad = sorted({c for c in tex if not c.isascii()})
    if bad:
        problems.append(f"characters pdflatex cannot set without packages: {''.join(bad)}")
    if body.count("$") % 2:
        problems.append("an odd number of '$'")
    return problems
