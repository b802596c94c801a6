"""The backward pass as a graph: what ``create_graph=True``, ``grad``, ``hvp`` and
``hessian`` promise, the kinks, the clear error, and Newton's step on the
lecture's quadratic ½‖Ax − b‖²."""

from __future__ import annotations

import math

import numpy as np
import pytest

import stepgrad.autograd as ag
from stepgrad.autograd import SecondDerivativeError, Tensor, Value, apply, toposort
from stepgrad.autograd.ops import Op


def test_backward_with_create_graph_makes_each_leaf_grad_a_node_with_backwards_numbers():
    x, w = Value(0.7, label="x"), Value(-1.3, label="w")
    L = (w * x).tanh() ** 2 + x.exp()
    L.backward()
    plain = (x.grad, w.grad)
    x.grad = w.grad = 0.0
    L.backward(create_graph=True)
    assert isinstance(x.grad, Value) and isinstance(w.grad, Value)
    assert (x.grad.data, w.grad.data) == plain  # the same arithmetic, the same numbers
    assert not x.grad.is_leaf and x in toposort(x.grad)  # a graph reaching back to x
    assert all(type(n.grad) is float for n in toposort(L) if not n.is_leaf)  # numbers inside
    repr(x)  # prints with a node as grad


def test_differentiating_a_recorded_gradient_gives_the_second_derivative():
    x = Value(0.4)
    y = (x * x * x).tanh()  # y′ = 3x²(1 − y²), y″ = 6x(1 − y²) − 18x⁴·y(1 − y²)
    y.backward(create_graph=True)
    g = x.grad
    x.grad = 0.0
    g.backward()
    t = math.tanh(0.4**3)
    assert g.data == pytest.approx(3 * 0.16 * (1 - t * t), rel=1e-14)
    assert x.grad == pytest.approx(6 * 0.4 * (1 - t * t) - 18 * 0.4**4 * t * (1 - t * t),
                                   rel=1e-13)


def test_leaves_accumulate_nodes_as_they_accumulate_numbers():
    x = Value(2.0)
    (x * x).backward(create_graph=True)
    (x * x * x).backward(create_graph=True)  # 2x + 3x² = 16, a node built from both passes
    assert isinstance(x.grad, Value) and x.grad.data == 16.0
    (s,) = ag.grad(x.grad, x)
    assert s.data == 2.0 + 6 * 2.0
    T = Tensor([1.0, 2.0])
    T.grad = np.array([1.0, 1.0])
    (T * T).sum().backward(create_graph=True)
    np.testing.assert_array_equal(T.grad.data, [3.0, 5.0])  # 1 + 2T
    (T * T).sum().backward()  # the plain pass then adds into the node, as numbers
    np.testing.assert_array_equal(T.grad.data, [5.0, 9.0])
    T.zero_grad()
    np.testing.assert_array_equal(T.grad, [0.0, 0.0])


def test_grad_touches_no_grad_and_returns_zeros_for_an_unused_input():
    x, y = Tensor([1.0, -2.0]), Tensor([3.0, 4.0])
    L = (x.tanh() * 3.0).sum()
    gx, gy = ag.grad(L, [x, y])
    np.testing.assert_allclose(gx.data, 3 * (1 - np.tanh([1.0, -2.0]) ** 2), rtol=1e-15)
    np.testing.assert_array_equal(gy.data, [0.0, 0.0])
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])  # untouched
    assert gx.is_leaf  # create_graph=False: numbers only
    with pytest.raises(ValueError, match="requires_grad=False"):
        ag.grad(L, [Tensor([1.0], requires_grad=False)])
    with pytest.raises(ValueError, match="grad_outputs"):
        ag.grad([L, L], [x], grad_outputs=[1.0])


