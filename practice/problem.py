"""One exercise's givens, drawn from a seed: the network, its weights, one sample, μ.

:func:`draw_problem` turns a seed into a :class:`Problem`: a numpy Generator
(:func:`stepgrad.common.make_rng`, PCG64: the same seed draws the same numbers on
every machine) picks σ_h, σ_m, the loss and μ from the level's choices, then
the weights w¹_fh, w²_hm and the inputs x_f from −1.0 … 1.0 in steps of 0.1
(never 0), and the targets y_m from what the loss reads (:mod:`.options`).

A draw is taken again (from the same Generator, so still one per seed) when
the hand could not follow the engine: a net input within 0.05 of a kink of σ
(relu at 0, hardtanh at ±1), a relu output that is off (nothing would flow
back), every relu hidden unit off, |a_m − y_m| < 0.05 under MAE, 1 − y_m·a_m
within 0.05 of 0 under the squared hinge, or a loss below 0.001. The forward
values it looks at are the engine's (the model's Tensor view).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stepgrad.autograd import Tensor
from stepgrad.common import make_rng
from stepgrad.nn import MLP, get_loss

from .options import (
    ACTIVATION_CHOICES,
    LEVELS,
    LOSS_CHOICES,
    TENTHS,
    check_lr,
    check_sizes,
    kinks,
    outputs_for,
    pick_name,
    targets_for,
)

__all__ = ["Problem", "draw_problem", "MARGIN", "TRIES"]

MARGIN = 0.05  # how far a net input stays from a kink of σ
TRIES = 1000


@dataclass(frozen=True)
class Problem:
    """The givens of one exercise, in the lecture's layout.

    Attributes:
        seed: the seed it was drawn from; ``difficulty``: its level (explicit sizes,
            activations, loss or μ replace the level's).
        sizes: (F, H, M).
        hidden, output: σ_h and σ_m by name.
        loss: the loss's name (``"half_sse"``: the lecture's L = ½ Σ_m (a_m − y_m)²);
            one sample, summed over the outputs m.
        lr: μ.
        w1: w¹_fh as rows f = 0 … F (row 0 the bias), columns h = 1 … H.
        w2: w²_hm as rows h = 0 … H, columns m = 1 … M.
        x: x_1 … x_F; ``y``: y_1 … y_M.
    """

    seed: int
    difficulty: str
    sizes: tuple
    hidden: str
    output: str
    loss: str
    lr: float
    w1: tuple
    w2: tuple
    x: tuple
    y: tuple

    def weights(self, layer: int) -> np.ndarray:
        """wˡ as an array of shape (n_in + 1, n_out), row 0 the bias."""
        return np.array(self.w1 if layer == 1 else self.w2, dtype=np.float64)

    def model(self) -> MLP:
        """A new ``MLP`` with these weights (the engine's network)."""
        given = iter((self.weights(1), self.weights(2)))
        return MLP(list(self.sizes), hidden=self.hidden, output=self.output,
                   init=lambda n_in, n_out, rng: next(given).copy())

    @property
    def name(self) -> str:
        """``2-3-2 tanh/sigmoid, half_sse, μ = 0.5``."""
        return (f"{'-'.join(map(str, self.sizes))} {self.hidden}/{self.output}, {self.loss}, "
                f"μ = {self.lr:g}")


def _pick(rng: np.random.Generator, choices: Sequence) -> object:
    return choices[int(rng.integers(len(choices)))]


def _tenths(rng: np.random.Generator, shape: tuple) -> tuple:
    idx = rng.integers(len(TENTHS), size=shape)
    return tuple(tuple(TENTHS[int(i)] for i in row) for row in np.atleast_2d(idx))


def _fine(p: Problem) -> bool:
    """Whether the hand can follow the engine here (the module docstring's list)."""
    model = p.model()
    layer1, layer2 = model.layers
    x = Tensor(np.array([p.x]), requires_grad=False)
    u = layer1.preactivation(x).data[0]
    alpha = layer1.forward(x)
    v = layer2.preactivation(alpha).data[0]
    a = layer2.forward(alpha).data[0]
    near = lambda s, act: any(abs(float(t) - k) < MARGIN for t in s for k in kinks(act))
    if near(u, p.hidden) or near(v, p.output):
        return False
    if p.hidden == "relu" and not np.any(u > 0):
        return False
    if p.output == "relu" and not np.all(v > 0):
        return False
    y = np.array(p.y)
    if p.loss == "mae" and np.any(np.abs(a - y) < MARGIN):
        return False
    if p.loss == "squared_hinge" and (np.any(np.abs(1 - y * a) < MARGIN) or np.all(y * a > 1)):
        return False
    L = get_loss(p.loss)(Tensor(a, requires_grad=False), y, reduction="sum")
    return float(L.data) >= 1e-3


def draw_problem(seed: int, difficulty: str = "easy", *, sizes: Sequence[int] | None = None,
                 activations: str | Sequence[str] | None = None, loss: str | None = None,
                 lr: float | None = None) -> Problem:
    """The problem of ``seed`` (see the module docstring); explicit choices override the
    level's. ``activations``: one name for both layers, or (σ_h, σ_m).

    Raises:
        ValueError: a negative seed, an unknown difficulty, activation or loss, a loss
            that cannot read that output (BCE needs a sigmoid), or no fine draw in
            ``TRIES`` tries.
        TypeError: a seed that is not an int.
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed: expected a whole number >= 0, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed: expected a whole number >= 0 (numpy's seeds are), got {seed}")
    level = LEVELS[pick_name("difficulty", difficulty, tuple(LEVELS))]
    F, H, M = check_sizes(sizes) if sizes is not None else level.sizes
    hidden_choices, output_choices = level.hidden, level.output
    if activations is not None:
        pair = (activations, activations) if isinstance(activations, str) else tuple(activations)
        if len(pair) != 2:
            raise ValueError(f"activations: one name, or two (σ_h, σ_m), got {activations!r}")
        hidden_choices = (pick_name("activation", pair[0], ACTIVATION_CHOICES),)
        output_choices = (pick_name("activation", pair[1], ACTIVATION_CHOICES),)
    if loss is not None:
        loss = pick_name("loss", loss, LOSS_CHOICES)
        output_choices = tuple(o for o in output_choices if o in outputs_for(loss))
        if not output_choices:
            raise ValueError(f"loss {loss}: it needs an output activation among "
                             f"{', '.join(outputs_for(loss))}")
    rate = check_lr(lr) if lr is not None else None
    rng = make_rng(int(seed))  # PCG64: the same stream on every machine
    for _ in range(TRIES):
        output = str(_pick(rng, output_choices))
        hidden = str(_pick(rng, hidden_choices))
        name = loss or str(_pick(rng, [n for n in level.losses if output in outputs_for(n)]
                                 or ["half_sse"]))
        mu = rate if rate is not None else float(level.rates[int(rng.integers(len(level.rates)))])
        w1, w2 = _tenths(rng, (F + 1, H)), _tenths(rng, (H + 1, M))
        x = _tenths(rng, (1, F))[0]
        ys = targets_for(name)
        y = tuple(float(ys[int(i)]) for i in rng.integers(len(ys), size=M))
        p = Problem(int(seed), level.name, (F, H, M), hidden, output, name, mu, w1, w2, x, y)
        if _fine(p):
            return p
    raise ValueError(f"no exercise with {F}-{H}-{M} {hidden_choices}/{output_choices} and "
                     f"{loss or level.losses} keeps its net inputs off the kinks in {TRIES} "
                     f"draws of seed {seed}; choose other activations")
