"""The lecture's losses on Value lists and Tensors: formulas, gradients, stability, bad input."""

import math

import numpy as np
import pytest

import stepgrad.nn as nn
from stepgrad.autograd import Tensor, Value, gradcheck

rng = np.random.default_rng(4)
A = rng.uniform(0.1, 0.9, size=(4, 3))            # probabilities / predictions
P = A / A.sum(axis=1, keepdims=True)               # probability distributions (rows sum to 1)
Y = rng.uniform(0.0, 1.0, size=(4, 3))            # targets
Z = rng.normal(0.0, 2.0, size=(4, 3))             # logits
ONE_HOT = np.eye(3)[[0, 2, 1, 2]]
PM = np.where(rng.random((4, 3)) < 0.5, -1.0, 1.0)  # ±1 labels

# (loss, prediction, target, keyword arguments), every case away from kinks
CASES = {
    "mse": (nn.mse, A, Y, {}),
    "half_sse": (nn.half_sse, A, Y, {}),
    "msle": (nn.msle, A, Y, {}),
    "mae": (nn.mae, A, Y, {}),
    "cross_entropy": (nn.cross_entropy, P, ONE_HOT, {}),
    "cross_entropy_logits": (nn.cross_entropy, Z, ONE_HOT, {"from_logits": True}),
    "binary_cross_entropy": (nn.binary_cross_entropy, A, Y, {}),
    "binary_cross_entropy_logits": (nn.binary_cross_entropy, Z, Y, {"from_logits": True}),
    "squared_hinge": (nn.squared_hinge, Z, PM, {}),
}

# each loss of one sample (a, y) as the slides write it, in plain floats
REFERENCE = {
    "mse": lambda a, y: sum((ai - yi) ** 2 for ai, yi in zip(a, y)) / len(a),
    "half_sse": lambda a, y: 0.5 * sum((ai - yi) ** 2 for ai, yi in zip(a, y)),
    "msle": lambda a, y: sum((math.log(yi + 1) - math.log(ai + 1)) ** 2
                             for ai, yi in zip(a, y)) / len(a),
    "mae": lambda a, y: sum(abs(ai - yi) for ai, yi in zip(a, y)) / len(a),
    "cross_entropy": lambda a, y: -sum(yi * math.log(ai) for ai, yi in zip(a, y)),
    "cross_entropy_logits": lambda u, y: -sum(
        yi * (ui - math.log(sum(math.exp(uk) for uk in u))) for ui, yi in zip(u, y)),
    "binary_cross_entropy": lambda a, y: -sum(
        yi * math.log(ai) + (1 - yi) * math.log(1 - ai) for ai, yi in zip(a, y)) / len(a),
    "binary_cross_entropy_logits": lambda z, y: -sum(
        yi * math.log(1 / (1 + math.exp(-zi))) + (1 - yi) * math.log(1 - 1 / (1 + math.exp(-zi)))
        for zi, yi in zip(z, y)) / len(z),
    "squared_hinge": lambda a, y: sum(max(0.0, 1 - yi * ai) ** 2
                                      for ai, yi in zip(a, y)) / len(a),
}


@pytest.mark.parametrize("case", CASES)
def test_value_list_loss_is_the_slides_formula_and_passes_gradcheck(case):
    loss, P, T, kw = CASES[case]
    for a, y in zip(P, T):
        vs = [Value(float(x)) for x in a]
        assert math.isclose(loss(vs, list(y), **kw).data, REFERENCE[case](a, y), rel_tol=1e-12)
        assert gradcheck(lambda *v, y=y: loss(list(v), list(y), **kw), vs)


@pytest.mark.parametrize("case", CASES)
def test_tensor_loss_is_the_mean_of_the_rows_and_passes_gradcheck(case):
    loss, P, T, kw = CASES[case]
    rows = [REFERENCE[case](a, y) for a, y in zip(P, T)]
    assert math.isclose(loss(Tensor(P), T, **kw).item(), np.mean(rows), rel_tol=1e-12)
    assert gradcheck(lambda t: loss(t, T, **kw), [Tensor(P)])


@pytest.mark.parametrize("case", CASES)
def test_reduction_sum_is_mean_times_count(case):
    loss, P, T, kw = CASES[case]
    per_sample = case in ("half_sse", "cross_entropy", "cross_entropy_logits")
    count = P.shape[0] if per_sample else P.size
    mean = loss(Tensor(P), T, **kw).item()
    assert math.isclose(loss(Tensor(P), T, reduction="sum", **kw).item(), mean * count,
                        rel_tol=1e-12)
    with pytest.raises(ValueError, match="reduction must be 'mean' or 'sum'"):
        loss(Tensor(P), T, reduction="avg", **kw)


