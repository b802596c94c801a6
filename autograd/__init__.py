"""stepgrad.autograd: a reverse-mode autograd engine with two node types.

:class:`Value` holds a Python float, :class:`Tensor` a numpy array; both are
recorded and differentiated by the same op classes (:mod:`.ops`; the Tensor-only ones in
:mod:`.tensor_ops`, :mod:`.shape_ops`, :mod:`.softmax`) and the same backward loop
(:mod:`.backward`; :func:`no_grad` in :mod:`.grad_mode`).
"""

from . import ops, tensor_ops
from .functional import dot, exp, hardtanh, identity, log, mean, nsum, relu, sigmoid, sign, tanh
from .gradcheck import GradcheckError, gradcheck
from .node import (
    BackwardStep,
    Node,
    apply,
    backprop,
    enable_grad,
    is_grad_enabled,
    no_grad,
    toposort,
)
from .tensor import Tensor
from .tensor_ops import concat, log_softmax, matmul, softmax, stack, where
from .value import Value

__all__ = [
    "Value", "Tensor", "Node", "BackwardStep", "apply", "backprop", "toposort",
    "no_grad", "enable_grad", "is_grad_enabled", "gradcheck", "GradcheckError",
    "exp", "log", "tanh", "sigmoid", "relu", "sign", "hardtanh", "identity", "nsum", "dot",
    "mean", "ops", "tensor_ops",
    "matmul", "concat", "stack", "where", "softmax", "log_softmax",
]
