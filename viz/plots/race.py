"""The optimizer race: every update rule of ``stepgrad.optim.OPTIMIZERS`` on 2-D
surfaces (the lecture's "comparison of optimization algorithms").

Each trajectory is the library's own optimizer (``stepgrad.optim``) stepping a
Tensor θ = (x, y) on a surface written with autograd ops, so the gradient is
the engine's and the update the optimizer's, as in training:

    θ = Tensor(start); opt = Adam([θ], lr=…)
    repeat: opt.zero_grad(); f(θ).backward(); opt.step()

=============  ===========================  =====================================
surface        f(x, y)                      what it shows
=============  ===========================  =====================================
``bowl``       ½(x² + 20·y²)                an ill-conditioned valley: SGD zigzags
                                            across it, momentum rolls along it
``rosenbrock`` (1 − x)² + 100·(y − x²)²     a curved, flat-bottomed valley to (1, 1)
``saddle``     x² − y²                      a saddle at 0: starting almost on the
                                            ridge, who escapes?
=============  ===========================  =====================================

:func:`race_trajectories` gives the numbers, :func:`optimizer_race` the static
figure, :func:`race_animation` the animation and :func:`save_race` writes it
to a GIF (Pillow) or an HTML page (``to_jshtml``).
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from stepgrad.autograd import Tensor
from stepgrad.optim import OPTIMIZERS

from .style import LINE_STYLES, figure, rule_color

if TYPE_CHECKING:  # matplotlib is imported when a plot is drawn; its names, for the annotations
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure

__all__ = ["Surface", "SURFACES", "race_lr", "race_trajectories", "optimizer_race",
           "race_animation", "save_race"]


@dataclass(frozen=True)
class Surface:
    """A 2-D test surface f(θ), θ = (x, y), with a start (and, optionally, the rules' μ).

    Attributes:
        name, formula: for titles.
        f: f on a Tensor θ of shape (2,), built from autograd ops (a scalar Tensor).
        numpy_f: the same on numpy arrays x, y (for contour lines).
        start: θ₀.
        steps: how many steps each rule takes.
        key: the surface's name in a rule's ``race_lr`` (``OPTIMIZERS``' registration).
        lr: μ for a rule on this surface, where it differs from the registered
            ``race_lr`` (a surface of your own gives its rules' μ here).
        window: ((x_min, x_max), (y_min, y_max)) of the picture; a trajectory
            stops being recorded once it leaves 3× this window.
        minimum: the minimiser, marked with a star (None for the saddle).
        log_levels: contour levels spaced logarithmically.
    """

    name: str
    formula: str
    f: Callable
    numpy_f: Callable
    start: tuple
    steps: int
    window: tuple
    minimum: tuple | None = None
    log_levels: bool = False
    key: str = ""
    lr: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _bowl(t):
    x, y = t[0], t[1]
    return 0.5 * (x * x + 20.0 * y * y)


def _rosenbrock(t):
    x, y = t[0], t[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _saddle(t):
    x, y = t[0], t[1]
    return x * x - y * y


SURFACES = {
    "bowl": Surface(
        "bowl", "½(x² + 20·y²)", _bowl, lambda x, y: 0.5 * (x * x + 20 * y * y),
        start=(-4.5, 1.0), steps=60,
        window=((-5.0, 1.5), (-1.6, 1.6)), minimum=(0.0, 0.0), key="bowl"),
    "rosenbrock": Surface(
        "Rosenbrock", "(1 − x)² + 100·(y − x²)²", _rosenbrock,
        lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        start=(-1.0, 0.5), steps=500,
        window=((-1.8, 1.6), (-0.6, 2.0)), minimum=(1.0, 1.0), log_levels=True,
        key="rosenbrock"),
    "saddle": Surface(
        "saddle", "x² − y²", _saddle, lambda x, y: x * x - y * y,
        start=(1.0, 1e-3), steps=60,
        window=((-1.2, 1.2), (-1.2, 1.2)), key="saddle"),
}


def _surface(surface: str | Surface) -> Surface:
    if isinstance(surface, Surface):
        return surface
    if surface not in SURFACES:
        raise ValueError(f"unknown surface {surface!r}; choose one of {', '.join(SURFACES)}")
    return SURFACES[surface]


def race_lr(rule: str, surface: str | Surface) -> float:
    """μ of ``rule`` on ``surface``: the surface's own, else the rule's registered
    ``race_lr`` for it (``stepgrad.optim.OPTIMIZERS``), else the rule's default μ."""
    s = _surface(surface)
    if rule in s.lr:
        return s.lr[rule]
    registered = OPTIMIZERS.about(rule).get("race_lr", {})
    if s.key in registered:
        return registered[s.key]
    return inspect.signature(OPTIMIZERS[rule]).parameters["lr"].default


def race_trajectories(surface: str | Surface = "bowl", steps: int | None = None,
                      rules: Iterable[str] | None = None) -> dict[str, np.ndarray]:
    """``{rule: array (k + 1, 2)}``: θ₀, θ₁, … as each optimizer steps on the surface.

    ``rules``: names of ``stepgrad.optim.OPTIMIZERS`` (default: all of them, in order).
    A trajectory that leaves 3× the surface's window (the saddle falls away to
    −∞) stops there, so it may hold fewer than ``steps`` + 1 points.
    """
    s = _surface(surface)
    steps = s.steps if steps is None else steps
    (x0, x1), (y0, y1) = s.window
    bound = 3 * max(abs(x0), abs(x1), abs(y0), abs(y1))
    out = {}
    for rule in OPTIMIZERS if rules is None else rules:
        if rule not in OPTIMIZERS:
            raise ValueError(f"unknown rule {rule!r}; the rules are {', '.join(OPTIMIZERS)}")
        theta = Tensor(np.array(s.start, dtype=np.float64), label="θ")
        opt = OPTIMIZERS[rule]([theta], lr=race_lr(rule, s))
        path = [theta.data.copy()]
        for _ in range(steps):
            opt.zero_grad()
            s.f(theta).backward()
            opt.step()
            path.append(theta.data.copy())
            if not np.all(np.abs(theta.data) < bound):
                break
        out[rule] = np.array(path)
    return out


def _contours(ax, s: Surface) -> None:
    (x0, x1), (y0, y1) = s.window
    xx, yy = np.meshgrid(np.linspace(x0, x1, 150), np.linspace(y0, y1, 150))
    zz = s.numpy_f(xx, yy)
    if s.log_levels:
        levels = np.logspace(-1, np.log10(zz.max()), 14)
    else:
        levels = np.linspace(zz.min(), zz.max(), 16)
    ax.contour(xx, yy, zz, levels=levels, colors="#9ca3af", linewidths=0.7)
    if s.minimum is not None:
        ax.plot(*s.minimum, "*", color="#111827", ms=12, zorder=5)
    ax.plot(*s.start, "o", color="#111827", ms=5, zorder=5)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_title(f"{s.name}: {s.formula}", fontsize=10)
    ax.set_xlabel("x")


def optimizer_race(surfaces: Sequence[str | Surface] = ("bowl", "rosenbrock", "saddle"),
                   steps: int | None = None) -> Figure:
    """Every rule's trajectory on each surface, side by side, as a Figure."""
    shown = [_surface(s) for s in surfaces]
    fig, axes = figure(9.0, 3.9, ncols=len(shown), squeeze=False)
    for ax, s in zip(axes[0], shown):
        _contours(ax, s)
        for k, (rule, path) in enumerate(race_trajectories(s, steps).items()):
            dash, marker = LINE_STYLES[k % len(LINE_STYLES)]
            ax.plot(path[:, 0], path[:, 1], ls=dash, color=rule_color(rule), label=rule,
                    lw=max(2.6 - 0.3 * k, 1.0), marker=marker, ms=max(7.0 - k, 3.0), mfc="none",
                    markevery=max(len(path) // 12, 1), zorder=2 + k)
    axes[0, 0].set_ylabel("y")
    fig.legend(*axes[0, 0].get_legend_handles_labels(), loc="outside lower center",
               ncol=len(OPTIMIZERS), fontsize=9)
    fig.suptitle(f"The {len(OPTIMIZERS)} update rules from the same start (● start, ★ minimum)",
                 fontsize=11)
    return fig


def race_animation(surface: str | Surface = "bowl", steps: int | None = None, frames: int = 40,
                   interval: int = 80) -> FuncAnimation:
    """A ``matplotlib.animation.FuncAnimation`` of the race on one surface.

    Args:
        frames: the number of frames; the steps are spread evenly over them.
        interval: milliseconds between frames.
    """
    from matplotlib.animation import FuncAnimation  # optional: imported when drawing

    s = _surface(surface)
    paths = race_trajectories(s, steps)
    longest = max(len(p) for p in paths.values())
    frames = max(2, min(frames, longest))
    upto = np.linspace(1, longest, frames).round().astype(int)
    fig, ax = figure(6.4, 5.0)
    _contours(ax, s)
    ax.set_ylabel("y")
    lines = {r: ax.plot([], [], "-", color=rule_color(r), lw=1.8, label=r)[0] for r in paths}
    heads = {r: ax.plot([], [], "o", color=rule_color(r), ms=6)[0] for r in paths}
    counter = ax.text(0.02, 0.97, "", transform=ax.transAxes, va="top", fontsize=9)
    ax.legend(loc="lower right", fontsize=8, ncol=2)

    def draw(i):
        k = upto[i]
        for r, p in paths.items():
            q = p[:k]
            lines[r].set_data(q[:, 0], q[:, 1])
            heads[r].set_data(q[-1:, 0], q[-1:, 1])
        counter.set_text(f"step {k - 1}")
        return [*lines.values(), *heads.values(), counter]

    return FuncAnimation(fig, draw, frames=frames, interval=interval, blit=False)


def save_race(path: str | os.PathLike[str], surface: str | Surface = "bowl",
              steps: int | None = None, frames: int = 40, fps: int = 10,
              overwrite: bool = False) -> Path:
    """Write the race on ``surface`` to ``path``: ``.gif`` (Pillow) or ``.html`` (to_jshtml).

    Raises:
        ValueError: another suffix (checked before any drawing).
        FileExistsError: ``path`` exists and ``overwrite`` is False.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".gif", ".html", ".htm"):
        raise ValueError(f"save_race writes .gif or .html, got {path.name!r}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"save_race: {path} exists; pass overwrite=True to replace it")
    anim = race_animation(surface, steps, frames, interval=int(1000 / fps))
    if suffix == ".gif":
        from matplotlib.animation import PillowWriter  # optional: imported when drawing

        anim.save(path, writer=PillowWriter(fps=fps))
    else:
        path.write_text(anim.to_jshtml(fps=fps), encoding="utf-8")
    return path