def test_value_and_tensor_gradients_agree_for_one_sample():
    for case, (loss, P, T, kw) in CASES.items():
        vs = [Value(float(x)) for x in P[0]]
        loss(vs, list(T[0]), **kw).backward()
        t = Tensor(P[:1])
        loss(t, T[:1], **kw).backward()
        np.testing.assert_allclose([v.grad for v in vs], t.grad[0], rtol=1e-12,
                                   atol=1e-15, err_msg=case)


def test_cross_entropy_of_extreme_logits_is_2000_with_gradient_1_0_minus_1():
    u = [Value(1000.0), Value(0.0), Value(-1000.0)]
    L = nn.cross_entropy(u, 2, from_logits=True)
    L.backward()
    assert L.data == 2000.0
    assert [v.grad for v in u] == [1.0, 0.0, -1.0]
    t = Tensor(np.array([[1000.0, 0.0, -1000.0]]))
    L = nn.cross_entropy(t, np.array([2]), from_logits=True)
    L.backward()
    assert L.item() == 2000.0
    np.testing.assert_array_equal(t.grad, [[1.0, 0.0, -1.0]])


def test_class_indices_equal_one_hot_targets():
    """Indices gather each row's true class, one-hot rows multiply and sum every entry:
    the same loss and gradient, up to the order of the additions (1e-14)."""
    idx = np.array([0, 2, 1, 2])
    for kw in ({}, {"from_logits": True}):
        U = Z if kw else P
        for data in (U, U[:, :, None].repeat(2, axis=2).transpose(2, 0, 1)):  # (N, M), (2, N, M)
            a, b = Tensor(data), Tensor(data)
            La = nn.cross_entropy(a, idx if data.ndim == 2 else np.stack([idx, idx]), **kw)
            Lb = nn.cross_entropy(b, ONE_HOT if data.ndim == 2 else np.stack([ONE_HOT] * 2),
                                  **kw)
            assert La.item() == pytest.approx(Lb.item(), rel=1e-14, abs=0)
            La.backward()
            Lb.backward()
            np.testing.assert_allclose(a.grad, b.grad, rtol=1e-14, atol=1e-16)
    vs = [Value(float(x)) for x in P[1]]
    assert nn.cross_entropy(vs, 2).data == nn.cross_entropy(vs, [0.0, 0.0, 1.0]).data


def test_binary_cross_entropy_is_finite_at_p_0_and_p_1():
    for p, y in [(0.0, 1.0), (1.0, 0.0)]:
        v = Value(p)
        L = nn.binary_cross_entropy([v], [y])
        L.backward()
        assert math.isfinite(L.data) and math.isfinite(v.grad)
        assert L.data == pytest.approx(-math.log(1e-12))
        t = Tensor(np.array([p]))
        assert math.isfinite(nn.binary_cross_entropy(t, np.array([y])).item())


def test_binary_cross_entropy_from_logits_is_stable_and_right_at_zero():
    z = [Value(1000.0), Value(-1000.0), Value(0.0)]
    L = nn.binary_cross_entropy(z, [0.0, 1.0, 0.3], reduction="sum", from_logits=True)
    L.backward()
    assert L.data == pytest.approx(2000.0 + math.log(2))
    assert [v.grad for v in z] == [1.0, -1.0, pytest.approx(0.5 - 0.3, abs=1e-15)]


def test_mae_and_hinge_at_their_kinks():
    a = Value(0.5)
    nn.mae([a], [0.5]).backward()
    assert a.grad == 0.0
    a = Value(1.0)
    L = nn.squared_hinge([a], [1.0])
    L.backward()
    assert (L.data, a.grad) == (0.0, 0.0)


@pytest.mark.parametrize("loss", [nn.mse, nn.half_sse, nn.msle, nn.mae, nn.cross_entropy,
                                  nn.binary_cross_entropy, nn.squared_hinge])
def test_mismatched_lengths_and_shapes_name_both(loss):
    with pytest.raises(ValueError, match="prediction has 3 entries but target has 2"):
        loss([Value(0.5)] * 3, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"prediction has shape \(4, 3\) but target has "
                                         r"shape \(4, 2\)"):
        loss(Tensor(A), np.ones((4, 2)))


