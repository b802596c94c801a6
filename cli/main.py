"""The ``stepgrad`` command (also ``python -m stepgrad``).

    stepgrad demo    train the lecture's 6-9-2 network; write its graphs, stepper, curves, model
    stepgrad train   train an MLP on a CSV file or a bundled data set; print metrics; save it
    stepgrad graph   draw a saved model's graph for one input (SVG, or the stepper's HTML)
    stepgrad neuron  one neuron's forward and backward phase, step by step, as text
    stepgrad exercise  a backprop exercise to do by hand, with its worked solution and answer key
    stepgrad info    the versions of stepgrad, numpy and the Graphviz program that draws

A bad argument or an unusable path prints one line on stderr and exits with 2; a file that
cannot be written (a full disk) prints one line and exits with 1. Ctrl-C (or SIGTERM)
while ``train`` trains stops training and keeps the model so far; anywhere else it exits
with 130, leaving a command's outputs all written or none. A warning is one line on
stderr, and a terminal that cannot show μ or ∂ gets them spelled (mu, d).
"""

from __future__ import annotations

import argparse
import errno
import os
import signal
import sys
import threading
import warnings
from contextlib import contextmanager

from stepgrad.common import by_name
from stepgrad.nn import ACTIVATIONS, INITS, LOSSES
from stepgrad.optim import OPTIMIZERS
from stepgrad.practice import LEVELS

from .console import fit_streams, one_line_warning
from .demo import run_demo
from .errors import USAGE_ERROR, CLIError
from .exercise import run_exercise
from .graph import run_graph
from .info import VersionAction, run_info
from .neuron import run_neuron
from .train import run_train

__all__ = ["main", "build_parser"]

class _ArgumentError(CLIError):
    """argparse's complaint, already prefixed with the command's name."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (a CLIError), never a usage block."""

    def error(self, message):
        raise _ArgumentError(f"{self.prog}: {message} (see {self.prog} --help)")


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return n


