"""The shared table of op test cases: each op written once, run on three kinds.

A case's ``f(F, *xs)`` is written against a namespace ``F`` of functions
(``F.exp``, ``F.tanh``, ``F.nsum``, ``F.dot``, ...) and Python's operators, so
one definition runs on

* floats, with :data:`MATH` (the reference, built on :mod:`math`, independent
  of the engine),
* :class:`~stepgrad.autograd.Value` nodes and
* :class:`~stepgrad.autograd.Tensor` nodes, both with :data:`ENGINE`
  (``stepgrad.autograd``'s functions).

Each case also says where its inputs may be drawn (``domain``: away from the
kinks and outside the domain errors), and lists points with the exact
derivative expected there (``exact``: the kinks and both sides of each kink).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import SimpleNamespace

from hypothesis import strategies as st

import stepgrad.autograd as ag


def _sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


def _sign(x):
    return (x > 0) - (x < 0) + 0.0


MATH = SimpleNamespace(
    exp=math.exp, log=math.log, tanh=math.tanh, sigmoid=_sigmoid,
    relu=lambda x: x if x > 0 else 0.0, sign=_sign,
    hardtanh=lambda x: min(max(x, -1.0), 1.0), abs=abs, identity=lambda x: x,
    nsum=lambda xs: math.fsum(xs),
    dot=lambda w, x, b=0.0: math.fsum([b, *(wi * xi for wi, xi in zip(w, x))]),
    mean=lambda xs: math.fsum(xs) / len(xs),
)
"""The float reference: the lecture's formulas with :mod:`math`."""

ENGINE = SimpleNamespace(
    exp=ag.exp, log=ag.log, tanh=ag.tanh, sigmoid=ag.sigmoid, relu=ag.relu, sign=ag.sign,
    hardtanh=ag.hardtanh, abs=abs, identity=ag.identity, nsum=ag.nsum, dot=ag.dot,
    mean=ag.mean,
)
"""The same names on nodes: ``stepgrad.autograd``'s functions."""


def anywhere(lo=-3.0, hi=3.0, avoid=(), gap=0.05):
    """Floats in [lo, hi] at least ``gap`` away from each point in ``avoid``.

    Drawn from the intervals between the avoided points, not filtered: hypothesis draws 0 and
    numbers near it often, and a filter that refuses them fails its health check when a test
    draws a few dozen such floats at once (a broadcast Tensor's entries).
    """
    edges = [lo, *(e for k in sorted(avoid) for e in (k - gap, k + gap)), hi]
    parts = [st.floats(a, b, allow_nan=False, allow_infinity=False)
             for a, b in zip(edges[::2], edges[1::2]) if a <= b]
    return st.one_of(parts)


POSITIVE = anywhere(0.2, 3.0)
NONZERO = anywhere(avoid=(0.0,), gap=0.2)


@dataclass(frozen=True)
class Case:
    """One op: how to call it, where to draw inputs, and exact derivatives.

    Attributes:
        name: the op as the lecture names it.
        f: ``f(F, *xs)`` with ``F`` one of :data:`MATH`, :data:`ENGINE`.
        domain: one hypothesis strategy per input.
        exact: ``(inputs, expected ∂f/∂input_i for each i)`` pairs, checked
            exactly (the kinks, and points on both sides of each kink).
    """

    name: str
    f: object
    domain: tuple
    exact: tuple = field(default=())

    @property
    def arity(self) -> int:
        return len(self.domain)

    def __repr__(self) -> str:
        return self.name


