"""The network view: backprop on the lecture's picture, frames cut from the engine's own record.

The lecture's claims, with the engine's numbers: the output errors ε²_m = ∂L/∂a_m
come first, then ∂L/∂w²_hm = ε²_m σ′_m α_h on the edges into a_m, then the hidden
errors ε¹_h = Σ_m ε²_m σ′_m w²_hm, then ∂L/∂w¹_fh = ε¹_h σ′_h x_f; every number a
frame shows is the gradient a plain ``L.backward()`` gives.
"""

import re

import numpy as np
import pytest

from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network
from stepgrad.viz.network_steps import lecture_frames
from stepgrad.viz.network_text import num

X, Y = lecture_data(n=4, seed=1)


def lecture_net(seed=0, **kw):
    return MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=seed, **kw)


def engine_grads(seed, x, y, make=lecture_net, loss=half_sse):
    """The same network and sample through a plain L.backward(): the reference numbers."""
    model = make(seed)
    trace = model.trace(list(x))
    L = loss(trace.outputs, list(y), reduction="sum")
    L.backward()
    return model, trace, L


@pytest.mark.parametrize("k", range(3))
def test_every_frame_shows_the_engines_own_gradients(k):
    stepper = step_network(lecture_net(seed=k), X[k], Y[k])
    model, trace, L = engine_grads(k, X[k], Y[k])
    checked = 0
    for i in range(len(stepper)):
        for key, value in stepper.frame(i).numbers.items():
            if key[0] == "eps":  # ε = ∂L/∂α_h or ∂L/∂a_m
                want = trace.layers[key[1] - 1].outputs[key[2] - 1].grad
            elif key[0] == "dsum":  # ∂L/∂u_h, ∂L/∂v_m
                want = trace.layers[key[1] - 1].sums[key[2] - 1].grad
            elif key[0] == "dw":  # ∂L/∂wˡ_jk, read through the weight Tensor
                want = model.layers[key[1] - 1].weight.grad[key[2], key[3] - 1]
            elif key[0] == "value":
                want = (X[k][key[2] - 1] if key[1] == 0
                        else trace.layers[key[1] - 1].outputs[key[2] - 1].data)
            elif key[0] == "sum":
                want = trace.layers[key[1] - 1].sums[key[2] - 1].data
            else:
                want = L.data
            assert value == pytest.approx(want, abs=1e-12, rel=0), (i, key)
            checked += 1
    # every ε, every ∂L/∂w of the 6-9-2 network: 11 ε, 7·9 + 10·2 weights
    assert checked >= 11 + 63 + 20


def test_the_frames_follow_the_lecture_and_hold_every_engine_step_once():
    stepper = step_network(lecture_net(), X[0], Y[0])
    kinds = [(f.kind, f.layer) for f in stepper.frames]
    assert kinds == ([("input", 0)] + [("unit", 1)] * 9 + [("unit", 2)] * 2 + [("loss", 0)]
                     + [("start", 0)] + [("eps", 2)] * 2 + [("dw", 2)] * 2
                     + [("eps", 1)] * 9 + [("dw", 1)] * 9)
    units = [f.unit for f in stepper.frames if f.kind in ("eps", "dw")]
    assert units == [1, 2, 1, 2] + list(range(1, 10)) * 2  # top to bottom, as drawn
    record = stepper.p.record
    placed = sorted(s for f in stepper.frames for s in f.steps)
    assert placed == list(range(len(record.steps)))
    # a frame never shows a gradient before every step adding to it has been shown
    frame_of = {s: i for i, f in enumerate(stepper.frames) for s in f.steps}
    for k, step in enumerate(record.steps):
        for c in record.into.get(id(step.node), []):
            assert (frame_of[c.step], c.step) < (frame_of[k], k)


