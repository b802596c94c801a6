"""fit: the lecture's loop (Q := λ·Lᵢ + (1 − λ)·Q), its stops, its history, its errors."""

from __future__ import annotations

import dataclasses
import inspect
import math

import numpy as np
import pytest

from stepgrad.nn import MLP, half_sse, mse
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD, Adam, fit


def net(seed=3):
    return MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=seed)


def run(X, Y, **kw):
    model = net()
    kw.setdefault("optimizer", SGD(model.parameters(), lr=0.1))
    kw.setdefault("progress", False)
    return model, fit(model, X, Y, **kw)


# ----------------------------------------------------------------- the loop


def test_q_follows_the_formula_exactly():
    X, Y = lecture_data()
    model, h = run(X, Y, epochs=3, lam=0.05, seed=1, tol=None)
    assert h.Q[0] == half_sse(net()(X), Y).item()  # Q := Q(w) = (1/l)·Σ Lᵢ(w) at the start
    assert len(h.Q) == h.steps + 1 == 3 * 60 + 1
    for k, L in enumerate(h.step_loss):
        assert h.Q[k + 1] == 0.05 * L + (1 - 0.05) * h.Q[k]


def test_batch_size_1_is_the_lectures_algorithm():
    """Pick xᵢ at random (a new order each epoch), forward, Lᵢ, backward, w := w − μ·L′ᵢ(w)."""
    X, Y = lecture_data(20)
    model, h = run(X, Y, epochs=2, seed=7, tol=None)
    ref = net()
    rng = np.random.default_rng(7)
    losses = []
    for _ in range(2):
        for i in rng.permutation(20):
            ref.zero_grad()
            L = half_sse(ref(X[i:i + 1]), Y[i:i + 1])
            losses.append(L.item())
            L.backward()
            for W in ref.parameters():
                W.data -= 0.1 * W.grad
    np.testing.assert_allclose(h.step_loss, losses, rtol=0, atol=1e-14)
    for W, R in zip(model.parameters(), ref.parameters()):
        np.testing.assert_allclose(W.data, R.data, rtol=0, atol=1e-13)


def test_mini_batches_and_full_batch_take_the_right_number_of_steps():
    X, Y = lecture_data(50)
    _, h = run(X, Y, batch_size=16, epochs=2, tol=None, seed=0)
    assert h.steps == 2 * 4 and h.lam == 1 / 4  # 16 + 16 + 16 + 2 samples per epoch
    _, h = run(X, Y, batch_size=None, epochs=3, tol=None)
    assert h.steps == 3 and h.lam == 1.0
    assert h.step_loss[0] == h.Q[0]  # full batch, λ = 1: Q is the loss itself


def test_the_convergence_stop_fires_when_q_stops_changing():
    X, Y = lecture_data()
    model = net()
    h = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), batch_size=None,
            epochs=5000, tol=1e-5, progress=False)
    assert h.stop_reason == "converged" and h.epochs < 5000
    assert abs(h.Q[-1] - h.Q[-2]) < 1e-5
    assert all(abs(h.Q[e] - h.Q[e - 1]) >= 1e-5 for e in range(2, h.epochs))
    _, h = run(X, Y, epochs=2, tol=None)
    assert h.stop_reason == "epochs"


def test_same_seed_same_history_other_seed_other_history():
    X, Y = lecture_data()
    a = dataclasses.asdict(run(X, Y, batch_size=8, epochs=3, seed=11)[1])
    b = dataclasses.asdict(run(X, Y, batch_size=8, epochs=3, seed=11)[1])
    c = dataclasses.asdict(run(X, Y, batch_size=8, epochs=3, seed=12)[1])
    assert a == b
    assert a["Q"] != c["Q"]


def test_scalar_view_takes_the_same_steps_as_the_tensor_view():
    X, Y = lecture_data(12)
    _, t = run(X, Y, batch_size=4, epochs=2, seed=5, tol=None)
    _, s = run(X, Y, batch_size=4, epochs=2, seed=5, tol=None, view="scalar")
    np.testing.assert_allclose(s.Q, t.Q, rtol=0, atol=1e-12)
    assert s.accuracy == t.accuracy


