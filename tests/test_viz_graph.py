"""The graph picture shows what the engine recorded, as the student wrote it."""

import re

import pytest
from dot_text import box_texts

from stepgrad.autograd import Value, dot
from stepgrad.viz import draw, extract


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(-1.0, label="x2")
    w1, w2, w0 = Value(-0.5, label="w1"), Value(0.75, label="w2"), Value(0.4, label="w0")
    a = dot([w1, w2], [x1, x2], bias=w0).tanh()
    a.label = "a"
    L = 0.5 * (a - 0.5) ** 2
    L.label = "L"
    return L, a, (x1, x2, w1, w2, w0)


def boxes(src):
    return re.findall(r"^\s*(n\d+) \[label=<(.*?)> ", src, re.M)


def edges(src):
    return re.findall(r"^\s*(\w+) -> (\w+)", src, re.M)


def test_extract_lists_parents_before_children():
    L, *_ = neuron()
    items = extract(L)
    assert items[-1].node is L
    for item in items:
        assert all(pid < item.id for pid in item.parents)


def test_forward_view_shows_labels_and_values_and_no_gradient():
    L, a, (x1, *_r) = neuron()
    src = draw(L, view="forward").source
    assert "Forward pass" in src
    assert "<B>x1</B>" in src and "data 2<" in src
    assert "grad" not in src.replace("legend", "")


def test_gradients_read_not_computed_yet_before_backward_never_zero():
    L, *_ = neuron()
    src = draw(L, view="backward").source
    assert "not computed yet" in src
    assert "grad 0<" not in src


def test_backward_view_shows_gradients_and_local_times_upstream_on_edges():
    L, a, (x1, x2, w1, w2, w0) = neuron()
    L.backward()
    src = draw(L, view="backward").source
    assert f"grad {x1.grad:.4g}<" in src
    # the edge w1 -> Σw·x carries ∂u/∂w1 = x1 = 2 and the contribution ∂L/∂w1
    assert f'label="∂ 2 ⇒ {w1.grad:.4g}"' in src


def test_drawing_the_backward_view_leaves_every_gradient_unchanged():
    L, a, leaves = neuron()
    L.backward()
    before = [v.grad for v in leaves] + [a.grad]
    draw(L)
    assert [v.grad for v in leaves] + [a.grad] == before


def test_a_minus_y_is_a_subtraction_with_y_shown_as_its_value():
    L, a, _ = neuron()
    texts = box_texts(draw(L, view="forward").source)
    rows = [r for b in texts.values() for r in b]
    # the constant 0.5 is the neuron's target: y, drawn with its value, not a grey −0.5
    assert "a − y" in rows and ["y", "0.5"] in texts.values() and "-0.5" not in rows
    assert not [r for r in rows if r.startswith("+")]
    y = Value(0.25, label="y")
    src = draw(a - y, view="forward").source
    assert "a − y" in src and "<B>y</B>" in src and "×" not in src


def test_division_is_drawn_as_divide():
    p, q = Value(3.0, label="p"), Value(4.0, label="q")
    r = p / q
    r.backward()
    src = draw(r).source
    assert "p ÷ q" in src and "**" not in src
    assert f"grad {q.grad:.4g}<" in src  # ∂(p/q)/∂q = −p/q² through the hidden q⁻¹


def test_constants_show_their_value_without_a_gradient_row():
    x = Value(2.0, label="x")
    L = 3.0 * x
    L.backward()
    texts = box_texts(draw(L).source)
    assert [t for t in texts.values() if len(t) == 1] == [["3"]]
    assert texts["n2"][0] == "L = 3·x"  # the root is L, whatever op made it


def test_a_reused_node_shows_numbered_contributions_in_the_engines_order():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    c.backward()
    src = draw(c).source
    assert "grad ①2 + ②2 = 4" in src  # a gets 2 from each slot of b
    assert "grad ①1 + ②1 = 2" in src  # b gets 1 from each slot of c
    assert len([e for e in edges(src) if e == ("n0", "n1")]) == 2
    assert 'label="① ∂ 1 ⇒ 2"' in src and 'label="② ∂ 1 ⇒ 2"' in src


def test_the_picture_has_a_title_and_a_legend():
    src = draw(neuron()[0]).source
    assert "Backward pass" in src and "leaf: input / weight" in src and "constant" in src


def test_draw_is_deterministic():
    assert draw(neuron()[0]).source == draw(neuron()[0]).source


def test_highlight_marks_a_node():
    L, a, _ = neuron()
    assert draw(L, highlight=[a]).source.count("#fca5a5") == 1


@pytest.mark.parametrize("bad", [3.0, "L", {"L": 1}, [], [1.0, 2.0], None])
def test_draw_of_something_not_a_node_says_what_to_pass(bad):
    with pytest.raises(TypeError, match="expected a Value or Tensor"):
        draw(bad)


def test_a_list_of_nodes_is_drawn():
    a, b = Value(1.0, label="a1"), Value(2.0, label="a2")
    src = draw([a.tanh(), b.tanh()], view="forward").source
    assert "a1" in src and "a2" in src and len(boxes(src)) == 4


def test_unknown_view_is_refused():
    with pytest.raises(ValueError, match="view"):
        draw(neuron()[0], view="sideways")


@pytest.mark.usefixtures("renderer")
def test_draw_renders_valid_svg_with_the_labels():
    import xml.etree.ElementTree as ET

    L, *_ = neuron()
    L.backward()
    svg = draw(L).pipe(format="svg").decode()
    ET.fromstring(svg)
    assert "x1" in svg and "a − y" in svg and "grad" in svg


def test_scalar_view_weights_are_drawn_as_leaves_without_their_tensor():
    from stepgrad.autograd import Tensor

    W = Tensor([[0.1, 0.2], [0.3, 0.4]], label="W")
    w = W.scalars()
    w[0, 0].label, w[1, 0].label = "w00", "w10"
    u = dot([w[0, 0], w[1, 0]], [Value(1.0, label="x1"), Value(2.0, label="x2")])
    src = draw(u).source
    assert "w00" in src and "w10" in src
    assert "(2, 2)" not in src
    assert src.count('fillcolor="#dbeafe"') == 4  # two weights and two inputs, as leaves


def test_a_fused_dot_expands_into_its_products_and_their_sum_with_the_engines_numbers():
    L, a, (x1, x2, w1, w2, w0) = neuron()
    L.backward()
    src = draw(L, expand_fused=True).source
    products = [t[1] for b, t in box_texts(src).items() if re.fullmatch(r"n\d+p\d", b)]
    assert products == [f"data {w1.data * x1.data:.4g}", f"data {w2.data * x2.data:.4g}"]
    u = a.parents[0]
    assert src.count(f'label="∂ 1 ⇒ {u.grad:.4g}"') == 3  # two products and the bias into Σ
    assert f'label="∂ 2 ⇒ {w1.grad:.4g}"' in src  # w1 → w1·x1 carries the Dot step's numbers
    assert "Σw·x" not in src and "<B>Σ +w₀</B>" in src
    assert "Σw·x" in draw(L).source  # by default the fused node is one box
