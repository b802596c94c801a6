"""The registry: one table per kind of named thing (activations, losses, optimizers, …).

Each kind is defined once, where its entries are written, and everything that
takes a name reads that one table: name matching (:func:`.names.by_name`), the
command's choices, saving and loading, the pictures. An entry is added where it
is defined, by the decorator::

    OPTIMIZERS = Registry("optimizer")

    @OPTIMIZERS.register(color="#dc2626", race_lr={"bowl": 0.3})
    class Adam(Optimizer): ...

A registry is a ``dict`` (name → entry, in the order they were added), so
``REG[name]``, ``sorted(REG)`` and ``", ".join(REG)`` work as on any table;
:meth:`Registry.about` gives the extra facts an entry was registered with.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .names import by_name, normalise

__all__ = ["Registry"]

E = TypeVar("E")
F = TypeVar("F", bound=Callable[..., Any])   # a function or a class


class Registry(dict):
    """``{name: entry}`` of one kind, with the facts each entry was registered with.

    Args:
        kind: what the entries are (``"optimizer"``), for error messages.
    """

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        self._about: dict[str, dict] = {}

    def add(self, name: str, entry: E, **about: object) -> E:
        """Add ``entry`` under ``name``; ``about`` holds facts other parts read (a colour, …).

        Raises:
            ValueError: the name is taken (names are matched as :func:`.names.normalise`
                does, so ``"Adam"`` and ``"adam"`` are one name).
        """
        if not isinstance(name, str) or not name.strip():
            raise TypeError(f"a {self.kind} name is a non-empty str, got {name!r}")
        taken = [k for k in self if normalise(k) == normalise(name)]
        if taken:
            raise ValueError(f"the {self.kind} name {name!r} is taken (by {taken[0]!r})")
        self[name] = entry
        self._about[name] = dict(about)
        return entry

    def register(self, name: str | None = None, **about: object) -> Callable[[F], F]:
        """A decorator: ``@REG.register(**about)`` adds the function or class under
        ``name`` (default: its ``__name__``) and returns it unchanged."""
        def add(entry: F) -> F:
            self.add(entry.__name__ if name is None else name, entry, **about)
            return entry
        return add

    def remove(self, name: str) -> None:
        """Take ``name`` out again (for tests that register a made-up entry)."""
        del self[name]
        del self._about[name]

    def lookup(self, name: str) -> Any:
        """The entry called ``name``, matched in any case with words joined by ``_``, ``-``
        or a space (``"adam"``, ``"ADAM"`` are Adam); ValueError listing the names if none."""
        return by_name(self.kind, name, self)

    def canonical(self, name: str) -> str:
        """The registered spelling of ``name`` (``"adam"`` → ``"Adam"``)."""
        self.lookup(name)  # the error that lists the names
        return next(k for k in self if normalise(k) == normalise(name))

    def about(self, name: str) -> dict:
        """The facts ``name`` was registered with (an empty dict if none)."""
        return self._about.get(name, {})
