"""Quiz mode: the questions' answers are the engine's own numbers, the rule that marks a
typed value, the pass's state and score, and the Jupyter players' quiz through their
Python API (the answer box, next, the score, the result hidden while it is asked)."""

import numpy as np
import pytest
from test_viz_stepper import neuron

from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.viz import step_network, step_through
from stepgrad.viz.html import html_text
from stepgrad.viz.network_html import network_page
from stepgrad.viz.quiz import ATOL, RTOL, Question, Quiz, is_right, parse_answer

pytestmark = pytest.mark.dot


def lecture_network():
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    X, Y = lecture_data(n=8, seed=0)
    return model, X[0], Y[0]


# ------------------------------------------------------------ the answers are the engine's

def test_each_node_question_asks_a_contribution_the_engine_handed_a_parent():
    L, _ = neuron()
    s = step_through(L, quiz=True)
    L2, _ = neuron()
    engine = []
    L2.backward(observer=engine.append)  # a pass of its own, recorded by the observer
    assert len(s.questions) == len(engine)
    for q, step in zip(s.questions, engine):
        assert q is not None
        values = [float(c) for c in step.contributions]
        assert q.answer in values  # the engine's own contribution, bit for bit
        assert ".grad += ∂L/∂" in q.text
    # a parent whose local derivative is not ±1 is asked: ∂L/∂w₁ = ε·σ′·x₁, not the bias
    assert s.questions[-1].text.startswith("w1.grad += ∂L/∂u · ∂u/∂w1")
    assert s.questions[-1].answer == pytest.approx(-0.6486, abs=1e-4)


def test_forward_questions_ask_each_nodes_value():
    L, _ = neuron()
    s = step_through(L, mode="forward", quiz=True)
    assert [q.answer for q in s.questions] == [float(s.nodes[k].data) for k in range(len(s))]


def test_each_network_question_is_the_engines_number_to_1e_12():
    model, x, y = lecture_network()
    s = step_network(model, x, y, quiz=True)
    v = model.trace(list(x))  # an independent pass through the scalar view
    L = half_sse(v.outputs, list(y), reduction="sum")
    L.backward()
    asked = [q for q in s.questions if q is not None]
    assert len(asked) == len(s) - 2  # all but the inputs (given) and ∂L/∂L = 1
    kinds = {}
    for q, f in zip(s.questions, s.frames):
        if q is None:
            assert f.kind in ("input", "start")
            continue
        kinds[f.kind] = kinds.get(f.kind, 0) + 1
        if f.kind == "loss":
            expected = L.data
        elif f.kind == "dw":  # the first non-bias weight into the unit: W[1, unit]
            expected = model.layers[f.layer - 1].weight.grad[1, f.unit - 1]
        else:
            out = v.layers[f.layer - 1].outputs[f.unit - 1]
            expected = out.data if f.kind == "unit" else out.grad
        assert abs(q.answer - expected) <= 1e-12, (f, q.text)
    assert kinds == {"unit": 11, "loss": 1, "eps": 11, "dw": 11}
    assert s.questions[-1].text.startswith("∂L/∂w¹₁₉ = ? (the edge from x₁ into α₉)")


def test_while_a_question_is_asked_the_picture_does_not_show_its_answer():
    model, x, y = lecture_network()
    s = step_network(model, x, y, quiz=True)
    k = next(k for k, f in enumerate(s.frames) if f.kind == "eps" and f.layer == 1)
    q = s.questions[k]
    shown = format(q.answer, ".4g").replace("-", "−")
    assert shown in s.svg(k)
    assert shown not in s.svg(k, asking=True) and "ε¹₁ = ?" in s.svg(k, asking=True)
    node = step_through(neuron()[0], quiz=True)
    last = len(node) - 1
    answer = f"grad {format(node.questions[last].answer, '.4g')}"
    assert answer in node.svg(last) and answer not in node.svg(last, asking=True)


# ------------------------------------------------------------ the marking rule

def test_the_tolerance_is_one_percent_and_a_hundred_thousandth_near_zero():
    assert (RTOL, ATOL) == (0.01, 0.00001)
    assert is_right(-0.6486, -0.6486379307932473)          # four digits copied
    assert is_right(-0.649, -0.6486379307932473)           # three digits, rounded
    assert not is_right(-0.66, -0.6486379307932473)        # a slip in the second digit
    assert not is_right(0.6486, -0.6486379307932473)       # the sign
    assert is_right(120.0, 121.0) and not is_right(118.0, 121.0)  # relative for large values
    assert is_right(0.0, 1.3e-17) and is_right(0.0, 0.0)   # 0 up to float arithmetic
    assert is_right(0.000109, 0.0001)                        # a near cancellation, 4-digit terms
    assert not is_right(0.0, -0.0004466)                    # a small gradient: its digits count
    assert is_right(-0.0004466, -0.00044663) and is_right(-0.00045, -0.0004466)
    assert not is_right(-0.0004, -0.0004466)                # 10 % off
    assert not is_right(0.0001, 0.0)
    for answer in (1e-6, 0.003, 0.5, -2.0, 300.0):          # numpy.isclose's rule
        for given in (answer * 0.985, answer * 1.005, answer + 0.000004, answer - 0.00002):
            assert is_right(given, answer) == np.isclose(given, answer, rtol=RTOL, atol=ATOL)


def test_a_typed_value_may_use_a_true_minus_a_decimal_comma_or_an_exponent():
    assert parse_answer("−0.25") == -0.25
    assert parse_answer(" 0,25 ") == 0.25
    assert parse_answer("1.5e-3") == 0.0015
    assert parse_answer(".5") == 0.5 and parse_answer("+2") == 2.0
    for bad in ("", "abc", "1,000.5", "0.2.5", "1/4", "nan", "inf", "1e999"):
        assert parse_answer(bad) is None, bad


