"""Double backward against PyTorch's: 200 random expressions from the op table, and
the Hessian-vector product of a small MLP's loss, both to 1e-10 (skipped without torch).

Each random expression is built twice, step by step, from the same draws: once
with stepgrad's ops and once with torch's twin of each op (:data:`TWINS`, which
must name every op of the table). Then both sides compute, in float64,

    g = ∇_x L (recorded as a graph),   s = ∇_x (g · u)   (H·u, u random),

with ``ag.grad(..., create_graph=True)`` and ``torch.autograd.grad(...,
create_graph=True)``.
"""

from __future__ import annotations

import numpy as np
import pytest

import stepgrad.autograd as ag
from stepgrad.autograd import Tensor, apply, nary_ops, ops, shape_ops, tensor_ops
from stepgrad.autograd.loss_ops import CrossEntropyAt
from stepgrad.autograd.softmax_ops import LogSoftmax, LogSoftmaxAt, Softmax, SoftmaxAt
from stepgrad.nn import MLP, mse

torch = pytest.importorskip("torch")

TOL = dict(rtol=1e-10, atol=1e-10)
SHAPES = [(3, 3), (3,), (1, 3)]  # all broadcast together


def _t(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


def _pick(rng, pool, k=1, cond=lambda p: True):
    ok = [p for p in pool if cond(p)]
    if not ok:
        return None
    return [ok[i] for i in rng.integers(len(ok), size=k)]


def _unary(sg, th, cond=lambda p: True):
    def build(rng, pool):
        got = _pick(rng, pool, 1, cond)
        return None if got is None else (sg(got[0][0]), th(got[0][1]))
    return build


def _binary(sg, th, cond=lambda p: True):
    def build(rng, pool):
        got = _pick(rng, pool, 2, cond)
        return None if got is None else (sg(got[0][0], got[1][0]), th(got[0][1], got[1][1]))
    return build


def _pow_const(rng, pool):
    n = float(rng.choice([2.0, 3.0, 0.5, -1.0]))
    cond = (lambda p: p[0].data.min() > 0.2) if n in (0.5, -1.0) else (lambda p: True)
    got = _pick(rng, pool, 1, cond)
    return None if got is None else (got[0][0] ** n, got[0][1] ** n)


def _nsum(rng, pool):
    got = _pick(rng, pool, int(rng.integers(2, 4)))
    return ag.nsum([p[0] for p in got]), sum(p[1] for p in got[1:]) + got[0][1] * 1


def _dot(rng, pool):
    got = _pick(rng, pool, 5)
    w, x, b = got[:2], got[2:4], got[4]
    sg = ag.dot([p[0] for p in w], [p[0] for p in x], b[0])
    return sg, b[1] + w[0][1] * x[0][1] + w[1][1] * x[1][1]


def _matmul(rng, pool):
    got = _pick(rng, pool, 2)
    a, b = got
    try:
        np.matmul(a[0].data, b[0].data)
    except ValueError:
        return None
    return a[0] @ b[0], a[1] @ b[1]


def _affine(rng, pool):
    got = _pick(rng, pool, 2, lambda p: p[0].data.ndim == 2)
    if got is None:
        return None
    x, w = got
    if w[0].data.shape[0] != x[0].data.shape[1] + 1:  # (3, 3)·(3, 3) does not fit: W = [1 X]ᵀ…
        w = (ag.concat([w[0][:1], w[0]]), torch.cat([w[1][:1], w[1]]))
        if w[0].data.shape[0] != x[0].data.shape[1] + 1:
            return None
    return ag.affine(x[0], w[0]), x[1] @ w[1][1:] + w[1][0]


def _axes(rng, p):
    nd = p[0].data.ndim
    return None if nd == 0 else int(rng.integers(nd))


def _sum(rng, pool):
    (p,) = _pick(rng, pool, 1)
    ax = _axes(rng, p)
    if ax is None or p[0].data.ndim == 1:
        return p[0].sum(), p[1].sum()
    return p[0].sum(axis=ax, keepdims=True), p[1].sum(dim=ax, keepdim=True)


def _max(rng, pool):
    got = _pick(rng, pool, 1, lambda p: len(np.unique(p[0].data)) == p[0].data.size)
    if got is None:
        return None
    p = got[0]
    if p[0].data.ndim < 2:
        return p[0].max(), p[1].amax()
    return p[0].max(axis=1, keepdims=True), p[1].amax(dim=1, keepdim=True)


def _where(rng, pool):
    a, b = _pick(rng, pool, 2)
    cond = rng.random((3, 3)) < 0.5
    return ag.where(cond, a[0], b[0]), torch.where(torch.tensor(cond), a[1], b[1])


def _square(rng, pool):  # a (3, 3) node, or None
    got = _pick(rng, pool, 1, lambda p: p[0].data.shape == (3, 3))
    return None if got is None else got[0]


def _vector(rng, pool):
    got = _pick(rng, pool, 1, lambda p: p[0].data.shape == (3,))
    return None if got is None else got[0]


def _reshape(rng, pool):
    p = _vector(rng, pool)
    return None if p is None else (p[0].reshape(1, 3), p[1].reshape(1, 3))


def _transpose(rng, pool):
    p = _square(rng, pool)
    return None if p is None else (p[0].T, p[1].T)


def _index(rng, pool):
    p = _square(rng, pool)
    if p is None:
        return None
    if rng.random() < 0.5:
        return p[0][1], p[1][1]
    idx = [2, 0, 2]
    return p[0][idx], p[1][idx]


def _scatter(rng, pool):
    p = _vector(rng, pool)
    if p is None:
        return None
    idx = np.array([1, 1, 0])
    sg = apply(shape_ops.ScatterAdd, (p[0],), (idx, (3,)))
    return sg, torch.zeros(3, dtype=torch.float64).index_add(0, torch.tensor(idx), p[1])


def _concat(rng, pool):
    got = _pick(rng, pool, 3, lambda p: p[0].data.shape == (1, 3))
    if got is None:
        return None
    return ag.concat([p[0] for p in got]), torch.cat([p[1] for p in got])


def _stack(rng, pool):
    got = _pick(rng, pool, 3, lambda p: p[0].data.shape == (3,))
    if got is None:
        return None
    return ag.stack([p[0] for p in got], axis=1), torch.stack([p[1] for p in got], dim=1)


def _cross_entropy_at(rng, pool):
    """−(1/3)·Σₙ ln s_{n,yₙ} of a softmax s of a (3, 3) node (entries > 0, as log needs)."""
    p = _square(rng, pool)
    if p is None:
        return None
    y = rng.integers(0, 3, 3)
    key = (np.arange(3), y)
    sg = apply(CrossEntropyAt, (p[0].softmax(axis=-1),), (key, 1 / 3))
    th = -torch.log(torch.softmax(p[1], -1)[torch.arange(3), torch.tensor(y)]).sum() * (1 / 3)
    return sg, th


def _clip(rng, pool):
    p = _square(rng, pool)
    return None if p is None else (p[0].clip(-0.5, 0.5), p[1].clamp(-0.5, 0.5))


TWINS = {
    ops.Add: _binary(lambda a, b: a + b, lambda a, b: a + b),
    ops.Mul: _binary(lambda a, b: a * b, lambda a, b: a * b),
    ops.PowConst: _pow_const,
    ops.Pow: _binary(lambda a, b: a**b, lambda a, b: a**b, lambda p: p[0].data.min() > 0.2),
    ops.Exp: _unary(ag.exp, torch.exp, lambda p: p[0].data.max() < 3),
    ops.Log: _unary(ag.log, torch.log, lambda p: p[0].data.min() > 0.2),
    ops.Tanh: _unary(ag.tanh, torch.tanh),
    ops.Sigmoid: _unary(ag.sigmoid, torch.sigmoid),
    ops.Relu: _unary(ag.relu, torch.relu),
    ops.Sign: _unary(ag.sign, torch.sign),
    ops.Hardtanh: _unary(ag.hardtanh, torch.nn.functional.hardtanh),
    ops.Abs: _unary(abs, torch.abs),
    ops.Identity: _unary(ag.identity, lambda t: t * 1),
    nary_ops.Sum: _nsum,
    nary_ops.Dot: _dot,
    tensor_ops.MatMul: _matmul,
    tensor_ops.Affine: _affine,
    tensor_ops.SumAxes: _sum,
    tensor_ops.MaxAxes: _max,
    tensor_ops.Where: _where,
    tensor_ops.Clip: _clip,
    shape_ops.Reshape: _reshape,
    shape_ops.Transpose: _transpose,
    shape_ops.Index: _index,
    shape_ops.ScatterAdd: _scatter,
    shape_ops.Concat: _concat,
    shape_ops.Stack: _stack,
    Softmax: _unary(lambda t: t.softmax(axis=-1), lambda t: torch.softmax(t, -1),
                    lambda p: p[0].data.ndim > 0),
    LogSoftmax: _unary(lambda t: t.log_softmax(axis=-1), lambda t: torch.log_softmax(t, -1),
                       lambda p: p[0].data.ndim > 0),
    CrossEntropyAt: _cross_entropy_at,
}


# Value-only ops, checked on random logits: (stepgrad on Values, torch on a vector)
VALUE_TWINS = {
    SoftmaxAt: (lambda v: ag.softmax(v), lambda t: torch.softmax(t, 0)),
    LogSoftmaxAt: (lambda v: ag.log_softmax(v), lambda t: torch.log_softmax(t, 0)),
}


def test_every_op_of_the_table_has_a_torch_twin():
    found, todo = set(), [ops.Op]
    while todo:
        for c in todo.pop().__subclasses__():
            todo.append(c)
            if c.__module__.startswith("stepgrad.autograd"):
                found.add(c)
    twins = set(TWINS) | set(VALUE_TWINS)
    assert found == twins, f"ops without a torch twin: {found - twins}"


@pytest.mark.parametrize("op", sorted(VALUE_TWINS, key=lambda c: c.name), ids=lambda c: c.name)
def test_double_backward_of_value_softmax_layers_matches_torch(op):
    sg, th = VALUE_TWINS[op]
    for seed in range(20):
        rng = np.random.default_rng(seed)
        x, w, u = rng.uniform(-2, 2, size=(3, 4))
        xs = [ag.Value(float(xi)) for xi in x]
        xt = _t(x).requires_grad_(True)
        v = [xs[0] * xs[1], xs[1].tanh(), xs[2] + xs[3], xs[3] * xs[3]]  # logits
        vt = torch.stack([xt[0] * xt[1], xt[1].tanh(), xt[2] + xt[3], xt[3] * xt[3]])
        out, outt = sg(v), th(vt)
        L = ag.nsum([o * o * float(wi) for o, wi in zip(out, w)])
        Lt = (outt * outt * _t(w)).sum()
        gs = ag.grad(L, xs, create_graph=True)
        (gt,) = torch.autograd.grad(Lt, xt, create_graph=True)
        np.testing.assert_allclose([g.data for g in gs], gt.detach().numpy(), **TOL)
        hs = ag.grad(ag.nsum([g * float(ui) for g, ui in zip(gs, u)]), xs)
        (ht,) = torch.autograd.grad((gt * _t(u)).sum(), xt)
        np.testing.assert_allclose([h.data for h in hs], ht.numpy(), **TOL)


def random_expression(seed: int, steps: int = 12):
    rng = np.random.default_rng(seed)
    leaves_sg, leaves_th, pool = [], [], []
    for shape in SHAPES:
        a = rng.uniform(-1.5, 1.5, size=shape)
        s, t = Tensor(a), _t(a).requires_grad_(True)
        leaves_sg.append(s)
        leaves_th.append(t)
        pool.append((s, t))
    used = set()
    op_list = list(TWINS)
    while len(pool) < len(SHAPES) + steps:
        op = op_list[rng.integers(len(op_list))]
        made = TWINS[op](rng, pool)
        if made is None:
            continue
        s, t = made
        if s.data.shape not in SHAPES + [()] or not np.all(np.abs(s.data) < 50):
            continue
        pool.append((s, t))
        used.add(op)
    w = [rng.normal(size=p[0].data.shape) for p in pool[-5:]]
    L_sg = ag.nsum([(p[0] * wi).sum() for p, wi in zip(pool[-5:], w)])
    L_th = sum((p[1] * _t(wi)).sum() for p, wi in zip(pool[-5:], w))
    return L_sg, L_th, leaves_sg, leaves_th, used, rng


@pytest.mark.parametrize("block", range(10))
def test_double_backward_matches_torch_on_random_expressions(block):
    for seed in range(20 * block, 20 * block + 20):  # 200 expressions in all
        L, Lt, xs, xts, _, rng = random_expression(seed)
        gs = ag.grad(L, xs, create_graph=True)
        gts = torch.autograd.grad(Lt, xts, create_graph=True, allow_unused=True)
        gts = [torch.zeros_like(x) if g is None else g for g, x in zip(gts, xts)]
        for g, gt in zip(gs, gts):
            np.testing.assert_allclose(g.data, gt.detach().numpy(force=True), **TOL,
                                       err_msg=f"seed {seed}")
        u = [rng.normal(size=x.data.shape) for x in xs]
        gu = ag.nsum([(g * ui).sum() for g, ui in zip(gs, u)])
        gut = sum((g * _t(ui)).sum() for g, ui in zip(gts, u))
        hs = ag.grad(gu, xs)
        if gut.requires_grad:
            hts = torch.autograd.grad(gut, xts, allow_unused=True)
        else:  # torch's gradient is a constant: its own derivative is zero
            hts = [None] * len(xts)
        for h, ht, x in zip(hs, hts, xts):
            want = np.zeros(x.shape) if ht is None else ht.numpy(force=True)
            np.testing.assert_allclose(h.data, want, **TOL, err_msg=f"seed {seed}")


def test_the_random_expressions_use_every_op():
    used = set()
    for seed in range(200):
        used |= random_expression(seed)[4]
    assert used == set(TWINS), f"never drawn: {set(TWINS) - used}"


def test_hvp_of_a_small_mlp_loss_matches_torch():
    rng = np.random.default_rng(7)
    X, Y = rng.normal(size=(16, 3)), rng.uniform(0.1, 0.9, size=(16, 2))
    model = MLP([3, 5, 4, 2], hidden="tanh", output="sigmoid", init="glorot", seed=3)
    params = model.parameters()
    Xt = Tensor(X, requires_grad=False)
    v = [rng.normal(size=p.data.shape) for p in params]
    Hv = ag.hvp(lambda: mse(model(Xt), Y), params, v)

    def torch_loss(*W):
        a = _t(X)
        for i, w in enumerate(W):
            u = a @ w[1:] + w[0]
            a = torch.sigmoid(u) if i == len(W) - 1 else torch.tanh(u)
        return ((a - _t(Y)) ** 2).mean()

    _, Hv_torch = torch.autograd.functional.hvp(
        torch_loss, tuple(_t(p.data) for p in params), tuple(_t(vi) for vi in v))
    for h, ht in zip(Hv, Hv_torch):
        np.testing.assert_allclose(h, ht.numpy(), **TOL)
    assert all(np.all(p.grad == 0) for p in params)  # hvp touches no .grad
