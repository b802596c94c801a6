"""expand_fused=True: tanh and cross-entropy from logits drawn as their primitive
steps, display only (on ``.source``, no ``dot`` binary needed)."""

import math
import re

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value, dot, log_softmax, softmax
from stepgrad.autograd.softmax_ops import softmax_steps
from stepgrad.nn.losses import cross_entropy
from stepgrad.viz import draw, step_through
from stepgrad.viz.record import replay
from stepgrad.viz.scene import build_scene
from stepgrad.viz.unfuse import log_softmax_steps, tanh_steps


def tanh_neuron(u0=None):
    x1, x2 = Value(2.0, label="x1"), Value(-1.0, label="x2")
    w1, w2, w0 = Value(-0.5, label="w1"), Value(0.75, label="w2"), Value(0.4, label="w0")
    u = dot([w1, w2], [x1, x2], bias=w0) if u0 is None else Value(u0, label="u")
    u.label = "u"
    a = u.tanh()
    a.label = "a"
    L = 0.5 * (a - 0.5) ** 2
    L.label = "L"
    return L, a, u


def box(src, bid):
    m = re.search(rf"^\s*{bid} \[label=<(.*?)> (.*)\]$", src, re.M)
    assert m, f"no box {bid}"
    return m.group(1), m.group(2)


def arrows(src):
    return re.findall(r"^\s*(\w+) -> (\w+)(?: \[(.*)\])?$", src, re.M)


def label_of(src, a, b):
    for s, d, attrs in arrows(src):
        if (s, d) == (a, b):
            m = re.search(r'label="([^"]*)"', attrs)
            return m.group(1) if m else ""
    raise AssertionError(f"no edge {a} -> {b}")


def cells(label):
    """A box's rows of text, tags removed."""
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<TD[^>]*>(.*?)</TD>", label)]


def row_value(label):
    """The number under a display box's bold title."""
    return cells(label)[1]


def test_tanh_expands_into_its_textbook_steps_with_the_primitive_values():
    L, a, u = tanh_neuron()
    L.backward()
    src = draw(L, expand_fused=True).source
    tid = "n6"  # the tanh box keeps its id, and ends the chain
    steps = tanh_steps(u.data)
    titles = {"t0": "e²ᵘ", "t1": "e²ᵘ − 1", "t2": "e²ᵘ + 1"}
    values = {"t0": steps["e2u"], "t1": steps["num"], "t2": steps["den"]}
    for key, title in titles.items():
        label, attrs = box(src, tid + key)
        assert cells(label)[0] == title and f"<B>{title}</B>" in label
        assert row_value(label) == format(float(values[key]), ".4g")
        assert "display only" in attrs and "grad" not in label  # no gradient of its own
    # numpy's exp and the C library's may differ in the last bit (they do on numpy 1.24)
    assert values["t0"] == pytest.approx(math.exp(2 * u.data), rel=1e-14)
    assert steps["ratio"] == pytest.approx(a.data, rel=1e-12)  # the identity holds here
    label, attrs = box(src, tid)
    assert cells(label)[0] == "a = tanh(u) = (e²ᵘ − 1) ÷ (e²ᵘ + 1)"
    assert f"data {a.data:.4g}" in label  # the engine's own value
    assert "math.tanh" in attrs
    inner = {(s, d) for s, d, _ in arrows(src) if d.startswith(tid) or s.startswith(tid)}
    assert inner == {("n5", "n6t0"), ("n6t0", "n6t1"), ("n6t0", "n6t2"), ("n6t1", "n6"),
                     ("n6t2", "n6"), ("n6", "n8")}


