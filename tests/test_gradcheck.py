"""The gradient checker catches a wrong derivative, and says where.

Gradients are trusted because they are compared with central differences;
that is only worth something if a wrong backward fails the comparison. These
tests register ops with a deliberately wrong partial derivative and show that
:func:`gradcheck` catches each, with the input, the analytic and the numeric
value in its message.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from stepgrad.autograd import GradcheckError, Tensor, Value, apply, gradcheck, ops


class WrongTanh(ops.Tanh):
    """tanh with the classic slip σ′ = 1 − σ instead of 1 − σ²."""

    @staticmethod
    def partials(B, consts, out, x):
        return (1.0 - out,)


class WrongMul(ops.Mul):
    """a·b with ∂f/∂b = b instead of a (the first partial is right)."""

    @staticmethod
    def partials(B, consts, out, a, b):
        return b, b


def test_a_correct_gradient_passes():
    assert gradcheck(lambda a, b: (a * b).tanh() + a**2, [Value(0.3), Value(-1.2)])


def test_a_wrong_tanh_derivative_is_caught_with_input_analytic_and_numeric():
    x = Value(0.8, label="x")
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda v: apply(WrongTanh, (v,)), [x])
    message = str(err.value)
    t = math.tanh(0.8)
    assert "input 0 ('x') = 0.8" in message
    analytic, numeric = (float(s) for s in re.findall(r"(?:analytic|numeric) (\S+),", message))
    assert analytic == pytest.approx(1 - t)  # what the wrong backward said
    assert numeric == pytest.approx(1 - t * t, abs=1e-8)  # what the function does


def test_a_wrong_partial_for_the_second_input_is_reported_for_that_input():
    a, b = Value(2.0), Value(3.0)
    with pytest.raises(GradcheckError, match=r"input 1 = 3\.0: analytic 3\.0, numeric 2\.0"):
        gradcheck(lambda a, b: apply(WrongMul, (a, b)), [a, b])


def test_a_wrong_derivative_is_caught_inside_a_bigger_graph():
    def f(w, x):
        return apply(WrongTanh, (w * x + 0.5,)) ** 2

    with pytest.raises(GradcheckError):
        gradcheck(f, [Value(0.4), Value(-0.7)])


def test_a_wrong_derivative_is_caught_on_tensors_entry_by_entry():
    a, b = Tensor([0.1, -0.5, 0.9]), Tensor([2.0, 1.0, -1.0])
    with pytest.raises(GradcheckError, match=r"input 1 of shape \(3,\), entry \[\d\]"):
        gradcheck(lambda a, b: apply(WrongMul, (a, b)).sum(), [a, b])


def test_a_wrong_derivative_is_caught_on_a_big_tensor_by_random_directions():
    x = Tensor(np.linspace(-1, 1, 100))
    with pytest.raises(GradcheckError, match="random direction"):
        gradcheck(lambda t: apply(WrongTanh, (t,)).sum(), [x])


def test_gradcheck_needs_nodes_and_a_scalar_output():
    with pytest.raises(TypeError, match="float"):
        gradcheck(lambda a: a, [1.0])
    with pytest.raises(TypeError, match="float"):
        gradcheck(lambda a: 1.0, [Value(1.0)])


def test_gradcheck_refuses_a_constant_tensor_input():
    x = Tensor([1.0, 2.0], requires_grad=False)
    with pytest.raises(ValueError, match="requires_grad=False"):
        gradcheck(lambda t: (t * t).sum(), [x])
