"""Every primitive and composite op, on floats, Values and Tensors.

Each test is written once over the table in ``tests/cases.py``: the float
reference (:data:`cases.MATH`) says what the op computes, finite differences
(:func:`gradcheck`) say what its derivative is, and the lecture's conventions
say what the derivative is at the kinks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stepgrad.autograd import Tensor, Value, gradcheck

from cases import BY_NAME, CASES, ENGINE, MATH  # the shared table, tests/cases.py

KINDS = ("Value", "Tensor")
TENSOR_SIZE = 3  # Tensor cases run on vectors, reduced with sum()


def nodes(kind, columns):
    """One node per input: a Value of the first entry, or a Tensor of them all."""
    if kind == "Value":
        return [Value(col[0]) for col in columns]
    return [Tensor(col) for col in columns]


def scalar(out):
    """The one number gradcheck differentiates: a Value, or the Tensor's total."""
    return out.sum() if isinstance(out, Tensor) and out.data.ndim else out


def draw_columns(data, case):
    size = TENSOR_SIZE
    return [data.draw(st.lists(s, min_size=size, max_size=size)) for s in case.domain]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=repr)
@given(data=st.data())
def test_forward_agrees_with_the_math_reference(case, kind, data):
    columns = draw_columns(data, case)
    out = case.f(ENGINE, *nodes(kind, columns))
    got = np.atleast_1d(out.data)
    for i, want in enumerate(got):
        ref = case.f(MATH, *(col[i] for col in columns))
        assert want == pytest.approx(ref, rel=1e-12, abs=1e-12), (case.name, columns)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES, ids=repr)
@given(data=st.data())
def test_gradient_agrees_with_central_differences(case, kind, data):
    xs = nodes(kind, draw_columns(data, case))
    assert gradcheck(lambda *v: scalar(case.f(ENGINE, *v)), xs)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", [c for c in CASES if c.exact], ids=repr)
def test_exact_derivatives_at_the_kinks_and_on_both_sides(case, kind):
    for point, expected in case.exact:
        xs = nodes(kind, [[x] for x in point])
        case.f(ENGINE, *xs).backward()
        got = [float(np.asarray(x.grad).reshape(())) for x in xs]
        assert got == pytest.approx(list(expected), rel=1e-12, abs=0), (case.name, point)


# ----------------------------------------------- the lecture's conventions


def grad_at(kind, f, x):
    v = Value(x) if kind == "Value" else Tensor(x)
    f(v).backward()
    return float(np.asarray(v.grad).reshape(()))


@pytest.mark.parametrize("kind", KINDS)
def test_relu_derivative_at_zero_is_zero(kind):
    assert grad_at(kind, lambda v: v.relu(), 0.0) == 0.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("x", [-5.0, -1e-9, 0.0, 1e-9, 5.0])
def test_sign_derivative_is_zero_everywhere(kind, x):
    assert grad_at(kind, lambda v: v.sign(), x) == 0.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("x", [-1.0, 1.0])
def test_hardtanh_derivative_at_plus_and_minus_one_is_zero(kind, x):
    assert grad_at(kind, lambda v: v.hardtanh(), x) == 0.0


@pytest.mark.parametrize("kind", KINDS)
def test_abs_derivative_at_zero_is_zero(kind):
    assert grad_at(kind, abs, 0.0) == 0.0


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("x, tanh, sigmoid", [(1000.0, 1.0, 1.0), (-1000.0, -1.0, 0.0)])
def test_tanh_and_sigmoid_saturate_at_1000_without_overflow(kind, x, tanh, sigmoid):
    for f, want in ((lambda v: v.tanh(), tanh), (lambda v: v.sigmoid(), sigmoid)):
        v = Value(x) if kind == "Value" else Tensor(x)
        out = f(v)
        out.backward()
        assert float(out.data) == want
        assert float(v.grad) == 0.0


# ---------------------------------------------------------- bad input


DOMAIN_ERRORS = [
    ("log of 0", lambda k: k(0.0).log(), r"log.*0\.0"),
    ("log of a negative", lambda k: k(-2.0).log(), r"log.*-2\.0"),
    ("0 to a negative power", lambda k: k(0.0) ** -1, r"pow: 0 to a negative power"),
    ("negative base to a fractional power", lambda k: k(-8.0) ** (1 / 3), r"pow.*-8\.0"),
    ("node ** node with a negative base", lambda k: k(-2.0) ** k(0.5), r"pow.*-2\.0"),
    ("node ** node with base 0", lambda k: k(0.0) ** k(2.0), r"pow.*0\.0"),
    ("number ** node with a negative base", lambda k: (-2.0) ** k(0.5), r"pow.*-2\.0"),
]


@pytest.mark.parametrize("kind", [Value, Tensor], ids=lambda k: k.__name__)
@pytest.mark.parametrize("what, f, message", DOMAIN_ERRORS, ids=[d[0] for d in DOMAIN_ERRORS])
def test_domain_errors_raise_value_error_naming_op_and_value(kind, what, f, message):
    with pytest.raises(ValueError, match=message):
        f(kind)


BAD_OPERANDS = [("str", "1.0"), ("NoneType", None), ("list", [1.0]), ("complex", 1j)]


@pytest.mark.parametrize("kind", [Value, Tensor], ids=lambda k: k.__name__)
@pytest.mark.parametrize("type_name, bad", BAD_OPERANDS, ids=[b[0] for b in BAD_OPERANDS])
def test_an_operand_that_is_not_a_number_raises_type_error_naming_its_type(kind, type_name, bad):
    if kind is Tensor and type_name == "list":
        pytest.skip("a list is a Tensor's data")
    ops = [lambda: kind(bad), lambda: kind(1.0) + bad, lambda: bad * kind(1.0),
           lambda: kind(1.0) - bad, lambda: kind(2.0) ** bad]
    for op in ops:
        with pytest.raises(TypeError, match=type_name):
            op()


@pytest.mark.parametrize("kind", [Value, Tensor], ids=lambda k: k.__name__)
@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "exp", "log", "abs", "hardtanh",
                                  "sign", "identity"])
def test_nan_propagates(kind, name):
    out = getattr(kind(math.nan), name)()
    assert math.isnan(float(out.data)), f"{name}(nan) = {out.data!r}"


def test_relu_of_nan_is_nan_not_zero():
    assert math.isnan(Value(math.nan).relu().data)


def test_the_table_covers_every_primitive_and_composite():
    wanted = {"add", "mul", "pow_int", "pow_frac", "pow_negative", "rpow", "pow_nodes", "exp",
              "log", "tanh", "sigmoid", "relu", "sign", "hardtanh", "abs", "identity", "nsum",
              "dot", "dot_bias", "neg", "sub", "div", "radd", "rsub", "rmul", "rtruediv", "mean"}
    assert wanted <= set(BY_NAME)


@pytest.mark.parametrize("x, bad", [([1.0, np.nan, 2.0], 0), ([np.nan, 0.0, 3.0], 1),
                                    ([4.0, -1.0, np.nan, -2.0], 2), ([5e-324, 1.0], 0)])
def test_logs_domain_test_counts_the_entries_at_or_below_zero_nan_among_them_or_not(x, bad):
    """log's one-reduction test (every entry > 0) hands NaN, which is not <= 0, to the
    exact test: NaN alone passes (log NaN = NaN), entries <= 0 are named and counted."""
    t = Tensor(np.array(x))
    if bad:
        with pytest.raises(ValueError, match=f"log.*got {bad} entries <= 0"):
            t.log()
    else:
        with np.errstate(invalid="ignore"):
            np.testing.assert_array_equal(t.log().data, np.log(np.array(x)))
