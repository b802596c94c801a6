"""The lecture's network picture: one edge per weight w¹_fh, w²_hm, coloured by sign."""

import re

import numpy as np
import pytest

from stepgrad.nn import MLP, Sequential, half_sse
from stepgrad.nn.layers import Layer
from stepgrad.nn.regularization import Dropout
from stepgrad.viz import draw_mlp
from stepgrad.viz.network import NEGATIVE, POSITIVE, mlp_edges, strongest

EDGE = re.compile(r"^\s*(L\d+_\d+) -> (L\d+_\d+) \[(.*)\]$", re.M)


def edges_of(src: str) -> list:
    return EDGE.findall(src)


def test_the_lecture_network_has_one_edge_per_weight_and_bias():
    src = draw_mlp(MLP([6, 9, 2], seed=0)).source
    found = edges_of(src)
    weights = [e for e in found if not e[0].endswith("_0")]
    biases = [e for e in found if e[0].endswith("_0")]
    assert len(weights) == 6 * 9 + 9 * 2
    assert len(biases) == 9 + 2
    assert len(set((t, h) for t, h, _ in found)) == len(found)


def test_the_picture_names_the_layers_and_units_as_the_slides():
    src = draw_mlp(MLP([6, 9, 2], seed=0)).source
    for text in ("Input ∈ ℝ⁶", "Hidden ∈ ℝ⁹", "Output ∈ ℝ²", "x₁", "x₆", "α₁", "α₉", "a₁", "a₂"):
        assert text in src
    assert src.count("bias unit") == 2  # x₀ = 1 and α₀ = 1
    deep = draw_mlp(MLP([2, 3, 3, 1], seed=0)).source
    assert "α¹₃" in deep and "α²₁" in deep and "Hidden 2 ∈ ℝ³" in deep


def test_the_picture_is_the_same_on_every_run():
    assert draw_mlp(MLP([6, 9, 2], seed=1)).source == draw_mlp(MLP([6, 9, 2], seed=1)).source


def test_edges_are_coloured_by_sign_and_thickened_by_magnitude():
    model = MLP([6, 9, 2], seed=0)
    W = model.layers[0].weight.data
    src = draw_mlp(model).source
    attrs = {(t, h): a for t, h, a in edges_of(src)}
    pen = {}
    for f in range(7):
        for h in range(1, 10):
            a = attrs[(f"L0_{f}", f"L1_{h}")]
            assert (POSITIVE if W[f, h - 1] >= 0 else NEGATIVE) in a
            pen[(f, h)] = float(re.search(r'penwidth="?([\d.]+)', a).group(1))
    big = max(pen, key=pen.get)
    small = min(pen, key=pen.get)
    assert abs(W[big[0], big[1] - 1]) > abs(W[small[0], small[1] - 1])


def test_by_grad_draws_the_gradients_after_backward():
    model = MLP([6, 9, 2], seed=0)
    with pytest.raises(ValueError, match="backward"):
        mlp_edges(model, by="grad")
    X = np.linspace(-1, 1, 12).reshape(2, 6)
    half_sse(model(X), np.array([[1.0, 0.0], [0.0, 1.0]])).backward()
    grads = mlp_edges(model, by="grad")
    g2 = model.layers[1].weight.grad
    assert [e.value for e in grads if e.layer == 2] == list(g2.ravel())
    assert "∂L/∂w²₀₁" in draw_mlp(model, by="grad").source
    with pytest.raises(ValueError, match="by must be"):
        draw_mlp(model, by="gradient")


def test_a_crowded_network_is_thinned_to_its_strongest_edges_and_says_so():
    model = MLP([12, 16, 16, 10], seed=0)  # no layer wider than 16: nothing folded
    src = draw_mlp(model, max_edges=300).source
    found = edges_of(src)
    assert len(found) == 300
    assert "showing the 300 strongest of 650 weights" in src
    assert {t[1] for t, *_ in found} == {"0", "1", "2"}  # every layer stays visible
    small = draw_mlp(MLP([6, 9, 2], seed=0)).source
    assert "strongest" not in small


def test_a_wide_layer_is_folded_and_the_caption_says_so():
    src = draw_mlp(MLP([784, 32, 10], seed=0)).source
    labels = set(re.findall(r"\bL\d+_\d+ \[label=\"?([^\" ]+)", src))
    assert {"x₁", "x₂", "x₃", "x₇₈₄", "α₁", "α₂", "α₃", "α₃₂", "a₁", "a₁₀"} <= labels
    assert "x₄" not in labels and "α₄" not in labels  # behind the ⋮
    assert "x₁ … x₇₈₄ folded: ⋮ stands for x₄ … x₇₈₃ (780 units)" in src
    assert "α₁ … α₃₂ folded" in src and "a₁ … a₁₀ folded" not in src
    found = edges_of(src)
    assert len(found) == (1 + 4) * 4 + (1 + 4) * 10  # drawn units only (bias + 4 each)
    assert all("fold" not in t and "fold" not in h for t, h, _ in found)


def unit_y(src: str, layer: int) -> dict:
    """The pinned y of each unit of a column in the DOT text (bias 0, units 1…)."""
    return {int(u): float(y) for u, y in
            re.findall(rf"\bL{layer}_(\d+) \[[^\]]*?pos=\"[-\d.]+,([-\d.]+)!\"", src)}


def test_units_are_pinned_top_to_bottom_in_the_lectures_order():
    src = draw_mlp(MLP([6, 9, 2], seed=3)).source
    for layer, n in ((0, 6), (1, 9), (2, 2)):
        ys = unit_y(src, layer)
        units = sorted(u for u in ys if u > 0)
        assert units == list(range(1, n + 1))
        order = sorted(ys, key=ys.get, reverse=True)  # top first (Graphviz's y grows up)
        assert order == ([0] if layer < 2 else []) + units


@pytest.mark.dot
def test_the_svg_keeps_the_order_x_alpha_a_top_to_bottom():
    svg = draw_mlp(MLP([6, 9, 2], seed=0)).pipe(format="svg").decode()
    for names in (["x₁", "x₂", "x₃", "x₄", "x₅", "x₆"], [f"α{c}" for c in "₁₂₃₄₅₆₇₈₉"],
                  ["a₁", "a₂"]):
        ys = [float(re.search(rf'<text[^>]* y="([-\d.]+)"[^>]*>{n}</text>', svg).group(1))
              for n in names]
        assert ys == sorted(ys)  # SVG's y grows downwards: x₁ on top


def test_strongest_keeps_the_largest_magnitudes_of_each_layer():
    edges = mlp_edges(MLP([3, 4, 2], seed=0))
    kept = strongest(edges, 6)
    for layer in (1, 2):
        mine = [abs(e.value) for e in kept if e.layer == layer]
        rest = [abs(e.value) for e in edges if e.layer == layer and e not in kept]
        assert len(mine) == 3 and min(mine) >= max(rest)


def test_sequential_with_dropout_is_drawn_through_its_layers():
    model = Sequential(Layer(3, 4, seed=0), Dropout(0.5), Layer(4, 2, seed=1))
    assert len(edges_of(draw_mlp(model).source)) == 4 * 4 + 5 * 2


def test_bad_models_get_clear_errors():
    with pytest.raises(TypeError, match="draw_mlp needs"):
        draw_mlp(Dropout(0.5))
    with pytest.raises(ValueError, match="max_edges"):
        draw_mlp(MLP([2, 2], seed=0), max_edges=0)


@pytest.mark.usefixtures("renderer")
def test_the_picture_renders():
    assert draw_mlp(MLP([6, 9, 2], seed=0)).pipe(format="svg").startswith(b"<")
