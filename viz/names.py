"""What the picture and the text call each node: one name per node, given once per scene.

The boxes (:mod:`.rows`) and the text panel (:mod:`.explain`) read the same
names, so the graph and the panel never disagree:

* a labelled node keeps its label (x₁, w¹₁₂, u₃, α₃, v₁, a₁, as
  :mod:`stepgrad.nn.labels` names them, or the user's own);
* the loss root is **L**, whatever op made it (the single root of the graph);
* a **target** y_m: the first constant of the loss that is compared with, or
  multiplied by, one output a_m and nothing else (a_m − y_m, y_m·log a_m);
  it is named after its output (a₂ → y₂, a → y);
* any other constant is its value, as a number ("0", never "-0");
* any other result is its expression in its parents' names: "a₁ − y₁",
  "(a₁ − y₁)²", "(a₁ − y₁)² + (a₂ − y₂)²", "log(a₂)", "softmax₁(v₁, v₂, v₃)";
  never an op symbol alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stepgrad.autograd.nary_ops import Dot, Sum
from stepgrad.autograd.ops import Add, Mul, PowConst
from stepgrad.autograd.shape_ops import Index
from stepgrad.autograd.softmax_ops import SoftmaxAt
from stepgrad.autograd.tensor_ops import Affine

from .rows import number

__all__ = ["node_names", "definition", "targets", "constant_text", "SUPERSCRIPT"]

SUPERSCRIPT = {2: "²", 3: "³", 4: "⁴", 0.5: "^½", -1: "⁻¹", -2: "⁻²"}
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
LONG = 40  # an expression longer than this refers to its long parts by their kind


def constant_text(x, fmt: str = ".4g") -> str:
    """A constant as a number: ``0`` for −0.0, the value otherwise."""
    return number(x, fmt)


def _wrap(text: str) -> str:
    """``text`` in parentheses when it is a sum or difference (so ``(a − y)²`` reads right)."""
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        return text
    return f"({text})" if any(c in text for c in " +−") else text


def _short(node, text: str) -> str:
    """A long sub-expression by its kind, inside a longer one: ``Σ(…)``, ``log(…)``."""
    if len(text) <= LONG // 2:
        return text
    if node.op is Sum:
        return "Σ(…)"
    if node.op is Index:
        return "(…)[·]"
    if node.op is Affine:
        return "[1 …]·W"
    return f"{node.op.symbol}(…)" if node.op is not None else text


def definition(node, names) -> str:
    """The expression of result ``node`` in its parents' names (``tanh(u₁)``, ``0.5·Σ(…)``)."""
    ps = node.parents
    full = [names.get(id(p), "…") for p in ps]
    text = _expression(node, full)
    if len(text) > LONG:
        text = _expression(node, [_short(p, t) for p, t in zip(ps, full)])
    return text


def _expression(node, args) -> str:
    op, ps = node.op, node.parents
    if op is Add and len(args) == 2:
        return f"{args[0]} + {args[1]}"
    if op is Mul and len(args) == 2:
        if ps[0] is ps[1]:
            return f"{_wrap(args[0])}²"
        if ps[1].op is None and not ps[1].label:  # the constant first: 0.5·Σ, −1·ℓ
            return f"{args[1]}·{_wrap(args[0])}"
        return f"{_wrap(args[0])}·{_wrap(args[1])}"
    if op is PowConst:
        return _wrap(args[0]) + SUPERSCRIPT.get(node.consts, f"^{number(node.consts)}")
    if op is Sum:
        text = " + ".join(args)
        return text if len(text) <= LONG or len(args) < 3 else f"{args[0]} + … + {args[-1]}"
    if op is SoftmaxAt:
        inner = ", ".join(args) if len(args) <= 4 else f"{args[0]}, …, {args[-1]}"
        return f"softmax{str(node.consts + 1).translate(_SUB)}({inner})"
    if op is Dot:
        count, bias = node.consts
        terms = f"{_wrap(args[0])}·{_wrap(args[count])}" + (" + …" if count > 1 else "")
        return f"{terms} + {args[-1]}" if bias else terms
    if op is Affine and len(args) == 2:  # the lecture's [1 X]·W, X and W by their names
        return f"[1 {args[0]}]·{_wrap(args[1])}"
    if op is Index:  # numpy's own notation: ℓ[arange(2), [0, 2]] picks ℓ[0, 0] and ℓ[1, 2]
        return f"{_wrap(args[0])}[{_index_note(node.consts)}]"
    if len(args) == 1:
        note = op.describe(node.consts)
        return f"{op.symbol}({args[0]}{', ' + note if note else ''})"
    return f"{op.symbol}({', '.join(args)})"


