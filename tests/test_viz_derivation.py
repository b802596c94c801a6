"""A recorded backward pass written out as a derivation: the lecture's claims, checked on the text.

Each claim is read back from the written text, never from the code that wrote it:
every number printed is the engine's gradient to the printed precision (4 significant
digits: within half a unit of the last digit), every product of printed factors is the
printed contribution, and the numbered contributions of a reused node sum to its
gradient. On an MLP each ∂L/∂w (a line or an array entry) is the weight Tensor's ``.grad``
after an ordinary ``L.backward()``, and ε²_m, ε¹_h are ∂L/∂a_m, ∂L/∂α_h.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value, dot
from stepgrad.nn import MLP, get_loss
from stepgrad.viz import derivation_of, step_network, step_through
from stepgrad.viz.tex import check_tex, tex_name

NUMBER = r"-?\d+(?:\.\d+)?(?: \\times 10\^\{-?\d+\})?"


def value(text: str) -> float:
    """A printed number: ``-0.2712``, ``4.466 \\times 10^{-5}``, ``(-1)``."""
    text = text.strip().strip("()").strip()
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)(?: \\times 10\^\{(-?\d+)\})?", text)
    assert m, f"not a printed number: {text!r}"
    return float(m.group(1)) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0)


def slack(x: float) -> float:
    """Half a unit of the 4th significant digit of the printed x (0 for an exact 0)."""
    if x == 0:
        return 1e-300
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(x))) - 3) * 1.0000001


def printed_equals(printed: float, exact: float) -> bool:
    return abs(printed - exact) <= slack(printed) + 1e-15


def factors(text: str) -> list:
    """The numbers of a printed product ``(-0.3243) \\cdot 2``."""
    return [value(t) for t in text.split(r"\cdot")]


def strip_marks(text: str) -> list:
    """The terms of a sum, their ``\\overset{(k)}{…}`` numbering taken off."""
    terms = re.findall(r"\\overset\{\((\d+)\)\}\{((?:[^{}]|\{[^{}]*\})*)\}", text)
    if terms:
        assert [int(k) for k, _ in terms] == list(range(1, len(terms) + 1))
        return [t for _, t in terms]
    return [t for t in re.split(r" \+ ", text)]


def product_agrees(fs: list, result: float) -> bool:
    """The printed factors' product is the printed result, to their rounding."""
    exact = np.prod(fs)
    bound = sum(slack(f) * abs(np.prod(fs) / f) if f else slack(f) * np.prod(
        [g for g in fs if g is not f]) for f in fs)
    return abs(exact - result) <= abs(bound) + slack(result) + 1e-15


def rows_of(markdown: str) -> list:
    """Every row of every aligned block, without the ``&`` and the line break."""
    rows = []
    for block in re.findall(r"\\begin\{aligned\}\n(.*?)\n\\end\{aligned\}", markdown, re.S):
        rows += [r.replace("&", "").strip() for r in block.split(" \\\\\n")]
    return rows


def braced(text: str, start: int) -> int:
    """The index just past the '}' closing the '{' before ``start``."""
    depth = 1
    for i in range(start, len(text)):
        depth += (text[i] == "{") - (text[i] == "}")
        if depth == 0:
            return i + 1
    raise AssertionError(f"unbalanced: {text!r}")


def denominators(text: str) -> list:
    """The v of each ∂L/∂v written in ``text``."""
    head = r"\frac{\partial L}{\partial "
    out, i = [], text.find(head)
    while i >= 0:
        end = braced(text, i + len(head))
        out.append(text[i + len(head):end - 1])
        i = text.find(head, end)
    return out


def chains(markdown: str) -> dict:
    """LHS name → (symbolic, products, contributions, total) of each node's derivation."""
    out, rows, i = {}, rows_of(markdown), 0
    head = r"\frac{\partial L}{\partial "
    while i < len(rows):
        if not rows[i].startswith(head) or "the seed" in rows[i]:
            i += 1
            continue
        end = braced(rows[i], len(head))
        name, rest = rows[i][len(head):end - 1], rows[i][end:].removeprefix(" = ")
        parts = rest.split(" = ")
        if len(parts) == 3:  # one term: symbolic = product = total
            out[name] = (parts[0], [parts[1]], [parts[2]], value(parts[2]))
            i += 1
        else:  # symbolic; products; contributions; total on the next rows
            prods = strip_marks(rows[i + 1][2:].strip())
            sums = [t for t in rows[i + 2][2:].strip().split(" + ")]
            out[name] = (rest, prods, sums, value(rows[i + 3][2:]))
            i += 4
    return out


