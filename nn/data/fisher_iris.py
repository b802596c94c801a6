"""Fisher's iris: 150 flowers, four measurements each, three species. Shipped, no download.

Source: R. A. Fisher, "The use of multiple measurements in taxonomic problems",
Annals of Eugenics 7(2), 179–188 (1936); the measurements are Edgar Anderson's.
The file ``iris.csv`` beside this module was extracted from scikit-learn 1.9.1's
bundled copy (BSD-3-Clause) by ``extract_iris.py`` (also beside it). Its values
are Fisher's, as in R's ``iris``; the UCI repository's copy (CC BY 4.0) differs
in two rows.

==================  ====  ====  ======  =====
column (x_f)        min   max   mean    sd
==================  ====  ====  ======  =====
sepal_length (cm)   4.3   7.9   5.84    0.83
sepal_width (cm)    2.0   4.4   3.06    0.43
petal_length (cm)   1.0   6.9   3.76    1.76
petal_width (cm)    0.1   2.5   1.20    0.76
==================  ====  ====  ======  =====

50 flowers of each species, in the file in blocks (setosa, versicolor,
virginica): shuffle before splitting (:func:`train_val_test_split` does).
Setosa is linearly separable from the other two; versicolor and virginica
overlap a little.
"""

from __future__ import annotations

from importlib.resources import as_file, files

import numpy as np

from .csv_loader import load_csv
from .registry import DATASETS

__all__ = ["IRIS_FEATURES", "IRIS_CLASSES", "iris"]

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
"""The inputs x_1 … x_4, in cm."""

IRIS_CLASSES = ("setosa", "versicolor", "virginica")
"""The species; class index k is ``IRIS_CLASSES[k]``."""


@DATASETS.register()
def iris() -> tuple[np.ndarray, np.ndarray]:
    """The 150 iris flowers, as in the file: ``(X, y)``.

    Returns:
        X of shape (150, 4), the measurements in cm (columns :data:`IRIS_FEATURES`,
        not standardised); y of shape (150,), the species as class indices
        0, 1, 2 (:data:`IRIS_CLASSES`).
    """
    with as_file(files(__package__) / "iris.csv") as path:
        data = load_csv(path, target="species")
    assert data.features == IRIS_FEATURES and data.classes == IRIS_CLASSES, data[2:]
    assert data.y is not None
    return data.X, data.y