A = anywhere()
CASES = (
    # ------------------------------------------------------- primitives
    Case("add", lambda F, a, b: a + b, (A, A), (((2.0, -3.0), (1.0, 1.0)),)),
    Case("mul", lambda F, a, b: a * b, (A, A), (((2.0, -3.0), (-3.0, 2.0)),)),
    Case("pow_int", lambda F, a: a**3, (A,), (((-2.0,), (12.0,)), ((0.0,), (0.0,)))),
    Case("pow_frac", lambda F, a: a**2.5, (POSITIVE,), (((4.0,), (2.5 * 8.0,)),)),
    Case("pow_negative", lambda F, a: a**-2, (NONZERO,), (((2.0,), (-0.25,)),)),
    Case("rpow", lambda F, a: 2.0**a, (A,), (((3.0,), (8.0 * math.log(2.0),)),)),
    Case("pow_nodes", lambda F, a, b: a**b, (POSITIVE, A),
         (((2.0, 3.0), (12.0, 8.0 * math.log(2.0))),)),
    Case("exp", lambda F, a: F.exp(a), (A,), (((0.0,), (1.0,)),)),
    Case("log", lambda F, a: F.log(a), (POSITIVE,), (((4.0,), (0.25,)),)),
    Case("tanh", lambda F, a: F.tanh(a), (A,), (((0.0,), (1.0,)),)),
    Case("sigmoid", lambda F, a: F.sigmoid(a), (A,), (((0.0,), (0.25,)),)),
    Case("relu", lambda F, a: F.relu(a), (anywhere(avoid=(0.0,)),),
         (((0.0,), (0.0,)), ((-1e-9,), (0.0,)), ((1e-9,), (1.0,)), ((2.0,), (1.0,)))),
    Case("sign", lambda F, a: F.sign(a), (anywhere(avoid=(0.0,)),),
         (((0.0,), (0.0,)), ((-2.0,), (0.0,)), ((2.0,), (0.0,)))),
    Case("hardtanh", lambda F, a: F.hardtanh(a), (anywhere(avoid=(-1.0, 1.0)),),
         (((1.0,), (0.0,)), ((-1.0,), (0.0,)), ((0.999,), (1.0,)), ((1.001,), (0.0,)),
          ((-0.999,), (1.0,)), ((-1.001,), (0.0,)))),
    Case("abs", lambda F, a: F.abs(a), (anywhere(avoid=(0.0,)),),
         (((0.0,), (0.0,)), ((-1e-9,), (-1.0,)), ((1e-9,), (1.0,)))),
    Case("identity", lambda F, a: F.identity(a), (A,), (((0.5,), (1.0,)),)),
    Case("nsum", lambda F, a, b, c: F.nsum([a, b, c]), (A, A, A),
         (((1.0, 2.0, 3.0), (1.0, 1.0, 1.0)),)),
    Case("dot", lambda F, w1, w2, x1, x2: F.dot([w1, w2], [x1, x2]), (A, A, A, A),
         (((1.0, 2.0, 3.0, 4.0), (3.0, 4.0, 1.0, 2.0)),)),
    Case("dot_bias", lambda F, w1, w2, x1, x2, b: F.dot([w1, w2], [x1, x2], b),
         (A, A, A, A, A), (((1.0, 2.0, 3.0, 4.0, 5.0), (3.0, 4.0, 1.0, 2.0, 1.0)),)),
    # ------------------------------------------------------- composites
    Case("neg", lambda F, a: -a, (A,), (((2.0,), (-1.0,)),)),
    Case("sub", lambda F, a, b: a - b, (A, A), (((2.0, 5.0), (1.0, -1.0)),)),
    Case("div", lambda F, a, b: a / b, (A, NONZERO), (((3.0, 2.0), (0.5, -0.75)),)),
    Case("radd", lambda F, a: 2.5 + a, (A,), (((1.0,), (1.0,)),)),
    Case("rsub", lambda F, a: 2.5 - a, (A,), (((1.0,), (-1.0,)),)),
    Case("rmul", lambda F, a: 2.5 * a, (A,), (((1.0,), (2.5,)),)),
    Case("rtruediv", lambda F, a: 2.0 / a, (NONZERO,), (((2.0,), (-0.5,)),)),
    Case("sub_number", lambda F, a: a - 1.5, (A,), (((1.0,), (1.0,)),)),
    Case("div_number", lambda F, a: a / 4, (A,), (((1.0,), (0.25,)),)),
    Case("mean", lambda F, a, b, c: F.mean([a, b, c]), (A, A, A),
         (((1.0, 2.0, 6.0), (1 / 3, 1 / 3, 1 / 3)),)),
)

BY_NAME = {c.name: c for c in CASES}
