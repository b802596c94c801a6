"""The package type-checks: mypy, with the settings of pyproject.toml ([tool.mypy]).

``make test`` runs mypy before pytest; this test runs it again (quick, from mypy's
cache) so that a plain ``pytest`` run also fails on a type error. A new error is
fixed where it is, by annotating the code, not by loosening the settings.

The public API (what the packages export, tests/public_api.py) is annotated: a public
function without annotations of its parameters and return fails here.
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


# ------------------------------------------------ the public API is annotated


def test_every_public_function_is_annotated():
    """Every public API function (tests/public_api.py: what the packages export, and the
    public methods and properties of the exported classes) annotates its parameters and its
    return."""
    import public_api

    found = dict(public_api.functions())
    assert len(found) > 200  # the walk reaches the packages' exports
    bad = {name: public_api.unannotated(f) for name, f in found.items()}
    bad = {name: missing for name, missing in bad.items() if missing}
    assert not bad, "annotate these public functions:\n" + "\n".join(
        f"  {name}: {', '.join(missing)}" for name, missing in sorted(bad.items()))


def test_the_check_finds_what_is_left_unannotated():
    """``unannotated`` names each parameter left bare, and the return."""
    import public_api

    def bare(a, b: int, *args, c=1, **kw):
        return a

    def full(a: int, *args: int, c: int = 1, **kw: int) -> int:
        return a

    def init(self, a: int):  # __init__ may leave out -> None
        pass

    init.__name__ = "__init__"
    assert public_api.unannotated(bare) == ["a", "args", "c", "kw", "return"]
    assert public_api.unannotated(full) == []
    assert public_api.unannotated(init) == []
