"""stepgrad.nn: the lecture's perceptron built on the engine.

One model, two views on the same parameter Tensors: ``model(X)`` with a Tensor
or array runs the batch (Tensor view), ``model([x1, …, xF])`` one sample as a
graph of Values (scalar view); both fill the same ``W.grad``.
"""

from stepgrad.common.names import by_name
from stepgrad.common.rng import make_rng

from .activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    hardtanh,
    identity,
    relu,
    sigmoid,
    sign,
    softmax,
    tanh,
)
from .backprop_by_hand import LectureBackprop, lecture_backprop, lecture_sgd_step
from .data import lecture_data
from .diagnostics import gradient_norms, layer_trace, unit_health
from .init import INITS, glorot, he, init_weights, small
from .labels import layer_names, mlp_names
from .layers import MLP, Layer, LayerTrace, Neuron, Sequential, Trace
from .losses import (
    LOSSES,
    binary_cross_entropy,
    cross_entropy,
    get_loss,
    half_sse,
    mae,
    mse,
    msle,
    squared_hinge,
)
from .module import Module
from .regularization import BatchNorm, Dropout, clip_grad_norm, l1_penalty, l2_penalty
from .torch_bridge import from_torch, to_torch

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "Sequential", "Trace", "LayerTrace",
    "layer_names", "mlp_names", "by_name",
    "Activation", "ACTIVATIONS", "get_activation",
    "identity", "sign", "sigmoid", "tanh", "relu", "hardtanh", "softmax",
    "LOSSES", "get_loss", "mse", "half_sse", "msle", "mae", "cross_entropy", "binary_cross_entropy",
    "squared_hinge",
    "INITS", "init_weights", "make_rng", "small", "glorot", "he",
    "l2_penalty", "l1_penalty", "Dropout", "BatchNorm", "clip_grad_norm",
    "gradient_norms", "unit_health", "layer_trace",
    "LectureBackprop", "lecture_backprop", "lecture_sgd_step", "lecture_data",
    "to_torch", "from_torch",
]
