"""Shared test settings: a hypothesis profile that keeps the suite quick and
deterministic, and the `dot` marker for the few tests that need Graphviz's
binary."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "stepgrad",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("stepgrad")


def pytest_collection_modifyitems(config, items):
    if shutil.which("dot"):
        return
    skip = pytest.mark.skip(
        reason="Graphviz's dot program is not installed (make test installs it)"
    )
    for item in items:
        if "dot" in item.keywords:
            item.add_marker(skip)
