"""Headless chromium for the browser tests, in one place.

The tests that look at a page as a student sees it (``test_viz_browser``,
``test_viz_network_browser``, ``test_viz_quiz_browser``, and in JupyterLab
``test_notebook_jupyterlab``, ``test_viz_quiz_jupyterlab``) drive Debian's
chromium with playwright. Here: where chromium is and how it starts
(:func:`chromium_page`, a page of a given window size that records its console
and script errors and, for a saved page, loads nothing from the network), a
JupyterLab server on a copy of ``notebooks/`` (:func:`jupyterlab`, the ``lab``
fixture of ``conftest.py``) and opening a notebook there and running every cell
(:func:`run_notebook`), and the measuring helpers (:data:`RECT`, :func:`inside`).

Without chromium, playwright or (for JupyterLab) JupyterLab a test skips and says
how to install it (``make test`` installs them, chromium as root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
"""Screenshots for a person to look at."""
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TOKEN = "stepgrad-test"
"""The JupyterLab server's token."""

RECT = ("(el) => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, "
        "right: r.right, bottom: r.bottom, width: r.width, height: r.height}; }")
"""An element's box on screen, in CSS px: ``page.eval_on_selector(sel, RECT)``."""


def playwright() -> Any:
    """``playwright.sync_api``; skips the test without chromium or playwright."""
    if not Path(CHROMIUM).exists():
        pytest.skip("no chromium: install it with `sudo apt-get install -y chromium` "
                    "(make test does, as root)")
    return pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]' (playwright)")


@contextmanager
def chromium_page(width: int, height: int, errors: list[str] | None = None,
                  offline: bool = True, requests: list[str] | None = None) -> Iterator[Any]:
    """A page in headless chromium with a ``width``×``height`` window; the browser is
    closed at the end.

    ``errors``: each console error and uncaught script error is appended to it (the test
    asserts it stays empty). ``offline``: every request but ``file:`` is aborted, so a saved
    page must work with no network (False for a JupyterLab server); ``requests``: the URL of
    each request is appended to it (offline only), for a test that the page asked for nothing.
    """
    sync_api = playwright()
    with sync_api.sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = chrome.new_page(viewport={"width": width, "height": height})
            if errors is not None:
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: errors.append(str(e)))
            if offline:
                def route(r: Any) -> None:
                    if requests is not None:
                        requests.append(r.request.url)
                    if r.request.url.startswith("file:"):
                        r.continue_()
                    else:
                        r.abort()

                page.route("**/*", route)
            yield page
        finally:
            chrome.close()


def inside(rect: dict, box: dict, slack: float = 1.0) -> bool:
    """``rect`` lies inside ``box`` (both {left, top, right, bottom}), to ``slack`` px."""
    return (rect["left"] >= box["left"] - slack and rect["right"] <= box["right"] + slack
            and rect["top"] >= box["top"] - slack and rect["bottom"] <= box["bottom"] + slack)


# ------------------------------------------------------------------ JupyterLab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(tmp_path: Path) -> Iterator[str]:
    """A JupyterLab server on a copy of notebooks/ (in ``tmp_path / "notebooks"``); yields
    its URL. Skips without JupyterLab, chromium or playwright."""
    pytest.importorskip("jupyterlab", reason="JupyterLab is in the notebooks extra: "
                        "pip install -e '.[notebooks]'")
    playwright()
    folder = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", folder)
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT / "src"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"))
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
           "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
           f"--ServerApp.root_dir={folder}", "--ServerApp.open_browser=False",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class="
           "jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "getuid") and os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp_path / "lab.log", "w")
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("jupyter lab stopped: " + (tmp_path / "lab.log").read_text())
                time.sleep(0.5)
        else:
            pytest.fail("jupyter lab did not start in 60 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def run_notebook(page: Any, lab: str, name: str) -> None:
    """Open the notebook ``name`` (in the server's notebooks/) and run all its cells."""
    page.goto(f"{lab}/lab/tree/{name}?token={TOKEN}")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    try:  # JupyterLab may ask which kernel to start: the notebook's own
        page.click(".jp-Dialog button:has-text('Select')", timeout=5_000)
    except Exception:
        pass
    page.wait_for_selector("text=Python 3 (ipykernel) | Idle", timeout=60_000)
    page.click("li.lm-MenuBar-item:has-text('Run')")
    page.click("li.lm-Menu-item:has-text('Run All Cells')")
