"""pyproject.toml keeps its promises: one version, and a floor for every dependency.

The floors themselves are proved by ``make test-floors`` (CI), which installs each
one on Python 3.10 and runs the whole of ``make test`` there, then the bench extra's
floors in a smoke run of the benchmarks that use them, and torch's floor (from a CPU
wheel, on the Python it is built for) with the tests that use torch (.ci/floors.py).
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import stepgrad

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("floors", ROOT / ".ci" / "floors.py")
floors = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(floors)
PROJECT = floors.tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_the_version_is_written_once_in_stepgrad_init():
    assert "version" not in PROJECT["project"]
    assert PROJECT["project"]["dynamic"] == ["version"]
    assert PROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "stepgrad.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", stepgrad.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in changelog


def test_every_requirement_has_a_floor():
    pins = floors.floors(PROJECT)
    assert pins["numpy"] == "1.24" and pins["setuptools"] == "77.0.1"


def test_a_requirement_without_a_floor_is_refused_by_name():
    bad = {"build-system": {"requires": []},
           "project": {"name": "stepgrad", "dependencies": ["numpy", "stepgrad[render]"],
                       "optional-dependencies": {}}}
    with pytest.raises(SystemExit, match="project.dependencies: 'numpy' has no floor"):
        floors.floors(bad)
    bad["project"]["dependencies"] = ["numpy>=1.24", "NumPy>=1.26"]
    with pytest.raises(SystemExit, match="disagrees with the floor 1.24"):
        floors.floors(bad)


def test_no_extra_repeats_a_core_dependency():
    core = {floors.name_of(r) for r in PROJECT["project"]["dependencies"]}
    for extra, reqs in PROJECT["project"]["optional-dependencies"].items():
        names = {floors.name_of(r) for r in reqs}
        assert not names & core, f"the {extra} extra repeats {names & core}"


def test_the_floors_run_installs_every_extra():
    """Each package an extra names is installed at its floor by ``make test-floors``: the
    dev extra (with render) by ``make test``, then the bench extra, then torch on its own."""
    script = (ROOT / ".ci" / "other-python").read_text()
    extras = PROJECT["project"]["optional-dependencies"]
    assert "pip install -q -e '.[dev,bench]'" in script
    assert "--smoke" in script and "s/^torch==//p" in script
    covered = {floors.name_of(r) for e in ("dev", "render", "bench") for r in extras[e]}
    covered |= {"torch", "stepgrad"}
    left = {floors.name_of(r) for reqs in extras.values() for r in reqs} - covered
    assert not left, f"make test-floors never installs {sorted(left)}"


def test_pre_commit_runs_the_checks_of_make_test():
    config = (ROOT / ".pre-commit-config.yaml").read_text()
    make = (ROOT / "Makefile").read_text()
    for check in ("bin/ruff check", "bin/mypy", "tests/test_notebooks_paired.py"):
        assert check in config, f".pre-commit-config.yaml does not run {check}"
    for check in ("bin/ruff check", "bin/mypy"):
        assert check in make, f"make test does not run {check}"
    pytest.importorskip("pre_commit", reason="pip install -e '.[dev]' (pre-commit)")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config",
                           str(ROOT / ".pre-commit-config.yaml")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
