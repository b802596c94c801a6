"""Grad mode: whether ops record a graph (``no_grad``), and whether they are checked.

:class:`GradMode` holds the switches that :func:`~.node.apply` reads for every
node. ``plain`` is True in the common case (recording, no anomaly checks), so
``apply`` reads one attribute and takes its fast path; :func:`no_grad`,
:func:`enable_grad` and :func:`~.anomaly.detect_anomaly` flip the switches.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

__all__ = ["GradMode", "NO_GRAD_RESULT", "no_grad", "enable_grad", "is_grad_enabled"]

NO_GRAD_RESULT = "made inside no_grad()"
"""The ``consts`` of a Value made inside ``no_grad()`` (a leaf): backward on it refuses."""


class GradMode:
    """The engine's switches (class attributes, never instantiated).

    Attributes:
        enabled: ops record parents, op and consts (False inside ``no_grad``).
        anomaly: forward values and backward contributions are checked for
            NaN and inf (inside ``detect_anomaly``).
        plain: ``enabled and not anomaly``: apply's fast path.
    """

    enabled = True
    anomaly = False
    plain = True

    @classmethod
    def set(cls, enabled: bool, anomaly: bool) -> None:
        cls.enabled, cls.anomaly = enabled, anomaly
        cls.plain = enabled and not anomaly


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad`."""
    return GradMode.enabled


@contextmanager
def _switched(enabled: bool) -> Iterator[None]:
    before = GradMode.enabled
    GradMode.set(enabled, GradMode.anomaly)
    try:
        yield
    finally:
        GradMode.set(before, GradMode.anomaly)


def no_grad() -> AbstractContextManager[None]:
    """Within this block ops record no graph: results are leaves.

    Use it for evaluation and for parameter updates::

        with no_grad():
            y = model(x)
    """
    return _switched(False)


def enable_grad() -> AbstractContextManager[None]:
    """Record graphs again inside a :func:`no_grad` block."""
    return _switched(True)
