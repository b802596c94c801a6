"""One sample through an MLP, forward and backward, as the engine recorded it.

:class:`NetworkPass` runs ``model.trace(x)`` (the scalar view: every Value named
x_f, u_h, α_h, v_m, a_m, wˡ_fh), the loss L of the outputs and the target, and
the engine's backward with its observer (:func:`~.record.replay`). Everything
the network view writes is read from here: the forward values from the nodes,
every gradient from the record (the engine's own ``grad`` after the pass and
the contributions its steps added). Nothing is computed again.

The model is left as it was: the weights' leaf gradients and ``W.grad`` are set
aside before the pass and put back after it, so stepping a sample never changes
``W.grad``.
"""

from __future__ import annotations

import numpy as np

from stepgrad.nn import MLP, get_loss

from .network_steps import forward_frames, lecture_frames
from .record import graph_nodes, replay

__all__ = ["NetworkPass"]


def _target(y, m: int) -> list:
    if isinstance(y, (int, np.integer)) and not isinstance(y, bool) and m > 1:
        if not 0 <= y < m:
            raise ValueError(f"step_network: the target class {y} is not one of 0 … {m - 1}")
        return [1.0 if k == y else 0.0 for k in range(m)]
    try:
        y = [float(v) for v in np.ravel(np.asarray(y, dtype=float))]
    except (TypeError, ValueError):
        raise ValueError(f"step_network: the target y must be {m} numbers (or a class index), "
                         f"got {y!r}") from None
    if len(y) != m:
        raise ValueError(f"step_network: the model has {m} outputs a_m, so y needs {m} "
                         f"numbers y_m; got {len(y)}")
    return y


def _copy(g):
    return g.copy() if isinstance(g, np.ndarray) else g


class NetworkPass:
    """Forward and backward of one sample ``x`` with target ``y`` through ``model``.

    Attributes:
        model, trace: the MLP and its scalar view of ``x`` (``trace.layers[l − 1]``
            holds layer l's weights, sums and outputs).
        y: the target y_1 … y_M; ``L`` the loss node; ``loss_name`` its name.
        classes: the class name of each output a_m, or None.
        record: the engine's backward pass (:class:`~.record.Record`).
        frames: the forward frames, then the lecture's backward frames.
    """

    def __init__(self, model, x, y, loss="half_sse", forward: bool = True, classes=None):
        if not isinstance(model, MLP):
            raise TypeError(f"step_network draws an MLP (the lecture's network), got "
                            f"{type(model).__name__}; for any other graph use step_through(L)")
        self.model = model
        x = np.ravel(np.asarray(x, dtype=float))
        if x.size != model.n_in:
            raise ValueError(f"step_network: the model reads {model.n_in} inputs x_f, "
                             f"got a sample of {x.size}")
        self.trace = model.trace([float(v) for v in x])
        self.y = _target(y, model.sizes[-1])
        if classes is not None and len(classes) != model.sizes[-1]:
            raise ValueError(f"step_network: {len(classes)} class names for "
                             f"{model.sizes[-1]} outputs a_m")
        self.classes = None if classes is None else tuple(str(c) for c in classes)
        fn = get_loss(loss)
        self.loss_name = getattr(fn, "__name__", "loss")
        self.L = fn(self.trace.outputs, self.y, reduction="sum")
        self.L.label = "L"
        leaves = [n for n in graph_nodes([self.L]) if n.op is None]
        saved = [(n, n.grad) for n in leaves]
        tensors = [(layer.weight, _copy(layer.weight.grad)) for layer in model.layers]
        try:
            for n in leaves:
                n.grad = 0.0
            self.record = replay([self.L], run=True)
        finally:  # the leaves' gradients, then W.grad (whose setter settles the leaves)
            for n, g in saved:
                n.grad = g
            for W, g in tensors:
                W.grad = g
        back = lecture_frames(self.trace, self.record)
        self.frames = (forward_frames(self.trace) if forward else []) + back

    # ------------------------------------------------------------ lookups

    @property
    def n_layers(self) -> int:
        return len(self.trace.layers)

    def layer(self, l: int):
        return self.trace.layers[l - 1]

    def grad(self, node) -> float:
        """∂L/∂node after the engine's pass (0 when nothing reached it)."""
        return float(self.record.grads.get(id(node), 0.0))

    def output(self, l: int, u: int):
        """The output node of unit ``u`` of layer ``l`` (α_h, or a_m in the last layer)."""
        return self.layer(l).outputs[u - 1]

    def total(self, l: int, u: int):
        """The weighted-sum node of unit ``u`` of layer ``l`` (u_h, or v_m)."""
        return self.layer(l).sums[u - 1]

    def input_value(self, l: int, j: int) -> float:
        """What unit ``j`` of layer ``l`` sends on: x_j (l = 0) or α_j; 1 for the bias j = 0."""
        if j == 0:
            return 1.0
        return float((self.trace.inputs[j - 1] if l == 0 else self.output(l, j)).data)

    def weight(self, l: int, j: int, k: int):
        """The leaf Value wˡ_jk."""
        return self.layer(l).weights[j, k - 1]

    def dw(self, l: int, j: int, k: int) -> float:
        """∂L/∂wˡ_jk: what the step of the unit's sum added to the weight."""
        return self.grad(self.weight(l, j, k))

    def sigma_prime(self, l: int, u: int):
        """σ′ of unit ``u``: the local derivative of its activation step, or None
        when the activation mixes the layer's units (softmax)."""
        if not self.activation(l).elementwise:
            return None
        node = self.output(l, u)
        step = self.record.step_of(node)
        if step is None or step.local is None or len(step.parents) != 1:
            return None
        return float(step.local[0])

    def activation(self, l: int):
        return self.model.layers[l - 1].activation

    def into(self, node) -> list:
        """The engine's contributions to ∂L/∂node, in its order."""
        return self.record.into.get(id(node), [])

    def numbers(self, frame) -> dict:
        """The numbers a frame shows, keyed ``("eps", l, u)``, ``("dsum", l, u)``,
        ``("dw", l, j, k)``, ``("value", l, u)``, ``("L",)``: each read from the
        engine (its ``grad`` after the pass, or the node's data)."""
        out: dict[tuple, float] = {}
        l, u = frame.layer, frame.unit
        if frame.kind == "input":
            out.update({("value", 0, f): self.input_value(0, f)
                        for f in range(1, self.model.n_in + 1)})
        elif frame.kind == "unit":
            out[("value", l, u)] = float(self.output(l, u).data)
            out[("sum", l, u)] = float(self.total(l, u).data)
        elif frame.kind in ("loss", "start"):
            out[("L",)] = float(self.L.data)
        elif frame.kind == "eps":
            out[("eps", l, u)] = self.grad(self.output(l, u))
            if self.sigma_prime(l, u) is not None:
                out[("dsum", l, u)] = self.grad(self.total(l, u))
        elif frame.kind == "act":
            out.update({("dsum", l, k): self.grad(self.total(l, k))
                        for k in range(1, len(self.layer(l).sums) + 1)})
        elif frame.kind == "dw":
            out.update({("dw", l, j, u): self.dw(l, j, u)
                        for j in range(self.layer(l).weights.shape[0])})
        return out
