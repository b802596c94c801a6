"""What a Tensor promises beyond its ops: the same numbers as Values, the
backward contract, dtypes, bad input, and the bridge to the scalar view."""

from __future__ import annotations

import math

import numpy as np
import pytest

from stepgrad.autograd import Tensor, Value, concat, no_grad, ops, stack, where
from stepgrad.autograd.arrays import add_rows, column_sums, fast_sum, unbroadcast
from stepgrad.autograd.scatter import Scatter


def expression(a, b, c):
    """A scalar expression using every kind of op, written once for both node kinds."""
    u = a * b + c
    v = u.tanh() * a.sigmoid() - (b**2) / c + (-a).exp() + (c * c + 1.0).log()
    w = (v - 0.3).relu() + v.abs() * 0.5 + (a * 0.7).hardtanh() + b.identity() * 2.0
    return w ** 3 + 2.0 ** a + b.sign() + 1.0 / (c + 3.0)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_values_and_one_element_tensors_give_the_same_value_and_gradients(shape):
    x = (0.6, -0.8, 1.3)
    vals = [Value(v) for v in x]
    out = expression(*vals)
    out.backward()
    tens = [Tensor(np.full(shape, v)) for v in x]
    t_out = expression(*tens)
    t_out.backward()
    assert t_out.shape == shape
    assert abs(t_out.item() - out.data) <= 1e-12 * max(1.0, abs(out.data))
    for v, t in zip(vals, tens):
        assert t.grad.shape == shape
        assert abs(t.grad.item() - v.grad) <= 1e-12 * max(1.0, abs(v.grad))


# ------------------------------------------------------------- backward


def test_backward_on_a_non_scalar_names_the_shape_and_the_remedy():
    y = Tensor(np.ones((2, 3))) * 2.0
    with pytest.raises(ValueError, match=r"shape \(2, 3\).*reduce it first.*backward\(grad\)"):
        y.backward()


def test_backward_with_an_explicit_gradient():
    x = Tensor([1.0, 2.0, 3.0])
    (x * x).backward(np.array([1.0, 0.5, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 2.0, -6.0])  # g · 2x
    with pytest.raises(ValueError, match=r"grad has shape \(2,\), the Tensor has shape \(3,\)"):
        (x * 2.0).backward([1.0, 2.0])


def test_leaves_accumulate_and_intermediates_start_with_none():
    x = Tensor([1.0, 2.0])
    y = x * 3.0
    assert y.grad is None
    y.sum().backward()
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 6.0])


def test_a_leaf_without_a_grad_gets_its_own_writable_one():
    x = Tensor([1.0, 2.0])
    x.grad = None
    y = x + 0.0
    (y * 1.0).sum().backward()
    x.grad *= 2.0  # in place: must not touch y's gradient
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])


def test_observer_sees_upstream_times_local_for_each_step():
    x = Tensor([1.0, 2.0])
    steps = []
    ((x + 1.0) * x).sum().backward(observer=steps.append)
    assert [s.node.op.name for s in steps] == ["sum", "mul", "add"]
    add = steps[-1]
    np.testing.assert_array_equal(add.contributions[0], add.upstream)  # ∂(a + b)/∂a = 1


# ---------------------------------------------------------------- dtypes


def test_float32_stays_float32_through_ops_and_gradients():
    f32 = dict(dtype="float32")
    x = Tensor(np.linspace(-1, 1, 6).reshape(2, 3), **f32)
    w = Tensor(np.ones((3, 2)), **f32)
    b = Tensor([0.5, -0.5], **f32)
    h = (x @ w + b).tanh() * 2.0 - 1.0
    parts = [h.softmax(), h.log_softmax(0), h.max(axis=1, keepdims=True), h.mean(axis=0),
             h[[0, 0]], h.T.reshape(4), concat([h, h]), stack([h, h]), where(h.data > 0, h, 0.0),
             h.clip(-0.1, 0.1), h**2, h.sigmoid(), h.relu()]
    loss = sum(p.sum() for p in parts)
    assert all(p.dtype == np.float32 for p in parts) and loss.dtype == np.float32
    loss.backward()
    assert x.grad.dtype == w.grad.dtype == b.grad.dtype == np.float32