def test_grad_names_the_scalar_view_instead_of_a_silent_zero():
    W = Tensor([[0.5, -1.0]])
    w = W.scalars()
    L = (w[0, 0] * w[0, 1]).tanh()
    with pytest.raises(ValueError, match="scalar view"):
        ag.grad(L, W)
    g = ag.grad(L, list(w.ravel()))
    assert [gi.data for gi in g] == pytest.approx([-1.0 * (1 - math.tanh(-0.5) ** 2),
                                                  0.5 * (1 - math.tanh(-0.5) ** 2)])


def test_grad_outputs_weight_several_outputs():
    x = Tensor([0.5, 1.5])
    y = x * x
    (g,) = ag.grad(y, x, grad_outputs=np.array([2.0, -1.0]))
    np.testing.assert_array_equal(g.data, [2.0 * 1.0, -1.0 * 3.0])


# ----------------------------------------------------------------- kinks


@pytest.mark.parametrize("name, f, kinks", [
    ("relu", lambda t: t.relu(), [0.0]),
    ("abs", lambda t: abs(t), [0.0]),
    ("sign", lambda t: t.sign(), [0.0]),
    ("hardtanh", lambda t: t.hardtanh(), [-1.0, 1.0]),
    ("clip", lambda t: t.clip(-0.5, 0.5), [-0.5, 0.5]),
])
def test_kinked_ops_have_zero_second_derivative_on_both_sides_and_at_the_kink(name, f, kinks):
    points = sorted({k + d for k in kinks for d in (-0.25, -1e-9, 0.0, 1e-9, 0.25)})
    x = Tensor(points)
    (g,) = ag.grad(f(x).sum(), x, create_graph=True)
    (h,) = ag.grad(g.sum(), x)
    np.testing.assert_array_equal(h.data, np.zeros(len(points)))
    if name != "clip":  # on Values too
        for p in points:
            v = Value(p)
            (gv,) = ag.grad(f(v), v, create_graph=True)
            assert ag.grad(gv, v)[0].data == 0.0


# ------------------------------------------------------------ the clear error


class NumpyCube(Op):
    """f = x³ whose derivative calls numpy directly, so it has no graph."""

    name = "numpy_cube"
    symbol = "x³(np)"

    @staticmethod
    def forward(B, ctx, x):
        return x**3

    @staticmethod
    def partials(B, ctx, out, x):
        return (3.0 * np.square(x),)


class OpaqueCube(NumpyCube):
    """The same, declared not twice differentiable."""

    name = "opaque_cube"
    symbol = "x³(opaque)"
    second_order = False


@pytest.mark.parametrize("op", [NumpyCube, OpaqueCube])
def test_an_op_without_a_graph_of_its_derivative_names_itself(op):
    x = Tensor([1.0, 2.0])
    L = apply(op, (x,)).sum()
    L.backward()  # the first derivative works as always
    np.testing.assert_array_equal(x.grad, [3.0, 12.0])
    with pytest.raises(SecondDerivativeError, match=op.name + ": its derivative is not written"):
        ag.grad(L, x, create_graph=True)
    with pytest.raises(SecondDerivativeError, match=op.name):
        L.backward(create_graph=True)


# ------------------------------------------------- hvp, hessian and Newton


def test_hessian_and_hvp_of_a_small_function():
    f = lambda t: (t[0] ** 2 * t[1]).exp() + t.tanh().sum()  # noqa: E731
    x = np.array([0.3, -0.8])
    H = ag.hessian(f, x)
    e = math.exp(0.09 * -0.8)
    th = np.tanh(x)
    expect = np.array([[e * (2 * -0.8 + (2 * 0.3 * -0.8) ** 2), e * (2 * 0.3 + 0.3**3 * 2 * -0.8)],
                       [e * (2 * 0.3 + 0.3**3 * 2 * -0.8), e * 0.3**4]])
    expect += np.diag(-2 * th * (1 - th**2))
    np.testing.assert_allclose(H, expect, rtol=1e-12)
    T = Tensor(x)
    v = np.array([1.5, -0.5])
    np.testing.assert_allclose(ag.hvp(lambda: f(T), [T], [v])[0], H @ v, rtol=1e-12)
    assert ag.hessian(lambda v: v**4, 1.5) == pytest.approx(12 * 1.5**2)


