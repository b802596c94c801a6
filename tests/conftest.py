"""Shared test settings: a hypothesis profile that keeps the suite quick and
deterministic; the `dot` marker for the tests that need a Graphviz program (the
system `dot` or the pip-installed `graphviz-pure`); the `renderer` fixture,
which runs a test once with each of the two that is installed; and the `lab`
fixture, a JupyterLab server for the browser tests (tests/browser.py)."""

from __future__ import annotations

import pytest
from browser import jupyterlab
from hypothesis import HealthCheck, settings

from stepgrad.viz.renderer import (
    RENDERERS,
    GraphvizMissing,
    find_renderer,
    pip_install,
    system_install,
    use_renderer,
    which_renderer,
)

settings.register_profile(
    "stepgrad",
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("stepgrad")

HOW_TO_INSTALL = {"dot": f"the system Graphviz (dot) is not installed: {system_install()}",
                  "pure": f"graphviz-pure is not installed: {pip_install()}"}


@pytest.fixture(params=RENDERERS)
def renderer(request):
    """The test runs with each renderer ("dot", "pure"); a missing one skips, saying how
    to install it. make test and CI install both."""
    if find_renderer(request.param) is None:
        pytest.skip(HOW_TO_INSTALL[request.param])
    use_renderer(request.param)
    yield request.param
    use_renderer(None)


@pytest.fixture()
def lab(tmp_path):
    """A JupyterLab server on a copy of notebooks/ (``tmp_path / "notebooks"``); yields its
    URL. Skips, saying why, without JupyterLab, chromium or playwright."""
    with jupyterlab(tmp_path) as url:
        yield url


def pytest_collection_modifyitems(config, items):
    try:
        which_renderer()
        return
    except (GraphvizMissing, ValueError) as e:
        skip = pytest.mark.skip(reason=f"no Graphviz program to draw with: {e}")
    for item in items:
        if "dot" in item.keywords:
            item.add_marker(skip)
