"""The stepper's frames are the engine's own backward steps, with the engine's numbers."""

import json
import re

import pytest

from stepgrad.autograd import Value, dot, toposort
from stepgrad.nn import MLP, half_sse
from stepgrad.viz import step_through
from stepgrad.viz.rows import number


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(-1.0, label="x2")
    w1, w2, w0 = Value(-0.5, label="w1"), Value(0.75, label="w2"), Value(0.4, label="w0")
    u = dot([w1, w2], [x1, x2], bias=w0)
    u.label = "u"
    a = u.tanh()
    a.label = "a"
    L = 0.5 * (a - 0.5) ** 2
    L.label = "L"
    return L, {v.label: v for v in (x1, x2, w1, w2, w0, u, a)}


def engine_steps(L):
    steps = []
    L.backward(observer=steps.append)
    return steps


def test_frames_are_the_engines_backward_steps_in_its_order():
    L, _ = neuron()
    expected = [s.node.op.name for s in engine_steps(neuron()[0])]
    s = step_through(L)
    assert len(s) == len(expected)
    assert [s.frame(k).node.op.name for k in range(len(s))] == expected
    for k in range(len(s)):
        assert s.frame(k).box == s.scene.owner[id(s.record.steps[k].node)]


def test_step_through_runs_backward_when_it_has_not_run():
    L, v = neuron()
    step_through(L)
    L2, v2 = neuron()
    L2.backward()
    assert v["w1"].grad == v2["w1"].grad != 0


def test_stepping_a_graph_after_backward_leaves_its_gradients_unchanged():
    L, v = neuron()
    L.backward()
    before = {k: n.grad for k, n in v.items()}
    step_through(L)
    assert {k: n.grad for k, n in v.items()} == before


def test_each_frames_arithmetic_is_the_nodes_actual_gradient():
    L, v = neuron()
    s = step_through(L)
    for k in range(len(s)):
        node = s.frame(k).node
        assert f"∂L/∂{node.label or ''}" in s.text(k) or not node.label
        assert f"= {number(node.grad)}   (" in s.text(k)  # the complete upstream
    last = s.frame(len(s) - 1)
    for name in ("x1", "x2", "w1", "w2", "w0"):
        key = ("grad", s.index[id(v[name])])
        assert last.texts[key] == f"grad {number(v[name].grad)}"
        assert f"{name}.grad = {number(v[name].grad)}" in s.text(len(s) - 1)


def test_gradients_read_not_computed_yet_until_a_step_reaches_them():
    L, v = neuron()
    s = step_through(L)
    first = s.frame(0)
    assert first.texts[("grad", s.index[id(v["x1"])])] == "grad not computed yet"
    assert first.texts[("grad", s.index[id(L)])] == "grad 1"


def test_finished_nodes_are_marked_and_the_parents_are_the_nodes_parents():
    L, v = neuron()
    s = step_through(L)
    k = len(s) - 1
    f = s.frame(k)
    assert f.done == {s.frame(j).box for j in range(k)} - {f.box}
    assert set(f.parents) == {s.scene.owner[id(p)] for p in f.node.parents}


def test_a_lone_neuron_is_explained_in_its_own_names_not_the_networks():
    L, v = neuron()
    s = step_through(L)
    text = "\n".join(s.text(k) for k in range(len(s)))
    k = next(k for k in range(len(s)) if s.frame(k).node is v["a"])
    assert f"∂L/∂a = {number(v['a'].grad)}: the error at the neuron's output" in s.text(k)
    assert "w²_hm" not in text and "α_h" not in text and "ε_" not in text


def test_output_and_hidden_errors_carry_their_index_letter_and_the_graphs_names():
    model = MLP([3, 2, 2], hidden="tanh", output="sigmoid", seed=0)
    a = model([0.5, -1.0, 2.0])
    L = half_sse(a, [1.0, 0.0], reduction="sum")
    s = step_through(L)
    texts = {s.frame(k).node.label: s.text(k) for k in range(len(s)) if s.frame(k).node.label}
    assert f"output error ε_m, m = 2: ε_m = ∂L/∂a₂ = {number(a[1].grad)}" in texts["a₂"]
    assert ("hidden error ε_h, h = 1 (layer 1): ε_h = ∂L/∂α₁ (the slides' ∂L/∂u_h) = Σ_m"
            in texts["α₁"])
    assert "∂L/∂v₁ = ε_m·σ′_m" in texts["v₁"]  # v₁, as the graph names it
    assert not re.search(r"ε_\d", "\n".join(texts.values()))  # never a bare ε₁
    assert "u_m" not in "\n".join(texts.values())


def test_a_reused_nodes_chain_rule_lists_each_edge_in_the_engines_order():
    a = Value(3.0, label="a")
    b = a + a
    b.label = "b"
    c = b * a
    c.label = "c"
    s = step_through(c)
    text = s.explain(a)
    assert text.splitlines()[1] == "  = ①∂L/∂c · ∂c/∂a + ②∂L/∂b · ∂b/∂a + ③∂L/∂b · ∂b/∂a"
    assert text.endswith(f"= {number(a.grad)}") and a.grad == 2 * 3 + 3 * 2


def test_forward_mode_steps_each_op_in_topological_order():
    L, v = neuron()
    s = step_through(L, mode="forward")
    ops = [n for n in toposort(L) if n.op is not None]
    assert [s.frame(k).node for k in range(len(s))] == ops
    assert s.frame(0).node is v["u"]
    u_key = ("data", s.index[id(v["u"])])
    assert s.initial[u_key] == "data ?" and s.frame(0).texts[u_key] == f"data {number(v['u'].data)}"


