"""``python -m stepgrad.cli``: the same as the ``stepgrad`` command."""

from .main import main

raise SystemExit(main())
