"""One registry per kind, defined once, read by everything that takes a name.

Adding an optimizer is one class with ``@OPTIMIZERS.register(...)`` in
``optim/optimizer.py``: the test below registers a made-up rule and finds it in
fit, the command's choices, saving and loading, and the optimizer race, with no
other file changed.
"""

from __future__ import annotations

import numpy as np
import pytest

from stepgrad.cli.errors import CLIError
from stepgrad.cli.main import build_parser, main
from stepgrad.common import Registry
from stepgrad.nn import ACTIVATIONS, INITS, LOSSES, MLP, lecture_data
from stepgrad.nn.data import DATASETS
from stepgrad.optim import OPTIMIZERS, SCHEDULES, Optimizer, fit, rules
from stepgrad.saving import load, save
from stepgrad.viz.plots import race_lr, race_trajectories
from stepgrad.viz.plots.style import SPARE_COLORS, rule_color


def sign_sgd(theta, g, state, lr):
    """θ ← θ − μ·sign g: a step of the same length whatever the gradient's size."""
    return theta - lr * np.sign(g), state


class SignSGD(Optimizer):
    rule = staticmethod(sign_sgd)
    State = rules.SGDState

    def __init__(self, params, lr=0.01):
        super().__init__(params, lr=lr)


@pytest.fixture
def sign_sgd_registered():
    OPTIMIZERS.register()(SignSGD)
    yield SignSGD
    OPTIMIZERS.remove("SignSGD")


def test_a_registered_optimizer_is_a_choice_of_the_command(sign_sgd_registered, capsys):
    args = build_parser().parse_args(["train", "--data", "iris", "--optimizer", "signsgd"])
    assert args.optimizer == "SignSGD"
    assert main(["train", "--help"]) == 0
    assert "RMSProp, Adam, SignSGD" in " ".join(capsys.readouterr().out.split())


def test_fit_takes_a_registered_optimizer_by_name(sign_sgd_registered):
    X, Y = lecture_data(n=20, seed=0)
    model = MLP([6, 3, 2], seed=0)
    before = model.layers[0].weight.data.copy()
    fit(model, X, Y, optimizer="signsgd", epochs=1, batch_size=None, progress=False)
    moved = np.abs(model.layers[0].weight.data - before)
    assert np.allclose(moved[moved > 0], 0.01)  # every step is μ = 0.01 long


def test_a_registered_optimizer_is_saved_and_loaded(sign_sgd_registered, tmp_path):
    model = MLP([2, 3, 1], seed=0)
    save(model, tmp_path / "m.npz", optimizer=SignSGD(model.parameters(), lr=0.5))
    _, opt = load(tmp_path / "m.npz", optimizer=True)
    assert type(opt) is SignSGD and opt.lr == 0.5


def test_a_registered_optimizer_runs_in_the_race(sign_sgd_registered):
    paths = race_trajectories("bowl", steps=3)
    assert list(paths)[-1] == "SignSGD"
    assert race_lr("SignSGD", "bowl") == 0.01  # no race_lr registered: its default μ
    np.testing.assert_allclose(paths["SignSGD"][1] - paths["SignSGD"][0], [0.01, -0.01])
    assert rule_color("SignSGD") == SPARE_COLORS[0]
    assert rule_color("Adam") == OPTIMIZERS.about("Adam")["color"]


def test_without_it_the_registry_is_as_before():
    assert list(OPTIMIZERS) == ["SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    with pytest.raises(CLIError, match="expected one of SGD, .*, Adam, got 'signsgd'"):
        build_parser().parse_args(["train", "--data", "iris", "--optimizer", "signsgd"])


@pytest.mark.parametrize("registry, names", [
    (ACTIVATIONS, {"identity", "sign", "sigmoid", "tanh", "relu", "hardtanh", "softmax"}),
    (LOSSES, {"mse", "half_sse", "msle", "mae", "cross_entropy", "binary_cross_entropy",
              "squared_hinge"}),
    (INITS, {"small", "glorot", "xavier", "he", "kaiming"}),
    (DATASETS, {"lecture", "iris", "linear", "xor", "circles", "moons", "spirals"}),
    (SCHEDULES, {"step", "exponential"}),
    (OPTIMIZERS, {"SGD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"}),
])
def test_each_kind_has_one_registry_matched_by_name(registry, names):
    assert isinstance(registry, Registry) and set(registry) == names
    for name in names:
        assert registry.lookup(name.upper().replace("_", "-")) is registry[name]
    with pytest.raises(ValueError, match=f"unknown {registry.kind} 'nope'; valid names: "):
        registry.lookup("nope")


def test_a_name_cannot_be_registered_twice():
    reg = Registry("thing")
    reg.add("Half-SSE", 1)
    with pytest.raises(ValueError, match="'half_sse' is taken"):
        reg.add("half_sse", 2)
    assert dict(reg) == {"Half-SSE": 1} and reg.canonical("HALF SSE") == "Half-SSE"


def test_the_activations_carry_their_pytorch_module_and_health_rules():
    assert [n for n, a in ACTIVATIONS.items() if a.torch is None] == ["sign"]
    assert [n for n, a in ACTIVATIONS.items() if a.saturated] == ["sigmoid", "tanh"]
    assert [n for n, a in ACTIVATIONS.items() if a.dead] == ["relu"]