def test_integers_and_booleans_become_float64_explicitly():
    assert Tensor([1, 2, 3]).dtype == np.float64
    assert Tensor(np.array([True, False])).data.tolist() == [1.0, 0.0]
    assert Tensor(np.arange(3, dtype=np.int32)).dtype == np.float64
    assert Tensor(np.arange(3), dtype="float32").dtype == np.float32


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", [np.array(["a", "b"]), np.array([1, None], dtype=object),
                                 np.array([1 + 2j]), "abc", {1: 2}])
def test_non_numeric_input_is_a_type_error(bad):
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(bad)
    with pytest.raises(TypeError):
        Tensor([1.0, 2.0]) + bad


def test_other_dtypes_are_refused():
    with pytest.raises(TypeError, match="float64 or float32"):
        Tensor([1.0], dtype="int64")


def test_nan_and_inf_propagate():
    x = Tensor([np.nan, 1.0, np.inf])
    assert math.isnan(x.sum().item()) and math.isnan(x.max().item())
    assert np.isnan((x * 2.0).data[0]) and np.isinf((x * 2.0).data[2])
    assert np.isnan(x.softmax().data).all()


def test_shapes_that_do_not_broadcast_name_both_shapes_and_the_op():
    a, b = Tensor(np.ones((2, 3))), Tensor(np.ones(4))
    for f, op in [(lambda: a + b, "add"), (lambda: a * b, "mul"), (lambda: b - a, "add"),
                  (lambda: a ** b, "pow")]:
        with pytest.raises(ValueError, match=rf"{op}: shapes \(\d, ?\d?\) and \(\d, ?\d?\) do "
                                             "not broadcast"):
            f()
    with pytest.raises(ValueError, match=r"where: shapes \(3,\) \(cond\), \(2, 3\) and \(4,\)"):
        where(np.ones(3, bool), a, b)


def test_shapes_that_do_not_multiply_name_both_shapes_and_matmul():
    with pytest.raises(ValueError, match=r"matmul: shapes \(2, 3\) and \(2, 3\) do not multiply"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"matmul: shapes \(\) and \(3,\)"):
        Tensor(2.0) @ Tensor(np.ones(3))


def test_axes_are_read_as_numpy_reads_them():
    # stepgrad normalises axes itself (numpy 1 and 2 keep their helper in different places)
    x = Tensor(np.arange(24.0).reshape(2, 3, 4))
    for axis in (0, -1, (0, 2), (-1, 0), np.int64(1), [1, -3]):
        want = x.data.sum(axis=tuple(axis) if isinstance(axis, list) else axis)
        np.testing.assert_array_equal(x.sum(axis=axis).data, want)
    assert x.transpose(-1, 0, 1).data.shape == (4, 2, 3)
    assert x.transpose(np.int64(2), 1, 0).data.shape == (4, 3, 2)
    for bad in ((0, 0), (0, -3), 1.0, "0", 3, -4):
        with pytest.raises(ValueError, match="sum: axis .* does not exist in a Tensor of shape"):
            x.sum(axis=bad)
    for bad in ((0, 1), (0, 1, 3), (0, 1, 1.0)):
        with pytest.raises(ValueError, match="transpose: axes .* are not a permutation"):
            x.transpose(bad)


def test_other_shape_errors_say_what_was_expected():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape: cannot reshape a Tensor of shape \(2, 3\)"):
        x.reshape(4)
    with pytest.raises(ValueError, match=r"sum: axis 2 does not exist in a Tensor of shape"):
        x.sum(axis=2)
    with pytest.raises(ValueError, match=r"softmax: axis -3"):
        x.softmax(axis=-3)
    with pytest.raises(ValueError, match="not a permutation"):
        x.transpose(0, 0)
    with pytest.raises(ValueError, match=r"concat: shapes \(2, 3\), \(3, 2\) do not join"):
        concat([x, Tensor(np.ones((3, 2)))], axis=1)
    with pytest.raises(ValueError, match="stack: shapes"):
        stack([x, Tensor(np.ones(3))])
    with pytest.raises(IndexError, match=r"the Tensor has shape \(2, 3\)"):
        x[5]
    with pytest.raises(TypeError, match="index"):
        x[1.5]
    with pytest.raises(ValueError, match="lo <= hi"):
        x.clip(1.0, -1.0)
    with pytest.raises(ValueError, match="no entries"):
        Tensor(np.ones((0, 2))).mean()


