"""The graph picture shows what the engine recorded, the same way every run."""

import pytest

from stepgrad.autograd import Value, dot
from stepgrad.viz import draw, extract


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(-1.0, label="x2")
    w1, w2, w0 = Value(-0.5, label="w1"), Value(0.75, label="w2"), Value(0.4, label="w0")
    a = dot([w1, w2], [x1, x2], bias=w0).tanh()
    a.label = "a"
    return a, (x1, x2, w1, w2, w0)


def test_extract_lists_parents_before_children():
    a, _ = neuron()
    items = extract(a)
    assert items[-1].node is a
    for item in items:
        assert all(pid < item.id for pid in item.parents)


def test_draw_shows_labels_data_grads_and_op_symbols():
    a, (x1, *_rest) = neuron()
    a.backward()
    src = draw(a).source
    assert "x1 | data 2.0000 | grad " + format(x1.grad, ".4f") in src
    assert "Σw·x" in src and "tanh" in src
    assert "n=2 +w₀" in src


def test_draw_is_deterministic():
    assert draw(neuron()[0]).source == draw(neuron()[0]).source


def test_a_parent_used_twice_has_two_numbered_edges():
    a = Value(3.0, label="a")
    b = a * a
    src = draw(b).source
    assert "n0 -> op1 [label=0]" in src and "n0 -> op1 [label=1]" in src


def test_highlight_outlines_a_node_in_red():
    a, _ = neuron()
    assert "color=red" in draw(a, highlight=[a]).source
    assert "color=red" not in draw(a).source


@pytest.mark.dot
def test_draw_renders_svg():
    svg = draw(neuron()[0]).pipe(format="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg


def test_scalar_view_weights_are_drawn_as_leaves_without_their_tensor():
    from stepgrad.autograd import Tensor

    W = Tensor([[0.1, 0.2], [0.3, 0.4]], label="W")
    w = W.scalars()
    w[0, 0].label, w[1, 0].label = "w00", "w10"
    u = dot([w[0, 0], w[1, 0]], [Value(1.0, label="x1"), Value(2.0, label="x2")])
    src = draw(u).source
    assert "w00" in src and "w10" in src
    assert "(2, 2)" not in src and "[·]" not in src  # no Tensor box, no Element ellipses
    assert src.count('fillcolor="#dbeafe"') == 4  # two weights and two inputs, as leaves
