"""A Tensor's entries as leaf Values: how the scalar view of a model reads its weights.

``W.scalars()`` gives each entry w_fh of a weight Tensor W as a *leaf*
:class:`~stepgrad.autograd.value.Value`: no bridge node stands between the
weight and the graph the student draws, and the backward observer shows no
extra step. The mechanism, in three rules:

* **the same leaves every time.** W keeps one :class:`ScalarView`: the list of
  its leaf Values, made on the first call. Each call of ``scalars()`` copies
  W's current data into them (an optimizer updates W in place) and returns
  them as an object array of W's shape. They are the weights, as a network
  of bare Values keeps its weights: two forward passes share them, and
  backward through both adds both contributions, as it should.
* **gradients go home at the end of backward.** A leaf accumulates ``grad``
  like any leaf. When a backward pass over Values ends, each view (of a
  Tensor still alive) adds to ``W.grad`` what its leaves gathered
  since it last did (one array operation): ``W.grad`` is then ∂L/∂W, a plain
  read, and backward twice accumulates exactly as for W itself.
* **W.zero_grad() zeroes both**, W's gradient and its leaves'; setting
  ``W.grad = ...`` by hand keeps the leaves' gradients but sends none of
  what they held so far. Zero a weight's gradient through W, not through
  its Value.

The cost per step is one list of floats copied into the leaves and one array
built from their gradients: a few µs for the lecture's 6-9-2 network.
"""

from __future__ import annotations

from operator import attrgetter

import numpy as np

from .backward import OPEN_VIEWS
from .value import Value

__all__ = ["ScalarView"]

_grad_of = attrgetter("grad")
_count_nonzero = np.count_nonzero


class ScalarView:
    """The leaf Values of one Tensor's entries (C order) and what they sent home.

    Attributes:
        tensor: the Tensor whose entries they are.
        values: the leaf Values, one per entry, in C order.
        objects: the same Values as an object array of the Tensor's shape.
        sent: the gradients already added to the Tensor's ``grad`` (float64),
            or None when none has been since the last ``zero_grad``.
    """

    __slots__ = ("tensor", "values", "objects", "sent", "__weakref__")

    def __init__(self, tensor, data: np.ndarray):
        self.tensor = tensor
        self.values = [Value._make(x, (), None, None) for x in data.ravel().tolist()]
        flat = np.empty(len(self.values), dtype=object)
        flat[:] = self.values
        self.objects: np.ndarray = flat.reshape(data.shape)
        self.sent: np.ndarray | None = None
        OPEN_VIEWS.add(self)

    def read(self, data: np.ndarray) -> np.ndarray:
        """The leaves holding ``data`` now, as an object array of its shape (a new array)."""
        for v, x in zip(self.values, data.ravel().tolist()):
            v.data = x
        return self.objects.copy()

    def gathered(self) -> np.ndarray | None:
        """What the leaves' gradients gained since the last call (a flat float64
        array), or None when they gained nothing."""
        now = np.fromiter(map(_grad_of, self.values), np.float64, len(self.values))
        new = now if self.sent is None else now - self.sent
        self.sent = now
        return new if _count_nonzero(new) else None

    def send_home(self) -> None:
        """Add what the leaves gathered since the last time to the Tensor's ``grad``."""
        t = self.tensor
        if t._grad is None:
            return
        new = self.gathered()
        if new is not None:
            t._grad = t.grad + new.reshape(t.data.shape).astype(t.data.dtype, copy=False)

    def settle(self) -> None:
        """Count the leaves' gradients as sent (the Tensor's grad was set by hand)."""
        self.sent = np.fromiter(map(_grad_of, self.values), np.float64, len(self.values))

    def zero_grad(self) -> None:
        """Zero the leaves' gradients (and forget what they sent)."""
        for v in self.values:
            v.grad = 0.0
        self.sent = None