def test_a_value_and_a_tensor_do_not_mix_and_the_error_says_how_to_convert():
    v, t = Value(2.0), Tensor([1.0, 2.0])
    for f in (lambda: v * t, lambda: t * v, lambda: t + v, lambda: v - t, lambda: t @ v):
        with pytest.raises(TypeError, match=r"Tensor\(v\.data\).*t\.scalars\(\)"):
            f()
    with pytest.raises(TypeError, match="use its .data"):
        Tensor(v)


# ------------------------------------------------------ the scalar view


def test_scalars_are_values_whose_gradients_land_in_the_tensor():
    w = Tensor([[1.0, 2.0], [3.0, 4.0]])
    s = w.scalars()
    assert s.shape == (2, 2) and all(isinstance(e, Value) for e in s.flat)
    assert [e.data for e in s.flat] == [1.0, 2.0, 3.0, 4.0]
    (s[0, 1] * s[1, 0] + s[0, 1]).backward()
    np.testing.assert_array_equal(w.grad, [[0.0, 4.0], [2.0, 0.0]])
    (w * w).sum().backward()  # the Tensor view adds into the same grad
    np.testing.assert_array_equal(w.grad, [[2.0, 8.0], [8.0, 8.0]])


# ------------------------------------------------- the engine's helpers


@pytest.mark.parametrize("shape, axes", [
    ((3000, 3), (0,)), ((3, 3000), (1,)), ((40, 30, 5), (0, 1)), ((5, 30, 40), (1, 2)),
    ((30, 40, 5), (0, 2)), ((3000,), None),
])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fast_sum_agrees_with_numpy(shape, axes, dtype):
    x = np.random.default_rng(0).standard_normal(shape).astype(dtype)
    for keep in (False, True):
        got = fast_sum(x, axes, keep)
        want = np.sum(x, axis=axes, keepdims=keep)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=1e-4 if dtype == np.float32 else 1e-10)
    np.testing.assert_allclose(fast_sum(x.T, None), np.sum(x), rtol=1e-4)


