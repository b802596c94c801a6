"""The Tensor-only ops: every gradient agrees with central differences.

Each op is checked by :func:`gradcheck` (float64, full Jacobian for these
small shapes) on random shapes and values drawn by hypothesis: matmul in every
numpy arrangement, sums and maxima over any axes (negative too, with and
without keepdims), reshapes, transposes, basic and advanced indexing (repeated
indices), concat, stack, where, clip, softmax, log-softmax, and the elementwise
ops broadcasting in both directions. The elementwise op table itself is
tests/test_ops.py.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepgrad.autograd import (
    Tensor,
    concat,
    gradcheck,
    log_softmax,
    matmul,
    softmax,
    stack,
    where,
)

dims = st.integers(1, 4)
seeds = st.integers(0, 2**32 - 1)


def rand(seed, *shape, offset=0):
    return np.random.default_rng(seed + offset).standard_normal(shape)


def weighted(out, seed):
    """Σ c·out with fixed random c: a scalar whose gradient exercises every entry."""
    c = Tensor(rand(seed, *out.shape, offset=99), requires_grad=False)
    return (out * c).sum()


def check(f, *arrays, seed=0):
    inputs = [Tensor(a) for a in arrays]
    assert gradcheck(lambda *xs: weighted(f(*xs), seed), inputs)
    return inputs


# ------------------------------------------------------------------ matmul


@given(n=dims, k=dims, m=dims, seed=seeds)
def test_matmul_gradient_is_G_Bt_and_At_G(n, k, m, seed):
    a, b = check(lambda a, b: a @ b, rand(seed, n, k), rand(seed, k, m, offset=1), seed=seed)
    g = rand(seed, n, m, offset=99)  # the weights of `weighted`: ∂L/∂F
    np.testing.assert_allclose(a.grad, g @ b.data.T, rtol=1e-12)
    np.testing.assert_allclose(b.grad, a.data.T @ g, rtol=1e-12)


@pytest.mark.parametrize("sa, sb", [
    ((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 2, 3), (3, 4)), ((2, 3), (2, 3, 4)),
    ((2, 2, 3), (2, 3, 1)), ((1, 2, 3), (4, 3, 2)), ((3,), (2, 3, 2)), ((2, 1, 2, 3), (3, 3, 2)),
])
def test_matmul_1d_and_batched_operands_as_numpy(sa, sb):
    a, b = rand(0, *sa), rand(0, *sb, offset=1)
    out = Tensor(a) @ Tensor(b)
    np.testing.assert_allclose(out.data, a @ b, rtol=1e-12)
    ga, gb = check(lambda x, y: x @ y, a, b)
    assert ga.grad.shape == sa and gb.grad.shape == sb


def test_matmul_with_arrays_on_either_side_and_the_function_form():
    a, b = rand(0, 2, 3), rand(0, 3, 2, offset=1)
    for out in (Tensor(a) @ b, a @ Tensor(b), matmul(a, Tensor(b)), Tensor(a).__matmul__(b)):
        assert isinstance(out, Tensor)
        np.testing.assert_allclose(out.data, a @ b, rtol=1e-12)


def test_gradcheck_of_a_100_by_100_matmul_uses_random_directions():
    a, b = Tensor(rand(1, 100, 100)), Tensor(rand(2, 100, 100))
    assert gradcheck(lambda x, y: ((x @ y).tanh() * 0.1).sum(), [a, b])


def test_data_needs_no_gradient_and_gets_none():
    x = Tensor(rand(0, 5, 3), requires_grad=False)
    w = Tensor(rand(0, 3, 2, offset=1))
    (x @ w).sum().backward()
    assert x.grad is None and w.grad.shape == (3, 2)
    np.testing.assert_allclose(w.grad, x.data.T @ np.ones((5, 2)), rtol=1e-12)
    c = (x * 2.0).exp()  # an op on constants only is a constant: nothing recorded
    assert c.is_leaf and not c.requires_grad and c.parents == ()


# -------------------------------------------------------------- reductions


def axis_choice(nd):
    return st.one_of(st.none(), st.integers(-nd, nd - 1),
                     st.lists(st.integers(0, nd - 1), min_size=1, max_size=nd,
                              unique=True).map(tuple))


@given(shape=st.lists(dims, min_size=1, max_size=3), data=st.data(), seed=seeds,
       keepdims=st.booleans())
def test_sum_mean_max_over_any_axes(shape, data, seed, keepdims):
    axis = data.draw(axis_choice(len(shape)))
    x = rand(seed, *shape)
    for name in ("sum", "mean", "max"):
        out = getattr(Tensor(x), name)(axis=axis, keepdims=keepdims)
        want = getattr(np, "amax" if name == "max" else name)(x, axis=axis, keepdims=keepdims)
        assert out.shape == np.shape(want)
        np.testing.assert_allclose(out.data, want, rtol=1e-12)
        check(lambda t, n=name: getattr(t, n)(axis=axis, keepdims=keepdims), x, seed=seed)


def test_max_ties_split_the_gradient_evenly():
    x = Tensor([3.0, 1.0, 3.0, 3.0])
    x.max().backward()
    np.testing.assert_array_equal(x.grad, [1 / 3, 0, 1 / 3, 1 / 3])
    m = Tensor([[2.0, 2.0], [1.0, 5.0]])
    (m.max(axis=1) * Tensor([10.0, 1.0])).sum().backward()
    np.testing.assert_array_equal(m.grad, [[5.0, 5.0], [0.0, 1.0]])


def test_mean_is_sum_times_one_over_n():
    x = Tensor(rand(0, 4, 5))
    x.mean(axis=0).sum().backward()
    np.testing.assert_allclose(x.grad, np.full((4, 5), 0.25), rtol=1e-15)


# ------------------------------------------------------------ reshapes, indexing


@given(shape=st.lists(dims, min_size=1, max_size=4), seed=seeds)
def test_reshape_and_transpose(shape, seed):
    x = rand(seed, *shape)
    perm = tuple(np.random.default_rng(seed).permutation(len(shape)))
    check(lambda t: t.reshape(-1), x, seed=seed)
    check(lambda t: t.reshape(1, *reversed(shape)), x, seed=seed)
    check(lambda t: t.transpose(*perm), x, seed=seed)
    check(lambda t: t.T, x, seed=seed)
    np.testing.assert_array_equal(Tensor(x).transpose(perm).data, x.transpose(perm))


INDICES = [
    1, -1, slice(1, None), slice(None, None, -2), (slice(None), 0), (Ellipsis, 1), (None, 0),
    [0, 0, 2], np.array([2, -1, 2, 0]), (np.array([0, 0]), np.array([1, 1])),
    np.array([True, False, True]), (slice(0, 2), [1, 1, 0]),
]


@pytest.mark.parametrize("idx", INDICES, ids=repr)
def test_indexing_scatters_the_gradient_back(idx):
    x = rand(3, 3, 4)
    out = Tensor(x)[idx]
    np.testing.assert_array_equal(out.data, x[idx])
    check(lambda t: t[idx], x)


def test_repeated_indices_accumulate():
    x = Tensor([1.0, 2.0, 3.0])
    x[[0, 0, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])
    w = Tensor(np.zeros((3, 2)))
    (w[1:].sum() + w[1].sum() * 2 + w[Tensor([1.0, 1.0])].sum()).backward()
    np.testing.assert_array_equal(w.grad, [[0, 0], [5, 5], [1, 1]])


# ---------------------------------------------------------- joining, selecting


@given(shape=st.lists(dims, min_size=1, max_size=3), data=st.data(), seed=seeds)
def test_concat_and_stack_along_any_axis(shape, data, seed):
    nd = len(shape)
    axis = data.draw(st.integers(-nd, nd - 1))
    other = list(shape)
    other[axis] += 1
    a, b = rand(seed, *shape), rand(seed, *other, offset=1)
    np.testing.assert_array_equal(concat([Tensor(a), b], axis=axis).data,
                                  np.concatenate([a, b], axis=axis))
    check(lambda x, y: concat([x, y], axis=axis), a, b, seed=seed)
    s_axis = data.draw(st.integers(-nd - 1, nd))
    np.testing.assert_array_equal(stack([Tensor(a), Tensor(a)], axis=s_axis).data,
                                  np.stack([a, a], axis=s_axis))
    check(lambda x, y: stack([x, y, x], axis=s_axis), a, rand(seed, *shape, offset=2),
          seed=seed)


@given(n=dims, m=dims, seed=seeds)
def test_where_selects_and_broadcasts(n, m, seed):
    rng = np.random.default_rng(seed)
    cond = rng.random((n, m)) > 0.5
    a, b = rand(seed, n, m), rand(seed, m, offset=1)
    np.testing.assert_array_equal(where(cond, Tensor(a), Tensor(b)).data, np.where(cond, a, b))
    ta, tb = check(lambda x, y: where(cond, x, y), a, b, seed=seed)
    assert tb.grad.shape == (m,)


@given(shape=st.lists(dims, min_size=1, max_size=3), seed=seeds)
def test_clip_passes_the_gradient_inside_the_interval_only(shape, seed):
    x = rand(seed, *shape)
    x[np.abs(np.abs(x) - 0.5) < 1e-3] = 0.0  # keep finite differences off the kinks
    check(lambda t: t.clip(-0.5, 0.5), x, seed=seed)
    t = Tensor([-1.0, -0.5, 0.0, 0.5, 2.0])
    t.clip(-0.5, 0.5).sum().backward()
    np.testing.assert_array_equal(t.grad, [0, 1, 1, 1, 0])  # 1 on [lo, hi], as PyTorch


# ----------------------------------------------------------------- softmax


@given(shape=st.lists(dims, min_size=1, max_size=3), data=st.data(), seed=seeds)
def test_softmax_and_log_softmax_along_any_axis(shape, data, seed):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    x = rand(seed, *shape) * 3
    s = softmax(Tensor(x), axis=axis).data
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    np.testing.assert_allclose(s, e / e.sum(axis=axis, keepdims=True), rtol=1e-12)
    np.testing.assert_allclose(log_softmax(Tensor(x), axis=axis).data, np.log(s), atol=1e-12)
    check(lambda t: t.softmax(axis), x, seed=seed)
    check(lambda t: t.log_softmax(axis), x, seed=seed)


def test_softmax_of_equal_large_logits_is_uniform():
    np.testing.assert_array_equal(Tensor([1e4, 1e4]).softmax().data, [0.5, 0.5])
    np.testing.assert_array_equal(Tensor([1e4, 1e4]).log_softmax().data, [-np.log(2)] * 2)
    big = Tensor([[1000.0, 0.0, -1000.0]])
    assert np.all(np.isfinite(big.log_softmax().data))
    assert gradcheck(lambda t: (t.log_softmax() * Tensor([[1.0, 2.0, 3.0]])).sum(),
                     [Tensor([[1e4, 1e4, 1e4 - 1]])])


# ---------------------------------------------------------- broadcasting


@pytest.mark.parametrize("sa, sb", [
    ((3, 1), (1, 4)), ((4,), (3, 4)), ((3, 4), (4,)), ((2, 1, 3), (4, 1)), ((), (2, 3)),
    ((2, 3), ()), ((1,), (3,)),
])
def test_elementwise_ops_broadcast_both_ways_and_grads_keep_each_shape(sa, sb):
    a, b = rand(0, *sa), rand(0, *sb, offset=1) ** 2 + 0.5
    for f in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x - y, lambda x, y: x / y,
              lambda x, y: (x * y).tanh() + y.log()):
        ta, tb = check(f, a, b)
        assert ta.grad.shape == sa and tb.grad.shape == sb


# ------------------------------------------------------------------ affine


@given(n=dims, f=dims, h=dims, seed=seeds)
def test_affine_is_one_bias_row_and_a_matmul_with_gradients_1X_t_G_and_G_W_t(n, f, h, seed):
    from stepgrad.autograd import affine

    x, w = rand(seed, n, f), rand(seed, f + 1, h, offset=1)
    np.testing.assert_allclose(affine(x, Tensor(w)).data, x @ w[1:] + w[0], rtol=1e-12)
    X, W = check(affine, x, w, seed=seed)  # central differences, float64
    g = rand(seed, n, h, offset=99)  # the weights of `weighted`: ∂L/∂U
    np.testing.assert_allclose(X.grad, g @ w[1:].T, rtol=1e-12)
    ones_x = np.hstack([np.ones((n, 1)), x])  # [1 X]: the lecture's x₀ = 1
    np.testing.assert_allclose(W.grad, ones_x.T @ g, rtol=1e-12)


def test_affine_needs_a_2d_batch_and_a_weight_with_one_more_row():
    from stepgrad.autograd import affine

    with pytest.raises(ValueError, match=r"affine: X of shape \(2, 3\) and W of shape \(3, 4\)"):
        affine(rand(0, 2, 3), Tensor(rand(0, 3, 4)))
    with pytest.raises(ValueError, match="2-D X"):
        affine(rand(0, 3), Tensor(rand(0, 4, 4)))
    x = Tensor(rand(0, 2, 3), requires_grad=False)
    W = Tensor(rand(0, 4, 2))
    affine(x, W).sum().backward()  # data: no gradient computed for it
    assert x.grad is None and W.grad.shape == (4, 2)
