# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · A real data set on the Tensor path
#
# Everything so far ran on data we made up. This notebook trains on measurements of real flowers:
# Fisher's **iris** data (1936), 150 irises of three species, with four measurements each, in cm:
# the inputs $x_1 \dots x_4$ are sepal length, sepal width, petal length and petal width. It ships
# with stepgrad as a small file (no download), with its source and licence in
# `stepgrad.nn.data.fisher_iris`'s docstring.
#
# The story is the whole workflow, on the Tensor path (a batch of samples per step, as in any real
# training): load (1), split and standardise (2), train a 4-8-3 network with a softmax output and
# the cross-entropy loss, watching a validation set (3), test it once (4), look at a decision
# boundary in two of the four inputs (5), and save the model and carry it to PyTorch (6).

# %%
# %matplotlib inline
import importlib.util
import tempfile
from pathlib import Path

import numpy as np

from stepgrad.nn import MLP
from stepgrad.nn.data import (
    IRIS_CLASSES,
    IRIS_FEATURES,
    Standardizer,
    iris,
    one_hot,
    train_val_test_split,
)
from stepgrad.optim import Adam, fit
from stepgrad.saving import load, save
from stepgrad.viz.plots import plot_decision_boundary, plot_history

# %% [markdown]
# ## 1 · The data
#
# `iris()` returns the measurements X (150 × 4) and the species as class indices y ∈ {0, 1, 2}.

# %%
X, y = iris()
print(X.shape, "flowers per class:", dict(zip(IRIS_CLASSES, np.bincount(y).tolist())))
print(f"{'mean (cm)':16}" + "".join(f"{f:>14}" for f in IRIS_FEATURES))
for k, name in enumerate(IRIS_CLASSES):
    print(f"{name:16}" + "".join(f"{v:14.2f}" for v in X[y == k].mean(axis=0)))

# %% [markdown]
# The petals tell the species apart best: setosa's are much smaller than the others', and
# virginica's a little larger than versicolor's, with some overlap between those two.
#
# ## 2 · Train, validation and test; standardise
#
# We set aside 20 % of the flowers for a **test** set we look at only once, at the very end, and
# 20 % for a **validation** set that watches training (for early stopping). The split is
# stratified: each part keeps the three species in equal numbers. Then each input is standardised
# with the mean and spread of the training flowers only.

# %%
(X_train, y_train), (X_val, y_val), (X_test, y_test) = train_val_test_split(
    X, y, val=0.2, test=0.2, seed=0, stratify=True)
scaler = Standardizer().fit(X_train)
X_train, X_val, X_test = (scaler.transform(part) for part in (X_train, X_val, X_test))
Y_train, Y_val, Y_test = (one_hot(part, 3) for part in (y_train, y_val, y_test))
print("train", X_train.shape, " validation", X_val.shape, " test", X_test.shape)

# %% [markdown]
# ## 3 · Train
#
# With three classes, the outputs should be probabilities $a_1, a_2, a_3$ that sum to 1: a
# **softmax** output layer, $a_m = e^{v_m}/\sum_k e^{v_k}$, and the **cross-entropy** loss
# $\mathcal{L}_n = -\sum_m y_m \log a_m$ (notebook 03). The rule is Adam, on mini-batches of 16 flowers.
# `fit` evaluates the validation set after each epoch and stops when its loss has not improved for
# 20 epochs, keeping the weights of the best epoch.

# %%
model = MLP([4, 8, 3], hidden="tanh", output="softmax", seed=0)
history = fit(model, X_train, Y_train, loss="cross_entropy",
              optimizer=Adam(model.parameters(), lr=0.01), batch_size=16, epochs=300, seed=0,
              validation=(X_val, Y_val), patience=20, progress=False)
history

# %% [markdown]
# The training and validation losses and accuracies, epoch by epoch; the dotted line marks the
# epoch whose weights `fit` restored:

# %%
plot_history(history)

# %% [markdown]
# ## 4 · Test, once
#
# The network's answer is the species with the largest probability, $\arg\max_m a_m$. On the 30
# test flowers, which played no part in training, standardisation or early stopping:

# %%
a_test = model(X_test).data                  # the Tensor view: all 30 flowers at once
guess = a_test.argmax(axis=1)
print(f"test accuracy: {np.mean(guess == y_test):.1%}")
confusion = np.zeros((3, 3), dtype=int)
np.add.at(confusion, (y_test, guess), 1)     # rows: the true species, columns: the guess
print("true ↓ guess →" + "".join(f"{c:>12}" for c in IRIS_CLASSES))
for name, row in zip(IRIS_CLASSES, confusion):
    print(f"{name:14}" + "".join(f"{v:12d}" for v in row))

# %% [markdown]
# ## 5 · A decision boundary, in two inputs
#
# A network on four inputs has a boundary in four dimensions, which we cannot draw. A second
# network on the two petal measurements alone can be drawn: each point of the plane is coloured
# by the species the network would guess there.

# %%
petals = [IRIS_FEATURES.index("petal_length"), IRIS_FEATURES.index("petal_width")]
model_2d = MLP([2, 8, 3], hidden="tanh", output="softmax", seed=0)
fit(model_2d, X_train[:, petals], Y_train, loss="cross_entropy",
    optimizer=Adam(model_2d.parameters(), lr=0.01), batch_size=16, epochs=100, seed=0,
    progress=False)
accuracy_2d = np.mean(model_2d(X_test[:, petals]).data.argmax(axis=1) == y_test)
print(f"petals only: test accuracy {accuracy_2d:.1%}")

# %% [markdown]
# The regions, with the training flowers on top (petal length and width, standardised):

# %%
plot_decision_boundary(model_2d, X_train[:, petals], y_train, title="iris by its petals",
                       class_names=IRIS_CLASSES,
                       feature_names=("petal length (standardised)", "petal width (standardised)"))

# %% [markdown]
# Setosa sits far from the others; the boundary between versicolor and virginica runs through the
# few flowers where the two overlap.
#
# ## 6 · Save it, and carry it on
#
# `save(model, path)` (from `stepgrad.saving`) writes the weights and the architecture to one
# `.npz` file; `load(path)` gives back a model with bit-identical weights and predictions. Keep the
# fitted standardiser's mean and spread with it: new flowers must be standardised the same way.

# %%
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "iris.npz"
    save(model, path)
    loaded = load(path)
assert np.array_equal(loaded(X_test).data, a_test)
print("saved and loaded:", loaded)

# %% [markdown]
# Past what one machine can do, the same model continues in PyTorch: `stepgrad.nn.to_torch(model)`
# gives a `torch.nn.Sequential` computing the same $a_m$ (it needs the `torch` extra,
# `pip install 'stepgrad[torch]'`; without it this cell says so and skips).

# %%
if importlib.util.find_spec("torch") is None:
    print("PyTorch is not installed: pip install 'stepgrad[torch]' to run this cell")
else:
    import torch

    from stepgrad.nn import to_torch

    torch_model = to_torch(model)
    with torch.no_grad():
        a_torch = torch_model(torch.from_numpy(X_test)).numpy()
    print(torch_model)
    print(f"largest difference from stepgrad's predictions: {np.abs(a_torch - a_test).max():.1e}")
