"""The pictures read like the lecture: units in order, the lecture's names, every weight's
gradient in a collapsed view, and text a student can read at a notebook's 900 px."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from dot_text import box_texts

from stepgrad.cli.main import main
from stepgrad.nn import MLP, cross_entropy, half_sse
from stepgrad.viz import draw, step_through
from stepgrad.viz.rows import number

SVG = "{http://www.w3.org/2000/svg}"
DOCS = Path(__file__).resolve().parent.parent / "docs"
OP_ALONE = {"×", "+", "−", "÷", "Σxᵢ", "Σw·x", "exp", "log", "softmax"}


def sample(sizes=(6, 9, 2), output="sigmoid", loss=half_sse):
    model = MLP(list(sizes), hidden="tanh", output=output, seed=0)
    x = [0.3 * (f + 1) * (-1) ** f for f in range(sizes[0])]
    L = loss(model(x), [1.0] + [0.0] * (sizes[-1] - 1), reduction="sum")
    L.backward()
    return model, L


def heads(src):
    return [rows[0] for rows in box_texts(src).values() if rows]


@pytest.mark.parametrize("case", ["half_sse", "softmax"])
def test_the_root_is_L_the_targets_are_y_m_and_no_box_is_an_op_symbol_alone(case):
    _, L = sample() if case == "half_sse" else sample((4, 6, 3), "softmax", cross_entropy)
    assert not L.label  # the loss was built without a name
    src = draw(L).source
    titles = heads(src)
    assert any(t == "L" or t.startswith("L = ") for t in titles)
    M = 2 if case == "half_sse" else 3
    for m in range(1, M + 1):
        y = "y" + chr(0x2080 + m)
        assert [y, "1" if m == 1 else "0"] in box_texts(src).values()  # y_m with its value
    assert not [t for t in titles if t in OP_ALONE or re.search(r"= (×|\+|Σxᵢ)$", t)]
    assert "-0<" not in src and ">-0 " not in src  # constants read as numbers


def test_a_softmax_output_layer_is_one_node_per_a_m_in_the_output_layer():
    _, L = sample((4, 6, 3), "softmax", cross_entropy)
    src = draw(L).source
    layer = src[src.index('label="layer 2 (output, 3 neurons)"'):]
    layer = layer[:layer.index("\n\t}")]
    for m in (1, 2, 3):
        sub = chr(0x2080 + m)
        assert f"a{sub} = softmax{sub}(v₁, v₂, v₃)" in layer
    steps = ("exp", "e^", "max", "Σ e", "c = ")  # only when fused ops are expanded
    assert not [t for t in heads(src) if t.startswith(steps)]
    assert [t for t in heads(draw(L, expand_fused=True).source) if t.startswith(steps)]


def test_collapsed_views_show_every_weights_value_and_gradient_in_its_neuron():
    model, L = sample()
    src = draw(L, collapse="neuron").source
    rows = [r for b in box_texts(src).values() for r in b]
    for layer in model.layers:
        w = layer.weight.scalars()
        for f in range(w.shape[0]):
            for h in range(w.shape[1]):
                v = w[f, h]
                assert f"{v.label} = {number(v.data)}" in rows
                assert f"grad {number(v.grad)}" in rows
    legend = src[:src.index("\n", src.index("graph ["))]
    assert "leaf: input" in legend and "weight" not in legend.split("neuron:")[0]
    assert "edge: ∂ local" not in legend  # no edge is labelled in this picture


def test_output_and_hidden_errors_are_marked_and_the_output_sum_has_one_name():
    _, L = sample((3, 2, 2))
    s = step_through(L)
    text = "\n".join(s.text(k) for k in range(len(s)))
    assert "output error ε_m" in text and "hidden error ε_h" in text
    assert not re.search(r"ε_?[₀-₉\d]", text)  # every ε with its letter
    graph = s.digraph()[0].source
    assert "v₁ = Σw·x" in graph and "∂L/∂v₁" in text and "u_m" not in text


def text_px_at(svg: bytes, width_px: float = 900) -> float:
    """The smallest text height in px when the SVG is shown ``width_px`` wide (or at its
    natural size when narrower)."""
    root = ET.fromstring(svg)
    natural = float(root.get("width").rstrip("pt")) * 4 / 3
    view_w = float(root.get("viewBox").split()[2])
    shown = min(width_px, natural)
    scale = 1.0
    g = root.find(f"{SVG}g")
    m = re.search(r"scale\(([\d.]+)", g.get("transform", "")) if g is not None else None
    if m:
        scale = float(m.group(1))
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text") if t.get("font-size")]
    return min(sizes) * scale * shown / view_w


@pytest.mark.usefixtures("renderer")
def test_every_svg_the_demo_the_graph_command_and_the_readme_show_is_readable_at_900_px(
        tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "demo"), "--epochs", "1"]) == 0
    files = sorted((tmp_path / "demo").glob("*.svg"))
    model_file = tmp_path / "demo" / "model.npz"
    assert main(["graph", str(model_file), "--sample", "0.1,0.2,0.3,0.4,0.5,0.6",
                 "--target", "1,0", "--out", str(tmp_path / "g.svg")]) == 0
    files += [tmp_path / "g.svg", DOCS / "mlp-collapsed.svg", DOCS / "neuron-graph.svg"]
    _, L = sample((4, 6, 3), "softmax", cross_entropy)  # as `stepgrad graph` draws iris
    (tmp_path / "iris.svg").write_bytes(draw(L, collapse="neuron").pipe(format="svg"))
    files.append(tmp_path / "iris.svg")
    small = {f.name: round(text_px_at(f.read_bytes()), 1) for f in files}
    assert len(small) >= 6
    assert all(px >= 10 for px in small.values()), small
