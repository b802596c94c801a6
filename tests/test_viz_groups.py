"""Neurons, layers and the loss are found from the graph's structure, and can be collapsed."""

import re

import pytest

from stepgrad.autograd import Value
from stepgrad.nn import MLP, half_sse
from stepgrad.viz import draw

X = [0.1, 0.2, -0.3, 0.4, 0.5, -0.6]


def lecture_loss(relabel=None):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    a = model(X)
    L = half_sse(a, [1.0, 0.0], reduction="sum")
    if relabel:  # labels are only shown: the groups must not depend on them
        from stepgrad.autograd import toposort

        for k, n in enumerate(toposort(L)):
            n.label = f"q{k}"
    return L, a


def clusters(src):
    pattern = r'subgraph (cluster_[\d_]+) \{\s*\n\s*color="[^"]*" fontsize=10 label="([^"]*)"'
    return re.findall(pattern, src)


def count_boxes(src):
    return len(re.findall(r"^\s*[ng]\d+ \[label=", src, re.M))


def test_the_lecture_network_has_two_layers_of_nine_and_two_neurons_and_a_loss():
    L, _ = lecture_loss()
    src = draw(L).source
    titles = [t for _, t in clusters(src)]
    assert titles.count("layer 1 (hidden, 9 neurons)") == 1
    assert titles.count("layer 2 (output, 2 neurons)") == 1
    assert "loss L" in titles
    assert src.count(" = Σw·x n=") == 11  # one Σw·x box per neuron: u₁ … u₉, v₁, v₂


def test_groups_come_from_the_structure_not_the_labels():
    L, _ = lecture_loss(relabel=True)
    src = draw(L).source
    titles = [t for _, t in clusters(src)]
    assert src.count(" = Σw·x n=") == 11 and "loss L" in titles
    assert titles.count("layer 1 (hidden, 9 neurons)") == 1


def test_collapse_by_neuron_draws_one_box_per_neuron_with_its_inputs():
    L, a = lecture_loss()
    L.backward()
    src = draw(L, collapse="neuron").source
    neuron_boxes = re.findall(r"^\s*g\d+ \[label=", src, re.M)
    assert len(neuron_boxes) == 11 + 1  # and the loss L, one box
    assert not re.search(r"^\s*n\d+ \[label=<[^\n]*<B>w", src, re.M)  # no box of its own
    assert len(re.findall(r"^\s*n\d+ -> g\d+ \[id=", src, re.M)) == 6 * 9  # each x_f into each α_h
    # each α_h into each a_m, each a_m into the loss
    assert len(re.findall(r"^\s*g\d+ -> g\d+ \[id=", src, re.M)) == 9 * 2 + 2
    assert f"grad {a[0].grad:.4g}" in src


def test_collapse_by_layer_and_expand_one_neuron_again():
    L, a = lecture_loss()
    by_layer = draw(L, collapse="layer").source
    assert len(re.findall(r"^\s*g\d+ \[label=", by_layer, re.M)) == 2 + 1  # and the loss
    expanded = draw(L, collapse="neuron", expand=[a[0]]).source
    assert len(re.findall(r"^\s*g\d+ \[label=", expanded, re.M)) == 10 + 1
    assert re.search(r"^\s*n\d+ \[label=<[^\n]*<B>w²₀₁", expanded, re.M)  # a₁'s weights again
    assert count_boxes(draw(L).source) > count_boxes(expanded) > count_boxes(by_layer)


def test_explicit_groups_replace_the_found_ones():
    x, y = Value(1.0, label="x"), Value(2.0, label="y")
    s = x * y + x
    titles = [t for _, t in clusters(draw(s, groups={"my product": [x, y]}).source)]
    assert titles == ["my product"]


def test_a_graph_past_the_size_limit_is_collapsed_and_the_title_says_how_to_draw_it_all():
    L, _ = lecture_loss()
    src = draw(L, max_nodes=50).source
    assert "collapsed by neuron" in src and "max_nodes=None" in src
    assert len(re.findall(r"^\s*g\d+ \[label=", src, re.M)) == 11 + 1


def test_a_large_graph_without_neurons_says_how_to_draw_it():
    x = Value(0.5, label="x")
    y = x
    for _ in range(30):
        y = y * 1.01
    with pytest.raises(ValueError, match="max_nodes=None"):
        draw(y, max_nodes=20)


def test_collapsed_drawing_is_scaled_to_a_notebook_width():
    L, _ = lecture_loss()
    assert 'size="9.2,100"' in draw(L, collapse="neuron").source


def test_gradcheck_colours_each_leaf_and_names_the_worst():
    x1, x2 = Value(0.3, label="x1"), Value(-0.7, label="x2")
    L = (x1 * x2).tanh() + x1.exp()
    L.backward()
    src = draw(L, check=True).source
    assert src.count('fillcolor="#bbf7d0"') == 2  # both leaves agree with finite differences
    assert re.search(r"gradcheck: worst x[12], relative error \d\.\de-\d\d", src)


def test_gradcheck_needs_backward_first():
    x = Value(0.3, label="x")
    with pytest.raises(ValueError, match="backward"):
        draw(x.tanh(), check=True)