def neuron():
    x1, x2 = Value(2.0, label="x₁"), Value(-1.0, label="x₂")
    w0, w1, w2 = Value(0.4, label="w₀"), Value(-0.5, label="w₁"), Value(0.75, label="w₂")
    u = dot([w1, w2], [x1, x2], bias=w0)
    a = u.tanh()
    return 0.5 * (a - 0.5) ** 2, [x1, x2, w0, w1, w2]


def reused():
    """a used four times (twice in a·a, in c = a·b, in the sum); c used twice (c·tanh c)."""
    a, b = Value(1.5, label="a"), Value(-0.7, label="b")
    c = a * b
    c.label = "c"
    L = a * a + c * c.tanh() + a
    return L, [a, b]


# ------------------------------------------------------------ node graphs

@pytest.mark.parametrize("build", [neuron, reused])
def test_each_leaf_is_its_chain_rule_sum_and_the_sum_is_its_grad(build):
    L, leaves = build()
    text = step_through(L).derivation().to_markdown()
    found = chains(text)
    for leaf in leaves:
        symbolic, prods, sums, total = found[tex_name(leaf.label)]
        assert printed_equals(total, leaf.grad), (leaf.label, total, leaf.grad)
        contributions = [value(s.replace(r"\ (\text{earlier})", "")) for s in sums]
        for p, c in zip(prods, contributions):
            assert product_agrees(factors(p), c), (leaf.label, p, c)
        assert abs(sum(contributions) - total) <= sum(map(slack, contributions)) + slack(total)


def test_a_reused_node_has_one_numbered_term_per_use_as_the_engine_added_them():
    L, (a, b) = reused()
    steps = step_through(L)
    found = chains(steps.derivation().to_markdown())
    uses = steps.record.into[id(a)]
    assert len(uses) == 4  # a·a hands a two contributions, c = a·b one, the sum one
    symbolic, prods, sums, total = found["a"]
    assert symbolic.count(r"\overset{(") == 4 and len(prods) == 4
    for printed, use in zip(sums, uses):  # in the engine's order, each its own number
        assert printed_equals(value(printed), float(use.value))
    assert printed_equals(total, a.grad)
    assert len(found["b"][1]) == 1  # b is used once: one term, no numbering
    assert r"\overset" not in found["b"][0]
    assert len(found["c"][1]) == 2  # c twice: in c·tanh(c) and in tanh(c)


def test_every_intermediate_node_is_derived_before_a_line_reads_it():
    L, _ = neuron()
    steps = step_through(L)
    text = steps.derivation().to_markdown()
    found = chains(text)
    order = list(found)
    for name, (symbolic, *_rest) in found.items():
        for used in denominators(symbolic):
            if used not in ("L", name):  # ∂L/∂L · ∂L/∂v: the root's local derivative
                assert order.index(used) < order.index(name), (used, name)
    intermediate = [s.node for s in steps.record.steps[1:]]
    assert len(found) == len(intermediate) + 5  # and the five leaves
    for node in intermediate:  # each intermediate's total is its ∂L/∂node, the step's upstream
        step = steps.record.step_of(node)
        assert any(printed_equals(t, step.upstream) for *_r, t in found.values())


def test_derivation_of_L_after_backward_is_the_steppers_and_changes_no_gradient():
    L, leaves = neuron()
    L.backward()
    before = [v.grad for v in leaves]
    text = derivation_of(L).to_markdown()
    assert [v.grad for v in leaves] == before
    assert text == step_through(L).derivation().to_markdown()
    assert [v.grad for v in leaves] == before


def test_long_names_are_defined_once_as_z_with_their_forward_value():
    L, _ = neuron()
    text = step_through(L).derivation().to_markdown()
    defs = re.findall(r"z_\{(\d+)\} &= (.*) = (" + NUMBER + r")", text)
    assert [int(k) for k, *_ in defs] == list(range(1, len(defs) + 1))
    assert defs[0][1] == r"w_{1} \cdot x_{1} + w_{2} \cdot x_{2} + w_{0}"
    assert printed_equals(value(defs[0][2]), 0.4 - 0.5 * 2.0 + 0.75 * -1.0)
    assert r"z_{2} - y_{1}" in text  # the picture's a − y keeps its minus
    assert r"z_{2} &= \tanh (z_{1})" in text


# ------------------------------------------------------------ networks

NETS = {  # name: (sizes, hidden, output, loss, x, y)
    "2-3-2 sigmoid half_sse": ([2, 3, 2], "sigmoid", "sigmoid", "half_sse",
                               [0.5, -1.0], [1.0, 0.0]),
    "2-3-2 tanh softmax cross_entropy": ([2, 3, 2], "tanh", "softmax", "cross_entropy",
                                         [0.5, -1.0], [0.0, 1.0]),
    "6-9-2 tanh sigmoid half_sse": ([6, 9, 2], "tanh", "sigmoid", "half_sse",
                                    [0.1, 0.2, -0.3, 0.4, 0.5, -0.6], [1.0, 0.0]),
    "2-3-3-2 relu sigmoid bce": ([2, 3, 3, 2], "relu", "sigmoid", "binary_cross_entropy",
                                 [0.5, -1.0], [0.0, 1.0]),
    "2-2-1 tanh identity mse": ([2, 2, 1], "tanh", "identity", "mse", [0.3, 0.8], [0.25]),
}


