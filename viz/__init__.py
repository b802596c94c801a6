"""stepgrad.viz."""
