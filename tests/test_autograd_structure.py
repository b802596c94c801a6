"""The op table: op names are unique, and ``has_partials`` says which ops give local
derivatives.

The engine's imports (one way, at the top of each file, no re-export shims) are
kept with the whole package's by ``test_package_structure.py``.
"""

from __future__ import annotations

import numpy as np
import pytest

import stepgrad.autograd as ag
from stepgrad.autograd import nary_ops, ops, shape_ops, softmax_ops, tensor_ops


def _op_classes():
    mods = (ops, nary_ops, tensor_ops, shape_ops, softmax_ops)
    return [c for m in mods for c in vars(m).values()
            if isinstance(c, type) and issubclass(c, ops.Op) and c is not ops.Op
            and c.__module__ == m.__name__]


def test_op_names_and_symbols_are_unique():
    """Each op has its own name and symbol; an op on Values that computes one output of a
    Tensor op (``softmax_at``: a_m of ``softmax``) is drawn with that op's symbol."""
    classes = _op_classes()
    names = [c.name for c in classes]
    assert len(set(names)) == len(names), sorted(names)
    by_name = {c.name: c for c in classes}
    entry_ops = [c for c in classes if c.name.endswith("_at")]
    assert [c.name for c in entry_ops] == ["softmax_at", "log_softmax_at"]
    for c in entry_ops:
        assert c.symbol == by_name[c.name[:-3]].symbol
    symbols = [c.symbol for c in classes if c not in entry_ops]
    assert len(set(symbols)) == len(symbols), sorted(symbols)


def test_has_partials_says_whether_the_op_gives_local_derivatives():
    for c in _op_classes():
        assert c.has_partials == hasattr(c, "partials") != hasattr(c, "vjp"), c.__name__
    assert ops.Tanh.has_partials and nary_ops.Dot.has_partials
    assert not tensor_ops.MatMul.has_partials


def test_local_derivatives_are_the_ops_own():
    u = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(ag.local_derivatives(ops.Tanh, u)[0], 1 - np.tanh(u) ** 2)
    np.testing.assert_array_equal(ag.local_derivatives(ops.Relu, u)[0], [0, 0, 0, 1, 1])
    np.testing.assert_array_equal(ag.local_derivatives(ops.Hardtanh, u)[0], [0, 1, 1, 1, 0])
    assert ag.local_derivatives(ops.Mul, 2.0, 3.0) == (3.0, 2.0)
    with pytest.raises(TypeError, match="vjp"):
        ag.local_derivatives(tensor_ops.MatMul, u, u)
