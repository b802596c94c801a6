"""Grad mode: whether ops record a graph (``no_grad`` turns it off)."""

from __future__ import annotations

from contextlib import contextmanager

__all__ = ["no_grad", "enable_grad", "is_grad_enabled"]


class _GradMode:
    enabled = True


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad`."""
    return _GradMode.enabled


@contextmanager
def no_grad():
    """Within this block ops record no graph: results are leaves.

    Use it for evaluation and for parameter updates::

        with no_grad():
            y = model(x)
    """
    before = _GradMode.enabled
    _GradMode.enabled = False
    try:
        yield
    finally:
        _GradMode.enabled = before


@contextmanager
def enable_grad():
    """Record graphs again inside a :func:`no_grad` block."""
    before = _GradMode.enabled
    _GradMode.enabled = True
    try:
        yield
    finally:
        _GradMode.enabled = before
