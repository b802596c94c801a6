"""One rule for looking things up by name: activations, losses, initialisations
and optimizers.

A name matches its entry whatever its case and whether words are joined by
``_``, ``-`` or a space: ``"TANH"``, ``"Half-SSE"`` and ``"rmsprop"`` are
``tanh``, ``half_sse`` and ``RMSProp``. An unknown name raises a ValueError
that lists the valid ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")

__all__ = ["normalise", "by_name"]


def normalise(name: str) -> str:
    """The key a name is matched by: lower case, words joined by ``_``."""
    return name.strip().lower().replace("-", "_").replace(" ", "_")


def by_name(kind: str, name: str, table: Mapping[str, T]) -> T:
    """The entry of ``table`` named ``name`` (matched by :func:`normalise`).

    Args:
        kind: what is looked up (``"activation"``), for the error message.
        name: the name given by the user.
        table: ``{name: entry}``; its keys are matched by :func:`normalise` too.

    Raises:
        ValueError: no entry has that name; the message lists the valid names.
    """
    key = normalise(name)
    for k, entry in table.items():
        if normalise(k) == key:
            return entry
    raise ValueError(f"unknown {kind} {name!r}; valid names: " + ", ".join(table))
