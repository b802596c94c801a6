"""Conjugate gradient: the lecture's remedy for slow, zig-zagging gradient descent.

Gradient descent steps along −g every time, so on a long narrow bowl it crosses
the valley again and again. Conjugate gradient steps along directions d_k that
are *conjugate* (d_iᵀ H d_k = 0 for i ≠ k, H the curvature), each with the best
step η_k along it, so that no step undoes the progress of an earlier one.

* :func:`linear_cg` minimises the lecture's least squares f(x) = ½‖Ax − b‖²
  (curvature H = AᵀA): in exact arithmetic it ends in at most n steps for n
  unknowns. It is CG on the normal equations AᵀA x = Aᵀb, written with A and
  Aᵀ only (CGLS), so AᵀA, whose condition number is the square of A's, is
  never formed::

      r ← b − A x;  s ← Aᵀ r  (= −∇f);  d ← s
      repeat:  q ← A d;  η ← ‖s‖² / ‖q‖²        (the exact step along d)
               x ← x + η d;  r ← r − η q;  s_new ← Aᵀ r
               ω ← ‖s_new‖² / ‖s‖²;  d ← s_new + ω d;  s ← s_new

* :func:`polak_ribiere` minimises a network's loss (any f with a gradient),
  where the bowl is not quadratic and the step comes from a line search::

      g ← ∇f(θ);  d ← −g
      repeat:  η ← line_search(θ, d)           (f(θ + η d) ≤ f(θ) + c·η·gᵀd)
               θ ← θ + η d;  g_new ← ∇f(θ)
               ω ← max(0, g_newᵀ(g_new − g) / gᵀg)     (Polak–Ribière, "PR+")
               d ← −g_new + ω d   (−g_new again if that is not downhill)

Symbols: η the step length (the Gradient Descent Rule slide's η; stepgrad's μ
is a fixed learning rate, which CG does not have), d the direction, ω the
weight of the previous direction (usually written β, which here is the decay
of RMSProp and Adam).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor

__all__ = ["CGResult", "linear_cg", "polak_ribiere", "backtracking_line_search"]


class CGResult(NamedTuple):
    """What a conjugate-gradient run did.

    Attributes:
        x: the minimiser found (for :func:`polak_ribiere`, the parameters hold it too).
        steps: the number of steps taken (directions followed).
        losses: f after 0, 1, …, steps steps.
        grad_norms: ‖∇f‖ after 0, 1, …, steps steps.
        evaluations: how many times f (with its gradient) had been computed
            after 0, 1, …, steps steps (the line searches compute it several times
            per step).
    """

    x: np.ndarray
    steps: int
    losses: list
    grad_norms: list
    evaluations: list


def linear_cg(A: ArrayLike, b: ArrayLike, x0: ArrayLike | None = None, tol: float = 1e-10,
              max_steps: int | None = None) -> CGResult:
    """Minimise f(x) = ½‖Ax − b‖² by conjugate gradient (CGLS; see the module docstring).

    Args:
        A: an (m, n) matrix of full column rank.
        b: m numbers.
        x0: the start (default zeros).
        tol: stop when ‖∇f‖ = ‖Aᵀ(Ax − b)‖ ≤ tol·‖Aᵀb‖.
        max_steps: the most steps to take (default n: the exact-arithmetic bound).

    Returns:
        A :class:`CGResult`; ``evaluations`` counts products with A and Aᵀ
        (one pair per step, one before the first).
    """
    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if A.ndim != 2 or b.shape != (A.shape[0],):
        raise ValueError(f"linear_cg: A must be a matrix (m, n) and b a vector of m numbers, "
                         f"got A of shape {A.shape} and b of shape {b.shape}")
    n = A.shape[1]
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=np.float64)
    if x.shape != (n,):
        raise ValueError(f"linear_cg: x0 must have {n} numbers, got shape {x.shape}")
    max_steps = n if max_steps is None else int(max_steps)
    r = b - A @ x
    s = A.T @ r                      # −∇f
    d = s.copy()
    ss = float(s @ s)
    stop = tol * float(np.linalg.norm(A.T @ b))
    losses, norms = [0.5 * float(r @ r)], [ss**0.5]
    steps = 0
    while steps < max_steps and norms[-1] > stop:
        q = A @ d
        qq = float(q @ q)
        if qq == 0.0:                # d in A's null space: A is rank deficient
            break
        eta = ss / qq                # the exact minimiser of f(x + η d)
        x += eta * d
        r -= eta * q
        s = A.T @ r
        ss_new = float(s @ s)
        d = s + (ss_new / ss) * d    # ω = ‖s_new‖² / ‖s‖²
        ss = ss_new
        steps += 1
        losses.append(0.5 * float(r @ r))
        norms.append(ss**0.5)
    return CGResult(x, steps, losses, norms, list(range(1, steps + 2)))


def backtracking_line_search(phi, phi0: float, slope: float, eta: float, c: float = 1e-4,
                             shrink: float = 0.5, grow: float = 2.0, max_tries: int = 40):
    """A step η along d with enough decrease: φ(η) ≤ φ(0) + c·η·φ′(0) (Armijo).

    φ(η) = f(θ + η d). From the guess η, the step is doubled while that keeps
    lowering φ and the condition holds, or else cut back, each time to the
    minimum of the parabola through φ(0), φ′(0) and φ(η) (kept within
    [0.1·η, shrink·η]).

    Args:
        phi: η ↦ f(θ + η d).
        phi0, slope: φ(0) and φ′(0) = gᵀd < 0.
        eta: the first guess.

    Returns:
        (η, φ(η), the number of φ evaluations).
    """
    if not slope < 0:
        raise ValueError(f"line search: d must point downhill (gᵀd < 0), got gᵀd = {slope}")
    value, tries = phi(eta), 1
    if value <= phi0 + c * eta * slope:
        while tries < max_tries:
            bigger = phi(grow * eta)
            tries += 1
            if not (bigger < value and bigger <= phi0 + c * grow * eta * slope):
                break
            eta, value = grow * eta, bigger
        return eta, value, tries
    while tries < max_tries:
        curvature = value - phi0 - slope * eta
        best = -slope * eta * eta / (2.0 * curvature) if curvature > 0 else shrink * eta
        eta = min(max(best, 0.1 * eta), shrink * eta)
        value = phi(eta)
        tries += 1
        if value <= phi0 + c * eta * slope:
            return eta, value, tries
    raise RuntimeError(f"line search: no step with enough decrease after {tries} tries "
                       f"(last η = {eta:.3g}); is the gradient right?")


def polak_ribiere(loss: Callable[[], Tensor], params: Iterable[Tensor], steps: int = 100,
                  tol: float = 1e-8, first_step: float = 1e-2) -> CGResult:
    """Minimise ``loss()`` over Tensor parameters by nonlinear CG (Polak–Ribière, PR+).

    Full batch only: the line search compares values of f, so f must be the
    same function at every call (no dropout, no random mini-batches).

    Args:
        loss: a function of no arguments that computes the loss from the
            parameters' current values and returns a scalar Tensor (it is
            called with new values many times per step).
        params: the Tensors to change, e.g. ``model.parameters()``; they are
            left at the minimiser found.
        steps: the most steps (directions) to take.
        tol: stop when ‖∇f‖ ≤ tol, or earlier when a step can no longer
            lower f by an amount float64 can show (near f's rounding error).
        first_step: the line search's first guess η on the first step; later
            steps start from the last step's η scaled by the ratio of the
            slopes gᵀd (Nocedal & Wright 3.60).

    Returns:
        A :class:`CGResult` (``x``: the parameters as one vector).
    """
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Tensor):
            raise TypeError(f"polak_ribiere: parameter {i} is a {type(p).__name__}, "
                            "expected a Tensor (e.g. model.parameters())")
    sizes = [p.data.size for p in params]
    counter = [0]

    def assign(theta):
        for p, part in zip(params, np.split(theta, np.cumsum(sizes)[:-1])):
            p.data[...] = part.reshape(p.data.shape)

    def value_and_grad(theta):
        assign(theta)
        for p in params:
            p.zero_grad()
        f = loss()
        f.backward()
        counter[0] += 1
        return f.item(), np.concatenate([p.grad.ravel() for p in params])

    tried = {}                       # η → (f, g) at the points the line search tried

    def along(theta, d, eta):        # φ(η) = f(θ + η d)
        tried[eta] = value_and_grad(theta + eta * d)
        return tried[eta][0]

    theta = np.concatenate([p.data.ravel() for p in params]).astype(np.float64)
    f, g = value_and_grad(theta)
    d = -g
    losses, norms, counts = [f], [float(np.linalg.norm(g))], [counter[0]]
    eta, slope_before, taken = first_step, None, 0
    while taken < steps and norms[-1] > tol:
        slope = float(g @ d)
        if slope_before is not None:
            eta = eta * slope_before / slope
        tried.clear()
        try:
            eta, f_new, _ = backtracking_line_search(partial(along, theta, d), f, slope, eta)
        except RuntimeError:         # no decrease left that f's rounding can show
            break
        if not f_new < f:            # the same: f is as low as float64 can tell
            break
        theta = theta + eta * d
        f, g_new = tried[eta]        # computed by the line search already
        omega = max(0.0, float(g_new @ (g_new - g)) / float(g @ g))
        d = -g_new + omega * d
        if float(g_new @ d) >= 0:    # not downhill: restart along −g
            d = -g_new
        g, slope_before = g_new, slope
        taken += 1
        losses.append(f)
        norms.append(float(np.linalg.norm(g)))
        counts.append(counter[0])
    assign(theta)
    return CGResult(theta, taken, losses, norms, counts)