def test_the_dw_frame_is_the_step_of_the_units_weighted_sum():
    stepper = step_network(lecture_net(), X[0], Y[0])
    trace = stepper.p.trace
    for f in stepper.frames:
        if f.kind == "dw":
            (k,) = f.steps
            assert stepper.p.record.steps[k].node is trace.layers[f.layer - 1].sums[f.unit - 1]


def test_the_text_panel_writes_the_lectures_formulas_with_the_numbers():
    stepper = step_network(lecture_net(), X[0], Y[0])
    p = stepper.p
    texts = {(f.kind, f.layer, f.unit): stepper.text(i) for i, f in enumerate(stepper.frames)}
    a1 = p.output(2, 1)
    out = texts[("eps", 2, 1)]
    assert "ε²₁ = ∂L/∂a₁ = a₁ − y₁" in out and num(p.grad(a1)) in out
    assert f"{num(a1.data)} − {num(Y[0][0])}" in out
    hid = texts[("eps", 1, 3)]
    assert "ε¹₃ = ∂L/∂α₃ = Σ_m ε²_m σ′_m w²₃m" in hid
    assert num(p.grad(p.output(1, 3))) in hid
    assert "u_h" in hid and "α_h" in hid  # the lecture's u_h is stepgrad's α_h, said so
    for m in (1, 2):  # each term of the sum: ε²_m · σ′_m · w²₃m with the engine's numbers
        assert num(p.weight(2, 3, m).data).lstrip("−") in hid
    dw = texts[("dw", 1, 3)]
    assert "∂L/∂w¹_f₃ = ε¹₃ · σ′₃ · x_f" in dw
    for f in range(7):
        assert f"∂L/∂w¹{'₀₁₂₃₄₅₆'[f]}₃ = " in dw and num(p.dw(1, f, 3)) in dw
    assert "a₁ = σ(v₁)" in texts[("unit", 2, 1)] and "v₁ = Σ_h=0…9 w²_h₁ · α_h" \
        in texts[("unit", 2, 1)]


def test_the_picture_fills_in_as_the_frames_go():
    stepper = step_network(lecture_net(), X[0], Y[0])
    p = stepper.p
    first = stepper.frame(0).texts
    assert first["L1_3-t0"] == "α₃ = ?" and first["L1_3-t1"] == "ε¹₃ = ?"
    assert first["L2_1-t1"] == f"y₁ = {num(Y[0][0])}"
    k = next(i for i, f in enumerate(stepper.frames) if (f.kind, f.layer, f.unit) == ("eps", 1, 3))
    before, now = stepper.frame(k - 1), stepper.frame(k)
    assert before.texts["L1_3-t1"] == "ε¹₃ = ?"
    assert now.texts["L1_3-t1"] == f"ε¹₃ = {num(p.grad(p.output(1, 3)))}"
    assert now.current == ("L1_3",) and set(now.parents) == {"L2_1", "L2_2"}
    assert now.edges == ("E2_3_1", "E2_3_2")  # w²₃₁, w²₃₂: the weights in ε¹₃'s sum
    d = next(i for i, f in enumerate(stepper.frames) if (f.kind, f.layer, f.unit) == ("dw", 2, 1))
    frame = stepper.frame(d)
    assert frame.edges == tuple(f"E2_{h}_1" for h in range(10))
    assert stepper.deltas[d]["W2_4_1-t0"] == f"∂L/∂w = {num(p.dw(2, 4, 1))}"
    assert "E2_4_1" in stepper.frame(d + 1).done_edges
    assert frame.current == ("L2_1",) and "L2_2" in frame.done  # ε²₂ is known by then


def test_the_model_is_left_as_it_was():
    model = lecture_net()
    half_sse(model(X), Y).backward()
    before = [layer.weight.grad.copy() for layer in model.layers]
    step_network(model, X[0], Y[0])
    assert all(np.array_equal(b, layer.weight.grad) for b, layer in zip(before, model.layers))


