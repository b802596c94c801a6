"""``stepgrad demo``: the lecture's 6-9-2 network, trained, drawn and saved, in one command.

1. Train ``MLP([6, 9, 2], hidden="tanh", output="sigmoid")`` on the lecture's table
   (:func:`stepgrad.nn.data.lecture_data`: six body measurements x_1 … x_6, gender
   as y = (1, 0) or (0, 1)) with the lecture's algorithm: one sample per step,
   L = ½ Σ_m (a_m − y_m)², w := w − μ·∂L/∂w, Q := λ·L + (1 − λ)·Q.
2. Print the accuracy on the training rows and on held-out rows.
3. Write into ``--out`` (``stepgrad-demo/``): backprop of one held-out sample on the
   network's picture (HTML, the first picture to open), the same backward phase node
   by node (HTML), the trained network (SVG, one edge per weight), the sample's forward
   and backward graphs (SVG), the loss and Q curves (PNG), the trained model
   (``model.npz``, with its loss and class names), and say what to open next.

The demo marks its folder (:data:`MARK`); running it again rewrites its own files
there, so ``make demo`` can be run twice. Anywhere else an existing file is never
replaced without ``--force``; every check runs before the training. The files
appear together at the end (:func:`~.staging.all_or_none`): an interrupted run
leaves all of them or none.
"""

from __future__ import annotations

import numpy as np

from stepgrad.nn import MLP
from stepgrad.nn.data import GENDERS, lecture_data, train_val_test_split
from stepgrad.optim import SGD, fit
from stepgrad.optim.history import STOP_REASONS
from stepgrad.saving import save

from .errors import require_renderer, say
from .paths import output_folder, refuse_overwrite
from .pictures import (
    sample_graph,
    write_curves_png,
    write_graph_svg,
    write_network_stepper_html,
    write_network_svg,
    write_stepper_html,
)
from .staging import all_or_none, load_uninterrupted

__all__ = ["FILES", "MARK", "run_demo"]

FILES = {
    "network_stepper": "network-stepper.html",
    "network": "network.svg",
    "forward": "graph-forward.svg",
    "backward": "graph-backward.svg",
    "stepper": "backprop-stepper.html",
    "curves": "training-curves.png",
    "model": "model.npz",
}
MARK = ".stepgrad-demo"
"""The file that marks a folder as the demo's own: a second run rewrites its files there."""


def _claim(folder, paths, force: bool) -> None:
    """Stop before any work if the demo would replace files that are not its own.

    A folder the demo wrote before holds :data:`MARK`; there the demo rewrites its
    files (``make demo`` runs again). Elsewhere an existing file is never replaced
    without ``--force``.
    """
    if not (folder / MARK).exists():
        refuse_overwrite(paths.values(), force)
    else:
        refuse_overwrite(paths.values(), True)  # still: a folder is not replaced by a file


def accuracy(model, X, Y) -> float:
    """The share of rows whose largest output a_m is the target's class."""
    return float(np.mean(model(X).data.argmax(axis=1) == Y.argmax(axis=1)))


def train_lecture_network(epochs: int, lr: float, seed: int, progress: bool = True):
    """The 6-9-2 network trained sample-wise on the lecture's table.

    Returns ``(model, optimizer, history, (X_train, Y_train), (X_test, Y_test))``.
    """
    X, Y = lecture_data(n=200, seed=seed)
    train, _, test = train_val_test_split(X, Y, val=0.0, test=0.25, seed=seed, stratify=True)
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=seed)
    optimizer = SGD(model.parameters(), lr=lr)
    history = fit(model, train[0], train[1], loss="half_sse", optimizer=optimizer, batch_size=1,
                  epochs=epochs, seed=seed, progress=progress)
    return model, optimizer, history, train, test


def run_demo(out: str = "stepgrad-demo", force: bool = False, epochs: int = 20,
             lr: float = 0.05, seed: int = 0, progress: bool = True) -> int:
    """The demo; returns the exit code (0). Raises CLIError on an unusable ``out``."""
    require_renderer()
    folder = output_folder(out, create=False)  # made when the files are written
    paths = {key: folder / name for key, name in FILES.items()}
    _claim(folder, paths, force)
    load_uninterrupted("matplotlib.pyplot", "PIL.Image")  # the curves' C extensions, whole

    say("Training the lecture's 6-9-2 network (tanh hidden units, sigmoid outputs) on the "
        "lecture's table:")
    say("  150 people to train on, 50 held out; one sample per step (the lecture's "
        f"algorithm), μ = {lr}, {epochs} epochs")
    model, optimizer, history, train, test = train_lecture_network(epochs, lr, seed, progress)
    if history.stop_reason == "interrupted":  # fit caught Ctrl-C: the demo stops, writes nothing
        raise KeyboardInterrupt
    say(f"  {history.epochs} epochs, {history.steps} steps, Q = {history.Q[-1]:.4f}; stopped: "
        f"{STOP_REASONS[history.stop_reason]}")
    say(f"  accuracy: {accuracy(model, *train):.1%} on the training rows, "
        f"{accuracy(model, *test):.1%} on the held-out rows")
    say("")

    x, y = test[0][0], test[1][0]
    _, L = sample_graph(model, x, y)
    with all_or_none(folder) as staged:  # all the files, or none (Ctrl-C, a full disk)
        to = {key: staged / path.name for key, path in paths.items()}
        write_network_stepper_html(model, x, y, to["network_stepper"], classes=GENDERS,
                                   links=[("node by node: " + FILES["stepper"],
                                           FILES["stepper"])])
        write_network_svg(model, to["network"])
        write_graph_svg(L, to["forward"], "forward")
        write_graph_svg(L, to["backward"], "backward")
        write_stepper_html(L, to["stepper"])
        write_curves_png(history, to["curves"])
        save(model, to["model"], optimizer=optimizer, loss="half_sse", classes=GENDERS)
        (staged / MARK).write_text("Written by `stepgrad demo`: running it again rewrites the "
                                   "files it wrote here (and no others).\n", encoding="utf-8")

    sample = ", ".join(f"{v:.2f}" for v in x)
    what = {
        "network_stepper": "backprop on the network's picture, step by step, in your browser:"
                           f"\n{'':27}ε at each unit, ∂L/∂w on each edge (open this first)",
        "network": "the trained 6-9-2 network as on the slides: an edge per weight w",
        "forward": f"one held-out person, x = ({sample}):\n{'':27}the forward phase, "
                   f"u_h, α_h, a_m and L",
        "backward": "the same graph after L.backward(): each node's ∂L/∂node",
        "stepper": "the same backward phase node by node: every step of the engine",
        "curves": "L per epoch and Q per step while training",
        "model": "the trained weights w¹_fh, w²_hm: stepgrad.saving.load(path)",
    }
    say(f"Wrote into {folder}/:")
    for key, path in paths.items():
        say(f"  {path.name:24} {what[key]}")
    say("")
    say("Open next:")
    say(f"  {paths['network_stepper']}   (xdg-open it, or open it in any browser)")
    say(f"  {paths['stepper']}   (the same, node by node)")
    say(f"  {paths['backward']}")
    say("  the notebooks: make notebooks   (Jupyter Lab on notebooks/; start with "
        "01_one_neuron.ipynb)")
    say(f"  stepgrad graph {paths['model']} --sample {','.join(f'{v:.2f}' for v in x)} "
        f"--target {','.join(f'{v:g}' for v in y)} --out my-graph.svg")
    return 0

