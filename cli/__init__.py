"""stepgrad.cli."""
