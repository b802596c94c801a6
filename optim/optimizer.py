"""The optimizers: thin classes that apply a rule of :mod:`.rules` to parameters.

Each class holds the parameters (Values or Tensors), the hyperparameters, and
one state record per parameter. ``step()`` reads ``p.data`` and ``p.grad``,
calls the pure rule, and writes ``p.data`` back (a Tensor's array in place,
so views of it stay current); ``zero_grad()`` clears the
gradients. The math and its algorithm box live in :mod:`.rules`. On a Tensor
the rule's in-place form (:mod:`.rules_in_place`) writes θ and the state
without making new arrays: the same numbers.

    >>> from stepgrad.autograd import Value
    >>> w = Value(2.0)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).backward()          # ∂(w²)/∂w = 4
    >>> opt.step(); round(w.data, 6)
    1.6
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from stepgrad.autograd import Node, Tensor, Value
from stepgrad.common.checks import check_number
from stepgrad.common.registry import Registry

from . import rules, rules_in_place

__all__ = ["Optimizer", "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "OPTIMIZERS",
           "get_optimizer"]


OPTIMIZERS = Registry("optimizer")
"""Every update rule, by its class name, in the lecture's order. Registered with
``color`` (its line in the pictures) and ``race_lr`` (μ on each surface of
``stepgrad.viz.plots.race``, where the rule is shown at its typical best). The
command's ``--optimizer`` choices, fit's ``optimizer="adam"``, loading a saved
optimizer and the race all read this table; see CONTRIBUTING.md."""


def _check_beta(name: str, b) -> float:
    if isinstance(b, bool) or not isinstance(b, numbers.Real) or not 0 <= float(b) < 1:
        raise ValueError(f"{name} must be in [0, 1), got {name}={b!r}")
    return float(b)


class Optimizer:
    """Base class: parameters, hyperparameters, per-parameter state, step().

    Subclasses set ``rule`` (a function of :mod:`.rules`) and ``State`` (its
    state record), and validate their hyperparameters in ``__init__``.

    Attributes:
        params: the list of parameters (Value or Tensor), in the given order.
        hyper: the hyperparameters passed to the rule (``lr`` among them).
        state: one state record per parameter, fields named after the math;
            see :meth:`state_of`.
    """

    rule: Callable[..., Any] = staticmethod(rules.sgd)
    State: Any = rules.SGDState  # a NamedTuple class
    rule_in_place: Callable[..., Any] | None = None  # the rule on arrays, in place (or None)

    def __init__(self, params: Iterable[Value | Tensor], **hyper: Any):
        params = list(params)
        if not params:
            raise ValueError(
                "the optimizer got an empty parameter list, params=[]: pass "
                "model.parameters() of a model that has weights"
            )
        for i, p in enumerate(params):
            if not isinstance(p, Node):
                raise TypeError(
                    f"parameter {i} is a {type(p).__name__}, expected a Value or a Tensor"
                )
        if len({id(p) for p in params}) != len(params):
            raise ValueError("the parameter list holds the same parameter twice")
        self.params = params
        self.hyper = hyper
        self.state = [self._initial_state(p) for p in params]
        # per parameter, what the in-place rule may use: (θ, its state record, the state's
        # arrays, a scratch array tmp, whether those own their memory) as last checked, or
        # None (see _check_in_place)
        self._checked: list = [None] * len(params)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "rule" in cls.__dict__ and "rule_in_place" not in cls.__dict__:
            cls.rule_in_place = None  # a rule of its own: no in-place form written for it

    def _initial_state(self, p):
        # one array per field: the in-place rules write each field's own array
        return self.State(*[0 if f == "step" else rules.zeros_like(p.data)
                            for f in self.State._fields])

    # -------------------------------------------------------------- updates

    @property
    def lr(self) -> float:
        """μ, the learning rate (schedules change it between steps)."""
        return self.hyper["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        self.hyper["lr"] = check_number("lr", value)

    def step(self) -> None:
        """One update of every parameter with its current ``grad``.

        A Tensor whose ``grad`` is None (no gradient reached it) is skipped.
        """
        rule, hyper, in_place = self.rule, self.hyper, self.rule_in_place
        for i, p in enumerate(self.params):
            g = p.grad
            if g is None:
                continue
            if in_place is not None:  # θ and the state's arrays written in place
                checked = self._checked[i]
                if checked is None or checked[0] is not p.data or checked[1] is not self.state[i]:
                    checked = self._check_in_place(i)  # θ and the state: once, not every step
                if checked is not None and rules_in_place.gradient_fits(checked[0], g, checked[2],
                                                                        checked[4]):
                    theta, state, arrays, tmp, owned = checked
                    state = self.state[i] = in_place(theta, g, state, tmp, **hyper)
                    self._checked[i] = (theta, state, arrays, tmp, owned)  # the record it returned
                    continue
            theta, self.state[i] = rule(p.data, g, self.state[i], **hyper)
            if p.is_scalar:
                p.data = float(theta)
            else:
                p.data[...] = theta  # in place: views of p.data stay in step, dtype is kept

    def _check_in_place(self, i: int) -> tuple | None:
        """(θ, state, the state's arrays, tmp, owned) of parameter i when the in-place rule may
        write θ and the state (:func:`.rules_in_place.state_arrays`), else None; kept in
        ``_checked[i]`` until θ or the state record is another object (a new ``p.data``,
        a loaded state). tmp is the rule's scratch array, kept across steps; owned is
        :func:`.rules_in_place.owns_memory` of θ and the state's arrays."""
        theta, state, before = self.params[i].data, self.state[i], self._checked[i]
        arrays = rules_in_place.state_arrays(theta, state)
        if arrays is None:
            self._checked[i] = None
            return None
        tmp = before[3] if before is not None else None
        if tmp is None or tmp.shape != theta.shape or tmp.dtype != theta.dtype:
            tmp = np.empty_like(theta)
        self._checked[i] = (theta, state, arrays, tmp, rules_in_place.owns_memory(theta, arrays))
        return self._checked[i]

    def zero_grad(self) -> None:
        """Set every parameter's gradient to zero (backward adds into it)."""
        for p in self.params:
            p.zero_grad()

    # ------------------------------------------------------------- display

    def state_of(self, p: Value | Tensor) -> Any:
        """The state record of parameter ``p`` (e.g. ``Adam``: step, moments)."""
        for q, s in zip(self.params, self.state):
            if q is p:
                return s
        raise KeyError("this parameter is not one of the optimizer's parameters")

    def __repr__(self) -> str:
        hp = ", ".join(f"{k}={v!r}" for k, v in self.hyper.items())
        return f"{type(self).__name__}({len(self.params)} parameters, {hp})"

    # ---------------------------------------------------------- save/load

    def state_dict(self) -> dict:
        """A deep copy of the hyperparameters and of each parameter's state.

        ``{"optimizer": name, "hyper": {...}, "state": [{field: value}, ...]}``,
        one state entry per parameter in order.
        """
        return {
            "optimizer": type(self).__name__,
            "hyper": copy.deepcopy(self.hyper),
            "state": [{k: copy.deepcopy(v) for k, v in s._asdict().items()} for s in self.state],
        }

    def load_state_dict(self, d: dict) -> None:
        """Restore what :meth:`state_dict` saved (same optimizer, same parameter shapes)."""
        name = type(self).__name__
        if d.get("optimizer") != name:
            raise ValueError(f"state_dict is for {d.get('optimizer')!r}, this optimizer is {name}")
        if len(d["state"]) != len(self.params):
            raise ValueError(f"state_dict has state for {len(d['state'])} parameters, "
                             f"this optimizer has {len(self.params)}")
        new = []
        for i, (p, s) in enumerate(zip(self.params, d["state"])):
            if set(s) != set(self.State._fields):
                raise ValueError(f"state {i} has fields {sorted(s)}, "
                                 f"expected {list(self.State._fields)}")
            for k, v in s.items():
                if np.shape(v) != np.shape(p.data) and k != "step":
                    raise ValueError(f"state {i} field {k!r} has shape {np.shape(v)}, "
                                     f"parameter {i} has shape {np.shape(p.data)}")
            new.append(self.State(**{k: copy.deepcopy(v) for k, v in s.items()}))  # apart
        hyper = copy.deepcopy(d["hyper"])
        type(self)(self.params, **hyper)  # validates the hyperparameters
        self.hyper, self.state = hyper, new


@OPTIMIZERS.register(color="#111827", race_lr={"bowl": 0.09, "rosenbrock": 2e-3, "saddle": 0.05})
class SGD(Optimizer):
    """Gradient descent θ ← θ − μ·g (:func:`.rules.sgd`).

    Args:
        params: Values or Tensors, e.g. ``model.parameters()``.
        lr: μ, the learning rate (PyTorch's default 1e-3).
        weight_decay: κ, adds κ·θ to g on the weights, not a weight matrix's bias
            row 0 (:func:`.rules.sgd`; default 0).
    """

    rule = staticmethod(rules.sgd)
    rule_in_place = staticmethod(rules_in_place.sgd_)
    State = rules.SGDState

    def __init__(self, params: Iterable[Value | Tensor], lr: float = 1e-3,
                 weight_decay: float = 0.0):
        super().__init__(params, lr=check_number("lr", lr),
                         weight_decay=check_number("weight_decay", weight_decay))


@OPTIMIZERS.register(color="#2563eb", race_lr={"bowl": 0.005, "rosenbrock": 1e-3, "saddle": 0.02})
class Momentum(Optimizer):
    """Momentum v ← γ·v + g, θ ← θ − μ·v (:func:`.rules.momentum`, PyTorch's form).

    Equal to the textbook v ← γ·v + η·g, θ ← θ − v while μ is constant.

    Args:
        params: Values or Tensors.
        lr: μ (default 1e-3, PyTorch's SGD default).
        momentum: γ >= 0 (default 0.9; PyTorch's SGD defaults to 0, plain SGD).
        weight_decay: κ (default 0).
    """

    rule = staticmethod(rules.momentum)
    rule_in_place = staticmethod(rules_in_place.momentum_)
    State = rules.MomentumState

    def __init__(self, params: Iterable[Value | Tensor], lr: float = 1e-3, momentum: float = 0.9,
                 weight_decay: float = 0.0):
        super().__init__(params, lr=check_number("lr", lr),
                         momentum=check_number("momentum", momentum),
                         weight_decay=check_number("weight_decay", weight_decay))


@OPTIMIZERS.register(color="#0891b2", race_lr={"bowl": 0.005, "rosenbrock": 1e-3, "saddle": 0.02})
class Nesterov(Optimizer):
    """Nesterov momentum θ ← θ − μ·(g + γ·v) (:func:`.rules.nesterov`, PyTorch's form).

    Args:
        params: Values or Tensors.
        lr: μ (default 1e-3).
        momentum: γ > 0 (default 0.9); γ = 0 raises ValueError, as in PyTorch.
        weight_decay: κ (default 0).
    """

    rule = staticmethod(rules.nesterov)
    rule_in_place = staticmethod(rules_in_place.nesterov_)
    State = rules.MomentumState

    def __init__(self, params: Iterable[Value | Tensor], lr: float = 1e-3, momentum: float = 0.9,
                 weight_decay: float = 0.0):
        super().__init__(params, lr=check_number("lr", lr),
                         momentum=check_number("momentum", momentum, positive=True),
                         weight_decay=check_number("weight_decay", weight_decay))


@OPTIMIZERS.register(color="#16a34a", race_lr={"bowl": 1.0, "rosenbrock": 0.3, "saddle": 0.3})
class AdaGrad(Optimizer):
    """AdaGrad v ← v + g², θ ← θ − μ·g/(√v + ε) (:func:`.rules.adagrad`).

    Args:
        params: Values or Tensors.
        lr: μ (PyTorch's default 1e-2).
        eps: ε, added outside the square root (default 1e-10).
        weight_decay: κ (default 0).
    """

    rule = staticmethod(rules.adagrad)
    rule_in_place = staticmethod(rules_in_place.adagrad_)
    State = rules.AdaGradState

    def __init__(self, params: Iterable[Value | Tensor], lr: float = 1e-2, eps: float = 1e-10,
                 weight_decay: float = 0.0):
        super().__init__(params, lr=check_number("lr", lr), eps=check_number("eps", eps),
                         weight_decay=check_number("weight_decay", weight_decay))


@OPTIMIZERS.register(color="#ea580c", race_lr={"bowl": 0.1, "rosenbrock": 0.01, "saddle": 0.03})
class RMSProp(Optimizer):
    """RMSProp v ← β·v + (1 − β)·g², θ ← θ − μ·g/(√v + ε) (:func:`.rules.rmsprop`).

    Args:
        params: Values or Tensors.
        lr: μ (PyTorch's default 1e-2).
        beta: β in [0, 1), PyTorch's ``alpha`` (default 0.99).
        eps: ε, added outside the square root (default 1e-8).
        weight_decay: κ (default 0).
    """

    rule = staticmethod(rules.rmsprop)
    rule_in_place = staticmethod(rules_in_place.rmsprop_)
    State = rules.RMSPropState

    def __init__(self, params: Iterable[Value | Tensor], lr: float = 1e-2, beta: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0.0):
        super().__init__(params, lr=check_number("lr", lr), beta=_check_beta("beta", beta),
                         eps=check_number("eps", eps),
                         weight_decay=check_number("weight_decay", weight_decay))


@OPTIMIZERS.register(color="#dc2626", race_lr={"bowl": 0.3, "rosenbrock": 0.2, "saddle": 0.05})
class Adam(Optimizer):
    """Adam, bias-corrected, ε outside the root (:func:`.rules.adam`).

    Args:
        params: Values or Tensors.
        lr: μ (PyTorch's default 1e-3).
        betas: (β₁, β₂), each in [0, 1) (default (0.9, 0.999)).
        eps: ε (default 1e-8).
        weight_decay: κ, coupled L2 as in ``torch.optim.Adam``, biases left alone (default 0).
    """

    rule = staticmethod(rules.adam)
    rule_in_place = staticmethod(rules_in_place.adam_)
    State = rules.AdamState

    def __init__(self, params: Iterable[Value | Tensor], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0):
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"betas must be a pair (β₁, β₂), got betas={betas!r}")
        betas = (_check_beta("betas[0]", betas[0]), _check_beta("betas[1]", betas[1]))
        super().__init__(params, lr=check_number("lr", lr), betas=betas,
                         eps=check_number("eps", eps),
                         weight_decay=check_number("weight_decay", weight_decay))


def get_optimizer(name: str) -> type[Optimizer]:
    """The optimizer class named ``name``, matched as every name in stepgrad is
    (:func:`stepgrad.common.by_name`: ``"adam"``, ``"RMSProp"``, ``"rmsprop"``)."""
    return OPTIMIZERS.lookup(name)
