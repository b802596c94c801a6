"""The lecture's activations σ, as compositions of autograd ops, and σ′ for plots.

Each activation works on a :class:`~stepgrad.autograd.Value`, a
:class:`~stepgrad.autograd.Tensor` or a list of Values (one sample's
pre-activations u_h), and records ordinary op nodes: the derivative used by
backward is the op's own (``stepgrad.autograd.ops``), never one written here.

================  ===============================  ===============================
name              σ(u)                             σ′(u)
================  ===============================  ===============================
``identity``      u                                1
``sign``          sign u                           0 (everywhere, 0 at u = 0 too)
``sigmoid``       1/(1 + e⁻ᵘ)                      σ(1 − σ)
``tanh``          (e²ᵘ − 1)/(e²ᵘ + 1)              1 − σ²
``relu``          max{u, 0}                        1 for u > 0, else 0 (0 at u = 0)
``hardtanh``      max{min{u, 1}, −1}               1 on (−1, 1), else 0
``softmax``       a_m = e^{u_m} / Σ_k e^{u_k}       ∂a_m/∂u_k = a_m(δ_mk − a_k)
================  ===============================  ===============================

The slides write relu′ = sign u. That is not relu′: for u < 0, sign u = −1
while relu′(u) = 0 (relu is flat there); they agree only for u > 0 (and at the
kink, where sign 0 = 0 is the value the engine takes, as PyTorch). The slides
also write hardtanh′ = 1 on the closed [−1, 1]; the engine takes 0 at the kinks
±1, as PyTorch. docs/lecture-slips.md lists these with the lecture's other slips.

``act.function(u)`` gives σ(u) and ``act.derivative(u)`` gives σ′(u) on plain
numpy arrays, for plotting: σ′ is read off the engine's backward pass
(∂/∂u Σ σ(u) for an elementwise σ), so the plot shows what training uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Node, Tensor, Value, no_grad
from stepgrad.autograd import softmax as softmax_fn
from stepgrad.autograd.operators import Operators
from stepgrad.common.registry import Registry

__all__ = ["Activation", "ACTIVATIONS", "get_activation", "identity", "sign", "sigmoid", "tanh",
           "relu", "hardtanh", "softmax"]

NodeFn = Callable[[Any], Any]
"""σ on one node: a Value gives a Value, a Tensor a Tensor."""


class Activation:
    """A named activation σ: callable on a Value, a Tensor or a list of Values.

    Args:
        name: the name the lecture uses (``"tanh"``).
        fn: σ on one node (Value or Tensor), built from autograd ops.
        formula: σ and σ′ in one line, for reprs and plots.
        elementwise: False for softmax, which maps a vector to a vector.
        vector_fn: for a non-elementwise σ, the function on a list of Values.
        method: the node method that is σ (``"tanh"``), when there is one: the
            scalar view then calls it directly on each Value.
        torch: ``(class name, {argument: accepted values})`` of the same σ in
            ``torch.nn`` (the first value is the one ``to_torch`` passes), or None.
        saturated: ``f(α, threshold)`` → the outputs in σ's flat tails, where
            σ′ ≈ 0 (for ``nn.diagnostics.unit_health``), or None.
        dead: ``f(U)`` → the units whose u is on σ's flat side for every sample
            (a dead ReLU), or None.
    """

    def __init__(self, name: str, fn: NodeFn, formula: str = "", elementwise: bool = True,
                 vector_fn: Callable[[list[Value]], list[Value]] | None = None,
                 method: str | None = None,
                 torch: tuple[str, dict[str, tuple[object, ...]]] | None = None,
                 saturated: Callable[[np.ndarray, float], np.ndarray] | None = None,
                 dead: Callable[[np.ndarray], np.ndarray] | None = None):
        self.name = name
        self.torch = torch
        self.saturated = saturated
        self.dead = dead
        self.fn = fn
        self.method = method
        self.formula = formula
        self.elementwise = elementwise
        self.vector_fn = vector_fn

    def __call__(self, u: Operators | Sequence[Value | float] | np.ndarray | float) -> Any:
        if isinstance(u, Node):
            return self.fn(u)
        if isinstance(u, (list, tuple)):
            if self.elementwise:
                fn = self.fn
                return [fn(v if isinstance(v, Node) else Value(v)) for v in u]
            assert self.vector_fn is not None  # set for every non-elementwise σ
            return self.vector_fn(cast(list[Value], [v if isinstance(v, Node) else Value(v)
                                                     for v in u]))
        if isinstance(u, np.ndarray):
            return self.fn(Tensor(u))
        if isinstance(u, (int, float)):
            return self.fn(Value(u))
        raise TypeError(f"activation {self.name}: expected a Value, Tensor or list of Values, "
                        f"got {type(u).__name__}")

    def on_values(self, u: list[Value]) -> list[Value]:
        """σ on one sample's list of Values (the scalar view's fast path: no checks)."""
        if not self.elementwise:  # softmax: vector_fn is set
            return self.vector_fn(u)  # type: ignore[misc]
        if self.method is not None:
            f = getattr(Value, self.method)
            return [f(v) for v in u]
        fn = self.fn
        return [fn(v) for v in u]

    def function(self, u: ArrayLike) -> np.ndarray:
        """σ(u) on a numpy array (no graph recorded)."""
        with no_grad():
            return self.fn(Tensor(np.asarray(u, dtype=np.float64))).data

    def derivative(self, u: ArrayLike) -> np.ndarray:
        """σ′(u) on a numpy array, from the engine's own backward pass.

        For an elementwise σ this is ∂/∂u_i Σ_j σ(u_j) = σ′(u_i), of u's shape.
        For softmax, u must be one vector and the result is the Jacobian
        J[m, k] = ∂a_m/∂u_k (one backward pass per output).
        """
        u = np.asarray(u, dtype=np.float64)
        if self.elementwise:
            t = Tensor(u)
            out = self.fn(t)
            out.backward(np.ones_like(out.data))
            return t.grad
        if u.ndim != 1:
            raise ValueError(f"{self.name}.derivative: the Jacobian needs one vector, "
                             f"got shape {u.shape}")
        rows = []
        for m in range(u.size):
            t = Tensor(u)
            out = self.fn(t)
            seed = np.zeros_like(out.data)
            seed[m] = 1.0
            out.backward(seed)
            rows.append(t.grad)
        return np.stack(rows)

    def __repr__(self) -> str:
        return f"Activation({self.name}: {self.formula})" if self.formula else self.name


def _softmax_values(u: list[Value]) -> list[Value]:
    """a_m = e^{u_m − c} / Σ_k e^{u_k − c}, c = max_k u_k: one node per a_m
    (:class:`~stepgrad.autograd.softmax_ops.SoftmaxAt`, exact, no overflow).

    No u_m, no a_m: an empty list gives an empty list, as a Tensor's empty axis."""
    if not u:
        return []
    return softmax_fn(list(u))


