"""The six update rules of :mod:`.rules` on arrays, written into θ and the state in place.

:mod:`.rules` gives each rule as pure math, ``θ_new = θ − μ·…``, one line for a
float and an array alike: read the rules there. On a weight matrix that line
makes a new array for every product and the new θ, two or three full-size
arrays per parameter per step, and the optimizer then copies θ_new into the
parameter. The functions here take the same steps in the same order on the
same numbers, but write each one into an array that is already there: θ
itself (the parameter's data), the state's own arrays (v, s), and one scratch
array per parameter (``tmp``) that the optimizer keeps. The results are
identical to the pure rules' bit for bit (tests/test_optim_in_place.py), each
line carries the line of the box it computes.

Each function is ``rule_(θ, g, state, tmp, **hyper) -> state``: θ and the
state's arrays are changed, g is only read. The optimizer calls them for a
Tensor whose data, gradient and state arrays are its own, writable and of one
shape and dtype; anything else (a Value, another dtype) takes the pure rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .rules import AdaGradState, AdamState, MomentumState, RMSPropState, SGDState, decayed

__all__ = ["sgd_", "momentum_", "nesterov_", "adagrad_", "rmsprop_", "adam_", "writable",
           "state_arrays", "gradient_fits", "owns_memory"]

# numpy's ufuncs under short names; typed loosely, as the state's fields are float | ndarray
# and the rules here run only where each is an array (see writable)
_Ufunc = Callable[..., Any]
_mul: _Ufunc = np.multiply
_add: _Ufunc = np.add
_sub: _Ufunc = np.subtract
_div: _Ufunc = np.divide
_sqrt: _Ufunc = np.sqrt
_apart = np.may_share_memory


def state_arrays(theta, state) -> tuple | None:
    """The state's arrays (its fields but ``step``) when the in-place rules may write them
    and θ: each an array of θ's shape and dtype, writable, apart from θ and from each
    other; None when not (the optimizer then takes the pure rule).

    The optimizer checks a parameter's θ and state once, and again only when either is
    another object than the one checked (:meth:`~.optimizer.Optimizer.step`).
    """
    if type(theta) is not np.ndarray or not theta.flags.writeable:
        return None
    arrays = tuple(a for f, a in zip(state._fields, state) if f != "step")
    seen = [theta]
    for a in arrays:
        if (type(a) is not np.ndarray or a.shape != theta.shape or a.dtype != theta.dtype
                or not a.flags.writeable or any(_apart(a, b) for b in seen)):
            return None
        seen.append(a)
    return arrays


def owns_memory(theta, arrays: tuple) -> bool:
    """Whether θ and every array of ``arrays`` own their memory (``flags.owndata``): fixed
    for an array's life, so the optimizer asks once per θ and state (see gradient_fits)."""
    return bool(theta.flags.owndata) and all(a.flags.owndata for a in arrays)


def gradient_fits(theta, g, arrays: tuple, owned: bool | None = None) -> bool:
    """Whether the in-place rules may read g: an array of θ's shape and dtype, apart from θ
    and from the state's ``arrays`` (checked each step: backward makes a new g), θ still
    writable.

    Two arrays that each own their memory (``flags.owndata``; g from backward does) share
    none unless they are one array, so for those a test of identity stands for numpy's
    test of memory (``may_share_memory``, a tenth of a microsecond each). ``owned``:
    :func:`owns_memory` of θ and ``arrays`` when the caller has it (None: asked here).
    """
    if (type(g) is not np.ndarray or g.shape != theta.shape or g.dtype != theta.dtype
            or not theta.flags.writeable):
        return False
    if g.flags.owndata:
        if owned is None:
            owned = owns_memory(theta, arrays)
        for a in (theta, *arrays):  # when all own their memory, apart unless g is one of them
            if a is g or (not owned and not a.flags.owndata and _apart(g, a)):
                return False
        return True
    return not (_apart(g, theta) or any(_apart(g, a) for a in arrays))


def writable(theta, g, state) -> bool:
    """Whether the in-place rules may run: θ, g and the state's fields are arrays of one
    shape and dtype, θ and the state's arrays writable and apart from each other and g."""
    arrays = state_arrays(theta, state)
    return arrays is not None and gradient_fits(theta, g, arrays)


def _step_over(theta, num, den, tmp, scale, eps) -> None:
    """θ ← θ − scale·num/den, den already in tmp (√… + ε); ε = 0 and den = 0 give 0."""
    if eps > 0:
        _div(num, den, out=tmp)
    else:
        zero = den == 0
        _div(num, den, out=tmp, where=~zero)
        tmp[zero] = 0.0
    _mul(tmp, scale, out=tmp)
    _sub(theta, tmp, out=theta)


