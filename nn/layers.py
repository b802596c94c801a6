"""The lecture's perceptron: ``Neuron``, ``Layer``, ``MLP`` (and ``Sequential``).

One model, two views on the same parameters. Layer l keeps one weight Tensor
W of shape (n_in + 1, n_out) in the lecture's layout: ``W[f, h]`` is w_fh,
row 0 the biases w_0h (x₀ = 1).

* The Tensor view (a batch X of shape (N, n_in), to train fast):
  U = X·W[1:] + W[0], then A = σ(U): a few array nodes per layer.
* The scalar view (one sample, to step through and draw): ``W.scalars()``
  gives each w_fh as a Value whose gradient lands in ``W.grad``; neuron h
  computes u_h = Σ_{f=0}^{F} w_fh·x_f as one ``Dot`` node, then α_h = σ(u_h).

Backward through either view fills the same ``W.grad``; for one sample the two
agree to rounding (about 1e-15).

The scalar view labels its Values for drawing: inputs ``x1…xF``, hidden
outputs ``α1…αH``, outputs ``a1…aM`` (the lecture's indices, from 1), and each
weight by its array entry ``w1[f,j]`` (f = 0 the bias; column j is unit h = j + 1).
"""

from __future__ import annotations

import numpy as np

from stepgrad.autograd import Tensor, Value, dot

from .activations import get_activation
from .init import init_weights, make_rng
from .module import Module

__all__ = ["Neuron", "Layer", "MLP", "Sequential"]


def as_batch(X, n_in: int, who: str):
    """X as a 2-D Tensor of shape (N, n_in), and whether X was one 1-D sample."""
    if not isinstance(X, Tensor):
        X = Tensor(np.asarray(X, dtype=np.float64), requires_grad=False)
    if X.ndim not in (1, 2) or X.shape[-1] != n_in:
        got = X.shape[-1] if X.ndim in (1, 2) else f"an array of shape {X.shape}"
        raise ValueError(f"{who} expects {n_in} inputs, got {got} "
                         f"(X should have shape (N, {n_in}))")
    if X.ndim == 1:
        return X.reshape(1, n_in), True
    return X, False


def check_sample(x, n_in: int, who: str) -> list:
    """One sample as a list of Values (numbers are lifted to constant Values)."""
    if len(x) != n_in:
        raise ValueError(f"{who} expects {n_in} inputs, got {len(x)}")
    return [v if isinstance(v, Value) else Value(v) for v in x]


class Neuron(Module):
    """One unit: a = σ(Σ_{f=0}^{F} w_f·x_f), x₀ = 1 (micrograd's Neuron, with a bias row).

    Args:
        n_in: F, the number of inputs.
        activation: σ by name (``"tanh"``) or callable.
        init: ``"small"``, ``"glorot"``, ``"he"`` or ``f(n_in, n_out, rng)``.
        seed: an int or a numpy Generator.

    ``weight`` is a Tensor of shape (F + 1,), ``weight[0]`` the bias w₀.
    """

    def __init__(self, n_in: int, activation="tanh", init="small", seed=None, label="w"):
        self.n_in = int(n_in)
        self.activation = get_activation(activation)
        if not self.activation.elementwise:
            raise ValueError(f"a single Neuron needs an elementwise activation, "
                             f"not {self.activation.name}")
        self.weight = Tensor(init_weights(init, self.n_in, 1, make_rng(seed))[:, 0], label=label)

    def forward(self, X) -> Tensor:
        """a for each row of X (shape (N, F)): a Tensor of shape (N,)."""
        X, one = as_batch(X, self.n_in, "Neuron")
        W = self.weight
        a = self.activation(X @ W[1:] + W[0])
        return a[0] if one else a

    def scalar_forward(self, x) -> Value:
        """a for one sample x (a list of F numbers or Values): one Value."""
        x = check_sample(x, self.n_in, "Neuron")
        w = self.weight.scalars()
        _label_weights(w, self.weight.label or "w")
        return self.activation.fn(dot(tuple(w[1:]), x, bias=w[0]))

    def extra_repr(self) -> str:
        return f"{self.n_in}, {self.activation.name}"


