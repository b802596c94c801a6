"""stepgrad.autograd: a reverse-mode autograd engine with two node types.

:class:`Value` holds a Python float, :class:`Tensor` a numpy array; both are
recorded and differentiated by the same op classes and the same backward
loop. The modules import one way, each from the ones before it:

* the core: :mod:`.grad_mode` (``no_grad``), :mod:`.anomaly`
  (``detect_anomaly``), :mod:`.backward` (the topological order and the
  backward loop), :mod:`.node` (what a node records, ``apply``);
* the op table: :mod:`.ops` (shared by Value and Tensor), :mod:`.nary_ops`
  (``nsum``, ``dot``), :mod:`.tensor_ops`, :mod:`.shape_ops` and
  :mod:`.softmax_ops` and :mod:`.loss_ops` (Tensor only), with :mod:`.arrays` (broadcasting undone,
  scatter) and :mod:`.backend` (the math ops compute with);
* the node types: :mod:`.operators` (what both share), :mod:`.value`,
  :mod:`.scalar_view` (a Tensor's entries as leaf Values), :mod:`.tensor`;
* the function forms: :mod:`.functional`; and :mod:`.finite_differences` (``gradcheck``);
* gradients of gradients: :mod:`.graph_math` (a backend made of the engine's
  own ops), :mod:`.backward_graph` (the backward pass recorded as a graph,
  ``backward(create_graph=True)``) and :mod:`.higher_order` (``grad``,
  ``hvp``, ``hessian``).
"""

from . import ops, tensor_ops
from .anomaly import AnomalyError, detect_anomaly
from .backend import DivisionByZeroError
from .backward import BackwardStep, backprop, toposort
from .backward_graph import SecondDerivativeError
from .finite_differences import GradcheckError, gradcheck
from .functional import (
    affine,
    concat,
    dot,
    exp,
    hardtanh,
    identity,
    local_derivatives,
    log,
    log_softmax,
    matmul,
    mean,
    nsum,
    relu,
    sigmoid,
    sign,
    softmax,
    stack,
    tanh,
    where,
)
from .grad_mode import enable_grad, is_grad_enabled, no_grad
from .higher_order import grad, hessian, hvp
from .node import Node, apply
from .tensor import Tensor
from .value import Value

__all__ = [
    "Value", "Tensor", "Node", "BackwardStep", "apply", "backprop", "toposort",
    "no_grad", "enable_grad", "is_grad_enabled", "detect_anomaly", "AnomalyError",
    "DivisionByZeroError", "gradcheck", "GradcheckError",
    "exp", "log", "tanh", "sigmoid", "relu", "sign", "hardtanh", "identity", "nsum", "dot",
    "mean", "local_derivatives", "ops", "tensor_ops",
    "matmul", "affine", "concat", "stack", "where", "softmax", "log_softmax",
    "grad", "hvp", "hessian", "SecondDerivativeError",
]