# -------------------------------------------------------------- the history


def test_history_has_loss_accuracy_and_per_layer_gradient_norms_per_epoch():
    X, Y = lecture_data()
    model, h = run(X, Y, batch_size=None, epochs=4, tol=None)
    assert h.loss == h.step_loss  # one step per epoch
    assert all(0 <= a <= 1 for a in h.accuracy)
    assert list(h.grad_norms) == ["w1", "w2"] and all(len(v) == 4 for v in h.grad_norms.values())
    first = net()
    half_sse(first(X), Y).backward()
    assert h.grad_norms["w2"][0] == pytest.approx(np.linalg.norm(first.parameters()[1].grad))
    assert h.lr == [0.1] * 4


def test_accuracy_reaches_1_on_the_separable_lecture_data_and_is_none_for_regression():
    X, Y = lecture_data()
    model = net()
    h = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), batch_size=None,
            epochs=200, progress=False)
    assert h.accuracy[-1] == 1.0
    _, h = run(X, 0.5 * Y + 0.2, loss=mse, epochs=1)  # rows not one-hot: regression
    assert h.accuracy == [None]


def test_early_stopping_restores_the_weights_with_the_best_validation_loss():
    X, Y = lecture_data()
    Yv = Y[:20].copy()
    Yv[:6] = 1.0 - Yv[:6]  # 6 of 20 validation labels wrong: val loss falls, then rises
    model = net()
    h = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), batch_size=None,
            epochs=200, validation=(X[:20], Yv), patience=5, progress=False)
    assert h.stop_reason == "early_stopping"
    assert 0 < h.best_epoch < h.epochs == h.best_epoch + 5
    assert h.val_loss[h.best_epoch - 1] == min(h.val_loss) < h.val_loss[-1]
    assert half_sse(model(X[:20]), Yv).item() == pytest.approx(min(h.val_loss), abs=1e-15)


def test_ctrl_c_stops_cleanly_keeping_the_best_weights():
    X, Y = lecture_data()
    calls = {"n": 0}

    def interrupting_loss(a, y):
        calls["n"] += 1
        if calls["n"] == 1 + 60 * 2 + 30:  # Q₀, two epochs, then mid-epoch 3
            raise KeyboardInterrupt
        return half_sse(a, y)

    model = net()
    saved = []
    h = fit(model, X, Y, loss=interrupting_loss, optimizer=SGD(model.parameters(), lr=0.1),
            epochs=10, seed=0, tol=None, progress=False,
            callbacks=[lambda hist: saved.append(model.state_dict())])
    assert h.stop_reason == "interrupted" and h.epochs == 2
    assert h.best_epoch == 1 + int(np.argmin(h.loss))
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, saved[h.best_epoch - 1][k])


@pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")
def test_divergence_stops_and_restores_finite_weights():
    X, Y = lecture_data()
    model = MLP([6, 9, 2], output="identity", seed=0)
    with pytest.warns(RuntimeWarning, match="fit stopped: the loss (became|grew)"):
        h = fit(model, X, Y * 1e3, optimizer=SGD(model.parameters(), lr=1e3),
                batch_size=None, epochs=50, progress=False)
    assert h.stop_reason == "diverged"
    assert all(np.all(np.isfinite(p.data)) for p in model.parameters())


def test_a_callback_stops_training_only_by_returning_true():
    X, Y = lecture_data()
    _, h = run(X, Y, epochs=10, callbacks=[lambda hist: None, lambda hist: hist.epochs == 2])
    assert h.stop_reason == "callback" and h.epochs == 2
    _, h = run(X, Y, epochs=3, tol=None, callbacks=[lambda hist: 1.0, lambda hist: 1])
    assert h.stop_reason == "epochs" and h.epochs == 3      # a number is not a stop signal


def test_progress_bar_shows_epoch_q_and_validation_loss(capsys):
    X, Y = lecture_data(20)
    run(X, Y, epochs=2, progress=True, validation=(X, Y), tol=None)
    err = capsys.readouterr().err
    assert "epoch" in err and "Q=" in err and "val_loss=" in err and "2/2" in err


