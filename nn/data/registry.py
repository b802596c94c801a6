"""The data sets by name: each is registered where it is made (``@DATASETS.register()``).

``DATASETS["moons"](n=100, noise=0.2)``; the command's ``--data`` reads it. ``lecture``
returns (X, one-hot Y); the others (X, class indices y).
"""

from __future__ import annotations

from stepgrad.common.registry import Registry

__all__ = ["DATASETS"]

DATASETS = Registry("dataset")
