"""Greedy layer-wise pretraining: the lecture's remedy for local optima in deep networks.

A deep sigmoid network started from small random weights learns slowly near the
input: each layer the error passes on its way back multiplies it by σ′ ≤ ¼ and
by small weights, so ∂L/∂w¹ is tiny (notebook 06). Pretraining (Hinton et al.
2006, Bengio et al. 2007) first gives every hidden layer weights that mean
something, one layer at a time, from the inputs alone::

    A⁰ = X
    for each hidden layer l = 1 … L − 1:
        train  Aˡ⁻¹ → σ(Aˡ⁻¹·wˡ) → (a linear decoder) → Âˡ⁻¹
               to reconstruct its input: minimise mean (Âˡ⁻¹ − Zˡ⁻¹)²,
               Zˡ⁻¹ = Aˡ⁻¹ with each unit standardised (mean 0, spread 1)
               (an autoencoder whose encoder is layer l itself)
        Aˡ = σ(Aˡ⁻¹·wˡ)        (the trained layer's outputs feed the next)

The decoders are thrown away; the output layer keeps its initial weights. Then
the whole network is trained on the task as usual (*fine-tuning*).

The targets are standardised so that every layer has the same task: a layer
whose inputs barely vary (sigmoid outputs all near ½) would otherwise reach a
tiny reconstruction error by ignoring them. The linear decoder can undo any
such rescaling, so nothing else changes.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor, no_grad
from stepgrad.nn import Layer, Module, Sequential

from .history import History
from .optimizer import Adam
from .training import fit

__all__ = ["pretrain_layers"]


def pretrain_layers(model: Module, X: ArrayLike, epochs: int = 100, lr: float = 0.01,
                    batch_size: int | None = None,
                    seed: int = 0) -> list[History]:
    """Pretrain each hidden layer of ``model`` as an autoencoder of its input, in order.

    Args:
        model: an :class:`~stepgrad.nn.MLP` (or a Sequential of Layers); its hidden
            layers (all but the last) are changed in place.
        X: the inputs, shape (N, F); no targets are used.
        epochs: epochs of training per layer.
        lr: μ of the Adam optimizer that trains each autoencoder.
        batch_size: as in :func:`~stepgrad.optim.fit` (None: the full batch).
        seed: seeds the decoders' initial weights and the order of the samples.

    Returns:
        One :class:`History` per hidden layer: its reconstruction loss per epoch.
    """
    layers = list(getattr(model, "layers", []))
    if len(layers) < 2 or not all(isinstance(m, Layer) for m in layers):
        raise ValueError("pretrain_layers needs a model whose .layers are Layers, with at "
                         "least one hidden layer, e.g. MLP([2, 8, 8, 1]); got "
                         f"{type(model).__name__} with {len(layers)} layer(s)")
    A = np.asarray(X, dtype=np.float64)
    if A.ndim != 2 or A.shape[1] != layers[0].n_in:
        raise ValueError(f"pretrain_layers: X must have shape (N, {layers[0].n_in}), "
                         f"got {A.shape}")
    histories = []
    for l, layer in enumerate(layers[:-1]):
        decoder = Layer(layer.n_out, layer.n_in, "identity", init="glorot", seed=seed + l)
        autoencoder = Sequential(layer, decoder)
        target = (A - A.mean(axis=0)) / (A.std(axis=0) + 1e-8)   # each unit: mean 0, spread 1
        histories.append(fit(autoencoder, A, target, loss="mse",
                             optimizer=Adam(autoencoder.parameters(), lr=lr),
                             batch_size=batch_size, epochs=epochs, tol=None, seed=seed + l,
                             progress=False))
        with no_grad():
            A = layer(Tensor(A, requires_grad=False)).data    # Aˡ, the next layer's input
    return histories