def _seed(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0 (numpy's seeds are), "
                                         f"got {text!r}")
    return n


def _number(text: str, ok, expected: str) -> float:
    try:
        x = float(text)
    except ValueError:
        x = float("nan")
    if not ok(x):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return x


def _positive_float(text: str) -> float:
    return _number(text, lambda x: 0 < x < float("inf"), "a number > 0")


def _fraction(text: str) -> float:
    return _number(text, lambda x: 0 <= x < 1, "a fraction in [0, 1)")


def _batch_size(text: str):
    return None if text == "full" else _positive_int(text)


def _count(text: str) -> int:
    n = _positive_int(text)
    if n > 1000:
        raise argparse.ArgumentTypeError(f"expected at most 1000 exercises, got {text!r}")
    return n


def _difficulty(text: str) -> str:
    try:
        return by_name("difficulty", text, {level: level for level in LEVELS})
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected one of {', '.join(LEVELS)}, got {text!r}") from None


def _optimizer(text: str) -> str:
    try:
        return OPTIMIZERS.canonical(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected one of {', '.join(OPTIMIZERS)}, got {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    acts, losses = sorted(ACTIVATIONS), sorted(LOSSES)
    fmt = argparse.RawDescriptionHelpFormatter
    parser = _Parser(prog="stepgrad", description=__doc__.split("\n\n")[1], formatter_class=fmt,
                     epilog="Start with: stepgrad demo   (then open stepgrad-demo/"
                            "network-stepper.html)")
    parser.add_argument("--version", action=VersionAction)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="train the lecture's 6-9-2 network and draw it",
                          description="Train the lecture's 6-9-2 network on the lecture's "
                          "table, print its accuracy, and write backprop of one sample on the "
                          "network's picture and node by node (HTML), its forward and "
                          "backward graphs (SVG), the loss and Q curves (PNG) and the trained "
                          "model into --out. Running it again rewrites the files it wrote "
                          "there; anywhere else nothing is replaced without --force.")
    demo.add_argument("--out", metavar="DIR", default="stepgrad-demo",
                      help="the folder to write into (default: stepgrad-demo)")
    demo.add_argument("--epochs", type=_positive_int, default=20, help="default: 20")
    demo.add_argument("--lr", type=_positive_float, default=0.05, help="μ (default: 0.05)")
    demo.add_argument("--seed", type=_seed, default=0, help="default: 0")

    train = sub.add_parser(
        "train", help="train an MLP on a CSV file or a bundled data set", formatter_class=fmt,
        description="Train an MLP, print its metrics and save it (model.npz, metrics.json).",
        epilog="examples:\n  stepgrad train --data iris --epochs 200\n"
               "  stepgrad train --data people.csv --target gender --layers 6,9,2 "
               "--hidden tanh --output softmax\n"
               "      --loss cross_entropy --optimizer adam --lr 0.01 --epochs 100 "
               "--batch-size 32 --out my-model")
    train.add_argument("--data", required=True, metavar="FILE.csv|DATASET",
                       help="a CSV file with a header row, or a bundled data set: lecture, "
                            "iris, linear, xor, circles, moons, spirals")
    train.add_argument("--target", metavar="COLUMN", help="the CSV column to predict")
    train.add_argument("--layers", metavar="F,H,…,M",
                       help="the sizes, e.g. 6,9,2 (default: inputs,9,outputs)")
    train.add_argument("--hidden", choices=acts, default="tanh", help="σ_h (default: tanh)")
    train.add_argument("--output", choices=acts,
                       help="σ_m (default: softmax for classes, identity for numbers)")
    train.add_argument("--loss", choices=losses,
                       help="default: cross_entropy for classes, mse for numbers")
    train.add_argument("--optimizer", type=_optimizer, default="Adam",
                       help=f"{', '.join(OPTIMIZERS)} (default: Adam)")
    train.add_argument("--lr", type=_positive_float, default=0.01, help="μ (default: 0.01)")
    train.add_argument("--epochs", type=_positive_int, default=100, help="default: 100")
    train.add_argument("--batch-size", type=_batch_size, default=32,
                       help="samples per step: 1 is the lecture's algorithm, 'full' the whole "
                            "set (default: 32)")
    train.add_argument("--test", type=_fraction, default=0.2,
                       help="the share of rows held out (default: 0.2)")
    train.add_argument("--init", choices=sorted(INITS), default="glorot",
                       help="default: glorot")
    train.add_argument("--seed", type=_seed, default=0, help="default: 0")
    train.add_argument("--out", metavar="DIR", default="stepgrad-model",
                       help="the folder for model.npz and metrics.json (default: stepgrad-model)")

    graph = sub.add_parser("graph", help="draw a saved model's graph for one input",
                           description="Draw a saved model's graph for one input: an .svg "
                           "--out is the graph, an .html --out the backprop stepper.")
    graph.add_argument("model", metavar="MODEL", help="a model.npz (model.save, stepgrad train)")
    graph.add_argument("--sample", required=True, metavar="x1,…,xF", help="the input")
    graph.add_argument("--target", metavar="y1,…,yM",
                       help="the target: adds the loss L and runs the backward phase")
    graph.add_argument("--loss", choices=losses,
                       help="L with --target (default: the loss the model was trained with, "
                            "else half_sse, ½Σ_m (a_m − y_m)²)")
    graph.add_argument("--view", choices=("forward", "backward", "network"),
                       help="default: backward with --target, else forward; network (with an "
                            ".html --out): backprop on the network's picture")
    graph.add_argument("--out", metavar="FILE", default="graph.svg",
                       help="FILE.svg or FILE.html (default: graph.svg)")

    exercise = sub.add_parser(
        "exercise", help="a backprop exercise to do by hand, with its worked solution",
        formatter_class=fmt,
        description="Write a backprop exercise in the lecture's notation: a small network "
        "(2-2-1, 2-3-2 or 3-3-2, bias units, one-decimal weights), one sample, its target and "
        "μ; the task: the forward values, ε²_m, ∂L/∂w²_hm, ε¹_h, ∂L/∂w¹_fh and the weights "
        "after one step. Files: problem.md, solution.md, exercise.html (offline), network.svg "
        "and answer_key.csv; with --count K, K folders and one answer key. Every number is "
        "the engine's; the same seed writes the same files.",
        epilog="examples:\n  stepgrad exercise --seed 7 --out ex7\n"
               "  stepgrad exercise --seed 100 --count 30 --difficulty medium --out class")
    exercise.add_argument("--seed", type=_seed, default=0, help="default: 0")
    exercise.add_argument("--out", metavar="DIR", default="stepgrad-exercise",
                          help="the folder to write into (default: stepgrad-exercise)")
    exercise.add_argument("--count", type=_count, metavar="K",
                          help="K exercises (seeds N, N+1, …), one folder each, one answer key")
    exercise.add_argument("--difficulty", type=_difficulty, default="easy",
                          help="easy (2-2-1), medium (2-3-2) or hard (3-3-2); default: easy")

    neuron = sub.add_parser("neuron", help="one neuron's forward and backward phase, as text")
    neuron.add_argument("--svg", metavar="FILE", help="also save the graph as SVG")
    sub.add_parser("info", help="the versions of stepgrad, numpy and the renderer (its path)")

    for p in (demo, train, graph, neuron, exercise):
        p.add_argument("--force", action="store_true", help="replace files that exist")
    for p in (demo, train):
        p.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def _run(args) -> int:
    if args.command == "demo":
        return run_demo(args.out, force=args.force, epochs=args.epochs, lr=args.lr,
                        seed=args.seed, progress=not args.quiet)
    if args.command == "train":
        return run_train(args)
    if args.command == "graph":
        return run_graph(args)
    if args.command == "info":
        return run_info()
    if args.command == "exercise":
        return run_exercise(args)
    return run_neuron(svg=args.svg, force=args.force)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


@contextmanager
def _terminal(command: str):
    """While a command runs: warnings as one line, SIGTERM handled as Ctrl-C (so the command
    cleans up what it had not finished writing)."""
    main_thread = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        with warnings.catch_warnings():
            warnings.showwarning = one_line_warning(command)
            yield
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, old)


def _write_error(e: OSError) -> str:
    """An OSError of the command's own writing as one line: the file, the cause, the fix."""
    where = e.filename or "a file"
    why = e.strerror or str(e)
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"cannot write {where}: {why}; free some space, or write somewhere else"
    return f"cannot use {where}: {why}"


def main(argv=None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    fit_streams()
    args = None
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:  # --help and --version
            return int(done.code or 0)
        with _terminal(args.command):
            return _run(args)
    except _ArgumentError as e:
        print(e, file=sys.stderr)
        return USAGE_ERROR
    except CLIError as e:
        print(f"stepgrad {args.command if args else ''}: {e}", file=sys.stderr)
        return USAGE_ERROR
    except BrokenPipeError:  # the reader went away (stepgrad --help | head -1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("stepgrad: interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # a full disk, a file that vanished: one line, never a traceback
        print(f"stepgrad {args.command if args else ''}: {_write_error(e)}", file=sys.stderr)
        return 1
