"""stepgrad.nn.data: data sets shipped with the package (no network) and helpers to prepare them.

Data sets, each seeded where it is made up:

* :func:`lecture_data`: the lecture's table (six body measurements, gender), synthetic.
* 2-D toy sets :func:`linear`, :func:`xor`, :func:`circles`, :func:`moons`,
  :func:`spirals`, each with a ``noise`` level.
* :func:`iris`: Fisher's 150 iris flowers, a small real data set, bundled as a file.

Helpers: :class:`Standardizer` (fitted on training rows only),
:func:`train_val_test_split`, :func:`one_hot`, and :func:`load_csv` for your own
table (a bad row is reported with its line and column).

:data:`DATASETS` maps each data set's name to its function, for tools that take
a name (``DATASETS["moons"](n=100, noise=0.2)``).
"""

from .csv_loader import CSVData, CSVError, load_csv
from .fisher_iris import IRIS_CLASSES, IRIS_FEATURES, iris
from .lecture import COLUMNS, GENDERS, UNITS, lecture_data
from .preprocessing import Standardizer, one_hot, train_val_test_split
from .registry import DATASETS
from .toy import circles, linear, moons, spirals, xor

__all__ = [
    "lecture_data", "COLUMNS", "UNITS", "GENDERS",
    "linear", "xor", "circles", "moons", "spirals",
    "iris", "IRIS_FEATURES", "IRIS_CLASSES",
    "Standardizer", "train_val_test_split", "one_hot",
    "load_csv", "CSVData", "CSVError", "DATASETS",
]
