"""Run every benchmark script in this folder, one after another (``make bench``).

Each script prints its own markdown table and whether it met its bar; this
runner only runs them in separate processes (so one's garbage does not slow
the next) and exits non-zero if any script failed to run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"\n## {script.name}\n", flush=True)
        if subprocess.run([sys.executable, str(script)]).returncode != 0:
            failed.append(script.name)
    if failed:
        print("\nfailed to run: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
