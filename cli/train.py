"""``stepgrad train``: train an MLP on a CSV file or a bundled data set, print its metrics, save it.

The rows are shuffled and split (``--test`` of them held out, each class in the
same share); the inputs are standardised with the training rows' mean x̄_f and
standard deviation s_f, and after training that scaling is folded into the first
layer (w¹_fh ← w¹_fh / s_f, w¹_0h ← w¹_0h − Σ_f w¹_fh·x̄_f / s_f), so the saved
model reads rows in the file's own units.

A class target (names, or a bundled classification set) is one-hot: the output
layer has one unit a_m per class. A numeric target is a regression (one output).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from stepgrad.autograd import no_grad
from stepgrad.nn import LOSSES, MLP
from stepgrad.nn.data import (
    DATASETS,
    GENDERS,
    IRIS_CLASSES,
    CSVError,
    Standardizer,
    load_csv,
    one_hot,
    train_val_test_split,
)
from stepgrad.optim import OPTIMIZERS, fit
from stepgrad.optim.history import STOP_REASONS
from stepgrad.saving import save

from .errors import CLIError, say
from .memory import available_bytes, readable_bytes, training_bytes, weight_count
from .paths import input_file, output_folder, refuse_overwrite
from .staging import all_or_none

CLASS_NAMES = {"iris": IRIS_CLASSES, "lecture": GENDERS}
"""The class names of the bundled data sets that have them (the others are numbered)."""

__all__ = ["load_table", "fold_standardizer", "run_train"]


def load_table(data: str, target: str | None):
    """``(X, Y, classes)`` from a CSV path or a bundled data set's name.

    Y is one-hot (N, K) for classes (``classes`` their names), else (N, 1) values.
    """
    if data in DATASETS and not Path(data).exists():
        X, y = DATASETS[data]()
        Y = y if y.ndim == 2 else one_hot(y)
        names = CLASS_NAMES.get(data, tuple(str(k) for k in range(Y.shape[1])))
        return X, Y, names
    if not data.endswith(".csv") and not Path(data).exists():
        raise CLIError(f"--data {data}: no such file, and not a bundled data set "
                       f"({', '.join(DATASETS)})")
    path = input_file(data, "CSV file")
    if target is None:
        raise CLIError(f"--data {data} is a CSV file: name its target column with --target")
    try:
        table = load_csv(path, target=target)
    except (CSVError, UnicodeDecodeError, OSError) as e:
        raise CLIError(f"--data {e}" if isinstance(e, CSVError) else f"{path}: {e}") from None
    assert table.y is not None  # a target column was named
    if table.classes is None:
        return table.X, table.y[:, None], None
    return table.X, one_hot(table.y, len(table.classes)), table.classes


def fold_standardizer(model, mean: np.ndarray, std: np.ndarray) -> None:
    """Make ``model`` read raw x instead of (x − x̄)/s: rescale w¹ in place (exact to rounding)."""
    W = model.layers[0].weight.data
    W[1:] /= std[:, None]
    W[0] -= mean @ W[1:]


def _sizes(layers: str | None, F: int, M: int) -> list:
    if layers is None:
        return [F, 9, M]
    try:
        sizes = [int(s) for s in layers.split(",")]
    except ValueError:
        raise CLIError(f"--layers {layers}: expected sizes like 6,9,2") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise CLIError(f"--layers {layers}: expected at least two sizes, each >= 1")
    if sizes[0] != F or sizes[-1] != M:
        raise CLIError(f"--layers {layers}: the data has {F} input columns and {M} outputs, "
                       f"so the sizes must be {F},…,{M}")
    return sizes


def _check_memory(layers: str | None, sizes: list, batch_rows: int) -> None:
    """Refuse a model whose training would not fit in the memory this machine has free."""
    need, free = training_bytes(sizes, batch_rows), available_bytes()
    if free is not None and need > free:
        raise CLIError(f"--layers {layers or ','.join(map(str, sizes))}: {weight_count(sizes):,} "
                       f"weights; training needs about {readable_bytes(need)} of memory "
                       f"(w, ∂L/∂w and the optimizer's state, 8 bytes each), and "
                       f"{readable_bytes(free)} is free: choose smaller layers")


def _metrics(model, loss_fn, X, Y, classes) -> dict:
    with no_grad():
        A = model(X)
        m = {"loss": float(loss_fn(A, Y).data)}
    if classes is not None:
        m["accuracy"] = float(np.mean(A.data.argmax(axis=1) == Y.argmax(axis=1)))
    else:
        m["rmse"] = float(np.sqrt(np.mean((A.data - Y) ** 2)))
    return m


def run_train(args) -> int:
    """The ``train`` command; returns the exit code."""
    X, Y, classes = load_table(args.data, args.target)
    sizes = _sizes(args.layers, X.shape[1], Y.shape[1])
    _check_memory(args.layers, sizes, args.batch_size or len(X))
    output = args.output or ("softmax" if classes else "identity")
    loss = args.loss or ("cross_entropy" if classes else "mse")
    try:
        train, _, test = train_val_test_split(X, Y, val=0.0, test=args.test, seed=args.seed,
                                              stratify=classes is not None)
        scaler = Standardizer().fit(train[0])
    except ValueError as e:
        raise CLIError(f"--data {args.data}: {e}") from None
    try:
        model = MLP(sizes, hidden=args.hidden, output=output, init=args.init, seed=args.seed)
        opt = OPTIMIZERS[args.optimizer](model.parameters(), lr=args.lr)
        LOSSES[loss](model(scaler.transform(train[0][:4])), train[1][:4])  # do they fit?
    except ValueError as e:
        raise CLIError(f"--output {output} --loss {loss}: {e}") from None
    folder = output_folder(args.out, create=False)  # made when the files are written
    paths = {"model": folder / "model.npz", "metrics": folder / "metrics.json"}
    refuse_overwrite(paths.values(), args.force)
    say(f"Training MLP({sizes}, hidden={args.hidden}, output={output}) with {loss} and "
        f"{args.optimizer} (μ = {args.lr}) on {len(train[0])} rows, {len(test[0])} held out")
    try:
        history = fit(model, scaler.transform(train[0]), train[1], loss=loss,
                      optimizer=opt, batch_size=args.batch_size, epochs=args.epochs,
                      seed=args.seed, progress=not args.quiet)
    except ValueError as e:  # the loss refused what the outputs became (e.g. msle below −1)
        raise CLIError(f"training stopped: {e}") from None
    if history.stop_reason == "diverged":  # fit's warning gave the numbers; save nothing
        raise CLIError(f"--lr {args.lr:g}: training diverged (μ too large: the loss grew by an "
                       f"order of magnitude or overflowed); nothing was saved: lower it, e.g. "
                       f"--lr {args.lr / 100:g}")
    fold_standardizer(model, scaler.mean, scaler.std)
    metrics = {"train": _metrics(model, LOSSES[loss], train[0], train[1], classes)}
    if len(test[0]):
        metrics["test"] = _metrics(model, LOSSES[loss], test[0], test[1], classes)
    say(f"  {history.epochs} epochs, {history.steps} steps; stopped: "
        f"{STOP_REASONS[history.stop_reason]}")
    for part, m in metrics.items():
        say(f"  {part:5}  " + "   ".join(f"{k} {v:.4f}" if k != "accuracy" else f"{k} {v:.1%}"
                                         for k, v in m.items()))
    record = {"sizes": sizes, "hidden": args.hidden, "output": output, "loss": loss,
              "optimizer": args.optimizer, "lr": args.lr, "epochs": history.epochs,
              "batch_size": args.batch_size, "classes": classes, "metrics": metrics,
              "data": args.data, "target": args.target}
    with all_or_none(folder) as staged:  # both files, or neither
        save(model, staged / paths["model"].name,  # no optimizer state: the fold moved w¹
             loss=loss, classes=classes)
        (staged / paths["metrics"].name).write_text(json.dumps(record, indent=2) + "\n")
    say(f"Saved the model to {paths['model']} (it reads rows in the data's own units) "
        f"and the metrics to {paths['metrics']}")
    return 0
