"""``python -m stepgrad``: the same as the ``stepgrad`` command."""

from stepgrad.cli.main import main

raise SystemExit(main())