# ------------------------------------------------------------------ errors


X0, Y0 = lecture_data(10)
BAD = [
    ({"X": X0[0]}, ValueError, r"X must have shape \(N, F\)"),
    ({"Y": Y0[:5]}, ValueError, "X has 10 samples but Y has 5"),
    ({"X": np.where(np.eye(10, 6) == 1, np.nan, X0)}, ValueError, "non-finite number"),
    ({"batch_size": 0}, ValueError, "batch_size=0"),
    ({"batch_size": 2.5}, ValueError, "batch_size=2.5"),
    ({"epochs": 0}, ValueError, "epochs=0"),
    ({"lam": 0.0}, ValueError, "lam=0.0"),
    ({"lam": 1.5}, ValueError, "lam=1.5"),
    ({"tol": -1.0}, ValueError, "tol=-1.0"),
    ({"loss": "hinge"}, ValueError, "'hinge'"),
    ({"patience": 3}, ValueError, "needs validation"),
    ({"view": "graph"}, ValueError, "view='graph'"),
    ({"validation": X0}, ValueError, "a pair"),
    ({"optimizer": "adamm"}, ValueError, "unknown optimizer 'adamm'; valid names: SGD"),
    ({"optimizer": 3}, TypeError, "got int"),
    ({"w_tol": -1.0}, ValueError, "w_tol=-1.0"),
    ({"callbacks": [3]}, TypeError, r"callbacks\[0\] is a int"),
    ({"schedule": 0.5}, TypeError, "schedule must be a stepgrad.optim schedule"),
]


@pytest.mark.parametrize("kw, err, shown", BAD, ids=[b[2] for b in BAD])
def test_bad_input_raises_naming_the_problem(kw, err, shown):
    X, Y = kw.pop("X", X0), kw.pop("Y", Y0)
    with pytest.raises(err, match=shown):
        run(X, Y, **kw)


def test_an_optimizer_of_another_model_is_refused():
    other = net(seed=9)
    with pytest.raises(ValueError, match="not parameters of the model"):
        fit(net(), X0, Y0, optimizer=SGD(other.parameters()), progress=False)
    assert math.isfinite(fit(net(), X0, Y0, epochs=1, progress=False).Q[-1])  # default SGD


# --------------------------------------------------- targets, rules, warnings


def test_class_index_targets_train_exactly_as_one_hot_rows():
    X, Y = lecture_data(30)
    labels = Y.argmax(axis=1)                                  # ints, shape (N,)
    runs = []
    for target in (labels, Y):
        model = MLP([6, 5, 2], output="softmax", seed=0)
        runs.append(fit(model, X, target, loss="cross_entropy", epochs=3, seed=0,
                        optimizer=SGD(model.parameters(), lr=0.1), progress=False, tol=None))
    assert runs[0].Q == runs[1].Q and runs[0].accuracy == runs[1].accuracy
    model = MLP([6, 5, 2], output="softmax", seed=0)
    h = fit(model, X, labels, loss="cross_entropy", epochs=3, seed=0, view="scalar",
            optimizer=SGD(model.parameters(), lr=0.1), progress=False, tol=None)
    np.testing.assert_allclose(h.Q, runs[0].Q, rtol=0, atol=1e-12)


def test_cross_entropy_on_a_sigmoid_output_is_refused_with_the_fix():
    X, Y = lecture_data(20)
    with pytest.raises(ValueError, match='output="softmax"'):
        fit(MLP([6, 5, 2], seed=0), X, Y.argmax(axis=1), loss="cross_entropy", progress=False)
    with pytest.raises(ValueError, match="indices must be integers"):
        fit(MLP([6, 5, 2], output="softmax", seed=0), X, Y.argmax(axis=1).astype(float),
            loss="cross_entropy", progress=False)


def test_names_of_losses_and_optimizers_match_in_any_case():
    X, Y = lecture_data(20)
    _, h = run(X, Y, loss="MSE", epochs=1)
    assert math.isfinite(h.Q[-1])
    model = net()
    h = fit(model, X, Y, optimizer="Adam", epochs=1, progress=False)
    assert h.lr == [1e-3]                                      # Adam's default μ