def sgd_(theta: np.ndarray, g: np.ndarray, state: SGDState, tmp: np.ndarray, lr: float,
         weight_decay: float = 0.0) -> SGDState:
    """:func:`.rules.sgd` in place."""
    g = decayed(g, theta, weight_decay)  # g ← g + κ·θ
    _mul(g, lr, out=tmp)                 # θ ← θ − μ·g
    _sub(theta, tmp, out=theta)
    return state


def momentum_(theta: np.ndarray, g: np.ndarray, state: MomentumState, tmp: np.ndarray, lr: float,
              momentum: float = 0.9, weight_decay: float = 0.0) -> MomentumState:
    """:func:`.rules.momentum` in place."""
    g = decayed(g, theta, weight_decay)  # g ← g + κ·θ
    v = state.velocity
    _mul(v, momentum, out=v)             # v ← γ·v + g
    _add(v, g, out=v)
    _mul(v, lr, out=tmp)                 # θ ← θ − μ·v
    _sub(theta, tmp, out=theta)
    return state


def nesterov_(theta: np.ndarray, g: np.ndarray, state: MomentumState, tmp: np.ndarray, lr: float,
              momentum: float = 0.9, weight_decay: float = 0.0) -> MomentumState:
    """:func:`.rules.nesterov` in place."""
    g = decayed(g, theta, weight_decay)  # g ← g + κ·θ
    v = state.velocity
    _mul(v, momentum, out=v)             # v ← γ·v + g
    _add(v, g, out=v)
    _mul(v, momentum, out=tmp)           # θ ← θ − μ·(g + γ·v)
    _add(g, tmp, out=tmp)
    _mul(tmp, lr, out=tmp)
    _sub(theta, tmp, out=theta)
    return state


def adagrad_(theta: np.ndarray, g: np.ndarray, state: AdaGradState, tmp: np.ndarray, lr: float,
             eps: float = 1e-10, weight_decay: float = 0.0) -> AdaGradState:
    """:func:`.rules.adagrad` in place."""
    g = decayed(g, theta, weight_decay)  # g ← g + κ·θ
    v = state.sum_sq
    _mul(g, g, out=tmp)                  # v ← v + g²
    _add(v, tmp, out=v)
    _sqrt(v, out=tmp)                    # θ ← θ − μ·g / (√v + ε)
    _add(tmp, eps, out=tmp)
    _step_over(theta, g, tmp, tmp, lr, eps)
    return state


def rmsprop_(theta: np.ndarray, g: np.ndarray, state: RMSPropState, tmp: np.ndarray, lr: float,
             beta: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0) -> RMSPropState:
    """:func:`.rules.rmsprop` in place."""
    g = decayed(g, theta, weight_decay)  # g ← g + κ·θ
    v = state.mean_sq
    _mul(v, beta, out=v)                 # v ← β·v + (1 − β)·g²
    _mul(g, g, out=tmp)
    _mul(tmp, 1 - beta, out=tmp)
    _add(v, tmp, out=v)
    _sqrt(v, out=tmp)                    # θ ← θ − μ·g / (√v + ε)
    _add(tmp, eps, out=tmp)
    _step_over(theta, g, tmp, tmp, lr, eps)
    return state


def adam_(theta: np.ndarray, g: np.ndarray, state: AdamState, tmp: np.ndarray, lr: float,
          betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, weight_decay: float = 0.0
          ) -> AdamState:
    """:func:`.rules.adam` in place."""
    beta1, beta2 = betas
    g = decayed(g, theta, weight_decay)  # g ← g + κ·θ
    t = state.step + 1                   # t ← t + 1
    v, s = state.first_moment, state.second_moment
    _mul(v, beta1, out=v)                # v ← β₁·v + (1 − β₁)·g
    _mul(g, 1 - beta1, out=tmp)
    _add(v, tmp, out=v)
    _mul(s, beta2, out=s)                # s ← β₂·s + (1 − β₂)·g²
    _mul(g, g, out=tmp)
    _mul(tmp, 1 - beta2, out=tmp)
    _add(s, tmp, out=s)
    c = (1 - beta2**t) ** 0.5            # θ ← θ − μ·v̂/(√ŝ + ε), as Kingma & Ba order it:
    _sqrt(s, out=tmp)                    #   θ − (μ·c/(1 − β₁ᵗ)) · v / (√s + ε·c), c = √(1 − β₂ᵗ)
    _add(tmp, eps * c, out=tmp)
    _step_over(theta, v, tmp, tmp, lr * c / (1 - beta1**t), eps)
    return AdamState(t, v, s)

