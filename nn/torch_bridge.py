"""Carrying a trained MLP on in PyTorch, and back: ``to_torch`` and ``from_torch``.

An MLP layer l with weights W (shape (F + 1, H), row 0 the biases w_0h) is a
``torch.nn.Linear(F, H)`` with ``weight = W[1:].T`` and ``bias = W[0]``,
followed by its activation's module:

==============  ========================
stepgrad        PyTorch
==============  ========================
``identity``    ``nn.Identity()``
``sigmoid``     ``nn.Sigmoid()``
``tanh``        ``nn.Tanh()``
``relu``        ``nn.ReLU()``
``hardtanh``    ``nn.Hardtanh(-1, 1)``
``softmax``     ``nn.Softmax(dim=-1)``
==============  ========================

(``sign`` has no PyTorch module, and its derivative is 0 everywhere: there is
nothing to train, so it is refused.) In float64 the two models' predictions
agree to about 1e-15. This needs the ``torch`` extra: ``pip install 'stepgrad[torch]'``.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from .activations import ACTIVATIONS, Activation
from .layers import MLP

__all__ = ["to_torch", "from_torch"]

if TYPE_CHECKING:  # the [torch] extra, maybe absent: only its names, for the annotations
    import torch

def _torch() -> ModuleType:
    try:
        import torch  # optional: the [torch] extra
    except ImportError:
        raise ImportError("this needs PyTorch: pip install 'stepgrad[torch]' "
                          "(or pip install torch)") from None
    return torch


def _act_module(nn: ModuleType, act: Activation) -> torch.nn.Module:
    """σ's module in ``torch.nn``, from the activation's own ``torch`` entry."""
    if act.torch is None:
        raise ValueError(f"the activation {act.name!r} has no PyTorch module; PyTorch takes "
                         f"{', '.join(n for n, a in ACTIVATIONS.items() if a.torch)}")
    cls, accepted = act.torch
    return getattr(nn, cls)(**{k: values[0] for k, values in accepted.items()})


def to_torch(model: MLP, dtype: torch.dtype | None = None) -> torch.nn.Sequential:
    """The MLP as a ``torch.nn.Sequential``: Linear, activation, Linear, activation, ….

    Args:
        model: a :class:`~stepgrad.nn.MLP`.
        dtype: the parameters' torch dtype; default ``torch.float64`` (the model's own).

    Returns:
        A ``torch.nn.Sequential`` computing the same a_m for each row of X.
    """
    if not isinstance(model, MLP):
        raise TypeError(f"to_torch converts an MLP, got a {type(model).__name__}")
    torch = _torch()
    dtype = torch.float64 if dtype is None else dtype
    modules = []
    for layer in model.layers:
        W = layer.weight.data
        linear = torch.nn.Linear(layer.n_in, layer.n_out, dtype=dtype)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(np.ascontiguousarray(W[1:].T)))
            linear.bias.copy_(torch.from_numpy(np.ascontiguousarray(W[0])))
        modules += [linear, _act_module(torch.nn, layer.activation)]
    return torch.nn.Sequential(*modules)


def _act_name(nn: ModuleType, module: torch.nn.Module) -> str:
    """The stepgrad name of a PyTorch activation module, or ValueError saying why not."""
    for name, act in ACTIVATIONS.items():
        if act.torch is None or type(module) is not getattr(nn, act.torch[0], None):
            continue
        cls, accepted = act.torch
        bad = {k: getattr(module, k) for k, ok in accepted.items() if getattr(module, k) not in ok}
        if bad:
            want = ", ".join(f"{k}={' or '.join(map(str, ok))}" for k, ok in accepted.items())
            got = ", ".join(f"{k}={v}" for k, v in bad.items())
            raise ValueError(f"from_torch takes {cls}({want}), got {cls}({got})")
        return name
    raise ValueError(f"from_torch takes Linear layers each followed by one of "
                     f"{', '.join(a.torch[0] for a in ACTIVATIONS.values() if a.torch)}; "
                     f"got {type(module).__name__}")


def from_torch(module: torch.nn.Sequential) -> MLP:
    """A PyTorch ``nn.Sequential`` of Linear layers and activations as a stepgrad MLP.

    Each ``Linear`` may be followed by one activation module (none means
    ``identity``). The weights are copied as float64.

    Returns:
        An :class:`~stepgrad.nn.MLP` computing the same a_m.
    """
    torch = _torch()
    nn = torch.nn
    if not isinstance(module, nn.Sequential):
        raise TypeError(f"from_torch converts a torch.nn.Sequential, got {type(module).__name__}")
    parts = list(module)
    linears, acts, i = [], [], 0
    while i < len(parts):
        if not isinstance(parts[i], nn.Linear):
            raise ValueError(f"from_torch: module {i} is a {type(parts[i]).__name__} where a "
                             f"Linear layer was expected")
        linears.append(parts[i])
        if i + 1 < len(parts) and not isinstance(parts[i + 1], nn.Linear):
            acts.append(_act_name(nn, parts[i + 1]))
            i += 2
        else:
            acts.append("identity")
            i += 1
    if not linears:
        raise ValueError("from_torch: the Sequential holds no Linear layer")
    sizes = [linears[0].in_features] + [lin.out_features for lin in linears]
    for k, (a, b) in enumerate(zip(linears, linears[1:])):
        if a.out_features != b.in_features:
            raise ValueError(f"from_torch: Linear {k} gives {a.out_features} features, "
                             f"Linear {k + 1} takes {b.in_features}")
    model = MLP(sizes, hidden=acts[:-1], output=acts[-1], seed=0)
    state = {}
    for k, lin in enumerate(linears):
        W = np.empty((lin.in_features + 1, lin.out_features))
        W[1:] = lin.weight.detach().cpu().to(torch.float64).numpy().T
        W[0] = 0.0 if lin.bias is None else lin.bias.detach().cpu().to(torch.float64).numpy()
        state[f"w{k + 1}"] = W
    model.load_state_dict(state)
    return model
