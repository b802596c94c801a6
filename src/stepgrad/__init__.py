"""stepgrad: an autograd engine that teaches backpropagation by letting you watch it happen.

The parts, each imported on its own (nothing heavy is imported here), in their
layer order: each imports only from the ones above it::

    stepgrad.common     shared helpers: name matching, seeds, checks, the registries
    stepgrad.autograd   Value, Tensor, the op table, backward, gradcheck
    stepgrad.nn         MLP and its parts, activations, losses, to_torch
    stepgrad.optim      the six update rules and fit
    stepgrad.saving     save(model, path, optimizer=…), load(path)
    stepgrad.viz        pictures of the recorded graph
    stepgrad.practice   backprop exercises with worked solutions and answer keys
    stepgrad.cli        the ``stepgrad`` command (also ``python -m stepgrad``)

The folders sit at the repository root (``autograd/``, ``nn/``, ...); ``src/stepgrad``
holds this file and links to them, so that only ``stepgrad`` is importable.
"""

# The one place the version is written: pyproject.toml reads it from here
# (``dynamic = ["version"]``), and ``stepgrad --version`` prints it. CHANGELOG.md
# says what changed in each.
__version__ = "0.1.0"

__all__ = ["__version__"]