def test_newtons_step_on_the_lectures_quadratic_lands_on_the_minimum():
    rng = np.random.default_rng(4)
    A, b = rng.normal(size=(8, 3)), rng.normal(size=8)
    At = Tensor(A, requires_grad=False)

    def L(x):  # ½‖Ax − b‖²
        r = At @ x - b
        return 0.5 * (r * r).sum()

    x0 = rng.normal(size=3) * 5
    H = ag.hessian(L, x0)
    np.testing.assert_allclose(H, A.T @ A, rtol=1e-14)
    X = Tensor(x0)
    (g,) = ag.grad(L(X), X)
    x1 = x0 - np.linalg.solve(H, g.data)  # Newton: x₁ = x₀ − H⁻¹∇L
    np.testing.assert_allclose(x1, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-12)
    X1 = Tensor(x1)
    assert np.abs(ag.grad(L(X1), X1)[0].data).max() < 1e-12  # ∇L(x₁) = 0


def test_hvp_checks_its_vectors():
    T = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match="shape"):
        ag.hvp(lambda: (T * T).sum(), [T], [np.ones(3)])
    with pytest.raises(ValueError, match="1 parameters"):
        ag.hvp(lambda: (T * T).sum(), [T], [])


# ------------------------------------------------ the picture of a gradient


def test_a_gradient_draws_as_the_graph_of_the_backward_pass():
    viz = pytest.importorskip("stepgrad.viz")
    x, w = Value(0.5, label="x"), Value(-2.0, label="w")
    L = (w * x).tanh()
    (g,) = ag.grad(L, x, create_graph=True)
    ops_drawn = {n.op.name for n in toposort(g) if n.op is not None}
    assert {"tanh", "mul", "add"} <= ops_drawn  # 1 − σ², times w: the backward as ops
    source = viz.draw(g, view="forward").source
    assert "tanh" in source and "x" in source


def test_hvp_drives_conjugate_gradient_on_a_networks_loss():
    """Truncated Newton: solve (H + λI)·d = −∇L by CG, using only H·v products."""
    rng = np.random.default_rng(1)
    X, Y = Tensor(rng.normal(size=(12, 2)), requires_grad=False), rng.uniform(size=(12, 1))
    W1, W2 = Tensor(rng.normal(size=(2, 4))), Tensor(rng.normal(size=(4, 1)))
    params = [W1, W2]

    def loss():
        d = (X @ W1).tanh() @ W2 - Y
        return (d * d).mean()

    lam = 1.0
    flat = lambda arrays: np.concatenate([np.ravel(a) for a in arrays])  # noqa: E731
    split = lambda x: [x[:8].reshape(2, 4), x[8:].reshape(4, 1)]  # noqa: E731
    A = lambda x: flat(ag.hvp(loss, params, split(x))) + lam * x  # noqa: E731
    b = -flat(g.data for g in ag.grad(loss(), params))
    x, r = np.zeros(12), b.copy()
    p, rr = r.copy(), r @ r
    for _ in range(12):  # conjugate gradient: at most n = 12 steps in exact arithmetic
        Ap = A(p)
        alpha = rr / (p @ Ap)
        x, r = x + alpha * p, r - alpha * Ap
        rr, rr_old = r @ r, rr
        if rr < 1e-24:
            break
        p = r + (rr / rr_old) * p
    H = np.column_stack([A(e) for e in np.eye(12)])  # (H + λI) column by column
    np.testing.assert_allclose(H, H.T, atol=1e-12)  # a Hessian is symmetric
    assert np.linalg.eigvalsh(H).min() > 0  # λ = 1 makes it positive definite here
    np.testing.assert_allclose(x, np.linalg.solve(H, b), rtol=1e-8, atol=1e-10)
