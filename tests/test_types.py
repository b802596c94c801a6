"""The package type-checks: mypy, with the settings of pyproject.toml ([tool.mypy]).

``make test`` runs mypy before pytest; this test runs it again (quick, from mypy's
cache) so that a plain ``pytest`` run also fails on a type error. A new error is
fixed where it is, by annotating the code, not by loosening the settings.

The public API (what the packages export, tests/public_api.py) is annotated: a new public
function without annotations fails here; tests/unannotated_api.txt lists the ones not yet
annotated, and only shrinks.
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

KNOWN = ROOT / "tests" / "unannotated_api.txt"


def _known_unannotated() -> set[str]:
    lines = KNOWN.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_no_new_public_function_lacks_annotations():
    """Every public API function (tests/public_api.py) annotates its parameters and return,
    except those listed in tests/unannotated_api.txt, a list that only shrinks."""
    import public_api

    found = dict(public_api.functions())
    assert len(found) > 200  # the walk reaches the packages' exports
    bad = {name: public_api.unannotated(f) for name, f in found.items()}
    bad = {name: missing for name, missing in bad.items() if missing}
    new = sorted(set(bad) - _known_unannotated())
    assert not new, "annotate these public functions:\n" + "\n".join(
        f"  {name}: {', '.join(bad[name])}" for name in new)


def test_the_list_of_unannotated_functions_only_shrinks():
    """A function annotated (or removed) since is taken off tests/unannotated_api.txt."""
    import public_api

    found = dict(public_api.functions())
    done = sorted(name for name in _known_unannotated()
                  if name not in found or not public_api.unannotated(found[name]))
    assert not done, ("annotated or gone: remove from tests/unannotated_api.txt:\n"
                      + "\n".join(done))
