"""The package type-checks: mypy, with the settings of pyproject.toml ([tool.mypy]).

``make test`` runs mypy before pytest; this test runs it again (quick, from mypy's
cache) so that a plain ``pytest`` run also fails on a type error. A new error is
fixed where it is, by annotating the code, not by loosening the settings.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_finds_no_error_in_the_package():
    pytest.importorskip("mypy", reason="pip install -e '.[dev]' (mypy)")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
