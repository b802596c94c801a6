"""stepgrad.saving: a trained model, and its optimizer's state, in one ``.npz`` file.

::

    from stepgrad.saving import save, load
    save(model, "model.npz", optimizer=opt)     # atomic, no pickles
    model = load("model.npz")                   # bit-identical weights
    model, opt = load("model.npz", optimizer=True)
    save(model, "iris.npz", loss="cross_entropy", classes=IRIS_CLASSES)
    trained_with("iris.npz")                    # TrainedWith(loss=..., classes=(...))

Saving sits above :mod:`stepgrad.nn` and :mod:`stepgrad.optim` in the layer
order (it needs both: the model's architecture and the optimizer's state), so
a model does not save itself: ``save(model, path)``, not ``model.save(path)``.
"""

from .errors import ModelFileError
from .model_file import FORMAT, FORMAT_VERSION, TrainedWith, load, save, trained_with

__all__ = ["save", "load", "ModelFileError", "FORMAT", "FORMAT_VERSION", "trained_with",
           "TrainedWith"]
