"""What an exercise may be: the difficulty levels, and the checks on explicit choices.

An exercise is the lecture's network with one hidden layer, F-H-M (``2-2-1``,
``2-3-2``, ``3-3-2``), bias units at index 0, σ_h on the hidden layer, σ_m on
the outputs, a loss from the lecture's list and a learning rate μ:

=======  =======  ===========================  ==========================  ======================
level    sizes    σ_h (hidden)                 σ_m (outputs)               loss
=======  =======  ===========================  ==========================  ======================
easy     2-2-1    sigmoid, identity            identity, sigmoid           ½Σ(a_m − y_m)²
medium   2-3-2    sigmoid, tanh, relu          sigmoid, tanh, identity     ½Σ(a − y)², MSE, BCE
hard     3-3-2    sigmoid, tanh, relu,         sigmoid, tanh, identity,    the six of the lecture
                  hardtanh                     relu                        but categorical CE
=======  =======  ===========================  ==========================  ======================

Left out: ``sign`` (σ′ = 0: nothing flows back) and ``softmax`` with categorical
cross-entropy (its ∂a_k/∂v_m mixes the outputs; the derivation can write it,
but it is not an exercise for the hand). A loss needs an output it can read:
binary cross-entropy a sigmoid's (0, 1), MSLE a_m > −1 (sigmoid, relu), the
squared hinge targets ±1 and a signed output (tanh, identity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from stepgrad.common import by_name, check_number, normalise

__all__ = ["Level", "LEVELS", "ACTIVATION_CHOICES", "LOSS_CHOICES", "outputs_for", "targets_for",
           "pick_name", "check_sizes", "check_lr", "kinks"]

ACTIVATION_CHOICES = ("identity", "sigmoid", "tanh", "relu", "hardtanh")
LOSS_CHOICES = ("half_sse", "mse", "mae", "binary_cross_entropy", "msle", "squared_hinge")
LEFT_OUT = {
    "sign": "sign is left out of the exercises: σ′ = 0 everywhere, so nothing flows back",
    "softmax": "softmax (with categorical cross-entropy) is left out of the exercises: its "
               "outputs mix, ∂a_k/∂v_m; use step_network(...).derivation() for it",
    "cross_entropy": "categorical cross-entropy needs a softmax output, which the exercises "
                     "leave out; binary_cross_entropy with a sigmoid output is one",
}
TENTHS = tuple(k / 10 for k in range(-10, 11) if k)  # −1.0 … 1.0 in steps of 0.1, no 0


@dataclass(frozen=True)
class Level:
    """One difficulty: the sizes F-H-M, and the choices each exercise draws from."""

    name: str
    sizes: tuple
    hidden: tuple
    output: tuple
    losses: tuple
    rates: tuple


LEVELS = {
    "easy": Level("easy", (2, 2, 1), ("sigmoid", "identity"), ("identity", "sigmoid"),
                  ("half_sse",), (0.1, 0.5, 1.0)),
    "medium": Level("medium", (2, 3, 2), ("sigmoid", "tanh", "relu"),
                    ("sigmoid", "tanh", "identity"),
                    ("half_sse", "mse", "binary_cross_entropy"), (0.1, 0.2, 0.5)),
    "hard": Level("hard", (3, 3, 2), ("sigmoid", "tanh", "relu", "hardtanh"),
                  ("sigmoid", "tanh", "identity", "relu"), LOSS_CHOICES, (0.1, 0.2, 0.5)),
}


def pick_name(kind: str, name: str, choices: Sequence[str]) -> str:
    """``name`` as one of ``choices`` (any case, ``-`` for ``_``), or a ValueError saying why."""
    if not isinstance(name, str):
        raise TypeError(f"{kind}: expected a name, got {type(name).__name__}")
    try:
        return by_name(kind, name, {c: c for c in choices})
    except ValueError:
        why = LEFT_OUT.get(normalise(name))
        raise ValueError(f"{kind} {name!r}: " + (why if why else
                                                 f"expected one of {', '.join(choices)}")) from None


def outputs_for(loss: str) -> tuple:
    """The output activations σ_m a loss can read."""
    return {"binary_cross_entropy": ("sigmoid",), "msle": ("sigmoid", "relu"),
            "squared_hinge": ("tanh", "identity")}.get(loss, ACTIVATION_CHOICES)


def targets_for(loss: str) -> tuple:
    """The targets y_m an exercise draws for a loss: 0/1 for BCE, ±1 for the squared hinge,
    else 0.0 … 1.0 in steps of 0.1."""
    if loss == "binary_cross_entropy":
        return (0.0, 1.0)
    if loss == "squared_hinge":
        return (-1.0, 1.0)
    return tuple(k / 10 for k in range(11))


def kinks(activation: str) -> tuple:
    """Where σ′ jumps: a net input this close to a kink is drawn again (the hand and the
    engine could take different sides of it)."""
    return {"relu": (0.0,), "hardtanh": (-1.0, 1.0)}.get(activation, ())


def check_sizes(sizes: Sequence[int]) -> tuple:
    """F-H-M: three sizes from 1 to 6 (one hidden layer, as the lecture's network)."""
    try:
        out = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise ValueError(f"sizes: expected three whole numbers F, H, M, got {sizes!r}") from None
    if len(out) != 3 or any(s != t for s, t in zip(out, sizes)) or not all(1 <= s <= 6
                                                                           for s in out):
        raise ValueError(f"sizes: expected F, H, M, each 1 … 6 (one hidden layer, an "
                         f"exercise for the hand), got {tuple(sizes)!r}")
    return out


def check_lr(lr: float) -> float:
    """μ > 0."""
    lr = check_number("lr", lr)
    if not 0 < lr <= 10:
        raise ValueError(f"lr: μ must be in (0, 10], got {lr!r}")
    return lr
