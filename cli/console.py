"""What the command prints, on any terminal: the lecture's symbols spelled in ASCII where the
terminal cannot show them, and a library warning as one line.

The command prints μ, ∂L/∂w, ε², w¹₀₁, → and ½. A terminal (or a pipe) whose
encoding cannot show a character, such as ``PYTHONIOENCODING=ascii`` or latin-1,
gets a spelling instead of a ``UnicodeEncodeError``: μ → mu, ∂ → d, ε → epsilon,
² → ^2, ₁ → _1, → → ->, ½ → 1/2; anything else becomes ``?``.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata

__all__ = ["ERRORS", "spell", "fit_streams", "one_line_warning"]

ERRORS = "stepgrad-spell"
"""The codec error handler (``codecs.lookup_error``) that spells what cannot be encoded."""

_SIGNS = {"∂": "d", "→": "->", "←": "<-", "−": "-", "·": "*", "×": "x", "…": "...",
          "≥": ">=", "≤": "<=", "≈": "~", "≠": "!=", "∈": " in ", "√": "sqrt", "Σ": "sum",
          "⁄": "/", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "•": "*",
          "µ": "mu", "δ": "delta", "ᵘ": "^u", "ˡ": "^l", "ᵐ": "^m", "ˣ": "^x"}


def spell(char: str) -> str:
    """An ASCII spelling of one character: μ → ``mu``, ₁ → ``_1``, ² → ``^2``, else ``?``."""
    if char in _SIGNS:
        return _SIGNS[char]
    name = unicodedata.name(char, "")
    if name.startswith("GREEK SMALL LETTER "):
        return name.rsplit(" ", 1)[-1].lower()
    if name.startswith("GREEK CAPITAL LETTER "):
        return name.rsplit(" ", 1)[-1].capitalize()
    tag, _, code = unicodedata.decomposition(char).partition(" ")
    if tag in ("<sub>", "<super>", "<fraction>") and code:
        inner = "".join(spell(c) if ord(c) > 127 else c
                        for c in unicodedata.normalize("NFKD", char))
        return {"<sub>": "_", "<super>": "^"}.get(tag, "") + inner
    plain = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
    return plain or "?"


def _spell_error(error):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    return "".join(spell(c) for c in bad), error.end


codecs.register_error(ERRORS, _spell_error)


def fit_streams() -> None:
    """Let stdout and stderr spell what their encoding cannot show (UTF-8 streams: untouched)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            if codecs.lookup(encoding).name.startswith("utf"):
                continue
            stream.reconfigure(errors=ERRORS)  # type: ignore[union-attr]  # see except
        except (LookupError, AttributeError, ValueError):  # not a reconfigurable text stream
            continue


def one_line_warning(command: str):
    """A ``warnings.showwarning`` that prints ``stepgrad COMMAND: warning: …`` on stderr."""

    def show(message, category, filename, lineno, file=None, line=None):
        stream = file or sys.stderr
        if stream is None:
            return
        try:
            print(f"stepgrad {command}: warning: {message}", file=stream, flush=True)
        except (OSError, ValueError):  # a closed or broken stderr: nothing to tell
            pass

    return show
