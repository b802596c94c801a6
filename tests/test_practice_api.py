"""The exercises' Python API: the levels, the choices, the errors, the files, the check."""

from __future__ import annotations

import pytest

from stepgrad.practice import LEVELS, make_exercise, make_exercises, save_exercises
from stepgrad.practice.options import TENTHS


@pytest.mark.parametrize("level", list(LEVELS))
def test_a_level_gives_its_sizes_its_choices_and_numbers_with_one_decimal(level):
    spec = LEVELS[level]
    for seed in range(40):
        p = make_exercise(seed, difficulty=level).problem
        assert p.sizes == spec.sizes and p.difficulty == level
        assert p.hidden in spec.hidden and p.output in spec.output and p.loss in spec.losses
        assert p.lr in spec.rates
        given = [v for rows in (p.w1, p.w2) for row in rows for v in row] + list(p.x)
        assert all(v in TENTHS for v in given)  # −1.0 … 1.0 in steps of 0.1, never 0


def test_the_easy_level_is_the_lectures_loss_on_a_2_2_1_network():
    p = make_exercise(3).problem
    assert p.sizes == (2, 2, 1) and p.loss == "half_sse"


def test_explicit_choices_replace_the_levels():
    p = make_exercise(1, difficulty="medium", sizes=(3, 2, 2), activations=("tanh", "sigmoid"),
                      loss="binary-cross-entropy", lr=0.25).problem
    assert (p.sizes, p.hidden, p.output, p.loss, p.lr) == (
        (3, 2, 2), "tanh", "sigmoid", "binary_cross_entropy", 0.25)
    assert set(p.y) <= {0.0, 1.0}
    assert set(make_exercise(2, loss="squared_hinge", activations="tanh").problem.y) <= {-1, 1}


@pytest.mark.parametrize("kwargs,message", [
    ({"seed": -1}, "seed: expected a whole number >= 0"),
    ({"seed": 0, "difficulty": "expert"}, "difficulty 'expert': expected one of easy, medium"),
    ({"seed": 0, "activations": "softmax"}, "softmax (with categorical cross-entropy) is left"),
    ({"seed": 0, "activations": "sign"}, "sign is left out"),
    ({"seed": 0, "loss": "cross_entropy"}, "categorical cross-entropy needs a softmax"),
    ({"seed": 0, "loss": "bce"}, "loss 'bce': expected one of"),
    ({"seed": 0, "activations": ("relu", "tanh"), "loss": "binary_cross_entropy"},
     "it needs an output activation among sigmoid"),
    ({"seed": 0, "sizes": (2, 2)}, "sizes: expected F, H, M"),
    ({"seed": 0, "sizes": (2, 0, 1)}, "sizes: expected F, H, M"),
    ({"seed": 0, "lr": 0.0}, "lr: μ must be in (0, 10]"),
])
def test_a_bad_option_is_refused_naming_it(kwargs, message):
    seed = kwargs.pop("seed")
    with pytest.raises(ValueError, match=None) as e:
        make_exercise(seed, **kwargs)
    assert message in str(e.value)


def test_a_seed_that_is_not_a_whole_number_is_refused():
    for seed in (1.5, "3", True):
        with pytest.raises(TypeError, match="seed"):
            make_exercise(seed)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count"):
        make_exercises(0, 0)


def test_nothing_is_overwritten_without_force(tmp_path):
    ex = make_exercise(0)
    ex.save(tmp_path)
    (tmp_path / "problem.md").write_text("my notes")
    with pytest.raises(FileExistsError, match="problem.md"):
        make_exercise(1).save(tmp_path)
    assert (tmp_path / "problem.md").read_text() == "my notes"
    make_exercise(1).save(tmp_path, force=True)
    assert (tmp_path / "problem.md").read_text() == make_exercise(1).problem_markdown()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files left


def test_a_set_is_one_folder_per_exercise_and_one_answer_key(tmp_path):
    paths = save_exercises(make_exercises(10, 3, difficulty="hard"), tmp_path)
    names = sorted(str(p.relative_to(tmp_path)) for p in paths)
    assert names == ["answer_key.csv"] + [f"exercise-0{k}/{f}" for k in (1, 2, 3) for f in
                                          sorted(["problem.md", "solution.md", "exercise.html",
                                                  "network.svg"])]
    text = (tmp_path / "answer_key.csv").read_text(encoding="utf-8")
    assert text.startswith("exercise,seed,difficulty,quantity,symbol,value\n")
    assert "exercise-03,12,hard,dL/dw1_01,∂L/∂w¹₀₁," in text


def test_the_check_marks_right_wrong_and_unanswered_as_the_quiz_does():
    ex = make_exercise(0)
    a1, eps = ex.worked.value("a_1"), ex.worked.value("eps2_1")
    checked = ex.check({"a_1": format(a1, ".4g"), "eps2_1": eps + 0.1, "L": ...,
                        "dL/dw2_01": "−" + format(abs(ex.worked.value("dL/dw2_01")), ".4g"),
                        "dL/dw1_01": "abc"})
    marks = {key: mark for _, key, _, _, mark in checked.rows}
    assert marks == {"a_1": "right", "eps2_1": "wrong", "L": "not answered",
                     "dL/dw2_01": "right", "dL/dw1_01": "not a number"}
    assert (checked.right, checked.wrong) == (2, 2)
    assert "2 right, 2 wrong" in checked._repr_markdown_()
    with pytest.raises(KeyError, match="eps_1"):
        ex.check({"eps_1": 0.1})


def test_a_whole_layer_may_be_checked_at_once_in_the_problems_layout():
    ex = make_exercise(4, difficulty="medium")  # 2-3-2
    w = ex.worked
    alpha = [w.value(f"alpha_{h}") for h in (1, 2, 3)]
    dw1 = [[w.value(f"dL/dw1_{f}{h}") for h in (1, 2, 3)] for f in (0, 1, 2)]
    new_w2 = [[w.value(f"w2_{h}{m}_new") for m in (1, 2)] for h in (0, 1, 2, 3)]
    checked = ex.check({"alpha": alpha, "dL/dw1": dw1, "w2_new": new_w2, "eps2": ...})
    marks = [r[4] for r in checked.rows]
    assert marks == ["right"] * (3 + 9 + 8) + ["not answered"] * 2
    dw1[2][0] += 1.0  # ∂L/∂w¹_21 wrong: only that one is marked
    wrong = [r[1] for r in ex.check({"dL/dw1": dw1}).rows if r[4] == "wrong"]
    assert wrong == ["dL/dw1_21"]
    with pytest.raises(ValueError, match="alpha has 2 entries; the network has 3"):
        ex.check({"alpha": [0.1, 0.2]})
    with pytest.raises(ValueError, match="dL/dw2 needs 4 rows"):
        ex.check({"dL/dw2": [[0.1, 0.2]]})