def test_softmax_and_deeper_networks_are_stepped_too():
    soft = step_network(MLP([4, 3, 3], output="softmax", seed=0), [0.1, 0.2, 0.3, 0.4], 0,
                        loss="cross_entropy")
    kinds = [f.kind for f in soft.frames if f.phase == "backward"]
    assert kinds.count("act") == 1  # the softmax mixes the outputs: one frame for ∂L/∂v_m
    assert "∂L/∂v_m" in soft.text(next(i for i, f in enumerate(soft.frames) if f.kind == "act"))
    deep = step_network(MLP([2, 3, 3, 1], seed=0), [0.5, -0.5], [1.0])
    assert "ε³₁" in deep.text(next(i for i, f in enumerate(deep.frames) if f.kind == "eps"))
    assert any("ε²₁ = ∂L/∂α²₁" in deep.text(i) for i in range(len(deep)))
    for s in (soft, deep):
        steps = sorted(k for f in s.frames for k in f.steps)
        assert steps == list(range(len(s.p.record.steps)))


def test_backward_only_starts_with_the_forward_values_filled_in():
    stepper = step_network(lecture_net(), X[0], Y[0], forward=False)
    assert stepper.frames[0].kind == "start"
    assert stepper.frame(0).texts["L1_1-t0"] != "α₁ = ?"


def test_bad_input_gets_a_clear_error():
    with pytest.raises(TypeError, match="step_network draws an MLP"):
        step_network("model", X[0], Y[0])
    with pytest.raises(ValueError, match="reads 6 inputs"):
        step_network(lecture_net(), [1.0, 2.0], Y[0])
    with pytest.raises(ValueError, match="2 outputs a_m, so y needs 2"):
        step_network(lecture_net(), X[0], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="class 5"):
        step_network(lecture_net(), X[0], 5)
    stepper = step_network(lecture_net(), X[0], Y[0])
    with pytest.raises(IndexError, match="36 frames"):
        stepper.frame(36)


def test_lecture_frames_is_a_pure_grouping_of_the_record():
    stepper = step_network(lecture_net(), X[0], Y[0])
    again = lecture_frames(stepper.p.trace, stepper.p.record)
    assert again == [f for f in stepper.frames if f.phase == "backward"]


# ------------------------------------------------------------------ the picture


def svg_y(svg: str, node_id: str) -> float:
    body = re.search(rf'<g id="{node_id}" class="node">(.*?)</g>', svg, re.S).group(1)
    return float(re.search(r'c?y="([-\d.]+)"', body).group(1))


@pytest.mark.dot
def test_the_svg_keeps_the_lectures_order_top_to_bottom():
    stepper = step_network(lecture_net(), X[0], Y[0])
    svg = stepper.svg(0)
    for layer, n in ((0, 6), (1, 9), (2, 2)):
        ys = [svg_y(svg, f"L{layer}_{u}") for u in range(0 if layer < 2 else 1, n + 1)]
        assert ys == sorted(ys)  # SVG's y grows downwards: bias, then unit 1 on top
    assert 'class="node elab"' in svg and "<style" in svg


@pytest.mark.dot
def test_text_is_at_least_10_px_high_at_900_px_width():
    stepper = step_network(lecture_net(), X[0], Y[0])
    lay = stepper.layout
    scale = min(1.0, (900 - 24) / (lay.width_pt * 4 / 3)) * 4 / 3  # px per pt, page margins
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', lay.svg)]
    assert min(sizes) * scale >= 10 * 1.15  # a glyph box is ~1.15 × the font size


@pytest.mark.dot
def test_a_wide_input_layer_is_folded_in_the_network_view():
    model = MLP([784, 8, 10], seed=0)
    stepper = step_network(model, np.linspace(0, 1, 784), 3)
    svg = stepper.svg(len(stepper) - 1)
    assert "x₁ … x₇₈₄ folded" in svg and 'id="L0_fold"' in svg and 'id="L0_784"' in svg
    assert 'id="L0_5"' not in svg
    last = stepper.frame(len(stepper) - 1)
    assert len(last.edges) == 5  # w¹₀₈, w¹₁₈, w¹₂₈, w¹₃₈, w¹₇₈₄,₈: the drawn ones
    assert "∂L/∂w¹₇₈₄,₈" in stepper.text(len(stepper) - 1)


