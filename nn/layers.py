"""The lecture's perceptron: ``Layer``, ``Neuron``, ``MLP`` (and ``Sequential``).

One model, two views on the same parameters. Layer l keeps one weight Tensor
W of shape (n_in + 1, n_out) in the lecture's layout: ``W[f, h - 1]`` is
wˡ_fh, row 0 the biases wˡ_0h (x₀ = 1).

* The Tensor view (a batch X of shape (N, n_in), to train fast):
  U = X·W[1:] + W[0] (one Affine node, [1 X]·W), then A = σ(U): two array nodes per layer.
* The scalar view (one sample, to step through and draw): ``W.scalars()``
  gives each w_fh as a leaf Value whose gradient lands in ``W.grad``; unit h
  computes u_h = Σ_{f=0}^{F} w_fh·x_f as one ``Dot`` node, then α_h = σ(u_h).

Backward through either view fills the same ``W.grad``; for one sample the two
agree to rounding (about 1e-15). The scalar view names every Value it records
by the one scheme of :mod:`stepgrad.nn.labels` (x_f, w¹_fh, u_h, α_h, v_m, a_m,
indices from 1), and :meth:`MLP.trace` hands back every one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor, Value, affine, dot
from stepgrad.common.rng import Seed, make_rng

from .activations import ActivationLike, get_activation
from .init import InitLike, init_weights
from .labels import LayerNames, layer_names, mlp_names, weight_name
from .module import Module

__all__ = ["Neuron", "Layer", "MLP", "Sequential", "LayerTrace", "Trace"]


def as_batch(X: Tensor | ArrayLike, n_in: int,
             who: str | Callable[[], str]) -> tuple[Tensor, bool]:
    """X as a 2-D Tensor of shape (N, n_in), and whether X was one 1-D sample.

    ``who`` names the caller in an error: a string, or a function that makes it (only
    an error needs it). A 2-D Tensor of the right width (fit's batch, the previous
    layer's output) is returned as it is at once.
    """
    if type(X) is Tensor and X.data.ndim == 2 and X.data.shape[1] == n_in:
        return X, False
    if not isinstance(who, str):
        who = who()
    if not isinstance(X, Tensor):
        try:
            X = np.asarray(X, dtype=np.float64)
        except (ValueError, TypeError):
            raise ValueError(f"{who} expects a batch of shape (N, {n_in}) or one sample of "
                             f"{n_in} numbers, got rows of different lengths or non-numbers: "
                             f"{_describe(X)}") from None
        X = Tensor(X, requires_grad=False)
    if X.ndim not in (1, 2) or X.shape[-1] != n_in:
        got = X.shape[-1] if X.ndim in (1, 2) else f"an array of shape {X.shape}"
        raise ValueError(f"{who} expects {n_in} inputs, got {got} "
                         f"(X should have shape (N, {n_in}))")
    if X.ndim == 1:
        return X.reshape(1, n_in), True
    return X, False


def _describe(X: object) -> str:
    if isinstance(X, (list, tuple)):
        return "row lengths " + str([len(r) if hasattr(r, "__len__") else 1 for r in X][:8])
    return type(X).__name__


def check_sample(x: Sequence[Value | float], n_in: int, who: str) -> list[Value]:
    """One sample as a list of Values (numbers are lifted to constant Values)."""
    if len(x) != n_in:
        raise ValueError(f"{who} expects {n_in} inputs, got {len(x)}")
    try:
        return [v if type(v) is Value else Value(v) for v in x]
    except TypeError:
        bad = next(v for v in x if not isinstance(v, (Value, int, float, np.number)))
        raise ValueError(f"{who} expects one sample of {n_in} numbers (or a batch of "
                         f"shape (N, {n_in})), got an entry {bad!r}") from None


class LayerTrace(NamedTuple):
    """One layer of a sample's scalar view: its weights, weighted sums and outputs.

    Attributes:
        weights: the leaf Values w_fh, an object array of the weight's shape.
        sums: u_h (v_m in an output layer), one ``Dot`` node per unit.
        outputs: α_h = σ(u_h) (a_m in an output layer).
    """

    weights: np.ndarray
    sums: list
    outputs: list


class Layer(Module):
    """n_out units reading the same n_in inputs: α_h = σ(Σ_{f=0}^{F} w_fh·x_f).

    Args:
        n_in, n_out: F and H.
        activation: σ by name or callable; ``"softmax"`` acts on the whole layer.
        init: ``"small"``, ``"glorot"``, ``"he"`` or ``f(n_in, n_out, rng)``.
        seed: an int or a numpy Generator.
        names: the scalar view's names (:func:`stepgrad.nn.labels.layer_names`);
            an MLP passes each layer's; the default names w_fh, u_h, α_h.

    ``weight`` has shape (F + 1, H); column h − 1 is unit h, row 0 its bias.
    """

    def __init__(self, n_in: int, n_out: int, activation: ActivationLike = "tanh",
                 init: InitLike = "small", seed: Seed = None, names: LayerNames | None = None):
        self.n_in, self.n_out = int(n_in), int(n_out)
        if self.n_in < 1 or self.n_out < 1:
            raise ValueError(f"a Layer needs n_in ≥ 1 and n_out ≥ 1, got {n_in} and {n_out}")
        self.activation = get_activation(activation)
        self.names = names or layer_names(self.n_in, self.n_out)
        self.weight = Tensor(init_weights(init, self.n_in, self.n_out, make_rng(seed)),
                             label=self.names.tensor)
        # (first leaf, [(w_1h…w_Fh, w_0h) per unit h]), made once
        self._columns: tuple | None = None

    def preactivation(self, X: Tensor) -> Tensor:
        """U = X·W[1:] + W[0] for a 2-D batch X: u_h for every sample (one
        :class:`~stepgrad.autograd.tensor_ops.Affine` node, [1 X]·W)."""
        return affine(X, self.weight)

    def forward(self, X: Tensor | ArrayLike) -> Tensor:
        """σ(X·W[1:] + W[0]) for X of shape (N, F): shape (N, H) (a 1-D x gives (H,))."""
        X, one = as_batch(X, self.n_in, type(self).__name__)
        A = self.batch_forward(X)
        return A[0] if one else A

    def batch_forward(self, X: Tensor) -> Tensor:
        """σ(X·W[1:] + W[0]) for a 2-D Tensor X of shape (N, F), unchecked: what ``forward``
        does once X is checked (an MLP checks its input once for all its layers)."""
        return self.activation.fn(self.preactivation(X))

    def trace(self, x: Sequence[Value | float]) -> LayerTrace:
        """One sample's scalar view of this layer, every Value named (see :class:`LayerTrace`)."""
        return self._trace(check_sample(x, self.n_in, type(self).__name__))

    def _trace(self, x: list[Value]) -> LayerTrace:
        """:meth:`trace` of a checked list of Values."""
        w = self.weight.scalars()  # the same leaf Values every call, holding W's data now
        cols = self._columns
        if cols is None or cols[0] is not w.item(0):
            cols = self._columns = _columns(w, self.names)
        u = [dot(ws, x, b) for ws, b in cols[1]]
        names = self.names
        for v, name in zip(u, names.sums):
            v.label = name
        alpha = self.activation.on_values(u)
        for v, name in zip(alpha, names.outputs):
            v.label = name
        return LayerTrace(w, u, alpha)

    def scalar_forward(self, x: Sequence[Value | float]) -> list[Value]:
        """[σ(u_1), …, σ(u_H)] for one sample; u_h is one Dot node over column h of W."""
        return self.trace(x).outputs

    def extra_repr(self) -> str:
        return f"{self.n_in} → {self.n_out}, {self.activation.name}"


class Neuron(Layer):
    """One unit: a = σ(Σ_{f=0}^{F} w_f·x_f), x₀ = 1: a :class:`Layer` with one output.

    Args:
        n_in: F, the number of inputs.
        activation: an elementwise σ by name (``"tanh"``) or callable.
        init: ``"small"``, ``"glorot"``, ``"he"`` or ``f(n_in, n_out, rng)``.
        seed: an int or a numpy Generator.

    ``weight`` has shape (F + 1, 1), ``weight[0]`` the bias w₀; the scalar view
    names the weights w₀…w_F, the sum u and the output a.
    """

    def __init__(self, n_in: int, activation: ActivationLike = "tanh", init: InitLike = "small",
                 seed: Seed = None):
        n_in = int(n_in)
        names = LayerNames(_neuron_weight_names(n_in), ("u",), ("a",), "w")
        super().__init__(n_in, 1, activation, init, seed, names)
        if not self.activation.elementwise:
            raise ValueError(f"a single Neuron needs an elementwise activation, "
                             f"not {self.activation.name}")

    def forward(self, X: Tensor | ArrayLike) -> Tensor:
        """a for each row of X (shape (N, F)): a Tensor of shape (N,) (a 1-D x gives ())."""
        A = super().forward(X)
        return A[..., 0]

    def scalar_forward(self, x: Sequence[Value | float]) -> Value:  # type: ignore[override]  # one unit: a, not [a]
        """a for one sample x (a list of F numbers or Values): one Value."""
        return self.trace(x).outputs[0]

    def extra_repr(self) -> str:
        return f"{self.n_in}, {self.activation.name}"


def _columns(w: np.ndarray,
             names: LayerNames) -> tuple[Value, list[tuple[tuple[Value, ...], Value]]]:
    """Name the leaf Values w_fh once and group them by unit: ``[(w_1h…w_Fh, w_0h)]``."""
    for v, name in zip(w.flat, names.weights.flat):
        v.label = name
    return w.item(0), [(tuple(w[1:, h]), w[0, h]) for h in range(w.shape[1])]


def _neuron_weight_names(n_in: int) -> np.ndarray:
    w = np.empty((n_in + 1, 1), dtype=object)
    w[:, 0] = [weight_name(None, f, None) for f in range(n_in + 1)]
    return w


def _per_layer(spec: Any, n: int, what: str) -> list:
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(f"MLP: {what} lists {len(spec)} entries for {n} hidden layers")
        return list(spec)
    return [spec] * n


class Trace(NamedTuple):
    """A sample's whole scalar view: the inputs x_f and each layer's :class:`LayerTrace`.

    ``trace.hidden`` lists each hidden layer's α_h, ``trace.outputs`` the a_m.
    """

    inputs: list
    layers: list

    @property
    def hidden(self) -> list:
        """[[α¹_1, …], [α²_1, …], …]: the outputs of each hidden layer."""
        return [layer.outputs for layer in self.layers[:-1]]

    @property
    def outputs(self) -> list:
        """[a_1, …, a_M]."""
        return self.layers[-1].outputs


class MLP(Module):
    """The multilayer perceptron: ``MLP([6, 9, 2])`` is the lecture's 6-9-2 network.

    Args:
        sizes: [F, H₁, …, M]: inputs, hidden layers, outputs.
        hidden: σ_h of the hidden layers, a name or callable, or one per hidden layer.
        output: σ_m of the output layer.
        init: ``"small"`` (the lecture's small random numbers), ``"glorot"``,
            ``"he"``, or ``f(n_in, n_out, rng)``.
        seed: an int or numpy Generator; the same seed gives the same weights.

    Parameters are named as in the lecture: ``w1`` (w¹_fh, shape (F + 1, H₁)),
    ``w2`` (w²_hm), …; ``model.layers[l]`` is layer l + 1.
    """

    def __init__(self, sizes: Sequence[int],
                 hidden: ActivationLike | Sequence[ActivationLike] = "tanh",
                 output: ActivationLike = "sigmoid", init: InitLike = "small", seed: Seed = None):
        sizes = list(sizes)
        if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or isinstance(s, bool)
                                 or s < 1 for s in sizes):
            raise ValueError(f"MLP needs sizes [F, ..., M] of at least two positive ints, "
                             f"got {sizes}")
        self.sizes = [int(s) for s in sizes]
        self.n_in = self.sizes[0]
        rng = make_rng(seed)
        acts = _per_layer(hidden, len(sizes) - 2, "hidden") + [output]
        self.input_names, names = mlp_names(self.sizes)
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], init, rng, names=names[i])
                       for i in range(len(sizes) - 1)]

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        for i, layer in enumerate(self.layers):
            yield f"{prefix}w{i + 1}", layer.weight

    def forward(self, X: Tensor | ArrayLike) -> Tensor:
        """The Tensor view: outputs a_m for each row of X, shape (N, M)."""
        X, one = as_batch(X, self.n_in, lambda: f"MLP({self.sizes})")
        for layer in self.layers:  # each layer's input is the last one's (N, H) output
            X = layer.batch_forward(X)
        return X[0] if one else X

    def trace(self, x: Sequence[Value | float]) -> Trace:
        """The scalar view of one sample with every Value it records, named.

        ``model.trace(x).hidden[0]`` are the hidden outputs α_h,
        ``model.trace(x).layers[0].sums`` the weighted sums u_h,
        ``model.trace(x).outputs`` the outputs a_m (what ``model(x)`` returns).
        """
        x = check_sample(x, self.n_in, f"MLP({self.sizes})")
        for v, name in zip(x, self.input_names):
            if not v.label:
                v.label = name
        layers, h = [], x
        for layer in self.layers:
            t = layer._trace(h)
            layers.append(t)
            h = t.outputs
        return Trace(x, layers)

    def scalar_forward(self, x: Sequence[Value | float]) -> list[Value]:
        """The scalar view: [a_1, …, a_M] for one sample, a graph of Values."""
        return self.trace(x).outputs

    def __repr__(self) -> str:
        lines = [f"MLP({self.sizes}, {self.num_parameters()} parameters)"]
        for i, layer in enumerate(self.layers):
            lines.append(f"  (w{i + 1}): Layer({layer.extra_repr()})  w{i + 1}: "
                         f"{layer.weight.shape[0]}×{layer.weight.shape[1]}")
        return "\n".join(lines)


class Sequential(Module):
    """Modules applied in order: ``Sequential(Layer(6, 9), Dropout(0.5), Layer(9, 2))``.

    Parameters are named ``layers.0.weight``, ``layers.2.weight``, …
    """

    def __init__(self, *modules: Module):
        for m in modules:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Modules, got {type(m).__name__}")
        self.layers = list(modules)

    def forward(self, X: Tensor | ArrayLike) -> Any:
        for m in self.layers:
            X = m.forward(X)
        return X

    def scalar_forward(self, x: Sequence[Value | float]) -> Any:
        for m in self.layers:
            x = m.scalar_forward(x)
        return x

