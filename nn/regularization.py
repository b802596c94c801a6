"""The lecture's practical issues: penalties, Dropout, BatchNorm, gradient clipping.

* Overfitting: the L2 penalty (κ/2)·Σ w² and the L1 penalty κ·Σ |w| on the
  weights w_fh (f ≥ 1; the biases w_0h, row 0 of each weight matrix, are not
  penalised), added to the loss; κ is the penalty's weight, not λ, which is
  Q's smoothing in ``fit``. The L2 penalty's gradient κ·w is the optimizers'
  ``weight_decay=κ``, which leaves the bias row alone too (a test takes one
  step each way and compares);
  ``Dropout`` (inverted: the kept units are scaled by 1/(1 − p) in training,
  so evaluation is the identity).
* Vanishing and exploding gradients: ``BatchNorm`` normalises each unit over
  the batch; ``clip_grad_norm`` rescales every gradient when their global
  norm ‖g‖ = √(Σ_W Σ g²) exceeds a bound.

All of it composes autograd ops (or, for clipping, scales arrays after
backward): no derivative is written here.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor, Value, nsum
from stepgrad.common.rng import Seed, make_rng

from .layers import as_batch, check_sample
from .module import Module

__all__ = ["l2_penalty", "l1_penalty", "Dropout", "BatchNorm", "clip_grad_norm",
           "penalised_weights"]


Params = Module | Iterable[Tensor]
"""A Module, or its Tensors (``model.parameters()``)."""


def penalised_weights(params: Params) -> list[Tensor]:
    """The Tensors a penalty acts on.

    For a Module: each layer's weights without the bias row (``W[1:]``, a
    node whose gradient lands in W.grad); BatchNorm's scale and shift are
    left out. For a list of Tensors (``model.parameters()``, what an
    optimizer sees): a 2-D Tensor is a weight in the lecture's layout and
    gives ``W[1:]``, the biases w_0h left out; any other Tensor is penalised
    whole. So ``l2_penalty(params, κ)`` has gradient κ·θ exactly where an
    optimizer's ``weight_decay=κ`` adds it.
    """
    if isinstance(params, Module):
        out = []
        for m in params.modules():
            w = vars(m).get("weight")
            if isinstance(w, Tensor):
                out.append(w[1:])
        return out
    params = list(params)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"penalties take a Module or Tensors, got {type(p).__name__}")
    return [p[1:] if p.ndim == 2 else p for p in params]


def _weight_values(params: Params) -> list[Value]:
    ws = []
    for t in penalised_weights(params):  # W[1:] is read as W's leaf Values, rows 1…
        w = t.parents[0].scalars()[t.consts] if t.op is not None else t.scalars()
        ws.extend(w.ravel().tolist())
    return ws


def l2_penalty(params: Params, weight_decay: float, scalar: bool = False) -> Tensor | Value:
    """R = (κ/2)·Σ w² (its gradient is κ·w: the optimizers' ``weight_decay`` κ).

    Args:
        params: a Module or a list of Tensors (weights without biases:
            see :func:`penalised_weights`).
        weight_decay: κ ≥ 0.
        scalar: return a Value built from the weights' scalar view, to add to
            a scalar-view loss (a Value and a Tensor cannot be added).
    """
    kappa = _check_weight("l2_penalty", weight_decay)
    if scalar:
        return nsum([w * w for w in _weight_values(params)]) * (0.5 * kappa)
    return _tensor_sum([(w * w).sum() for w in penalised_weights(params)]) * (0.5 * kappa)


def l1_penalty(params: Params, weight_decay: float, scalar: bool = False) -> Tensor | Value:
    """R = κ·Σ |w| (slope κ·sign w, 0 at w = 0). Arguments as :func:`l2_penalty`."""
    kappa = _check_weight("l1_penalty", weight_decay)
    if scalar:
        return nsum([w.abs() for w in _weight_values(params)]) * kappa
    return _tensor_sum([w.abs().sum() for w in penalised_weights(params)]) * kappa


def _check_weight(name: str, kappa) -> float:
    if not kappa >= 0:
        raise ValueError(f"{name}: the penalty weight κ (weight_decay) must be ≥ 0, got {kappa}")
    return float(kappa)


def _tensor_sum(terms: list) -> Tensor:
    if not terms:
        raise ValueError("penalty: no weights to penalise")
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


class Dropout(Module):
    """Inverted dropout: in training each unit is kept with probability 1 − p and
    scaled by 1/(1 − p), so E[output] = input; in eval mode it is the identity.

    Args:
        p: the probability of dropping a unit, 0 ≤ p < 1.
        seed: an int or numpy Generator for the masks.
    """

    def __init__(self, p: float = 0.5, seed: Seed = None):
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1), got {p}")
        self.p = float(p)
        self.rng = make_rng(seed)

    def mask(self, shape: int | tuple[int, ...]) -> np.ndarray:
        """A fresh mask: 1/(1 − p) where a unit is kept, 0 where it is dropped."""
        return (self.rng.random(shape) >= self.p) / (1.0 - self.p)

    def forward(self, X: Tensor | ArrayLike) -> Tensor:
        if not isinstance(X, Tensor):
            X = Tensor(np.asarray(X, dtype=np.float64), requires_grad=False)
        if not self.training or self.p == 0.0:
            return X
        return X * self.mask(X.shape)

    def scalar_forward(self, x: Sequence[Value | float]) -> list[Value]:
        vs = [v if isinstance(v, Value) else Value(v) for v in x]
        if not self.training or self.p == 0.0:
            return vs
        return [v * float(m) for v, m in zip(vs, self.mask(len(vs)))]

    def extra_repr(self) -> str:
        return f"p={self.p}"


class BatchNorm(Module):
    """Batch normalisation of each unit j over a batch of N samples.

    Training: x̄_j = (1/N) Σ_n x_nj, s²_j = (1/N) Σ_n (x_nj − x̄_j)²,
    x̂_nj = (x_nj − x̄_j)/√(s²_j + eps), y_nj = ρ_j·x̂_nj + τ_j (ρ rescales, τ
    translates: the paper's γ and β, renamed because stepgrad's γ is the
    momentum coefficient and β the decay of RMSProp and Adam); the gradient flows
    through x̄ and s² too. The running statistics are updated as
    m := (1 − momentum)·m + momentum·x̄ and v := (1 − momentum)·v +
    momentum·s²·N/(N − 1) (the unbiased variance, as PyTorch).
    Eval: the running m and v replace x̄ and s² (constants). The batch mean is
    x̄, not μ: μ is the learning rate everywhere in stepgrad, as in the lecture.

    Args:
        n_features: the number of units J.
        eps: added to the variance.
        momentum: the weight of the newest batch in the running statistics.

    Parameters ``gamma`` (ρ, ones) and ``beta`` (τ, zeros; the attribute
    names are kept so saved models load); buffers
    ``running_mean`` and ``running_var``, saved in ``state_dict``.
    """

    buffer_names = ("running_mean", "running_var")

    def __init__(self, n_features: int, eps: float = 1e-5, momentum: float = 0.1):
        self.n_features = int(n_features)
        self.eps = float(eps)
        self.momentum = float(momentum)
        self.gamma = Tensor(np.ones(self.n_features), label="ρ")
        self.beta = Tensor(np.zeros(self.n_features), label="τ")
        self.running_mean = np.zeros(self.n_features)
        self.running_var = np.ones(self.n_features)

    def forward(self, X: Tensor | ArrayLike) -> Tensor:
        X, one = as_batch(X, self.n_features, "BatchNorm")
        if self.training:
            n = X.shape[0]
            if n < 2:
                raise ValueError("BatchNorm in training mode needs a batch of N ≥ 2 samples "
                                 f"to estimate x̄ and s², got N = {n}; call model.eval() to "
                                 "use the running statistics")
            mean = X.mean(axis=0)
            d = X - mean
            var = (d * d).mean(axis=0)
            xhat = d * (var + self.eps) ** -0.5
            mom = self.momentum
            self.running_mean *= 1.0 - mom
            self.running_mean += mom * mean.data
            self.running_var *= 1.0 - mom
            self.running_var += mom * var.data * (n / (n - 1))
        else:
            xhat = (X - self.running_mean) * (1.0 / np.sqrt(self.running_var + self.eps))
        out = xhat * self.gamma + self.beta
        return out[0] if one else out

    def scalar_forward(self, x: Sequence[Value | float]) -> list[Value]:
        """Eval mode only: one sample has no batch statistics."""
        if self.training:
            raise ValueError("BatchNorm's scalar view needs eval mode (running statistics): "
                             "one sample has no batch statistics; call model.eval()")
        x = check_sample(x, self.n_features, "BatchNorm")
        g, b = self.gamma.scalars(), self.beta.scalars()
        inv = 1.0 / np.sqrt(self.running_var + self.eps)
        return [(v - float(m)) * float(s) * gj + bj
                for v, m, s, gj, bj in zip(x, self.running_mean, inv, g, b)]

    def extra_repr(self) -> str:
        return f"{self.n_features}, eps={self.eps:g}, momentum={self.momentum:g}"


def clip_grad_norm(params: Params, max_norm: float) -> float:
    """Rescale every gradient by max_norm/‖g‖ when the global norm ‖g‖ > max_norm.

    ‖g‖ = √(Σ_W Σ_ij (∂L/∂W_ij)²) over all parameters, so the direction of the
    step is kept and only its length is bounded.

    Args:
        params: a Module or a list of Tensors, after ``backward``.
        max_norm: the bound, > 0.

    Returns:
        The global norm before clipping (to log exploding gradients).
    """
    if not max_norm > 0:
        raise ValueError(f"clip_grad_norm: max_norm must be > 0, got {max_norm}")
    ps = params.parameters() if isinstance(params, Module) else list(params)
    grads = [p for p in ps if p.grad is not None]
    total = math.sqrt(sum(float(np.sum(np.square(p.grad))) for p in grads))
    if total > max_norm:
        scale = max_norm / (total + 1e-12)
        for p in grads:
            p.grad = p.grad * scale
    return total
