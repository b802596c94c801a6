"""stepgrad.optim."""
