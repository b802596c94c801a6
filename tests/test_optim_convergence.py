"""Every rule, with settings from one table, minimises a parabola, Rosenbrock's
function and the loss of the lecture's 6-9-2 network (optax's convergence table)."""

from __future__ import annotations

import pytest

from stepgrad.autograd import Value
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp


def parabola(x, y):
    """f = ½(x − 1)² + 2(y + 2)², minimum 0 at (1, −2)."""
    return 0.5 * (x - 1.0) ** 2 + 2.0 * (y + 2.0) ** 2


def rosenbrock(x, y):
    """f = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1) in a curved valley."""
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


# rule, settings for the parabola, settings for Rosenbrock
TABLE = [
    (SGD, {"lr": 0.1}, {"lr": 2e-3}),
    (Momentum, {"lr": 0.05, "momentum": 0.9}, {"lr": 2e-4, "momentum": 0.9}),
    (Nesterov, {"lr": 0.05, "momentum": 0.9}, {"lr": 2e-4, "momentum": 0.9}),
    (AdaGrad, {"lr": 0.5}, {"lr": 0.5}),
    (RMSProp, {"lr": 0.01, "beta": 0.9}, {"lr": 1e-3, "beta": 0.99}),
    (Adam, {"lr": 0.1}, {"lr": 0.02}),
]
IDS = [row[0].__name__ for row in TABLE]


def _minimise(f, cls, kw, start, steps):
    x, y = Value(start[0]), Value(start[1])
    opt = cls([x, y], **kw)
    for _ in range(steps):
        opt.zero_grad()
        f(x, y).backward()
        opt.step()
    return x.data, y.data


@pytest.mark.parametrize("cls, kw, _", TABLE, ids=IDS)
def test_reaches_the_minimum_of_a_parabola_to_1e_8(cls, kw, _):
    x, y = _minimise(parabola, cls, kw, (-1.0, 1.5), 2000)
    assert abs(x - 1.0) < 1e-8 and abs(y + 2.0) < 1e-8, (x, y)


@pytest.mark.parametrize("cls, _, kw", TABLE, ids=IDS)
def test_reaches_the_minimum_of_rosenbrock_to_1e_3(cls, _, kw):
    x, y = _minimise(rosenbrock, cls, kw, (-1.2, 1.0), 10_000)
    assert abs(x - 1.0) < 1e-3 and abs(y - 1.0) < 1e-3, (x, y)


NET = {SGD: {"lr": 0.5}, Momentum: {"lr": 0.1}, Nesterov: {"lr": 0.1}, AdaGrad: {"lr": 0.1},
       RMSProp: {"lr": 0.01}, Adam: {"lr": 0.01}}


@pytest.mark.parametrize("cls", list(NET), ids=[c.__name__ for c in NET])
def test_lowers_the_loss_of_the_lectures_6_9_2_network(cls):
    X, Y = lecture_data(120)
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=1)
    opt = cls(model.parameters(), **NET[cls])
    first = half_sse(model(X), Y).item()
    for _ in range(100):
        opt.zero_grad()
        loss = half_sse(model(X), Y)
        loss.backward()
        opt.step()
    last = half_sse(model(X), Y).item()
    assert last < 0.1 * first, (first, last)
