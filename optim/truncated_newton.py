"""Conjugate gradient on a network's own curvature: Hessian-free (truncated Newton) steps.

:func:`~.conjugate_gradient.linear_cg` needs the matrix A of a least-squares
problem, and :func:`~.conjugate_gradient.polak_ribiere` feels the curvature
only through a line search. A network's loss L(θ) has a curvature of its own,
the Hessian H = ∇²L(θ), and autograd gives its products with any vector
without ever forming it (:func:`stepgrad.autograd.hvp`):

    H·v = ∇_θ (g(θ) · v),     g = ∇L(θ),

the gradient recorded as a graph, then differentiated once more. That is all
linear conjugate gradient asks of a matrix, so it can solve Newton's equation

    (H + ζ I) p = −g

for the step p, on the network itself. This is the *Hessian-free* or
*truncated Newton* method:

* :func:`cg_solve` is linear CG on (H + ζI) p = b with H given only as
  v ↦ H·v. It ends in at most n steps on a positive definite H (exact
  arithmetic), and stops early where the curvature along its direction is not
  positive, dᵀ(H + ζI)d ≤ 0: there the quadratic model has no minimum, and the
  step built so far is kept::

      p ← 0;  r ← b;  d ← r
      repeat:  q ← (H + ζI) d;  stop if dᵀq ≤ 0     (negative curvature)
               η ← ‖r‖² / dᵀq                         (the exact step along d)
               p ← p + η d;  r ← r − η q;  stop if ‖r‖ ≤ tol
               ω ← ‖r_new‖² / ‖r‖²;  d ← r + ω d

* :func:`hessian_free` trains Tensor parameters with it. Each step computes g
  (one backward pass recorded as a graph), solves for p by :func:`cg_solve`
  until ‖r‖ ≤ min(½, √‖g‖)·‖g‖ (a rough solve far from the minimum, a
  precise one near it), and compares the decrease it got with the one the
  quadratic model m(p) = gᵀp + ½pᵀHp promised. The damping ζ
  (Levenberg–Marquardt) is how little the model is trusted: it grows by 3/2
  when the agreement (L(θ + p) − L(θ))/m(p) is below ¼, shrinks by 2/3 when it
  is above ¾, and a step that does not lower L is refused.

On the lecture's quadratic L(x) = ½‖Ax − b‖², H = AᵀA everywhere, so with
ζ = 0 the inner CG is linear CG on AᵀA x = Aᵀb: the iterates of
:func:`~.conjugate_gradient.linear_cg`, and the minimum in at most n steps.

Symbols as in :mod:`.conjugate_gradient`: η a step length along a direction d,
ω the weight of the previous direction; ζ the damping (λ is the lecture's Q
average, κ weight decay).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

import numpy as np

from stepgrad.autograd import Tensor, grad, no_grad

__all__ = ["CGSolve", "HFResult", "cg_solve", "curvature", "hessian_free"]


class CGSolve(NamedTuple):
    """What :func:`cg_solve` found.

    Attributes:
        p: the approximate solution of (H + ζI) p = b.
        Hp: H·p (without the damping), built from the products CG computed.
        steps: CG steps taken (each one product H·d).
        negative_curvature: True when CG stopped at a direction with
            dᵀ(H + ζI)d ≤ 0.
    """

    p: np.ndarray
    Hp: np.ndarray
    steps: int
    negative_curvature: bool


def cg_solve(matvec, b, damping: float = 0.0, tol: float = 0.0,
             max_steps: int | None = None) -> CGSolve:
    """Solve (H + ζI) p = b by linear conjugate gradient, with H only as v ↦ H·v.

    Args:
        matvec: v ↦ H·v for a symmetric H (e.g. from :func:`curvature`).
        b: the right-hand side (for Newton's step, −g).
        damping: ζ ≥ 0, added to H's diagonal.
        tol: stop when the residual ‖b − (H + ζI)p‖ ≤ tol.
        max_steps: the most CG steps (default n = b's size, the exact-arithmetic bound).

    Returns:
        A :class:`CGSolve`. On negative curvature at the first direction p is 0.
    """
    b = np.asarray(b, dtype=np.float64)
    if damping < 0 or not np.isfinite(damping):
        raise ValueError(f"cg_solve: the damping ζ must be a number ≥ 0, got {damping}")
    max_steps = b.size if max_steps is None else int(max_steps)
    p, Hp = np.zeros_like(b), np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    rr = float(r @ r)
    for step in range(max_steps):
        if rr ** 0.5 <= tol:
            return CGSolve(p, Hp, step, False)
        Hd = np.asarray(matvec(d), dtype=np.float64)
        q = Hd + damping * d
        curv = float(d @ q)                      # dᵀ(H + ζI)d
        if not curv > 0:
            return CGSolve(p, Hp, step, True)
        eta = rr / curv                          # the exact minimiser along d
        p += eta * d
        Hp += eta * Hd
        r -= eta * q
        rr_new = float(r @ r)
        d = r + (rr_new / rr) * d                # ω = ‖r_new‖² / ‖r‖²
        rr = rr_new
    return CGSolve(p, Hp, max_steps, False)


def curvature(loss, params):
    """L, g = ∇L and v ↦ H·v at the parameters' current values, from one recorded graph.

    This is :func:`stepgrad.autograd.hvp` with its first half kept: the
    gradient is recorded as a graph once (g(θ), ``create_graph=True``), and each
    product H·v = ∇_θ(g · v) is one more backward pass of that graph.

    Args:
        loss: a function of no arguments returning the loss (a one-element Tensor).
        params: the Tensors θ.

    Returns:
        (L as a float, g as one vector, matvec) with vectors laid out as the
        parameters flattened one after another.
    """
    L = loss()
    gs = grad(L, params, create_graph=True)
    shapes = [p.data.shape for p in params]
    cuts = np.cumsum([p.data.size for p in params])[:-1]

    def matvec(v):
        parts = np.split(np.asarray(v, dtype=np.float64), cuts)
        gv = sum(((g * part.reshape(s)).sum() for g, part, s in zip(gs, parts, shapes)),
                 start=Tensor(0.0, requires_grad=False))     # g · v
        return np.concatenate([h.data.ravel() for h in grad(gv, params)])

    g = np.concatenate([gi.data.ravel() for gi in gs])
    return L.item(), g, matvec


class HFResult(NamedTuple):
    """What a :func:`hessian_free` run did.

    Attributes:
        x: the parameters found, as one vector (the parameters hold them too).
        steps: the steps taken (accepted Newton steps).
        losses: L after 0, 1, …, steps steps.
        grad_norms: ‖∇L‖ after 0, 1, …, steps steps.
        gradients: gradients computed by then (one per step tried, accepted or not).
        hvps: Hessian-vector products computed by then (the CG steps).
        losses_only: forward passes without a gradient by then (one per step tried).
        damping: ζ after 0, 1, …, steps steps.
        refused: steps tried and refused (L did not go down) by the end.
    """

    x: np.ndarray
    steps: int
    losses: list
    grad_norms: list
    gradients: list
    hvps: list
    losses_only: list
    damping: list
    refused: int


def hessian_free(loss: Callable[[], Tensor], params: Iterable[Tensor], steps: int = 50,
                 tol: float = 1e-8, damping: float = 1.0, cg_steps: int | None = None,
                 forcing: float | None = None,
                 max_tries: int | None = None) -> HFResult:
    """Minimise ``loss()`` over Tensor parameters by Hessian-free (truncated Newton) steps.

    See the module docstring. Full batch only: the agreement test compares
    values of L, so L must be the same function at every call.

    Args:
        loss: a function of no arguments that computes the loss from the
            parameters' current values (a one-element Tensor).
        params: the Tensors θ to change, e.g. ``model.parameters()``; they are
            left at the minimiser found.
        steps: the most accepted steps.
        tol: stop when ‖∇L‖ ≤ tol.
        damping: the first ζ (0 on a convex quadratic: plain Newton by CG).
        cg_steps: the most CG steps per Newton step (default n, the number of
            parameters).
        forcing: CG stops when ‖r‖ ≤ forcing·‖g‖; default min(½, √‖g‖), rough
            far from the minimum and precise near it. A tiny forcing with ζ = 0
            is Newton's step solved by CG.
        max_tries: the most steps tried, refused ones included (default 4·steps).

    Returns:
        A :class:`HFResult`.
    """
    params = list(params)
    for i, t in enumerate(params):
        if not isinstance(t, Tensor):
            raise TypeError(f"hessian_free: parameter {i} is a {type(t).__name__}, "
                            "expected a Tensor (e.g. model.parameters())")
    if damping < 0 or not np.isfinite(damping):
        raise ValueError(f"hessian_free: the damping ζ must be a number ≥ 0, got {damping}")
    sizes = [p.data.size for p in params]
    max_tries = 4 * steps if max_tries is None else int(max_tries)

    def assign(theta):
        for p, part in zip(params, np.split(theta, np.cumsum(sizes)[:-1])):
            p.data[...] = part.reshape(p.data.shape)

    def value_at(theta, p):               # L(θ + p), a forward pass only; θ is put back
        assign(theta + p)
        with no_grad():
            out = loss().item()
        assign(theta)
        return out

    def record():
        losses.append(f)
        norms.append(float(np.linalg.norm(g)))
        for k in counts:
            kept[k].append(counts[k])
        kept["damping"].append(zeta)

    theta = np.concatenate([p.data.ravel() for p in params]).astype(np.float64)
    zeta, counts = float(damping), {"gradients": 0, "hvps": 0, "losses_only": 0}
    losses: list[float] = []
    norms: list[float] = []
    kept: dict[str, list] = {k: [] for k in (*counts, "damping")}
    taken = refused = tries = 0
    assign(theta)
    f, g, matvec = curvature(loss, params)
    counts["gradients"] += 1
    record()
    while taken < steps and tries < max_tries and norms[-1] > tol:
        gnorm, solve = norms[-1], None
        while solve is None or (solve.steps == 0 and solve.negative_curvature):
            if solve is not None:            # H + ζI not positive even along −g: raise ζ
                zeta = max(2 * zeta, 1e-3 * gnorm, 1e-8)
            rel = min(0.5, gnorm ** 0.5) if forcing is None else forcing
            solve = cg_solve(matvec, -g, zeta, tol=rel * gnorm, max_steps=cg_steps)
            counts["hvps"] += solve.steps + solve.negative_curvature
        p = solve.p
        predicted = float(g @ p + 0.5 * p @ solve.Hp)     # m(p) = gᵀp + ½pᵀHp < 0
        f_new = value_at(theta, p)
        counts["losses_only"] += 1
        tries += 1
        agreement = (f_new - f) / predicted if predicted < 0 else -np.inf
        if agreement < 0.25:                 # the model promised too much: trust it less
            zeta = max(zeta, 1e-8) * 1.5
        elif agreement > 0.75:               # it kept its promise: trust it more
            zeta *= 2.0 / 3.0
        if not f_new < f:                    # L did not go down: refuse the step
            refused += 1
            continue
        theta = theta + p
        taken += 1
        assign(theta)
        f, g, matvec = curvature(loss, params)
        counts["gradients"] += 1
        record()
    assign(theta)
    return HFResult(theta, taken, losses, norms, kept["gradients"], kept["hvps"],
                    kept["losses_only"], kept["damping"], refused)