def test_msle_refuses_predictions_at_or_below_minus_one():
    with pytest.raises(ValueError, match="msle: predictions must be > -1"):
        nn.msle([Value(-1.0)], [0.0])
    with pytest.raises(ValueError, match="got -2.0"):
        nn.msle(Tensor(np.array([0.5, -2.0])), np.zeros(2))


def test_squared_hinge_asks_to_convert_0_1_labels():
    with pytest.raises(ValueError, match=r"0/1 labels; convert them with y = 2\*y - 1"):
        nn.squared_hinge(Tensor(Z[:, 0]), (Z[:, 0] > 0).astype(float))
    with pytest.raises(ValueError, match="labels must be -1 or \\+1, got 0.5"):
        nn.squared_hinge([Value(1.0)], [0.5])


def test_probabilities_outside_0_1_suggest_from_logits():
    for loss in (nn.cross_entropy, nn.binary_cross_entropy):
        with pytest.raises(ValueError, match="from_logits=True"):
            loss([Value(1.5), Value(-0.5)], [1.0, 0.0])


def test_class_index_out_of_range():
    with pytest.raises(ValueError, match="class ind"):
        nn.cross_entropy(Tensor(P), np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="class index must be in 0..2"):
        nn.cross_entropy([Value(0.3)] * 3, 5)


def _ops(root):
    """The op names of a graph, in the engine's topological order (Σ of Values is nsum, a
    Value's log-softmax one log_softmax_at node per entry)."""
    from stepgrad.autograd import toposort
    return [{"nsum": "sum", "log_softmax_at": "log_softmax"}.get(n.op.name, n.op.name)
            for n in toposort(root) if n.op is not None]


@pytest.mark.parametrize("case", CASES)
def test_both_views_record_the_same_ops_for_the_same_formula(case):
    loss, P_, T, kw = CASES[case]
    t_ops = _ops(loss(Tensor(P_[0]), T[0], **kw))
    v_ops = _ops(loss([Value(float(x)) for x in P_[0]], list(T[0]), **kw))
    m = len(P_[0])
    # every Tensor op appears once per entry in the Value graph, reductions once;
    # a Value inside [eps, 1] needs no clip node (Values have no clip op)
    assert sorted(set(t_ops) - {"clip"}) == sorted(set(v_ops))
    for name in set(t_ops) - {"sum", "mul", "clip"}:
        assert v_ops.count(name) in (t_ops.count(name), m * t_ops.count(name)), name


def test_squares_are_recorded_as_d_times_d_in_both_views():
    for a in (Tensor(A[0]), [Value(float(x)) for x in A[0]]):
        ops = _ops(nn.mse(a, Y[0]))
        assert "pow" not in ops and "mul" in ops


def test_class_indices_work_in_every_loss_and_must_be_integers():
    idx = np.array([0, 2, 1, 2])
    for loss in (nn.mse, nn.half_sse, nn.mae, nn.cross_entropy):
        assert loss(Tensor(P), idx).item() == pytest.approx(loss(Tensor(P), ONE_HOT).item(),
                                                            rel=1e-14, abs=0)
    with pytest.raises(ValueError, match="indices must be integers"):
        nn.cross_entropy(Tensor(P), idx.astype(float))
    with pytest.raises(ValueError, match="indices must be integers"):
        nn.cross_entropy([Value(0.5), Value(0.5)], 1.0)


def test_a_1d_probability_vector_with_an_index_array_is_refused():
    p = Tensor(np.array([0.2, 0.3, 0.5]))
    with pytest.raises(ValueError, match="must hold one-hot rows; class indices have one "
                                         "entry per sample"):
        nn.cross_entropy(p, np.array([0, 2, 1]))
    assert nn.cross_entropy(p, np.array([0, 0, 1])).item() == pytest.approx(-math.log(0.5))


