"""``Module``: what every network part shares (micrograd's contract, grown up a little).

A module holds its parameters as :class:`~stepgrad.autograd.Tensor` attributes
and its sub-modules as attributes or lists of modules. From those it derives,
in the order the attributes were set:

* ``named_parameters()``: ``("w1", W1)``, ``("layers.0.weight", W)``, ...;
* ``parameters()``: the Tensors alone (what an optimizer updates);
* ``zero_grad()``: every ``W.grad`` back to zeros;
* ``train()`` / ``eval()``: the mode Dropout and BatchNorm look at;
* ``state_dict()`` / ``load_state_dict()``: the numbers, copied out and back in
  (shapes checked; the Tensors stay the same objects, so an optimizer keeps
  working after a load); ``state_reader()``: state_dict for a loop that copies
  the state many times.

Non-parameter state (BatchNorm's running statistics) is named in
``buffer_names`` and saved with the parameters.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike

from stepgrad.autograd import Tensor, Value

__all__ = ["Module"]

_M = TypeVar("_M", bound="Module")


class Module:
    """Base of Neuron, Layer, MLP, Dropout, BatchNorm and Sequential.

    Subclasses define ``forward(X)`` (the Tensor view, a batch) and, when they
    have one, ``scalar_forward(x)`` (the scalar view: one sample as a list of
    :class:`~stepgrad.autograd.Value`). Calling the module picks the view from
    the input: a Tensor or ndarray goes to ``forward``, a list or tuple of
    numbers or Values to ``scalar_forward``.
    """

    training: bool = True
    buffer_names: tuple = ()  # attributes holding state that is not a parameter

    # ----------------------------------------------------------------- calling

    def __call__(self, x: Any) -> Any:
        if isinstance(x, (list, tuple)) and _flat(x):
            return self.scalar_forward(x)
        return self.forward(x)  # a Tensor, an array or a nested list: a batch

    def forward(self, X: Tensor | ArrayLike) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError(f"{type(self).__name__} has no Tensor view")

    def scalar_forward(self, x: Sequence[Value | float]) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError(f"{type(self).__name__} has no scalar view")

    # -------------------------------------------------------------- parameters

    def children(self) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for each direct sub-module, in attribute order."""
        for name, v in vars(self).items():
            if isinstance(v, Module):
                yield name, v
            elif isinstance(v, (list, tuple)) and v and all(isinstance(m, Module) for m in v):
                for i, m in enumerate(v):
                    yield f"{name}.{i}", m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Tensor]]:
        """``(name, Tensor)`` for every parameter, sub-modules' with a dotted prefix."""
        for name, v in vars(self).items():
            if isinstance(v, Tensor) and name not in self.buffer_names:
                yield prefix + name, v
        for name, m in self.children():
            yield from m.named_parameters(prefix + name + ".")

    def parameters(self) -> list[Tensor]:
        """Every parameter Tensor, each once, in a fixed order."""
        seen, out = set(), []
        for _, p in self.named_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                out.append(p)
        return out

    def num_parameters(self) -> int:
        """How many numbers the parameters hold."""
        return sum(p.data.size for p in self.parameters())

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to zeros (gradients accumulate otherwise)."""
        for p in self.parameters():
            p.zero_grad()

    # -------------------------------------------------------------------- mode

    def modules(self) -> Iterator[Module]:
        """This module and every sub-module, depth first."""
        yield self
        for _, m in self.children():
            yield from m.modules()

    def train(self: _M, mode: bool = True) -> _M:
        """Training mode (Dropout drops, BatchNorm uses batch statistics); returns self."""
        for m in self.modules():
            m.training = bool(mode)
        return self

    def eval(self: _M) -> _M:
        """Evaluation mode (Dropout is the identity, BatchNorm uses running statistics)."""
        return self.train(False)

    # ------------------------------------------------------------------- state

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """``(name, ndarray)`` for state that is not a parameter (running statistics)."""
        for name, module, attr in self._buffer_owners(prefix):
            yield name, getattr(module, attr)

    def _buffer_owners(self, prefix: str = "") -> Iterator[tuple[str, Module, str]]:
        """``(name, module, attribute)`` of every buffer: where :meth:`named_buffers` reads it."""
        for b in self.buffer_names:
            yield prefix + b, self, b
        for name, m in self.children():
            yield from m._buffer_owners(prefix + name + ".")

    def _named_state(self) -> Iterator[tuple[str, Tensor | np.ndarray]]:
        yield from self.named_parameters()
        yield from self.named_buffers()

    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """Every parameter and buffer by name, as a copied numpy array."""
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for name, v in self._named_state():
            out[name] = _copied(v)
        return out

    def state_reader(self) -> Callable[[], OrderedDict[str, np.ndarray]]:
        """A function that returns :meth:`state_dict` as it is at each call, for a loop that
        copies the same module's state many times (``fit``'s best weights, each epoch).

        Which parameters and buffers the module has is read once, here; each call copies
        their arrays as they are then (a buffer set anew, such as a running mean, is read
        anew). A module whose parts change after this needs a new reader.
        """
        params = list(self.named_parameters())
        buffers = list(self._buffer_owners())

        def read() -> OrderedDict[str, np.ndarray]:
            out: OrderedDict[str, np.ndarray] = OrderedDict()
            for name, p in params:
                out[name] = _copied(p)
            for name, module, attr in buffers:
                out[name] = _copied(getattr(module, attr))
            return out

        return read

    def load_state_dict(self, state: Mapping[str, ArrayLike]) -> None:
        """Copy the arrays of ``state`` into this module's parameters and buffers.

        Raises:
            KeyError: names missing from ``state`` or not in this module.
            ValueError: an array whose shape differs from the parameter's.
        """
        own = OrderedDict(self._named_state())
        missing = [k for k in own if k not in state]
        unexpected = [k for k in state if k not in own]
        if missing or unexpected:
            raise KeyError(f"load_state_dict: missing {missing}, unexpected {unexpected}")
        for name, target in own.items():
            arr = np.asarray(state[name], dtype=np.float64)
            data = target.data if isinstance(target, Tensor) else target
            if arr.shape != data.shape:
                raise ValueError(f"load_state_dict: {name!r} has shape {data.shape} here "
                                 f"but {arr.shape} in the state")
        for name, target in own.items():
            data = target.data if isinstance(target, Tensor) else target
            data[...] = state[name]  # in place: the same Tensors, optimizers keep them

    # -------------------------------------------------------------------- repr

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        kids = list(self.children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not kids:
            return head + ")"
        lines = [head]
        for name, m in kids:
            lines.append(f"  ({name}): " + repr(m).replace("\n", "\n  "))
        return "\n".join(lines) + "\n)"


def _copied(v: Tensor | np.ndarray) -> np.ndarray:
    """A copy of a parameter's or buffer's numbers, as ``state_dict`` holds them."""
    return np.array(v.data if isinstance(v, Tensor) else v, copy=True)


def _flat(x: Sequence[object]) -> bool:
    """No entry of the list ``x`` is itself a row (a list, tuple or array): one sample."""
    for r in x:
        if isinstance(r, _ROWS):
            return False
    return True


_ROWS = (list, tuple, np.ndarray)
