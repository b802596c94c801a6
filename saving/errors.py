"""The one error a model file that cannot be loaded gives."""

from __future__ import annotations

__all__ = ["ModelFileError"]


class ModelFileError(ValueError):
    """A file that :func:`~stepgrad.saving.load` refuses; the message names the file, the
    member or field, and what is wrong with it."""