@pytest.mark.dot
def test_the_html_page_is_offline_and_never_replaces_a_file(tmp_path):
    stepper = step_network(lecture_net(), X[0], Y[0])
    path = stepper.save_html(tmp_path / "net.html")
    page = path.read_text()
    assert "http" not in page.replace("http://www.w3.org", "")
    assert page.count('"panel": ') == len(stepper)  # one record per frame
    with pytest.raises(FileExistsError, match="overwrite=True"):
        stepper.save_html(path)
    stepper.save_html(path, overwrite=True)


@pytest.mark.dot
def test_the_widget_counts_frames_from_1_and_steps():
    pytest.importorskip("ipywidgets")
    stepper = step_network(lecture_net(), X[0], Y[0])
    box = stepper.widget()
    bar, picture, panel, _ = box.children
    prev, nxt, back, slider, label = bar.children
    assert (slider.min, slider.max, slider.value) == (1, len(stepper), 1)
    assert not slider.readout and not slider.description  # the number once: in the label
    nxt.click()
    nxt.click()
    assert slider.value == 3 and label.value.startswith("frame 3 / 36")
    assert "α₂ = " + num(stepper.p.output(1, 2).data) in picture.value
    back.click()
    assert stepper.frames[slider.value - 1].kind == "start"
    assert "∂L/∂L = 1" in panel.value


_SHAPE = re.compile(r'<g id="([^"]+)" class="node[^"]*">(.*?)</g>', re.S)


@pytest.mark.dot
def test_every_frame_of_a_folded_wide_network_lights_up_what_it_explains():
    """784 inputs and 30 hidden units are drawn folded (x₁ x₂ x₃ ⋮ x₇₈₄, α₁ α₂ α₃ ⋮ α₃₀):
    a folded unit's frames light up the "⋮" that stands for it (filled like a unit), the
    frames of drawn units light up those units, and the panel writes out only the terms
    the picture draws ("… (780 terms)"), never 785."""
    model = MLP([784, 30, 10], hidden="tanh", output="sigmoid", seed=0)
    stepper = step_network(model, np.linspace(0, 1, 784), [1] + [0] * 9)
    svg = stepper.layout.svg
    shapes = {m.group(1) for m in _SHAPE.finditer(svg)
              if re.search(r"<(ellipse|polygon|path) ", m.group(2))}
    kinds = set()
    for k in range(len(stepper)):
        f = stepper.frame(k)
        assert f.current and set(f.current) <= shapes, (k + 1, f.step, f.current)
        assert set(f.parents) <= shapes, (k + 1, f.step, f.parents)
        if f.step.unit is not None and f.step.layer == 1 and 3 < f.step.unit < 30:
            assert f.current == ("L1_fold",), (k + 1, f.step)
            kinds.add(f.step.kind)
        elif f.step.unit is not None and f.step.kind != "input":
            assert f.current == (f"L{f.step.layer}_{f.step.unit}",), (k + 1, f.step)
        assert "#L1_fold ellipse" in stepper.css(f) or "L1_fold" not in f.current
        assert len(f.panel.splitlines()) <= 25 and len(f.panel) < 2500, (k + 1, f.step)
    assert kinds == {"unit", "eps", "dw"}  # forward, ε¹_h and ∂L/∂w¹ of folded units
    assert "… (780 terms)" in stepper.text(5)  # α₅'s u₅ = Σ_f w¹_f5 x_f: 785 terms
    dw = next(k for k, f in enumerate(stepper.frames) if f.kind == "dw" and f.layer == 1)
    assert "… (780 more weights" in stepper.text(dw)
