"""Check analytic gradients against central finite differences, in float64.

    ∂f/∂xᵢ ≈ (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε

The error of a central difference is O(ε²), so with ε = 1e-6 a correct
gradient agrees to about 1e-9 where f is smooth. The checker is part of the
library: test your own ops with it. A test in ``tests/`` registers a
deliberately wrong derivative and shows that gradcheck catches it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from .grad_mode import no_grad
from .node import Node

__all__ = ["gradcheck", "GradcheckError"]

FULL_JACOBIAN_MAX = 64  # inputs with more entries get random-direction checks


class GradcheckError(AssertionError):
    """The analytic and the numeric gradient disagree; the message shows where."""


def _scalar_of(out) -> float:
    if not isinstance(out, Node):
        raise TypeError(f"gradcheck: f must return a Value or Tensor, got {type(out).__name__}")
    data = np.asarray(out.data, dtype=np.float64)
    if data.size != 1:
        raise ValueError(f"gradcheck: f must return one number (reduce it), got shape {data.shape}")
    return float(data.reshape(()))


def _evaluate(f, inputs) -> float:
    with no_grad():
        return _scalar_of(f(*inputs))


def gradcheck(f: Callable[..., Node], inputs: Iterable[Node], eps: float = 1e-6,
              atol: float = 1e-5, rtol: float = 1e-3, directions: int = 3,
              seed: int = 0) -> bool:
    """Compare backward's gradient of ``f(*inputs)`` with central differences.

    Args:
        f: a function of the input nodes returning one scalar node.
        inputs: the leaf Values and/or Tensors to differentiate with respect to
            (Tensors should be float64: float32 differences are too coarse).
        eps: the finite-difference step ε.
        atol, rtol: pass when ``|analytic − numeric| <= atol + rtol·|numeric|``.
        directions: for a Tensor with more than 64 entries, the number of random
            directions u along which ⟨∇f, u⟩ is compared with
            (f(x + εu) − f(x − εu)) / 2ε, instead of the full gradient.
        seed: seeds the random directions.

    Returns:
        True when every entry agrees.

    Raises:
        GradcheckError: showing the input, the entry, the analytic and the
            numeric value of the worst disagreement.
    """
    inputs = list(inputs)
    for k, x in enumerate(inputs):
        if not isinstance(x, Node):
            raise TypeError(f"gradcheck: inputs must be Values or Tensors, got {type(x).__name__}")
        if not getattr(x, "requires_grad", True):
            raise ValueError(
                f"gradcheck: input {k} is a Tensor with requires_grad=False (a constant): "
                "backward computes no gradient for it; make it with requires_grad=True"
            )
    for x in inputs:
        x.zero_grad()
    out = f(*inputs)
    _scalar_of(out)
    out.backward()
    rng = np.random.default_rng(seed)
    worst = None  # (excess, message)

    def consider(analytic, numeric, where):
        nonlocal worst
        err = abs(analytic - numeric)
        excess = err - (atol + rtol * abs(numeric))
        if not np.isfinite(analytic) or not np.isfinite(numeric):
            excess = np.inf if analytic != numeric else -np.inf
        if excess > 0 and (worst is None or excess > worst[0]):
            worst = (excess, f"{where}: analytic {analytic!r}, numeric {numeric!r}, "
                             f"|difference| {err:.3g} > atol {atol:g} + rtol {rtol:g}·|numeric|")

    for k, x in enumerate(inputs):
        name = f"input {k}" + (f" ({x.label!r})" if x.label else "")
        if x.is_scalar:
            x0 = x.data
            x.data = x0 + eps
            fp = _evaluate(f, inputs)
            x.data = x0 - eps
            fm = _evaluate(f, inputs)
            x.data = x0
            consider(float(x.grad), (fp - fm) / (2 * eps), f"{name} = {x0!r}")
            continue
        data = x.data
        grad = np.asarray(x.grad, dtype=np.float64)
        if data.size <= FULL_JACOBIAN_MAX:
            for idx in np.ndindex(data.shape):
                x0 = data[idx]
                data[idx] = x0 + eps
                fp = _evaluate(f, inputs)
                data[idx] = x0 - eps
                fm = _evaluate(f, inputs)
                data[idx] = x0
                consider(float(grad[idx]), (fp - fm) / (2 * eps),
                         f"{name} of shape {data.shape}, entry {list(idx)} = {x0!r}")
        else:
            x0 = data.copy()
            for d in range(directions):
                u = rng.standard_normal(data.shape)
                u /= np.linalg.norm(u)
                x.data = x0 + eps * u
                fp = _evaluate(f, inputs)
                x.data = x0 - eps * u
                fm = _evaluate(f, inputs)
                x.data = x0
                consider(float(np.sum(grad * u)), (fp - fm) / (2 * eps),
                         f"{name} of shape {data.shape}, random direction {d}")
    if worst is not None:
        raise GradcheckError("gradcheck failed at " + worst[1])
    return True