def _softmax_node(u: Node) -> Tensor:
    if isinstance(u, Tensor):
        return u.softmax(axis=-1)
    raise TypeError("softmax maps a vector to a vector: pass a list of Values or a Tensor, "
                    "not one Value")


ActivationLike = str | Activation | NodeFn
"""σ by name (``"tanh"``), an :class:`Activation`, or a callable ``f(node) -> node``."""

ACTIVATIONS = Registry("activation")
"""Every named σ, in the lecture's order; MLP(hidden=…, output=…), the command's
choices, saving, the PyTorch bridge and the diagnostics read it. Add one with
``_named(Activation(...))`` here (see CONTRIBUTING.md)."""


def _named(act: Activation) -> Activation:
    return ACTIVATIONS.add(act.name, act)


identity = _named(Activation("identity", lambda u: u.identity(), "σ = u;  σ′ = 1",
                             method="identity", torch=("Identity", {})))
sign = _named(Activation("sign", lambda u: u.sign(), "σ = sign u;  σ′ = 0", method="sign"))
sigmoid = _named(Activation("sigmoid", lambda u: u.sigmoid(), "σ = 1/(1 + e⁻ᵘ);  σ′ = σ(1 − σ)",
                            method="sigmoid", torch=("Sigmoid", {}),
                            saturated=lambda A, t: (A < 1 - t) | (A > t)))
tanh = _named(Activation("tanh", lambda u: u.tanh(), "σ = tanh u;  σ′ = 1 − σ²", method="tanh",
                         torch=("Tanh", {}), saturated=lambda A, t: np.abs(A) > t))
relu = _named(Activation("relu", lambda u: u.relu(), "σ = max{u, 0};  σ′ = 1 if u > 0 else 0",
                         method="relu", torch=("ReLU", {}),
                         dead=lambda U: np.all(U <= 0, axis=0)))
hardtanh = _named(Activation("hardtanh", lambda u: u.hardtanh(),
                             "σ = max{min{u, 1}, −1};  σ′ = 1 on (−1, 1), else 0",
                             method="hardtanh",
                             torch=("Hardtanh", {"min_val": (-1.0,), "max_val": (1.0,)})))
softmax = _named(Activation("softmax", _softmax_node, "a_m = e^{u_m}/Σ_k e^{u_k};  ∂a_m/∂u_k = "
                            "a_m(δ_mk − a_k)", elementwise=False, vector_fn=_softmax_values,
                            torch=("Softmax", {"dim": (-1, 1)})))


def get_activation(spec: ActivationLike) -> Activation:
    """The :class:`Activation` for a name (``"tanh"``), an Activation, or a callable.

    A plain callable ``f(node) -> node`` is taken as an elementwise σ: the
    scalar view calls it on each Value, the Tensor view on the whole Tensor.

    Raises:
        ValueError: an unknown name (matched as :func:`stepgrad.common.by_name` does: ``"TANH"`` is
            tanh); the message lists the valid ones.
        TypeError: neither a name nor a callable.
    """
    if isinstance(spec, Activation):
        return spec
    if isinstance(spec, str):
        return ACTIVATIONS.lookup(spec)
    if callable(spec):
        return Activation(getattr(spec, "__name__", "custom"), spec)
    raise TypeError(f"an activation is a name ({', '.join(ACTIVATIONS)}) or a callable, "
                    f"got {type(spec).__name__}")