def net(name, seed=3):
    sizes, hidden, output, loss, x, y = NETS[name]
    return MLP(sizes, hidden=hidden, output=output, seed=seed), loss, x, y


def ordinary_backward(name):
    """The same network and sample through a plain L.backward(): the reference."""
    model, loss, x, y = net(name)
    trace = model.trace(list(x))
    L = get_loss(loss)(trace.outputs, list(y), reduction="sum")
    L.backward()
    return model, trace


def printed_weights(text: str) -> dict:
    """(l, j, k) → printed ∂L/∂wˡ_jk, from the lines and the arrays."""
    out = {}
    for l, j, k, rest in re.findall(r"\\frac\{\\partial L\}\{\\partial w\^\{(\d+)\}_\{(\d)(\d)\}\} "
                                    r"&= (.*)", text):
        product, total = rest.removesuffix(" \\\\").split(" = ")[-2:]
        assert product_agrees(factors(product), value(total)), rest
        out[(int(l), int(j), int(k))] = value(total)
    for l, body in re.findall(r"\\frac\{\\partial L\}\{\\partial w\^\{(\d+)\}\} = "
                              r"\\begin\{array\}\{[^}]*\}\n(.*?)\n\\end\{array\}", text, re.S):
        lines = re.split(r" \\\\(?: \\hline)?\n", body)
        cols = [c.strip().split("=") for c in lines[0].split("&")[1:]]
        row_letter, col_letter = lines[1].split("=")[0], cols[0][0]
        down = col_letter == "m" or (col_letter == "h" and row_letter in ("f", "j"))
        for line in lines[1:]:
            cells = line.split(" & ")
            r = int(cells[0].split("=")[1])
            for (_, c), cell in zip(cols, cells[1:]):  # rows j (from), columns k, or k and j
                j, k = (r, int(c)) if down else (int(c), r)
                out[(int(l), j, k)] = value(cell)
    return out


@pytest.mark.parametrize("name", list(NETS))
def test_every_dL_dw_is_the_weight_tensors_grad_after_an_ordinary_backward(name):
    model, loss, x, y = net(name)
    text = step_network(model, x, y, loss=loss).derivation().to_markdown()
    reference, _ = ordinary_backward(name)
    weights = printed_weights(text)
    assert len(weights) == sum(layer.weight.data.size for layer in reference.layers)
    for (l, j, k), printed in weights.items():
        exact = reference.layers[l - 1].weight.grad[j, k - 1]
        assert printed_equals(printed, exact), ((l, j, k), printed, exact)


@pytest.mark.parametrize("name", list(NETS))
def test_the_errors_are_dL_da_and_dL_dalpha_and_the_hidden_sums_add_up(name):
    model, loss, x, y = net(name)
    text = step_network(model, x, y, loss=loss).derivation().to_markdown()
    _, trace = ordinary_backward(name)
    rows = rows_of(text)
    seen = 0
    for i, row in enumerate(rows):
        m = re.match(r"\\varepsilon\^\{(\d+)\}_\{(\d+)\} = \\frac\{\\partial L\}"
                     r"\{\\partial (?:a|\\alpha)[^}]*\}(.*)$", row)
        if not m:
            continue
        l, u = int(m.group(1)), int(m.group(2))
        exact = trace.layers[l - 1].outputs[u - 1].grad
        if m.group(3).count(" = ") >= 1 and l == len(trace.layers):  # ε_m: one row
            assert printed_equals(value(m.group(3).split(" = ")[-1]), exact)
        else:  # ε_h: Σ_m products, their values, the total
            block = [rows[i + 1][1:].strip()]
            k = i + 2
            while not rows[k].startswith("=") or " + " in rows[k]:
                block.append(rows[k][1:].strip())
                k += 1
            total = value(rows[k][1:])
            assert printed_equals(total, exact)
            products = [factors(t) for t in block[0].split(" + ")]
            values = [value(t) for t in block[1].split(" + ")] if len(block) > 1 else \
                [total]
            for p, v in zip(products, values):
                assert product_agrees(p, v)
            assert abs(sum(values) - total) <= sum(map(slack, values)) + slack(total)
        seen += 1
    assert seen == sum(len(layer.outputs) for layer in trace.layers)