def test_a_loss_returning_a_float_is_a_type_error_from_fit():
    X, Y = lecture_data(10)
    with pytest.raises(TypeError, match="the loss function returned a float, not a node"):
        run(X, Y, loss=lambda a, y: float(((a.data - y) ** 2).mean()))


def test_a_schedule_steps_by_epoch_or_by_step():
    from stepgrad.optim import StepDecay

    X, Y = lecture_data(20)
    model = net()
    opt = SGD(model.parameters(), lr=0.1)
    h = fit(model, X, Y, optimizer=opt, schedule=StepDecay(opt, step_size=2, gamma=0.5),
            epochs=5, tol=None, progress=False)
    assert h.lr == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025])
    model = net()
    opt = SGD(model.parameters(), lr=0.1)
    sched = StepDecay(opt, step_size=10, gamma=0.5, by="step")
    h = fit(model, X, Y, optimizer=opt, schedule=sched, batch_size=4, epochs=4, tol=None,
            progress=False)
    assert sched.epoch == h.steps == 20 and h.lr == pytest.approx([0.1, 0.1, 0.05, 0.05])
    assert opt.lr == pytest.approx(0.025)
    with pytest.raises(ValueError, match="the schedule drives another optimizer"):
        fit(net(), X, Y, schedule=StepDecay(opt, 2), progress=False)


def test_training_stops_when_w_converges():
    X, Y = lecture_data()
    model = net()
    h = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), batch_size=None,
            epochs=5000, tol=None, w_tol=1e-4, progress=False)
    assert h.stop_reason == "w_converged" and h.epochs < 5000
    before = model.state_dict()
    fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), batch_size=None, epochs=1,
        tol=None, progress=False)
    assert max(np.abs(model.state_dict()[k] - before[k]).max() for k in before) > 0


def test_a_saturating_learning_rate_gets_a_warning_naming_it():
    X, Y = lecture_data()
    model = net(seed=0)                 # all outputs thrown to 0 or 1, σ′ = 0: the loss sits at 1
    with pytest.warns(RuntimeWarning, match=r"learning rate μ = 1e\+06 has likely saturated"):
        h = fit(model, X, Y, optimizer=SGD(model.parameters(), lr=1e6), batch_size=None,
                epochs=10, tol=None, progress=False)
    assert h.stop_reason == "epochs" and all(math.isfinite(q) for q in h.Q)


def test_a_good_run_gets_no_saturation_warning(recwarn):
    X, Y = lecture_data()
    model = net()
    fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.05), batch_size=None,
        epochs=30, tol=None, progress=False)
    assert not [w for w in recwarn if "saturated" in str(w.message)]


def test_fits_body_reads_as_the_lectures_loop():
    source = inspect.getsource(fit)
    text = source[source.index('"""', source.index('"""') + 3) + 3:]
    for line in ("select xᵢ", "forward, Lᵢ, backward", "w := w − μ·L′ᵢ(w)",
                 "Q := λ·Lᵢ + (1 − λ)·Q", "until Q or w converges"):
        assert line in text


def test_fit_zeroes_each_steps_gradients_and_calls_a_models_own_zero_grad():
    """Each step starts from zero gradients: fit zeroes the parameters it listed once, or,
    for a model that defines its own zero_grad, calls it; both take the same steps."""
    X, Y = lecture_data(n=16, seed=0)

    class Counting(MLP):
        calls = 0

        def zero_grad(self):
            type(self).calls += 1
            super().zero_grad()

    plain, counting = MLP([6, 9, 2], seed=3), Counting([6, 9, 2], seed=3)
    for model in (plain, counting):
        fit(model, X, Y, optimizer=SGD(model.parameters(), lr=0.1), batch_size=4, epochs=2,
            tol=None, seed=0, progress=False)
    assert Counting.calls >= 2 * 4  # once a step (2 epochs of 4 batches), at least
    for a, b in zip(plain.parameters(), counting.parameters()):
        np.testing.assert_array_equal(a.data, b.data)  # the same steps, to the bit
