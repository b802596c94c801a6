"""What a box says: its rows of text, and a label sized for the widest text it will show.

A row is ``(text, key)`` or ``(text, key, lead)``: ``key`` marks a row a stepper
frame changes (``("grad", node)``, ``("data", node)``), ``lead`` a fixed left
cell before it (a collapsed neuron's ``w¹₀₁ = 0.04`` before its ``grad …``).

The label is an HTML-like table whose cells have a width computed here, from
per-character widths of the sans-serif fonts a browser uses (wider than the
layout engine's own Helvetica metrics, and wide enough for ①, ∂ and subscripts):
the text fits its box whichever engine laid it out and whichever font shows it.
"""

from __future__ import annotations

import html

import numpy as np

__all__ = ["box_rows", "html_label", "label_widths", "text_width", "grad_text", "number",
           "circled", "NOT_YET", "FONT_SIZE"]

FONT_SIZE = 10  # points, every box's text
_EM = {" ": 0.3, ".": 0.3, ",": 0.3, "-": 0.36, "(": 0.36, ")": 0.36, "=": 0.6, "+": 0.6}


NOT_YET = "not computed yet"


def number(x, fmt: str = ".4g") -> str:
    """One number (0, never -0), or an array's shape and first entries."""
    if x is None:
        return "–"
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError):
        return type(x).__name__
    if arr.ndim == 0:
        return "0" if float(arr) == 0.0 else format(float(arr), fmt)
    text = np.array2string(arr + 0.0, precision=3, threshold=6, edgeitems=2, separator=", ")
    return f"{arr.shape} {' '.join(text.split())}"


def circled(k: int) -> str:
    """①, ②, … for k = 1, 2, … (20 and beyond in brackets)."""
    return chr(0x2460 + k - 1) if 1 <= k <= 20 else f"({k})"


