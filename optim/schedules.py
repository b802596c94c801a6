"""Learning-rate schedules: μ as a function of the epoch (or step), written into ``opt.lr``.

Each schedule is a pure function ``μ_e = f(μ₀, e)`` plus a small class that
remembers μ₀ and the count e and sets ``optimizer.lr`` when you call
``step()``: once per epoch, after the epoch's updates, as in PyTorch; or, made
with ``by="step"``, after every gradient step (e then counts steps).
``fit(..., schedule=sched)`` calls ``step()`` for you, at the schedule's unit::

    opt = SGD(model.parameters(), lr=0.1)
    sched = StepDecay(opt, step_size=10, gamma=0.5)
    for epoch in range(30):
        ...               # the epoch's steps use μ = 0.1, then 0.05, 0.025
        sched.step()
"""

from __future__ import annotations

from stepgrad.common.checks import check_number
from stepgrad.common.registry import Registry

from .optimizer import Optimizer

__all__ = ["step_decay", "exponential_decay", "Schedule", "StepDecay", "ExponentialDecay",
           "SCHEDULES"]

SCHEDULES = Registry("schedule")
"""The schedule classes by name (``SCHEDULES.lookup("step")(opt, step_size=10)``)."""


def step_decay(lr0: float, epoch: int, step_size: int, gamma: float = 0.1) -> float:
    """μ_e = μ₀ · r^⌊e / step_size⌋: multiply by the ratio r (``gamma``, PyTorch's
    name; stepgrad's γ is the momentum coefficient) every ``step_size`` epochs."""
    return lr0 * gamma ** (epoch // step_size)


def exponential_decay(lr0: float, epoch: int, gamma: float) -> float:
    """μ_e = μ₀ · r^e: multiply by the ratio r (``gamma``) every epoch."""
    return lr0 * gamma**epoch


class Schedule:
    """Base class: ``step()`` advances the count and sets ``optimizer.lr``.

    Attributes:
        optimizer: the optimizer whose ``lr`` is set.
        by: ``"epoch"`` (``fit`` calls ``step()`` after each epoch) or ``"step"``
            (after each gradient step).
        base_lr: μ₀, the optimizer's learning rate when the schedule was made.
        epoch: how many times ``step()`` was called (epochs or steps, as ``by``).
    """

    def __init__(self, optimizer: Optimizer, by: str = "epoch"):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"a schedule needs a stepgrad optimizer, got {type(optimizer).__name__}"
            )
        if by not in ("epoch", "step"):
            raise ValueError(f"by must be 'epoch' or 'step', got by={by!r}")
        self.optimizer = optimizer
        self.by = by
        self.base_lr = optimizer.lr
        self.epoch = 0

    def lr_at(self, epoch: int) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def step(self) -> float:
        """End of an epoch: e ← e + 1, μ ← f(μ₀, e). Returns the new μ."""
        self.epoch += 1
        self.optimizer.lr = self.lr_at(self.epoch)
        return self.optimizer.lr

    def state_dict(self) -> dict:
        return {"base_lr": self.base_lr, "epoch": self.epoch}

    def load_state_dict(self, d: dict) -> None:
        self.base_lr = float(d["base_lr"])
        self.epoch = int(d["epoch"])
        self.optimizer.lr = self.lr_at(self.epoch)


@SCHEDULES.register("step")
class StepDecay(Schedule):
    """μ_e = μ₀ · r^⌊e / step_size⌋ (PyTorch's ``StepLR``).

    Args:
        optimizer: the optimizer to drive.
        step_size: epochs (or steps, with ``by="step"``) between decays, an integer >= 1.
        gamma: the ratio r > 0 (default 0.1).
        by: ``"epoch"`` or ``"step"``: what e counts.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 by: str = "epoch"):
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"step_size must be an integer >= 1, got step_size={step_size!r}")
        self.step_size = step_size
        self.gamma = check_number("gamma", gamma, positive=True)
        super().__init__(optimizer, by)

    def lr_at(self, epoch: int) -> float:
        return step_decay(self.base_lr, epoch, self.step_size, self.gamma)


@SCHEDULES.register("exponential")
class ExponentialDecay(Schedule):
    """μ_e = μ₀ · r^e (PyTorch's ``ExponentialLR``).

    Args:
        optimizer: the optimizer to drive.
        gamma: the ratio r > 0 per epoch (or per step, with ``by="step"``).
        by: ``"epoch"`` or ``"step"``: what e counts.
    """

    def __init__(self, optimizer: Optimizer, gamma: float, by: str = "epoch"):
        self.gamma = check_number("gamma", gamma, positive=True)
        super().__init__(optimizer, by)

    def lr_at(self, epoch: int) -> float:
        return exponential_decay(self.base_lr, epoch, self.gamma)