def test_cross_entropy_refuses_outputs_that_are_not_distributions_and_names_the_fix():
    model = nn.MLP([6, 5, 2], seed=0)                     # default output="sigmoid"
    X = rng.normal(size=(4, 6))
    with pytest.raises(ValueError, match=r'not probability distributions \(row 0 sums to '
                                         r'.*output="softmax".*from_logits=True'):
        nn.cross_entropy(model(X), np.array([0, 1, 1, 0]))
    with pytest.raises(ValueError, match="not probability distributions"):
        nn.cross_entropy(model(list(X[0])), 1)
    soft = nn.MLP([6, 5, 2], output="softmax", seed=0)
    assert math.isfinite(nn.cross_entropy(soft(X), np.array([0, 1, 1, 0])).item())


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_cross_entropy_of_class_indices_has_the_central_difference_gradient(from_logits,
                                                                            reduction):
    """The gathered true-class entries (a[n, y_n]) and their scattered gradient, float64:
    from logits, and from a softmax output (whose check reads the gathered entries only)."""
    from stepgrad.autograd import gradcheck

    r = np.random.default_rng(3)
    U = Tensor(r.normal(size=(6, 4)))
    y = np.array([0, 3, 1, 1, 2, 3])
    if from_logits:
        def f(u):
            return nn.cross_entropy(u, y, reduction=reduction, from_logits=True)
    else:
        def f(u):
            return nn.cross_entropy(u.softmax(axis=-1), y, reduction=reduction)
    assert gradcheck(f, [U])
    want = -np.log(np.exp(U.data) / np.exp(U.data).sum(1, keepdims=True))[np.arange(6), y]
    got = f(U).item()
    assert got == pytest.approx(want.mean() if reduction == "mean" else want.sum(), rel=1e-13)


def test_cross_entropy_of_indices_refuses_a_nan_softmax_output_and_bad_indices_as_before():
    U = Tensor(np.array([[np.nan, 0.0, 1.0], [0.0, 1.0, 2.0]]))
    with pytest.raises(ValueError, match="probabilities must be in"):
        nn.cross_entropy(U.softmax(axis=-1), np.array([0, 1]))
    good = Tensor(np.zeros((2, 3))).softmax(axis=-1)
    with pytest.raises(ValueError, match=r"class indices must be in 0..2, got -1..1"):
        nn.cross_entropy(good, np.array([-1, 1]))
    with pytest.raises(ValueError, match="indices must be integers"):
        nn.cross_entropy(good, np.array([0.0, 1.0]))
    with pytest.raises(ValueError, match="class index must be in 0..2, got 3"):
        nn.cross_entropy(Tensor(np.zeros(3)), 3, from_logits=True)
    one = nn.cross_entropy(Tensor(np.array([1000.0, 0.0, -1000.0])), 2, from_logits=True)
    assert one.item() == 2000.0  # one sample: a 1-D prediction and an int


@pytest.mark.parametrize("from_logits", [False, True])
def test_a_class_index_of_m_or_more_is_named_not_numpys_index_error(from_logits):
    """cross_entropy leaves the test y < M to its gather; the gather's IndexError is
    turned into the named error, with numpy's exception not chained to it."""
    good = Tensor(np.zeros((2, 3)))
    a = good if from_logits else good.softmax(axis=-1)
    with pytest.raises(ValueError, match=r"class indices must be in 0..2, got 0..3") as err:
        nn.cross_entropy(a, np.array([0, 3]), from_logits=from_logits)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    with pytest.raises(ValueError, match="class index must be in 0..2, got 7"):
        nn.cross_entropy(Tensor(np.zeros(3)) if from_logits else Tensor(np.zeros(3)).softmax(),
                         7, from_logits=from_logits)


def test_cross_entropy_of_indices_on_a_softmax_clamps_only_when_a_picked_entry_is_below_eps():
    """Picked probabilities all in [eps, 1]: one node −Σ ln a[n, y_n] on a itself (no clamp
    node); one below eps (a softmax that underflowed to 0): clamped, L = −ln eps, the
    gradient finite."""
    from stepgrad.autograd.loss_ops import CrossEntropyAt

    U = Tensor(np.array([[2.0, 0.0, -1.0], [1000.0, 0.0, 0.0]]))
    a = U.softmax(axis=-1)
    inside = nn.cross_entropy(a, np.array([0, 0]), reduction="sum")
    assert inside.op is CrossEntropyAt and inside.parents == (a,)  # nothing between
    want = -np.log(a.data[[0, 1], [0, 0]]).sum()
    assert inside.item() == pytest.approx(want, rel=1e-15)
    below = nn.cross_entropy(a, np.array([0, 1]), reduction="sum")
    assert a.data[1, 1] == 0.0
    assert below.item() == pytest.approx(-np.log(a.data[0, 0]) - math.log(1e-12), rel=1e-15)
    below.backward()
    assert np.all(np.isfinite(U.grad)) and a.grad[1, 1] == -1e12  # −1/eps: a push, not 0
