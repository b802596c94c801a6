"""Write pip constraints pinning each dependency of pyproject.toml to its floor.

    python .ci/floors.py > constraints.txt
    pip install -c constraints.txt -e '.[dev]'

Every requirement in ``[build-system] requires``, ``[project] dependencies`` and
``[project.optional-dependencies]`` must have a floor (``>=X`` or ``==X``), and
each floor must be a version that exists: ``make test-floors`` installs exactly
these versions on the oldest Python the README promises and runs the checks there,
so a floor in pyproject.toml is one the suite passed on. A name listed twice must
have the same floor both times. Exits with a message naming the requirement
otherwise. The project's own extras (``stepgrad[render]`` inside another extra) are
not dependencies and are left out.

What ``make test-floors`` (``.ci/other-python floors``) runs on these pins:

* the core and ``dev``/``render`` floors: ``make test`` (ruff, mypy, the whole suite) on
  Python 3.10;
* the ``bench`` extra's floors (micrograd, threadpoolctl, scikit-learn), installed in the same
  venv: ``benchmarks/bench_micrograd.py --smoke`` (micrograd's losses against stepgrad's at
  every step) and ``benchmarks/bench_peers_mlp.py --smoke`` (threadpoolctl's limits,
  scikit-learn's digits and MLPClassifier); no speed bar is judged on a CI machine;
* the ``torch`` extra's floor: torch publishes CPU-only wheels on its own index, and
  ``pip install torch`` from PyPI pulls a multi-GB CUDA build, too big and slow for CI. So the
  floor is the torch that CI can install without that: a CPU wheel of exactly the floor
  version found in a folder of wheels (``TORCH_WHEELS``, else pip's find-links; this machine
  has torch 2.13.0+cpu for Python 3.11), in a venv of the Python the wheel is for, running
  the tests that use torch (the bridge, double backward against torch.autograd, BCE against
  PyTorch). That is why the floor is 2.13 and not lower: older torch probably works (the
  bridge uses only ``nn.Linear``, ``nn.Sequential`` and ``from_numpy``) but nothing here tests
  it. Without such a wheel that part skips, saying so.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the tomli that pip carries
    from pip._vendor import tomli as tomllib

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# name, optional [extras], then the one lower bound, then nothing but an upper bound or a marker
REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*"
    r"(?P<op>>=|==)\s*(?P<version>[0-9][0-9A-Za-z.+-]*)\s*(,\s*<[^;]*)?(;.*)?$"
)


def normal(name: str) -> str:
    """The name as pip compares names (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def name_of(requirement: str) -> str:
    """The normalised name a requirement string starts with."""
    return normal(re.split(r"[\s\[<>=!~;]", requirement.strip(), maxsplit=1)[0])


def requirements(project: dict) -> list[tuple[str, str]]:
    """(where, requirement) for every requirement the project declares."""
    found = [("build-system.requires", r) for r in project["build-system"]["requires"]]
    found += [("project.dependencies", r) for r in project["project"]["dependencies"]]
    for extra, reqs in project["project"].get("optional-dependencies", {}).items():
        found += [(f"optional-dependencies.{extra}", r) for r in reqs]
    return found


def floors(project: dict) -> dict[str, str]:
    """{name: floor version}; SystemExit naming the requirement without a usable floor."""
    out: dict[str, str] = {}
    itself = normal(project["project"]["name"])
    for where, req in requirements(project):
        if name_of(req) == itself:
            continue   # one extra naming another: its requirements are listed where it is defined
        m = REQUIREMENT.match(req.strip())
        if m is None:
            sys.exit(f"{PYPROJECT.name}: {where}: {req!r} has no floor; write it as "
                     f"'name>=X.Y' (the lowest version the suite passes on)")
        name, version = normal(m["name"]), m["version"]
        if out.setdefault(name, version) != version:
            sys.exit(f"{PYPROJECT.name}: {where}: {req!r} disagrees with the floor "
                     f"{out[name]} given for {name} elsewhere")
    return out


def main() -> None:
    with PYPROJECT.open("rb") as f:
        project = tomllib.load(f)
    for name, version in sorted(floors(project).items()):
        print(f"{name}=={version}")


if __name__ == "__main__":
    main()
