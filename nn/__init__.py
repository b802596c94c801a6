"""stepgrad.nn."""