# ------------------------------------------------------------ the state of a pass

def quiz_of(n=4, asked=(1, 2, 3)):
    return Quiz([Question(k, f"q{k}", float(k)) if k in asked else None for k in range(n)])


def test_marks_are_given_once_and_a_non_number_is_asked_again():
    q = quiz_of()
    assert q.check(1, "abc") == "not a number" and q.pending(1)
    assert q.check(1, "1.004") == "right"
    assert q.check(1, "7") == "right"  # the first mark stays
    assert q.check(2, "2.5") == "wrong"
    assert q.verdict(2) == "✗ wrong: you wrote 2.5; the engine's value is 2"
    with pytest.raises(ValueError, match="asks no question"):
        q.check(0, "0")


def test_next_on_a_question_shows_it_as_skipped_and_a_jump_skips_what_it_passes():
    q = quiz_of(6, asked=(1, 2, 3, 4, 5))
    assert q.move(0, 1) == 1          # no question at frame 1: on
    assert q.move(1, 2) == 1 and q.status[1] == "skipped"  # shown, stays
    assert q.move(1, 2) == 2
    assert q.move(2, 1) == 1 and q.pending(2)  # back: nothing counted
    assert q.move(1, 5) == 5 and q.status[2:5] == ["skipped"] * 3 and q.pending(5)
    assert q.summary() == "score: 0 right · 0 wrong · 4 skipped · 1 of 5 questions left"
    assert q.move(5, 6) == 5 and q.status[5] == "skipped"  # the last frame: shown
    assert q.summary() == "Final score: 0 / 5 right (0 wrong, 5 skipped)"


# ------------------------------------------------------------ the Jupyter players

@pytest.mark.parametrize("view", ["node", "network"])
def test_the_widgets_quiz_marks_answers_and_keeps_the_score(view):
    pytest.importorskip("ipywidgets")
    if view == "node":
        s = step_through(neuron()[0], quiz=True)
    else:
        s = step_network(*lecture_network(), quiz=True)
    box = s.widget()
    quiz = box.quiz
    controls, picture = box.children[0], box.children[1]
    panel = box.children[3]
    nxt = next(b for b in controls.children if getattr(b, "description", "") == "next ▶")
    slider = next(c for c in controls.children if c.__class__.__name__ == "IntSlider")
    assert not any(c.__class__.__name__ == "Play" for c in controls.children)
    asked = [k for k, q in enumerate(s.questions) if q is not None]
    for _ in range(asked[0]):
        nxt.click()
    k = slider.value - 1
    assert k == asked[0] and quiz.asking(k)
    assert "Your turn" in panel.value and s.text(k).splitlines()[0] not in panel.value
    q = s.questions[k]
    assert format(q.answer, ".4g").replace("-", "−") not in picture.value.split("</svg>")[0] \
        or view == "node"
    # a wrong value, as Enter sends it: marked wrong, the step's text shown
    quiz.answer.value = format(q.answer + 10 * (ATOL + RTOL * abs(q.answer)), ".6g")
    assert quiz.quiz.status[k] == "wrong" and not quiz.asking(k)
    assert "✗ wrong" in quiz.verdict.value
    assert s.text(k).splitlines()[0].replace("'", "&#x27;") in panel.value \
        or s.text(k).splitlines()[0][:20] in panel.value
    assert quiz.form.layout.display == "none"
    # next: the following question; the right value, rounded by hand, is right
    while not quiz.asking(slider.value - 1):
        nxt.click()
    k2 = slider.value - 1
    assert quiz.submit("abc") == "not a number" and quiz.asking(k2)
    assert quiz.submit(format(s.questions[k2].answer, ".4g").replace("-", "−")) == "right"
    assert "✓ right" in quiz.verdict.value
    # next on a question: shown and counted skipped, the frame stays
    while not quiz.asking(slider.value - 1):
        nxt.click()
    k3 = slider.value - 1
    nxt.click()
    assert slider.value - 1 == k3 and quiz.quiz.status[k3] == "skipped"
    assert quiz.quiz.score() == {"right": 1, "wrong": 1, "skipped": 1,
                                 "questions": len(asked), "left": len(asked) - 3}
    # the slider to the end: every question passed is skipped; next shows the last
    slider.value = len(s)
    nxt.click()
    assert "Final score: 1 / " in quiz.score.value


def test_the_node_widget_keeps_a_chain_rule_back_until_its_steps_are_answered():
    pytest.importorskip("ipywidgets")
    L, v = neuron()
    s = step_through(L, quiz=True)
    box = s.widget()
    menu, chain = box.children[4], box.children[5]
    w1 = next(b for label, b in menu.options if label == "w1")
    menu.value = w1
    assert "Quiz mode" in chain.value
    slider = next(c for c in box.children[0].children if c.__class__.__name__ == "IntSlider")
    slider.value = len(s)
    box.quiz.submit("0")
    assert "Quiz mode" not in chain.value and "∂L/∂w1" in chain.value


def test_without_quiz_the_pages_carry_no_quiz():
    s = step_through(neuron()[0])
    page = html_text(s)
    assert not s.quiz and "function stepgradQuiz" not in page and '"quiz": null' in page
    assert "function stepgradQuiz" in html_text(step_through(neuron()[0], quiz=True))
    model, x, y = lecture_network()
    assert "function stepgradQuiz" not in network_page(step_network(model, x, y))
    assert "function stepgradQuiz" in network_page(step_network(model, x, y, quiz=True))