@pytest.mark.parametrize("shape", [(10000, 2), (10001, 9), (3000, 7), (2500, 3, 5), (9000, 15),
                                   (20000, 1), (10000, 16), (40, 2)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_add_rows_is_numpys_sum_to_the_bit(shape, dtype):
    """A bias row added to many rows in blocks: every entry is numpy's a + b, special values
    included, with the row on either side, into a new array or in place."""
    rng = np.random.default_rng(1)
    a = (rng.standard_normal(shape) * 10.0 ** rng.uniform(-30, 30, shape)).astype(dtype)
    b = rng.standard_normal(shape[1:]).astype(dtype)
    big, tiny = np.finfo(dtype).max, np.finfo(dtype).smallest_subnormal
    specials = [0.0, -0.0, np.inf, -np.inf, np.nan, tiny, -big, big]
    a.flat[: len(specials)] = specials
    a.flat[-3:] = [-0.0, np.nan, np.inf]
    b.flat[:2] = [-0.0, big][: b.size]
    with np.errstate(all="ignore"):
        for x, y in ((a, b), (b, a)):
            want = x + y
            got = add_rows(x, y)
            assert got.shape == want.shape and got.dtype == want.dtype
            assert got.tobytes() == want.tobytes()
        out = a.copy()
        assert add_rows(out, b, out=out) is out and out.tobytes() == (a + b).tobytes()
        t = Tensor(a) + Tensor(b)  # the Add op adds this way
        assert t.data.tobytes() == (a + b).tobytes()


def test_unbroadcast_sums_back_to_the_parent_shape():
    g = np.ones((4, 2, 3))
    assert unbroadcast(g, (3,)).tolist() == [8.0] * 3
    assert unbroadcast(g, (2, 3)).tolist() == [[4.0] * 3] * 2
    assert unbroadcast(g, (2, 1)).tolist() == [[12.0], [12.0]]
    assert unbroadcast(g, ()).item() == 24.0
    assert unbroadcast(np.array(2.0), (2,)).tolist() == [2.0, 2.0]


def test_scatter_basic_indices_add_in_place_and_advanced_ones_accumulate():
    assert Scatter((1, slice(None)), 1.0).basic and Scatter((0, 2), 1.0).basic
    assert not Scatter([0, 0], 1.0).basic and not Scatter(np.array([True]), 1.0).basic
    t = Tensor(np.zeros(3))
    t._accumulate(Scatter(slice(0, 2), np.array([1.0, 2.0])))
    t._accumulate(Scatter(np.array([2, 2, 0]), np.array([1.0, 1.0, 1.0])))
    np.testing.assert_array_equal(t.grad, [2.0, 2.0, 2.0])


def test_minus_a_constant_records_one_add_with_the_negated_constant():
    """A − Y for data Y (and A − 2) is A + (−Y): one Add node whose second parent is the
    constant −Y, as for Values; A − B for a B that wants a gradient keeps the −1·B node."""
    rng = np.random.default_rng(2)
    A = Tensor(rng.normal(size=(3, 2)))
    Y = Tensor(rng.normal(size=(3, 2)), requires_grad=False)
    for other, neg in ((Y, -Y.data), (Y.data, -Y.data), (2, np.array(-2.0)), (-0.0, np.array(0.0))):
        E = A - other
        assert E.op is ops.Add and E.parents[0] is A
        c = E.parents[1]
        assert c.is_leaf and not c.requires_grad and c.dtype == A.dtype
        assert c.data.tobytes() == np.asarray(neg, A.dtype).tobytes()
        assert E.data.tobytes() == (A.data + np.asarray(neg)).tobytes()
    B = Tensor(rng.normal(size=(3, 2)))
    E = A - B
    assert E.op is ops.Add and E.parents[1].op is ops.Mul and E.parents[1].parents[0] is B
    (E * E).sum().backward()
    np.testing.assert_array_equal(B.grad, -2 * (A.data - B.data))
    with no_grad():
        assert (A - Y).is_leaf


def test_a_tensor_copies_its_data_unless_told_not_to():
    """Tensor(x) owns a copy; Tensor(x, copy=False) takes a float array of its dtype as it
    is (fit wraps the batch it has just gathered so), and still converts anything else."""
    x = np.arange(6.0).reshape(2, 3)
    assert not np.shares_memory(Tensor(x).data, x)
    shared = Tensor(x, requires_grad=False, copy=False)
    assert shared.data is x
    ints = np.arange(6).reshape(2, 3)
    converted = Tensor(ints, copy=False)
    assert converted.data.dtype == np.float64 and not np.shares_memory(converted.data, ints)
    f32 = Tensor(x, dtype="float32", copy=False)
    assert f32.data.dtype == np.float32
    with pytest.raises(TypeError, match="numeric"):
        Tensor(np.array(["a"]), copy=False)


@pytest.mark.parametrize("shape", [(200, 100), (200, 10), (3, 4), (1, 7)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_column_sums_writes_one_t_g_into_the_row_it_is_given(shape, dtype):
    """1ᵀ·G (a layer's bias gradient), into row 0 of a weight-shaped array where it lies."""
    g = np.random.default_rng(3).standard_normal(shape).astype(dtype)
    w = np.full((shape[1] + 1, shape[1]), 7.0, dtype)[:, : shape[1]]
    row = w[0]
    assert column_sums(g, out=row) is row
    np.testing.assert_allclose(w[0], g.sum(axis=0), rtol=1e-4 if dtype == np.float32 else 1e-12)
    assert np.all(w[1:] == 7.0)


def test_a_constant_tensor_holds_the_array_itself_and_needs_no_gradient():
    x = np.arange(6.0).reshape(2, 3)
    t = Tensor.constant(x)
    assert t.data is x and not t.requires_grad and t.is_leaf and t.grad is None
    y = (t * Tensor(np.ones((2, 3)))).sum()
    y.backward()
    assert t.grad is None