class Layer(Module):
    """n_out neurons reading the same n_in inputs: α_h = σ(Σ_{f=0}^{F} w_fh·x_f).

    Args:
        n_in, n_out: F and H.
        activation: σ by name or callable; ``"softmax"`` acts on the whole layer.
        init: ``"small"``, ``"glorot"``, ``"he"`` or ``f(n_in, n_out, rng)``.
        seed: an int or a numpy Generator.
        label: the weight Tensor's label (``"w1"`` in an MLP).

    ``weight`` has shape (F + 1, H); column h is neuron h, row 0 its bias.
    """

    def __init__(self, n_in: int, n_out: int, activation="tanh", init="small", seed=None,
                 label: str = "w"):
        self.n_in, self.n_out = int(n_in), int(n_out)
        if self.n_in < 1 or self.n_out < 1:
            raise ValueError(f"a Layer needs n_in ≥ 1 and n_out ≥ 1, got {n_in} and {n_out}")
        self.activation = get_activation(activation)
        self.weight = Tensor(init_weights(init, self.n_in, self.n_out, make_rng(seed)),
                             label=label)

    def preactivation(self, X: Tensor) -> Tensor:
        """U = X·W[1:] + W[0] for a 2-D batch X: u_h for every sample."""
        W = self.weight
        return X @ W[1:] + W[0]

    def forward(self, X) -> Tensor:
        """σ(X·W[1:] + W[0]) for X of shape (N, F): shape (N, H) (a 1-D x gives (H,))."""
        X, one = as_batch(X, self.n_in, "Layer")
        A = self.activation(self.preactivation(X))
        return A[0] if one else A

    def scalar_forward(self, x) -> list:
        """[σ(u_1), …, σ(u_H)] for one sample; u_h is one Dot node over column h of W."""
        x = check_sample(x, self.n_in, "Layer")
        w = self.weight.scalars()
        _label_weights(w, self.weight.label or "w")
        u = [dot(tuple(w[1:, h]), x, bias=w[0, h]) for h in range(self.n_out)]
        return self.activation(u)

    def extra_repr(self) -> str:
        return f"{self.n_in} → {self.n_out}, {self.activation.name}"


_LABELS: dict = {}


def _label_weights(w: np.ndarray, name: str) -> None:
    """Name each weight Value as its entry of W (``w1[f,h]``, row f = 0 the bias)."""
    if not w.size or w.flat[0].label:
        return
    key = (name, w.shape)
    labels = _LABELS.get(key)
    if labels is None:  # made once per name and shape, then reused
        labels = [f"{name}[{','.join(map(str, i))}]" for i in np.ndindex(w.shape)]
        if len(_LABELS) < 256:
            _LABELS[key] = labels
    for v, lab in zip(w.flat, labels):
        v.label = lab


def _label(values: list, name: str) -> list:
    """Label unlabelled Values name_1, name_2, … (the lecture's indices start at 1)."""
    for i, v in enumerate(values, 1):
        if not v.label:
            v.label = f"{name}{i}"
    return values


def _per_layer(spec, n: int, what: str) -> list:
    if isinstance(spec, (list, tuple)):
        if len(spec) != n:
            raise ValueError(f"MLP: {what} lists {len(spec)} entries for {n} hidden layers")
        return list(spec)
    return [spec] * n


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

    def __init__(self, sizes, hidden="tanh", output="sigmoid", init="small", seed=None):
        sizes = list(sizes)
        if len(sizes) < 2 or any(not isinstance(s, (int, np.integer)) or s < 1 for s in sizes):
            raise ValueError(f"MLP needs sizes [F, ..., M] of at least two positive ints, "
                             f"got {sizes}")
        self.sizes = [int(s) for s in sizes]
        rng = make_rng(seed)
        acts = _per_layer(hidden, len(sizes) - 2, "hidden") + [output]
        self.layers = [Layer(sizes[i], sizes[i + 1], acts[i], init, rng, label=f"w{i + 1}")
                       for i in range(len(sizes) - 1)]

    def named_parameters(self, prefix: str = ""):
        for i, layer in enumerate(self.layers):
            yield f"{prefix}w{i + 1}", layer.weight

    def forward(self, X) -> Tensor:
        """The Tensor view: outputs a_m for each row of X, shape (N, M)."""
        X, one = as_batch(X, self.sizes[0], "MLP")
        for layer in self.layers:
            X = layer.activation(layer.preactivation(X))
        return X[0] if one else X

    def scalar_forward(self, x) -> list:
        """The scalar view: [a_1, …, a_M] for one sample, a graph of Values."""
        x = _label(check_sample(x, self.sizes[0], "MLP"), "x")
        last = len(self.layers) - 1
        for l, layer in enumerate(self.layers):
            x = layer.scalar_forward(x)
            _label(x, "a" if l == last else ("α" if last == 1 else f"α{l + 1}_"))
        return x

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

    def __init__(self, *modules):
        for m in modules:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential takes Modules, got {type(m).__name__}")
        self.layers = list(modules)

    def forward(self, X):
        for m in self.layers:
            X = m.forward(X)
        return X

    def scalar_forward(self, x):
        for m in self.layers:
            x = m.scalar_forward(x)
        return x
