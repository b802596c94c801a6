"""stepgrad.common: the shared helpers, the bottom layer every other part may use.

* :mod:`.names`: one rule for looking things up by name (``by_name``);
* :mod:`.rng`: seeds to ``numpy.random.Generator`` (``make_rng``);
* :mod:`.checks`: argument checks with errors that name the argument;
* :mod:`.registry`: ``Registry``, the one table per kind of named thing.

Nothing here imports another part of stepgrad.
"""

from .checks import check_number
from .names import by_name, normalise
from .registry import Registry
from .rng import make_rng

__all__ = ["by_name", "normalise", "make_rng", "check_number", "Registry"]