def test_the_edges_around_an_expanded_tanh_carry_the_engines_backward_numbers():
    L, a, u = tanh_neuron()
    L.backward()
    src = draw(L, expand_fused=True).source
    step = replay([L]).step_of(a)
    local, contribution = step.local[0], step.contributions[0]
    assert local == pytest.approx(1 - a.data ** 2)
    assert label_of(src, "n5", "n6t0") == f"∂ {local:.4g} ⇒ {contribution:.4g}"
    assert label_of(src, "n6", "n8") == label_of(draw(L).source, "n6", "n8")
    for s, d in [("n6t0", "n6t1"), ("n6t0", "n6t2"), ("n6t1", "n6"), ("n6t2", "n6")]:
        assert label_of(src, s, d) == ""  # inner steps: the engine has no numbers for them
    assert u.grad == contribution  # and the engine's gradients are untouched


def test_an_expanded_tanh_keeps_the_stable_value_where_the_identity_overflows():
    L, a, u = tanh_neuron(u0=1000.0)
    L.backward()
    src = draw(L, expand_fused=True).source
    assert a.data == 1.0
    e2u, _ = box(src, "n1t0")
    assert row_value(e2u) == "inf"  # e^2000: the textbook form overflows
    assert "data 1<" in box(src, "n1")[0]  # the engine's math.tanh: exactly 1
    assert np.isnan(tanh_steps(1000.0)["ratio"])


def test_cross_entropy_from_logits_expands_its_log_softmax_with_the_stable_shift():
    u = Tensor([[1.0, 2.0, 0.5], [1000.0, 0.0, -1000.0]], label="u")
    L = cross_entropy(u, np.array([0, 2]), from_logits=True)
    L.label = "L"
    L.backward()
    src = draw(L, expand_fused=True).source
    node = next(n for n in replay([L]).steps if n.node.op.name == "log_softmax").node
    steps = log_softmax_steps(u.data, node.consts)
    assert np.array_equal(steps["out"], node.data)  # same formula, same float64 numbers
    assert float(L.data) == pytest.approx((-(1.0 - 2.0 - math.log(1 + math.exp(-1) +
                                                                   math.exp(-1.5))) + 2000) / 2)
    titles = ["m = max u", "u − m", "e^(u − m)", "Σ e^(u − m)", "ln Σ e^(u − m)"]
    for k, title in enumerate(titles):
        label, attrs = box(src, f"n1s{k}")
        assert cells(label)[0] == title and "display only" in attrs
    from stepgrad.viz.rows import number

    assert row_value(box(src, "n1s4")[0]) == number(steps["ln"])
    assert row_value(box(src, "n1s2")[0]) == number(steps["e"])
    assert "(u − m) − ln Σ e^(u − m)" in box(src, "n1")[0]
    step = replay([L]).step_of(node)
    assert label_of(src, "n0", "n1s1") == f"⇒ {number(step.contributions[0])}"
    assert label_of(src, "n0", "n1s0") == ""
    # ℓ → ℓ[n, yₙ] → Σ → −½·Σ: the true class's entries picked by indexing
    chain = [("n1", "n2"), ("n2", "n3"), ("n3", "n5")]
    assert {(s, d) for s, d, _ in arrows(src) if "s" not in s + d} == {*chain, ("n4", "n5")}
    assert cells(box(src, "n2")[0])[0] == "(log softmax(…))[arange(2), [0, 2]]"
    for s, d in chain:
        assert label_of(src, s, d) == label_of(draw(L).source, s, d)
    # the gather's backward: G at (n, yₙ), zeros elsewhere, drawn as that (2, 3) array
    picked = np.zeros((2, 3))
    picked[[0, 1], [0, 2]] = -0.5
    assert label_of(src, "n1", "n2") == f"⇒ {number(picked)}"
    assert np.array_equal(replay([L]).by_edge[(id(L.parents[0].parents[0]), 0)].value, picked)
    assert {(s, d) for s, d, _ in arrows(src) if "s" in s + d} == {
        ("n0", "n1s0"), ("n0", "n1s1"), ("n1s0", "n1s1"), ("n1s1", "n1s2"), ("n1s2", "n1s3"),
        ("n1s3", "n1s4"), ("n1s1", "n1"), ("n1s4", "n1")}


