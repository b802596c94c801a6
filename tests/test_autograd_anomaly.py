"""Anomaly mode finds where a NaN or an inf first appears; division by zero says division.

Inside ``detect_anomaly()`` a NaN or inf in a forward value or in a backward
contribution raises AnomalyError naming the op, the node's label and the file
and line of the code that created the node. Outside it (the default) nothing
is checked: the same graphs give NaN silently.
"""

from __future__ import annotations

import inspect
import math
import os
from pathlib import Path

import numpy as np
import pytest

import stepgrad
from stepgrad.autograd import (
    AnomalyError,
    DivisionByZeroError,
    Tensor,
    Value,
    anomaly,
    detect_anomaly,
)
from stepgrad.autograd.grad_mode import GradMode

HERE = os.path.basename(__file__)


def _line(marker: str) -> int:
    """The line of this file that holds ``marker`` (the node's creation)."""
    lines = inspect.getsource(inspect.getmodule(_line)).splitlines()
    return next(i for i, text in enumerate(lines, 1) if marker in text and "_line(" not in text)


def sqrt_times_zero(x):
    r = x**0.5  # <- sqrt
    r.label = "r"
    return r * 0.0  # sqrt(0)·0: forward 0, backward 0·∞ = NaN


def zero_times_exp(x):
    e = (x * 1000.0).exp()  # <- exp
    return e * 0.0  # 0·e¹⁰⁰⁰ = 0·∞ = NaN, as 0·log(0) is


@pytest.mark.parametrize("kind", [Value, Tensor])
def test_without_the_mode_the_nan_passes_silently(kind):
    assert not GradMode.anomaly and GradMode.plain  # off by default
    x = kind(0.0)
    with np.errstate(invalid="ignore"):  # numpy's own warning for inf·0 on arrays
        sqrt_times_zero(x).backward()
    assert math.isnan(float(np.asarray(x.grad).reshape(())))
    with np.errstate(invalid="ignore", over="ignore"):
        assert math.isnan(float(np.asarray(zero_times_exp(kind(1.0)).data).reshape(())))


@pytest.mark.parametrize("kind", [Value, Tensor])
def test_a_nan_contribution_in_backward_names_op_label_and_line(kind):
    with detect_anomaly():
        out = sqrt_times_zero(kind(0.0))
        with pytest.raises(AnomalyError) as err, np.errstate(invalid="ignore"):
            out.backward()
    message = str(err.value)
    assert "pow_const" in message and "'r'" in message
    assert f"{HERE}:{_line('# <- sqrt')}" in message


@pytest.mark.parametrize("kind", [Value, Tensor])
def test_an_inf_in_forward_names_op_and_line(kind):
    with detect_anomaly(), pytest.raises(AnomalyError) as err:
        zero_times_exp(kind(1.0))
    assert "exp" in str(err.value) and f"{HERE}:{_line('# <- exp')}" in str(err.value)


def test_the_mode_is_switched_off_again_and_finite_graphs_pass():
    with detect_anomaly():
        x = Value(0.25)
        sqrt_times_zero(x).backward()
        assert x.grad == 0.0
    assert not GradMode.anomaly and GradMode.plain


@pytest.mark.parametrize("divide", [lambda x: x / 0, lambda x: x / 0.0,
                                    lambda x: x / type(x)(0.0), lambda x: 1.0 / (x * 0.0)])
@pytest.mark.parametrize("kind", [Value, Tensor])
def test_division_by_zero_says_division(kind, divide):
    with pytest.raises(ZeroDivisionError, match="division: x / y needs y ≠ 0"):
        divide(kind(2.0))
    with pytest.raises(ValueError, match="division"):  # a domain error, as log's and pow's
        divide(kind(2.0))
    assert issubclass(DivisionByZeroError, ZeroDivisionError)


def test_a_tensor_division_counts_the_zero_entries():
    with pytest.raises(ZeroDivisionError, match="2 entries equal to 0"):
        Tensor([1.0, 2.0, 3.0]) / Tensor([0.0, 1.0, 0.0])


def test_the_place_named_skips_every_folder_of_the_package_and_only_those():
    """An anomaly names the user's line, not stepgrad's: the frames skipped are those of
    every subpackage (a new layer such as practice/ included), and no other folder's."""
    package = Path(stepgrad.__file__).parent
    subpackages = {d.name for d in package.iterdir() if (d / "__init__.py").exists()}
    assert {Path(p).name for p in anomaly._LIBRARY} == subpackages