def test_frame_out_of_range_and_unknown_mode_are_refused():
    L, _ = neuron()
    with pytest.raises(IndexError, match="5 frames"):
        step_through(L).frame(5)
    with pytest.raises(ValueError, match="mode"):
        step_through(L, mode="sideways")


@pytest.mark.usefixtures("renderer")
def test_frames_restyle_one_layout(monkeypatch):
    import stepgrad.viz.picture as picture

    calls = []
    layout = picture.layout
    monkeypatch.setattr(picture, "layout", lambda *a, **k: calls.append(1) or layout(*a, **k))
    L, _ = neuron()
    s = step_through(L)
    svgs = [s.svg(k) for k in range(len(s))]
    assert len(calls) == 1
    assert len(set(svgs)) == len(s)
    points = [re.findall(r'points="([^"]*)"', x) for x in svgs]
    assert all(p == points[0] for p in points)  # the same geometry in every frame


@pytest.mark.usefixtures("renderer")
def test_save_html_holds_every_frame_and_refuses_to_overwrite(tmp_path):
    L, _ = neuron()
    s = step_through(L)
    path = s.save_html(tmp_path / "steps.html")
    page = path.read_text(encoding="utf-8")
    data = json.loads(re.search(r'id="stepper-data">(.*?)</script>', page, re.S).group(1))
    assert len(data["frames"]) == len(s)
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    with pytest.raises(FileExistsError, match="overwrite=True"):
        s.save_html(path)
    s.save_html(path, overwrite=True)


@pytest.mark.usefixtures("renderer")
def test_save_frames_writes_one_svg_per_frame(tmp_path):
    L, _ = neuron()
    s = step_through(L)
    paths = s.save_frames(tmp_path / "frames")
    assert [p.name for p in paths] == [f"frame-{k:03d}.svg" for k in range(1, len(s) + 1)]
    with pytest.raises(FileExistsError):
        s.save_frames(tmp_path / "frames")


@pytest.mark.dot
def test_widget_shows_the_frame_its_slider_selects():
    widgets = pytest.importorskip("ipywidgets")
    L, _ = neuron()
    s = step_through(L)
    box = s.widget()
    assert isinstance(box, widgets.VBox)
    slider = box.children[0].children[3]
    assert (slider.min, slider.max) == (1, len(s))  # frames count from 1, as the text's
    assert not slider.readout and not slider.description  # the number once: the counter's
    slider.value = 4
    assert box.children[0].children[5].value == f"<b>frame 4 / {len(s)}</b>"
    assert s.text(3).splitlines()[0] in box.children[2].value
    assert s.text(3).startswith("backward step 4 of")


def test_a_graph_with_many_edges_steps_without_edge_labels():
    from stepgrad.nn import MLP, half_sse

    model = MLP([6, 9, 2], seed=0)
    L = half_sse(model([0.1, 0.2, -0.3, 0.4, 0.5, -0.6]), [1.0, 0.0], reduction="sum")
    s = step_through(L)
    assert len(s) == len(engine_steps(half_sse(model([0.1, 0.2, -0.3, 0.4, 0.5, -0.6]),
                                               [1.0, 0.0], reduction="sum")))
    assert not any(k[0] == "edge" for k in s.frame(len(s) - 1).texts)


def test_the_steppers_legend_explains_its_colours():
    L, _ = neuron()
    src = step_through(L).digraph()[0].source
    for words in ("current step", "its parents", "finished", "leaf: input / weight"):
        assert words in src


def test_the_panel_names_nodes_drawn_inside_a_subtraction_or_a_division():
    p, q = Value(3.0, label="p"), Value(4.0, label="q")
    r = (p - q) / q
    r.label = "r"
    s = step_through(r)
    text = "\n".join(s.text(k) for k in range(len(s)))
    assert "1/q" in text and "−q" in text


def test_a_graph_too_large_to_lay_out_says_how_to_collapse_it(monkeypatch):
    import stepgrad.viz.stepper as stepper_module

    monkeypatch.setattr(stepper_module, "MAX_NODES", 5)
    L, _ = neuron()
    with pytest.raises(ValueError, match="collapse='neuron'"):
        step_through(L)
    assert len(step_through(L, collapse="neuron")) == len(engine_steps(neuron()[0]))


def test_the_panel_says_the_slides_hidden_error_is_d_l_d_alpha_and_its_u_h_is_the_weighted_sum():
    """The slides' ε_h = ∂L/∂u_h names the output α_h (stepgrad's u_h is the weighted sum)."""
    model = MLP([2, 2, 1], seed=0)
    t = model.trace([0.5, -1.0])
    s = step_through(half_sse(t.outputs, [1.0]))
    frames = {id(s.frame(k).node): s.text(k) for k in range(len(s))}
    alpha, u = t.hidden[0][0], t.layers[0].sums[0]
    assert "ε_h = ∂L/∂α₁ (the slides' ∂L/∂u_h)" in frames[id(alpha)]
    assert frames[id(alpha)].splitlines()[2].endswith(f" = {number(alpha.grad)}")
    assert "u₁: the weighted sum, not the slides' u_h, whose ∂L/∂u_h is ε_h" in frames[id(u)]
    assert f"∂L/∂u₁ = ε_h·σ′_h, h = 1: {number(u.grad)}" in frames[id(u)]
