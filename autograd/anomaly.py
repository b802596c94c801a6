"""Anomaly mode: find where a NaN or an inf first appears, forward or backward.

Inside ``with detect_anomaly():`` every node an op makes is checked: a NaN or
inf in its value that its parents did not have raises :class:`AnomalyError`,
and so does a NaN or inf in a backward contribution ``upstream · local``
whose upstream gradient was finite. The error names the op, the node's label
and the file and line of *your* code that created the node (the first frame
outside stepgrad's own folders), for example::

    pow_const (node 'r') made a backward contribution nan from upstream 0.0:
    the node was created at train.py:12

It is off by default and costs nothing then: ``apply`` takes its fast path
(one switch, :class:`~.grad_mode.GradMode`), and backward checks each step
through the observer hook only while the mode is on.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import numpy as np

from .grad_mode import GradMode

__all__ = ["detect_anomaly", "AnomalyError", "check_forward", "check_step"]

_LIBRARY = tuple(
    os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), d) + os.sep
    for d in ("common", "autograd", "nn", "optim", "saving", "viz", "practice", "cli")
)
_ORIGINS: dict = {}  # node -> "file:line", only while the mode is on


class AnomalyError(FloatingPointError):
    """A NaN or inf appeared; the message names the op, the node and where it was made."""


def _finite(x) -> bool:
    return bool(np.all(np.isfinite(x)))


def _user_line() -> str:
    """file:line of the innermost frame outside stepgrad's folders."""
    f: FrameType | None = sys._getframe(2)
    while f is not None and os.path.abspath(f.f_code.co_filename).startswith(_LIBRARY):
        f = f.f_back
    return "an unknown place" if f is None else f"{f.f_code.co_filename}:{f.f_lineno}"


def _describe(op, node) -> str:
    label = f" (node {node.label!r})" if node.label else " (an unlabelled node)"
    return f"{op.name}{label}"


def check_forward(node, op, parents) -> None:
    """Remember where ``node`` was made; raise if its value is the first NaN or inf."""
    where = _ORIGINS[node] = _user_line()
    if _finite(node.data) or not all(_finite(p.data) for p in parents):
        return
    raise AnomalyError(f"{_describe(op, node)} computed {node.data!r} from finite inputs "
                       f"in the forward pass: the node was created at {where}")


def check_step(step) -> None:
    """Raise if a contribution of this backward step is the first NaN or inf."""
    if not _finite(step.upstream):
        return
    for c in step.contributions:
        if c is not None and not _finite(getattr(c, "value", c)):
            where = _ORIGINS.get(step.node, "a place outside detect_anomaly()")
            raise AnomalyError(f"{_describe(step.node.op, step.node)} made a backward contribution "
                               f"{c!r} from upstream {step.upstream!r}: the node was "
                               f"created at {where}")


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Check every forward value and backward contribution for NaN and inf.

    ::

        with detect_anomaly():
            L = loss(model(x), y)   # an inf from exp(1000) raises here
            L.backward()            # 0·∞ in a contribution raises here

    Raises:
        AnomalyError: naming the op, the node's label and the file:line of
            the user code that created the node.
    """
    before = GradMode.anomaly
    GradMode.set(GradMode.enabled, True)
    try:
        yield
    finally:
        GradMode.set(GradMode.enabled, before)
        if not before:
            _ORIGINS.clear()
