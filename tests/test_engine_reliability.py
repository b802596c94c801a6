"""The engine at its edges (issue 18): backward() where no gradient can flow, softmax over an
empty axis or huge logits, cross-entropy at probabilities of exactly 0 and 1, and training whose
loss grows, which is divergence, never convergence."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from stepgrad import nn
from stepgrad.autograd import Tensor, Value, log_softmax, no_grad, softmax
from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.nn.value_vector import ValueVector
from stepgrad.optim import SGD, Adam, fit
from stepgrad.optim.fit_watch import GROWTH

EPS = 1e-12


# ------------------------------------------------------- backward with no graph


def test_backward_on_a_result_made_under_no_grad_or_from_constants_raises():
    w, v = Tensor([1.0, 2.0]), Value(2.0)
    with no_grad():
        results = [(w * 3.0).sum(), v * 3.0]
    results += [(Tensor([1.0, 2.0], requires_grad=False) * 3.0).sum(), w.detach().sum()]
    for r in results:
        with pytest.raises(RuntimeError, match=r"no gradient can flow from this result: it was "
                                               r"computed inside no_grad\(\), or from constants"):
            r.backward()
    assert w.grad.tolist() == [0.0, 0.0] and v.grad == 0.0
    (w * 3.0).sum().backward()                    # a graph back to w: flows as before
    v.backward()                                  # a leaf the user made: ∂v/∂v = 1
    assert w.grad.tolist() == [3.0, 3.0] and v.grad == 1.0


# ------------------------------------------------------------------ softmax


@pytest.mark.parametrize("op", [softmax, log_softmax], ids=["softmax", "log_softmax"])
@pytest.mark.parametrize("shape, axis", [((3, 0), 1), ((0, 3), 1), ((0,), 0), ((2, 0, 4), 1)])
def test_softmax_over_an_empty_axis_is_empty_as_in_pytorch(op, shape, axis):
    x = Tensor(np.zeros(shape))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = op(x, axis=axis)
        y.sum().backward()
    assert y.data.shape == shape and x.grad.shape == shape


def test_softmax_of_no_values_is_no_values():
    assert nn.softmax([]) == [] and ValueVector([]).log_softmax().values == []


def test_softmax_of_huge_logits_is_right_and_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # numpy's overflow warning would raise
        x = Tensor([1e308, -1e308])
        s = x.softmax()
        s[0].backward()
        ls = Tensor([1e308, -1e308]).log_softmax()
    assert s.data.tolist() == [1.0, 0.0] and x.grad.tolist() == [0.0, 0.0]
    assert ls.data.tolist() == [0.0, -np.inf]
    with np.errstate(invalid="ignore"):           # inf − inf is NaN, as numpy and PyTorch
        assert np.isnan(Tensor([np.inf, 1.0]).softmax().data[0])


# ------------------------------------------------ cross-entropy at exactly 0 and 1


@pytest.mark.parametrize("view", ["tensor", "values"])
def test_cross_entropy_at_zero_for_the_true_class_pushes_hard_as_pytorch(view):
    """L = −ln eps ≈ 27.6 and ∂L/∂a = −1/eps = −10¹²: a wrong certainty is corrected."""
    a = Tensor([[0.0, 1.0]]) if view == "tensor" else [Value(0.0), Value(1.0)]
    L = nn.cross_entropy(a, [[1.0, 0.0]] if view == "tensor" else [1.0, 0.0])
    L.backward()
    grad = a.grad[0] if view == "tensor" else [v.grad for v in a]
    assert float(L.data) == pytest.approx(-np.log(EPS), rel=1e-12)
    assert grad[0] == pytest.approx(-1 / EPS, rel=1e-12) and grad[1] == 0.0


@pytest.mark.parametrize("a, y, loss, slope", [
    (0.0, 1.0, -np.log(EPS), -1 / EPS),           # PyTorch: −1e12
    (1.0, 0.0, -np.log1p(-(1 - EPS)), 1 / (1 - (1 - EPS))),   # PyTorch: +1e12
    (0.0, 0.0, -np.log1p(-EPS), 1 / (1 - EPS)),   # exact slope 1/(1 − a) = 1 (PyTorch: 0)
    (1.0, 1.0, -np.log(1 - EPS), -1 / (1 - EPS)),
    (0.3, 1.0, -np.log(0.3), -1 / 0.3),           # inside: untouched
])
def test_binary_cross_entropy_at_exactly_zero_or_one(a, y, loss, slope):
    for p in (Tensor([a]), [Value(a)]):
        L = nn.binary_cross_entropy(p, [y])
        L.backward()
        g = p.grad[0] if isinstance(p, Tensor) else p[0].grad
        assert float(L.data) == pytest.approx(loss, rel=1e-9)
        assert g == pytest.approx(slope, rel=1e-9)


def test_binary_cross_entropy_matches_pytorch_where_pytorch_is_exact():
    torch = pytest.importorskip("torch")
    for a, y in ((0.0, 1.0), (1.0, 0.0), (0.3, 1.0), (0.7, 0.0)):
        p = torch.tensor([a], dtype=torch.float64, requires_grad=True)
        torch.nn.functional.binary_cross_entropy(p, torch.tensor([y], dtype=torch.float64)) \
            .backward()
        t = Tensor([a])
        nn.binary_cross_entropy(t, [y]).backward()
        assert t.grad[0] == pytest.approx(p.grad.item(), rel=1e-4)


# ------------------------------------------------------------- divergence in fit


@pytest.mark.parametrize("output, loss, rule, batch_size", [
    ("softmax", "cross_entropy", SGD, None),   # sat flat at 12.5 from 0.69: was "converged"
    ("identity", "mse", SGD, 32),              # reached 3.5e271 in 20 epochs, no word
    ("identity", "mse", Adam, 32),             # reached 2.8e11, no word
])
def test_a_loss_that_grows_by_an_order_of_magnitude_is_divergence_never_convergence(
        output, loss, rule, batch_size):
    X, Y = lecture_data()
    model = MLP([6, 9, 2], output=output, seed=0)
    start = model.state_dict()
    with pytest.warns(RuntimeWarning, match=r"fit stopped: the loss grew from Q₀ = [\d.]+ to "
                                            r"\S+ \(\S+×\) in \d+ epochs?: training diverged "
                                            r"\(lower the learning rate μ = 1e\+06\)"):
        h = fit(model, X, Y, loss=loss, optimizer=rule(model.parameters(), lr=1e6),
                batch_size=batch_size, epochs=20, progress=False)
    assert h.stop_reason == "diverged" and h.loss[-1] >= GROWTH * h.Q[0]
    assert all(np.array_equal(v, start[k]) for k, v in model.state_dict().items())  # epoch 0


def test_a_good_run_is_not_called_divergence(recwarn):
    X, Y = lecture_data()
    model = MLP([6, 9, 2], output="softmax", seed=0)
    h = fit(model, X, Y, loss="cross_entropy", optimizer=Adam(model.parameters(), lr=0.01),
            batch_size=32, epochs=20, progress=False)
    assert h.stop_reason in ("epochs", "converged") and h.loss[-1] < h.Q[0]
    assert not [w for w in recwarn if "diverged" in str(w.message)]