@pytest.mark.parametrize("log", [False, True])
def test_a_softmax_on_values_is_one_box_per_output_until_expanded(log):
    vs = [Value(1.0, label="v1"), Value(2.0, label="v2"), Value(0.5, label="v3")]
    out = log_softmax(vs) if log else softmax(vs)
    L = 0.3 * out[0] - 0.7 * out[1] + 0.4 * out[2]
    L.backward()
    plain, src = draw(L).source, draw(L, expand_fused=True).source
    assert "display only" not in plain and "max v" not in plain
    st = softmax_steps(np.array([1.0, 2.0, 0.5]))
    ids = _box_ids(L)
    a1, v1 = ids[id(out[0])], ids[id(vs[0])]
    from stepgrad.viz.rows import number

    assert row_value(box(src, f"{a1}c")[0]) == number(st["m"].item())
    assert row_value(box(src, f"{a1}s")[0]) == number(st["s"].item())
    first = f"{a1}z0" if log else f"{a1}e0"
    # the engine's three edges v1 → a_m are one edge v1 → its first step: ⇒ ∂L/∂v1
    assert label_of(src, v1, first) == f"⇒ {number(vs[0].grad)}"
    assert label_of(src, v1, f"{a1}c") == ""
    for m, a in enumerate(out):
        label = box(src, ids[id(a)])[0]
        assert (f"(v{'₁₂₃'[m]} − c) − ln Σ" if log else f"e^(v{'₁₂₃'[m]} − c) ÷ Σ") in label
        assert label_of(src, f"{a1}s" if not log else f"{a1}l", ids[id(a)]) == ""
    assert not [(s, d) for s, d, _ in arrows(src) if s in (v1,) and d in ids.values()]


def _box_ids(L):
    """id(engine node) → its box id in the plain picture (the expanded one keeps them)."""
    return build_scene([L]).owner


def test_by_default_nothing_is_expanded_and_the_text_is_the_same_on_every_run():
    L, a, u = tanh_neuron()
    L.backward()
    plain = draw(L).source
    assert "e²ᵘ" not in plain and "display only" not in plain
    assert "<B>a = tanh(u)</B>" in plain
    grads = [n.grad for n in (L, a, u)]
    assert draw(L, expand_fused=True).source == draw(L, expand_fused=True).source
    assert [n.grad for n in (L, a, u)] == grads


def test_a_stepper_over_an_expanded_tanh_steps_the_engines_steps():
    L, a, u = tanh_neuron()
    for mode in ("backward", "forward"):
        st = step_through(L, mode, expand_fused=True)
        plain = step_through(L, mode)
        assert len(st) == len(plain)
        assert st.frame(len(st) - 1).texts.items() >= {
            k: v for k, v in plain.frame(len(st) - 1).texts.items() if k[0] != "edge"}.items()


def test_a_batch_layer_is_drawn_as_the_lectures_one_affine_step():
    from stepgrad.nn import MLP
    from stepgrad.nn.losses import half_sse

    model = MLP([6, 9, 2])
    L = half_sse(model(Tensor(np.linspace(-1, 1, 24).reshape(4, 6), label="X")), np.zeros((4, 2)))
    L.backward()
    src = draw(L, expand_fused=True).source
    titles = re.findall(r"<B>(.*?)</B>", src)
    assert "[1 X]·w¹" in titles and "[1 tanh([1 X]·w¹)]·w²" in titles
    assert "σ([1 tanh([1 X]·w¹)]·w²)" in titles
    u = next(b for b in re.findall(r"^\s*(n\d+) \[label=<<TABLE", src, re.M)
             if cells(box(src, b)[0])[0] == "[1 X]·w¹")
    assert "∂L/∂W = [1 X]ᵀ·G" in box(src, u)[1]  # the tooltip: its one vjp
