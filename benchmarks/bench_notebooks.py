"""The notebooks' running time: each must run in under 60 s, the set well under 2 minutes.

Each notebook in ``notebooks/`` is executed once in a fresh kernel (as nbmake
does in the test suite), and its wall time is printed with the bar. The time
includes the kernel's start and its imports. On a shared machine wall time
varies with the load: compare runs made at quiet moments.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
BAR_EACH, BAR_TOTAL = 60.0, 120.0


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def main() -> int:
    times = {p.name: run(p) for p in sorted(NOTEBOOKS.glob("*.ipynb"))}
    print("| notebook | seconds | bar |\n|---|---:|---|")
    for name, t in times.items():
        print(f"| {name} | {t:.1f} | {'✓' if t < BAR_EACH else '✗'} < {BAR_EACH:.0f} s |")
    total = sum(times.values())
    print(f"| all {len(times)} | {total:.1f} | {'✓' if total < BAR_TOTAL else '✗'} "
          f"< {BAR_TOTAL:.0f} s |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