def _index_note(idx) -> str:
    """An index as written in numpy, a row counter 0, 1, …, N−1 as ``arange(N)``."""
    parts = []
    for i in idx if type(idx) is tuple else (idx,):
        if (isinstance(i, np.ndarray) and i.ndim == 1 and i.size > 1 and i.dtype.kind in "iu"
                and np.array_equal(i, np.arange(i.size))):
            parts.append(f"arange({i.size})")
        else:
            parts.append(Index.describe(i)[1:-1])
    return ", ".join(parts)


def _depends(order, outputs) -> dict:
    """id(node) → the set of output indices m the node is computed from."""
    deps = {id(o): {m} for m, o in outputs}
    for n in order:
        if id(n) not in deps and n.parents:
            got = set()
            for p in n.parents:
                got |= deps.get(id(p), set())
            if got:
                deps[id(n)] = got
    return deps


def targets(order, groups, consumers) -> dict:
    """id(constant) → the output a_m it is the target y_m of (see the module docstring)."""
    layers = [g for g in groups if g.kind in ("layer", "neuron")]
    if not layers or not any(g.kind == "loss" for g in groups):
        return {}
    last = layers[-1]
    outs = [c.neuron.out for c in last.children] if last.kind == "layer" else [last.neuron.out]
    deps = _depends(order, list(enumerate(outs)))
    found, taken = {}, set()
    for n in order:
        if n.op is not None or n.label or not consumers.get(id(n)):
            continue
        ms: set = set()
        mixed = False  # a consumer that neither adds nor multiplies
        for c, slot in consumers[id(n)]:
            if c.op not in (Add, Mul):
                mixed = True
                break
            other = [p for i, p in enumerate(c.parents) if i != slot]
            ms |= set().union(*(deps.get(id(p), set()) for p in other))
        if not mixed and len(ms) == 1:
            m = ms.pop()
            if m not in taken:
                taken.add(m)
                found[id(n)] = outs[m]
    return found


def _target_name(out, m: int) -> str:
    label = out.label
    if label.startswith("a"):
        return "y" + label[1:]
    return "y" + str(m + 1).translate(_SUB)


def node_names(order, roots, groups, consumers, negated=frozenset(), rewritten=None,
               absorbed=None) -> dict:
    """id(node) → its name (see the module docstring).

    ``negated``: ids of constants drawn with their sign flipped (the y of a + (−y));
    ``rewritten``: id(node) → (symbol, [parents]) for the boxes drawn as a − b or a ÷ b;
    ``absorbed``: id(node) → the node whose box draws it (the −y, the b⁻¹).
    """
    rewritten, absorbed = rewritten or {}, absorbed or {}
    tgt = targets(order, groups, consumers)
    outs = {id(o): m for m, o in enumerate(tgt.values())}
    names = {}
    root: Any = roots[0] if len(roots) == 1 else None
    for n in order:
        if n.label:
            names[id(n)] = n.label
        elif n is root and n.op is not None:
            names[id(n)] = "L"
        elif n.op is None and id(n) in tgt:
            out = tgt[id(n)]
            names[id(n)] = _target_name(out, outs[id(out)])
        elif n.op is None:
            shape = getattr(n.data, "shape", ())
            names[id(n)] = (f"constant{shape}" if shape else
                            constant_text(-n.data if id(n) in negated else n.data))
        elif id(n) in rewritten:
            symbol, parents = rewritten[id(n)]
            names[id(n)] = f" {symbol} ".join(_wrap(names.get(id(p), "…")) for p in parents)
        elif id(n) in absorbed and n.op is PowConst and n.consts == -1:
            names[id(n)] = f"1/{_wrap(names.get(id(n.parents[0]), '…'))}"
        elif id(n) in absorbed and n.op is Mul:
            other = [p for p in n.parents if not (p.op is None and not p.label)]
            names[id(n)] = "−" + _wrap(names.get(id(other[0]), "…")) if other else "−…"
        else:
            names[id(n)] = definition(n, names)
    return names
