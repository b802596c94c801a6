"""Build-time script: write ``iris.csv`` beside it from scikit-learn's bundled copy.

stepgrad ships the 150-row iris table so that nothing is downloaded at run
time. It was extracted once, with this script, from the file
``sklearn/datasets/data/iris.csv`` inside the scikit-learn 1.9.1 wheel from PyPI
(scikit-learn: BSD-3-Clause). scikit-learn is not a dependency of stepgrad: the
script fetches the wheel with pip into a temporary folder and reads the one file
out of it. Run it from the repository root::

    python nn/data/extract_iris.py

The data: R. A. Fisher, "The use of multiple measurements in taxonomic
problems", Annals of Eugenics 7(2), 179–188 (1936); measurements by Edgar
Anderson. scikit-learn's values are Fisher's, as in R's ``iris``; the UCI
Machine Learning Repository's copy (CC BY 4.0) differs in two rows (35 and 38).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "scikit-learn==1.9.1"
MEMBER = "sklearn/datasets/data/iris.csv"
HEADER = ["sepal_length", "sepal_width", "petal_length", "petal_width", "species"]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", WHEEL, "--no-deps",
                        "--only-binary=:all:", "-q", "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("scikit_learn-*.whl"))
        text = zipfile.ZipFile(wheel).read(MEMBER).decode()
    rows = list(csv.reader(io.StringIO(text)))
    n, _, *names = rows[0]                      # "150,4,setosa,versicolor,virginica"
    data = rows[1:]
    assert int(n) == len(data) == 150, (n, len(data))
    out = Path(__file__).with_name("iris.csv")
    with out.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for *measurements, k in data:
            w.writerow(measurements + [names[int(k)]])
    print(f"wrote {out} ({len(data)} rows) from {WHEEL}:{MEMBER}")


if __name__ == "__main__":
    main()