def text_width(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """A generous width of ``text`` in points (never narrower than a browser draws it)."""
    em = 0.0
    for ch in text:
        if ch in _EM:
            em += _EM[ch]
        elif ch.isascii():
            em += 0.62 if ch.isupper() or ch in "mwMW" else 0.57
        elif "\u2460" <= ch <= "\u24ff":  # ①, ②, …
            em += 1.05
        else:
            em += 0.72
    return em * size * (1.1 if bold else 1.0) + 2


def grad_text(node, record, fmt=".4g", upto=None, terms=True) -> str:
    """The grad row: ``not computed yet``, the number, or ①c₁ + ②c₂ = sum.

    ``upto``: only the contributions of steps before this step index (a stepper frame).
    """
    if not record.done:
        return f"grad {NOT_YET}"
    cons = record.into.get(id(node), [])
    if upto is not None:
        cons = [c for c in cons if c.step < upto]
        if not cons:
            return "grad " + (number(record.steps[0].upstream, fmt)
                              if record.steps and record.steps[0].node is node else NOT_YET)
    total = cons[-1].total if cons else record.grads.get(id(node))
    if len(cons) < 2 or not terms:
        return f"grad {number(total, fmt)}"
    if len(cons) > 3:  # the edges carry the terms
        return f"grad {number(total, fmt)}"
    parts = " + ".join(f"{circled(k)}{number(c.value, fmt)}" for k, c in enumerate(cons, 1))
    return f"grad {parts} = {number(total, fmt)}"


def box_rows(box, view, record, fmt, names=None):
    """The rows of a box (see the module docstring); ``names``: id(node) → name."""
    names = names or {}

    def name(n):
        return names.get(id(n)) or n.label or "…"

    title = box.title
    if box.kind == "result":
        head = (f"{title} = {box.op}" if title and box.op else title or box.op)
        head += f" {box.note}" if box.note else ""
    elif box.kind == "neuron":
        return _neuron_rows(box, view, record, fmt, name)
    elif box.kind == "loss":  # the loss collapsed: each drawn term, its value and ∂L/∂
        rows = [(title, None)]
        for o, value in box.shown:
            lead = f"{name(o)} = {number(value, fmt)}"
            if view == "backward" and not (o.op is None and not o.label):
                rows.append((grad_text(o, record, fmt, terms=False), ("grad", o), lead))
            else:
                rows.append((lead, None))
        return rows
    elif box.kind == "layer":
        rows = [(title, None)]
        for o in box.outputs:
            rows.append((f"{name(o)} = {number(o.data, fmt)}", ("data", o)))
            if view == "backward":
                rows.append(("  " + grad_text(o, record, fmt, terms=False), ("grad", o)))
        return rows
    elif box.kind == "product":  # one term w·x of an expanded Σw·x: its grad is ∂L/∂u
        rows = [(box.op, None), (f"data {number(box.value, fmt)}", None)]
        if view == "backward":
            rows.append((grad_text(box.node, record, fmt, terms=False), ("grad", box.node)))
        return rows
    elif box.kind == "constant":  # a target y_m (or a display step) titled, its value below
        value = number(box.value, fmt)
        return [(title, None), (value, ("data", box.node))] if title else [(value, ("data",
                                                                                   box.node))]
    else:
        head = title
    rows = [(head, None)] if head else []
    rows.append((f"data {number(box.value, fmt)}", ("data", box.node)))
    if view == "backward":
        rows.append((grad_text(box.node, record, fmt), ("grad", box.node)))
    return rows


def _neuron_rows(box, view, record, fmt, name):
    """A collapsed neuron: α_h = σ(u_h), u_h, α_h, ∂L/∂α_h, then each weight's value and ∂L/∂w."""
    n = box.group.neuron
    out, u = name(n.out), name(n.dot)
    act = n.act
    if act is None:
        rows = [(f"{out} = Σ w·x", None)]
    elif len(act.parents) > 1:  # a softmax output: a_m = softmax_m(v₁, …, v_M)
        rows = [(f"{out} = {name(act)}" if name(act) != out else f"{out} = softmax(v)", None)]
    else:
        rows = [(f"{out} = {box.op}({u})", None)]
    if act is not None:
        rows.append((f"{u} = {number(n.dot.data, fmt)}", ("data", n.dot)))
    rows.append((f"{out} = {number(n.out.data, fmt)}", ("data", n.out)))
    if view == "backward":
        rows.append((grad_text(n.out, record, fmt, terms=False), ("grad", n.out)))
    for w in n.ordered_weights:
        lead = f"{name(w)} = {number(w.data, fmt)}"
        if view == "backward":
            rows.append((grad_text(w, record, fmt, terms=False), ("grad", w), lead))
        else:
            rows.append((lead, None))
    return rows


def html_label(rows, widths=None) -> str:
    """The label of a box: one table row per row, the first in bold when there are several.

    ``widths``: (lead cell, text cell) widths in points; by default those of ``rows``.
    """
    lead_w, text_w = widths or label_widths(rows)
    out = []
    for k, row in enumerate(rows):
        text = html.escape(row[0], quote=False)
        if k == 0 and len(rows) > 1:
            text = f"<B>{text}</B>"
        if lead_w and len(row) > 2:
            out.append(f'<TR><TD ALIGN="LEFT" WIDTH="{lead_w:.0f}">'
                       f'{html.escape(row[2], quote=False)}</TD>'
                       f'<TD ALIGN="LEFT" WIDTH="{text_w:.0f}">{text}</TD></TR>')
        elif lead_w:
            out.append(f'<TR><TD ALIGN="LEFT" COLSPAN="2" WIDTH="{lead_w + text_w:.0f}">'
                       f'{text}</TD></TR>')
        else:
            out.append(f'<TR><TD ALIGN="LEFT" WIDTH="{text_w:.0f}">{text}</TD></TR>')
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
            + "".join(out) + "</TABLE>>")


def label_widths(rows) -> tuple:
    """(lead, text) cell widths in points for ``rows``: each the widest it must hold."""
    leads = [text_width(r[2]) + 6 for r in rows if len(r) > 2]
    lead_w = max(leads, default=0.0)
    text_w = 0.0
    for k, row in enumerate(rows):
        w = text_width(row[0], bold=k == 0 and len(rows) > 1)
        if len(row) > 2 or not lead_w:
            text_w = max(text_w, w)
        else:
            text_w = max(text_w, w - lead_w)
    return lead_w, text_w