def test_the_lecture_network_is_grouped_by_layer_with_one_array_per_layer():
    model, loss, x, y = net("6-9-2 tanh sigmoid half_sse")
    d = step_network(model, x, y, loss=loss).derivation()
    text = d.to_markdown()
    headings = re.findall(r"^#### (.*)$", text, re.M)
    assert [h.split(":")[0] for h in headings] == [
        headings[0].split(":")[0], "Forward phase", "Output layer", "Layer 2 weights",
        "Hidden layer 1", "Layer 1 weights"]
    assert text.count(r"\begin{array}") == 3  # w²: 10 × 2; w¹: 9 × 7 as columns f 0–4, 5–6
    assert len(re.findall(r"^\\varepsilon\^\{1\}_\{\d\} &=", text, re.M)) == 9
    every = step_network(model, x, y, loss=loss).derivation(every_weight=True).to_markdown()
    assert r"\begin{array}" not in every
    assert printed_weights(every) == printed_weights(text)


def test_the_models_gradients_are_left_as_they_were():
    model, loss, x, y = net("2-3-2 sigmoid half_sse")
    for layer in model.layers:
        layer.weight.grad = np.full_like(layer.weight.data, 7.0)
    step_network(model, x, y, loss=loss).derivation()
    assert all(np.all(layer.weight.grad == 7.0) for layer in model.layers)


# ------------------------------------------------------------ the LaTeX

def all_derivations():
    out = [step_through(build()[0]).derivation() for build in (neuron, reused)]
    for name in NETS:
        model, loss, x, y = net(name)
        out.append(step_network(model, x, y, loss=loss).derivation())
    return out


def test_every_formula_line_parses_with_matplotlibs_mathtext():
    mathtext = pytest.importorskip("matplotlib.mathtext")
    parser = mathtext.MathTextParser("path")
    checked = 0
    for d in all_derivations():
        for formula in d.formulas():
            if r"\begin{array}" in formula:  # mathtext has no arrays: each cell alone
                cells = re.split(r" & | \\\\\n|\\\\ \\hline\n", formula.split("\n", 1)[1])
                formulas = [c for c in cells if c.strip() and "end{array}" not in c]
            else:
                formulas = [formula]
            for f in formulas:
                parser.parse(f"${f}$")
                checked += 1
    assert checked > 300


def test_the_latex_is_well_formed_ascii_with_paired_environments():
    for d in all_derivations():
        latex, markdown = d.to_latex(), d.to_markdown()
        assert check_tex(latex) == [], check_tex(latex)
        assert latex.count(r"\begin{align*}") == latex.count(r"\end{align*}") > 0
        assert "$$" not in latex and "\\begin{aligned}" not in latex
        assert markdown.count("$$") % 2 == 0 and check_tex(markdown) == []
        assert d._repr_markdown_() == markdown


def test_the_checker_finds_what_would_not_compile():
    assert check_tex(r"\frac{a}{b}") == []
    assert check_tex(r"\frac{a}{b") and check_tex(r"a}") and check_tex("α")
    assert check_tex(r"\begin{align*} x \end{aligned}")
    assert check_tex(r"\begin{align*} x") and check_tex("$x")


@pytest.mark.parametrize("name, tex", [
    ("w¹₁₂,₃", "w^{1}_{12,3}"), ("α₃", r"\alpha _{3}"), ("(a₁ − y₁)²", "(a_{1} - y_{1})^{2}"),
    ("tanh(u₁)", r"\tanh (u_{1})"), ("out", r"\mathrm{out}"), ("a_b&c", r"a\_b\&c"),
    ("x^½", "x^{1/2}"), ("w₁·x₁", r"w_{1} \cdot x_{1}"), ("ε¹₂", r"\varepsilon ^{1}_{2}")])
def test_a_pictures_name_in_latex(name, tex):
    assert tex_name(name) == tex


# ------------------------------------------------------------ bad input

def test_what_is_not_a_recorded_backward_pass_is_refused_saying_what_to_pass():
    with pytest.raises(TypeError, match="expected a recorded backward pass"):
        derivation_of(3.0)
    L, _ = neuron()
    with pytest.raises(ValueError, match=r"call L.backward\(\) first"):
        derivation_of(L)
    with pytest.raises(ValueError, match="forward pass"):
        step_through(L, mode="forward").derivation()
    W = Tensor(np.ones((2, 2)), label="W")
    T = (W * 2.0).sum()
    with pytest.raises(TypeError, match="Tensors"):
        step_through(T).derivation()


def test_derivation_dispatches_to_the_steppers_and_accepts_its_options():
    model, loss, x, y = net("2-3-2 sigmoid half_sse")
    steps = step_network(model, x, y, loss=loss)
    assert derivation_of(steps).to_latex() == steps.derivation().to_latex()
    assert "0.0" in derivation_of(steps, fmt=".6f").to_markdown()
