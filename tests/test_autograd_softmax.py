"""Softmax is written once (autograd.softmax_ops.softmax_steps); on Values each output
a_m = softmax_m(v) (and ℓ_m = log softmax_m(v)) is one node with M parents and the
partials ∂a_m/∂v_k = a_m(δ_mk − a_k) (∂ℓ_m/∂v_k = δ_mk − a_k)."""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value, gradcheck, log_softmax, softmax
from stepgrad.autograd.backend import ScalarMath
from stepgrad.autograd.softmax_ops import (
    LogSoftmaxAt,
    SoftmaxAt,
    softmax_steps,
    stable_log_softmax,
    stable_softmax,
)

V = [0.3, -1.2, 2.0, 0.5]


def test_the_steps_are_the_stable_formula():
    st = softmax_steps(np.array(V))
    assert st["m"] == 2.0 and np.all(st["z"] <= 0) and st["s"] >= 1
    a = np.exp(V) / np.exp(V).sum()
    np.testing.assert_allclose(stable_softmax(V), a, rtol=1e-15)
    np.testing.assert_allclose(stable_log_softmax(V), np.log(a), rtol=1e-14)
    np.testing.assert_array_equal(stable_softmax([1000.0, 0.0, -1000.0]), [1.0, 0.0, 0.0])


@pytest.mark.parametrize("shape", [(15, 10), (16, 10), (200, 10), (200, 64), (200, 65), (16, 1)])
@pytest.mark.parametrize("order", ["C", "F"])
def test_a_batch_of_short_rows_is_worked_on_transposed_with_the_same_steps(shape, order):
    """N ≥ 16 rows of M ≤ 64 entries take the steps on a copy of xᵀ (numpy reduces a first
    axis faster than a short last one): each step the plain formula's to rounding, the
    shapes of x, the softmax in x's own layout, x itself untouched."""
    x = np.asarray(np.random.default_rng(1).normal(scale=30.0, size=shape), order=order)
    before = x.copy()
    st = softmax_steps(x, axis=-1)
    m = x.max(axis=1, keepdims=True)
    e = np.exp(x - m)
    assert all(st[k].shape == (shape[0], 1) for k in ("m", "s", "ln"))
    np.testing.assert_array_equal(st["m"], m)
    np.testing.assert_array_equal(st["z"], x - m)
    np.testing.assert_array_equal(st["e"], e)
    np.testing.assert_allclose(st["s"], e.sum(axis=1, keepdims=True), rtol=1e-15)
    a = stable_softmax(x, axis=1)
    np.testing.assert_allclose(a, e / e.sum(axis=1, keepdims=True), rtol=1e-15)
    assert a.flags.c_contiguous if order == "C" else a.flags.f_contiguous
    np.testing.assert_allclose(stable_log_softmax(x, axis=-1), np.log(a), rtol=1e-13, atol=1e-13)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("fn, op", [(softmax, SoftmaxAt), (log_softmax, LogSoftmaxAt)])
def test_on_values_each_output_is_one_node_and_agrees_with_the_tensor_op(fn, op):
    v = [Value(x) for x in V]
    out = fn(v)
    assert [o.op for o in out] == [op] * len(V)
    assert all(o.parents == tuple(v) for o in out)
    np.testing.assert_allclose([o.data for o in out], fn(Tensor(np.array(V))).data, rtol=1e-15)


def test_the_partials_are_a_m_times_delta_minus_a_k():
    v = [Value(x) for x in V]
    a = np.array([o.data for o in softmax(v)])
    for m in range(len(V)):
        local = SoftmaxAt.partials(ScalarMath, m, a[m], *V)
        np.testing.assert_allclose(local, a[m] * (np.eye(len(V))[m] - a), rtol=1e-14)
        local = LogSoftmaxAt.partials(ScalarMath, m, np.log(a[m]), *V)
        np.testing.assert_allclose(local, np.eye(len(V))[m] - a, rtol=1e-14)


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_gradcheck_on_values(fn):
    weights = [0.7, -0.4, 1.3, 0.2]
    assert gradcheck(lambda *v: sum(w * o for w, o in zip(weights, fn(list(v)))),
                     [Value(x) for x in V])


def test_log_softmax_of_extreme_logits_is_exact_on_values():
    v = [Value(1000.0), Value(0.0), Value(-1000.0)]
    out = log_softmax(v)
    assert [o.data for o in out] == [0.0, -1000.0, -2000.0]
    out[2].backward()
    assert [x.grad for x in v] == [-1.0, 0.0, 1.0]
