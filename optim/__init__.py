"""stepgrad.optim: the lecture's six update rules, schedules and the training loop.

In order of increasing complexity: :class:`SGD`, :class:`Momentum`,
:class:`Nesterov`, :class:`AdaGrad`, :class:`RMSProp`, :class:`Adam`. The
pure math of each is in :mod:`.rules`; the classes apply it to Value or
Tensor parameters::

    opt = Adam(model.parameters(), lr=1e-3)
    loss.backward(); opt.step(); opt.zero_grad()

and :func:`fit` runs the lecture's training loop with any of them. Two more
remedies the lecture names: conjugate gradient (:func:`linear_cg`,
:func:`polak_ribiere`, and :func:`hessian_free`, CG on the network's own
Hessian-vector products) and greedy layer-wise pretraining (:func:`pretrain_layers`).
"""

from . import rules
from .conjugate_gradient import CGResult, linear_cg, polak_ribiere
from .history import History
from .optimizer import (
    OPTIMIZERS,
    SGD,
    AdaGrad,
    Adam,
    Momentum,
    Nesterov,
    Optimizer,
    RMSProp,
    get_optimizer,
)
from .pretraining import pretrain_layers
from .schedules import SCHEDULES, ExponentialDecay, StepDecay, exponential_decay, step_decay
from .training import fit
from .truncated_newton import HFResult, hessian_free

__all__ = [
    "SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam", "Optimizer", "rules",
    "OPTIMIZERS", "get_optimizer",
    "StepDecay", "ExponentialDecay", "SCHEDULES", "step_decay", "exponential_decay",
    "fit", "History", "linear_cg", "polak_ribiere", "CGResult", "pretrain_layers",
    "hessian_free", "HFResult",
]
