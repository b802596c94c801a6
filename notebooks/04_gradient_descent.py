# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Gradient descent, SGD and mini-batch
#
# Training minimises the average loss over the training data,
#
# $$Q(w) = \frac1l \sum_{i=1}^{l} \mathcal{L}_i(w) \rightarrow \min_w ,$$
#
# by the gradient step $w := w - \mu\, \nabla Q(w)$: move against the gradient, by a step the
# learning rate μ scales. The lecture names three ways to get the gradient: from all $l$ samples
# (**gradient descent**: exact, but one pass over the data per step), from one sample
# (**stochastic gradient descent**: cheap, but noisy), and from a few (**mini-batch**).
#
# The story: gradient descent on the slide's $f(x) = \tfrac12 x^2$ (1) and on least squares
# $\tfrac12\lVert Ax - b\rVert^2$ (2, with Newton's step for contrast), the cost and noise of the three variants on a small network
# (3), the running average $Q := \lambda\mathcal{L}_i + (1 - \lambda)Q$ for different λ (4), and
# learning-rate schedules (5).

# %%
import time

import matplotlib.pyplot as plt
import numpy as np

from stepgrad.autograd import Tensor, grad, hessian
from stepgrad.nn import MLP, half_sse
from stepgrad.nn.data import moons, one_hot
from stepgrad.optim import SGD, ExponentialDecay, fit, linear_cg
from stepgrad.viz.plots import plot_history

# %% [markdown]
# ## 1 · The bowl $f(x) = \tfrac12 x^2$
#
# The slide's example: $f'(x) = x$, so for $x > 0$ the slope is positive and we step left, for
# $x < 0$ we step right. One step is $x := x - \mu x = (1 - \mu)\,x$: every step multiplies $x$
# by $1 - \mu$. So the learning rate alone decides what happens: for $0 < \mu < 1$, $x$ shrinks
# steadily to the minimum 0; at $\mu = 1$ it lands there in one step; for $1 < \mu < 2$ it
# overshoots, flipping sign each step but still shrinking; at $\mu > 2$ it grows: divergence.
#
# stepgrad's `SGD` takes the step; autograd supplies $f'(x)$.

# %%
for mu in (0.1, 0.5, 1.0, 1.5, 2.1):
    x = Tensor(np.array(3.0), label="x")
    opt = SGD([x], lr=mu)
    path = [x.item()]
    for _ in range(8):
        opt.zero_grad()
        f = 0.5 * x * x
        f.backward()              # x.grad = f′(x) = x
        opt.step()                # x := x − μ·f′(x)
        path.append(x.item())
    print(f"μ = {mu:3}: x = " + "  ".join(f"{v:+7.3f}" for v in path))

# %% [markdown]
# ## 2 · Least squares $f(x) = \tfrac12\lVert Ax - b\rVert^2$
#
# The slide's other example, in several dimensions. The gradient is $\nabla f = A^\top(Ax - b)$;
# autograd finds it from the formula alone:

# %%
rng = np.random.default_rng(0)
A = rng.normal(size=(50, 2)) * np.array([1.0, 4.0])    # the second column 4× larger
b = A @ np.array([1.0, -0.5]) + 0.3 * rng.normal(size=50)
A_t = Tensor(A, requires_grad=False)                   # data: no gradient needed

x = Tensor(np.zeros(2), label="x")
f = 0.5 * ((A_t @ x - b) ** 2).sum()
f.backward()
print("autograd ∇f   ", x.grad)
print("Aᵀ(Ax − b)    ", A.T @ (A @ np.zeros(2) - b))

# %% [markdown]
# How large may μ be? Along each eigenvector of $A^\top A$ with eigenvalue $\nu_k$ (the bowl's
# curvature in that direction; not λ, which in this course is $Q$'s smoothing), a step multiplies
# the error by $1 - \mu\nu_k$, the bowl of section 1 again. So gradient descent converges only for
# $\mu < 2/\nu_{\max}$, and then the flattest direction shrinks by $1 - \mu\nu_{\min}$ per step:
# with $\mu = 1/\nu_{\max}$, about $\nu_{\max}/\nu_{\min}$ steps per factor $e$. That ratio is
# the *condition number* of $A^\top A$. Here the two columns of $A$ differ in scale, so it is
# large: this is why we standardise inputs.

# %%
nu = np.linalg.eigvalsh(A.T @ A)                       # ν_min, ν_max
x_star = np.linalg.lstsq(A, b, rcond=None)[0]
f_star = 0.5 * np.sum((A @ x_star - b) ** 2)
print(f"ν_min = {nu[0]:.1f}, ν_max = {nu[1]:.1f}, condition number ν_max/ν_min = "
      f"{nu[1] / nu[0]:.1f}; gradient descent converges for μ < 2/ν_max = {2 / nu[1]:.4f}")

gaps = {}
for factor in (0.5, 1.0, 1.9, 2.05):
    mu = factor / nu[1]
    x = Tensor(np.zeros(2), label="x")
    opt = SGD([x], lr=mu)
    gap = []
    for _ in range(150):
        opt.zero_grad()
        f = 0.5 * ((A_t @ x - b) ** 2).sum()
        gap.append(f.item() - f_star)
        f.backward()
        opt.step()
    gaps[f"μ = {factor}/ν_max"] = gap
    print(f"μ = {factor:4}/ν_max: f − f* after 150 steps = {gap[-1]:.2e}")

# %% [markdown]
# The gap $f - f^*$ to the least-squares optimum, step by step (log scale):

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
for name, gap in gaps.items():
    ax.plot(gap, label=name)
ax.set(yscale="log", xlabel="step", ylabel="f(x) − f(x*)", ylim=(1e-10, 1e4))
ax.legend()
plt.show()

# %% [markdown]
# Below the limit, larger steps converge faster (μ = 1.9/ν_max zig-zags across the steep direction
# but still wins); a little above it, the steep direction's error grows each step and the run
# diverges. Every curve's slow tail is the flat direction, $\nu_{\min}$.
#
# **Newton's step, for contrast.** Gradient descent uses only the slope, so its speed depends on
# the condition number. Newton's method also uses the curvature: $x_1 = x_0 - H^{-1}\nabla f(x_0)$,
# with $H = \nabla^2 f$ the Hessian. For this $f$, $H = A^\top A$ and
# $\nabla f = A^\top(Ax_0 - b)$, so $x_1 = x_0 - (A^\top A)^{-1}A^\top(Ax_0 - b) =
# (A^\top A)^{-1}A^\top b = x^*$: the minimum in one step, from anywhere. autograd finds $H$ by
# differentiating its own backward pass (`hessian`: the gradient recorded as a graph, then
# differentiated again); no second derivative is written by hand.

# %%
def f_of(x):
    return 0.5 * ((A_t @ x - b) ** 2).sum()            # f(x) = ½‖Ax − b‖²


x0 = np.array([3.0, -2.0])
H = hessian(f_of, x0)
print("H by autograd:", H.round(3).tolist(), "  AᵀA:", (A.T @ A).round(3).tolist())

x = Tensor(x0, label="x")
(g,) = grad(f_of(x), x)                                # ∇f(x₀), without touching x.grad
x1 = x0 - np.linalg.solve(H, g.data)                   # Newton: x₁ = x₀ − H⁻¹∇f(x₀)
print(f"one Newton step: x₁ = {x1.round(6)}, f − f* = {f_of(Tensor(x1)).item() - f_star:.1e}")
print(f"the optimum:     x* = {x_star.round(6)}")

# %% [markdown]
# One step, against the 150 of gradient descent above. The price is $H$ itself: $n^2$ numbers and
# a linear solve, fine for two unknowns, out of reach for a network's thousands of weights. There,
# conjugate gradient makes do with Hessian-vector products $Hv = \nabla(\nabla f\cdot v)$, which
# `stepgrad.autograd.hvp` computes with two backward passes, never forming $H$ (notebook 06 runs
# it on a network's loss: `hessian_free`, Newton's step solved by conjugate gradient).
#
# ### Conjugate gradient on the same bowl
#
# The lecture names *conjugate gradient methods* as a remedy. Gradient descent's zig-zag wastes
# steps: each one partly undoes the one before. Conjugate gradient steps along directions $d_k$
# that are conjugate, $d_i^\top A^\top A\, d_k = 0$ for $i \neq k$, each with the exact best
# step length $\eta_k$ along it, so no step spoils an earlier one: on a bowl in $n$ unknowns it
# ends in at most $n$ steps. `stepgrad.optim.linear_cg` does it with products by $A$ and
# $A^\top$ only. Here $n = 2$:

# %%
cg = linear_cg(A, b)
print(f"conjugate gradient: {cg.steps} steps, f − f* = {cg.losses[-1] - f_star:.1e}, "
      f"‖x − x*‖ = {np.linalg.norm(cg.x - x_star):.1e}")
best = gaps["μ = 1.9/ν_max"]
print(f"gradient descent, μ = 1.9/ν_max: f − f* = {best[2]:.1e} after 2 steps, "
      f"below 1e-10 after {next(k for k, g in enumerate(best) if g < 1e-10)} steps")

# %% [markdown]
# With more unknowns the gap grows. A random least-squares problem in $n = 50$ unknowns
# (80 equations), both methods run until the gradient $\lVert A^\top(Ax - b)\rVert$ has fallen by
# a factor $10^8$:

# %%
rng50 = np.random.default_rng(50)
A50, b50 = rng50.normal(size=(80, 50)), rng50.normal(size=80)
cg = linear_cg(A50, b50, tol=1e-8)
x, mu = np.zeros(50), 1.0 / np.linalg.eigvalsh(A50.T @ A50)[-1]      # μ = 1/ν_max
gd_steps = 0
while np.linalg.norm(A50.T @ (A50 @ x - b50)) > 1e-8 * cg.grad_norms[0]:
    x -= mu * A50.T @ (A50 @ x - b50)                                 # x := x − μ·∇f
    gd_steps += 1
print(f"n = 50: conjugate gradient {cg.steps} steps (at most n), gradient descent {gd_steps}")

# %% [markdown]
# Each conjugate-gradient step costs about as much as a gradient step (one product by $A$ and
# one by $A^\top$). The catch: it needs the exact gradient and a good step length along each
# direction, so it suits full-batch problems; notebook 06 runs its nonlinear version on a network.
#
# ## 3 · Gradient descent, SGD and mini-batch on a network
#
# Now a 2-16-2 network on the two-moons data (150 points). `fit` runs all three variants:
# `batch_size=None` is gradient descent (one step per epoch, on all samples), `batch_size=1` the
# lecture's SGD ($l$ steps per epoch), `batch_size=16` mini-batches. Each sees every sample once
# per epoch, so an epoch does the same arithmetic in all three; what differs is the number of
# steps, and with it the time (printed below): every step pays the engine's fixed cost of building
# and walking a graph, so 150 steps of one sample take far longer than one step of 150.

# %%
X, y = moons(150, noise=0.15, seed=0)
Y = one_hot(y)

runs = {}
for name, batch_size in (("gradient descent", None), ("mini-batch, 16", 16), ("SGD", 1)):
    model = MLP([2, 16, 2], hidden="tanh", output="sigmoid", seed=0)
    start = time.perf_counter()
    runs[name] = fit(model, X, Y, optimizer=SGD(model.parameters(), lr=0.5),
                     batch_size=batch_size, epochs=15, tol=None, seed=0, progress=False)
    seconds = time.perf_counter() - start
    h = runs[name]
    print(f"{name:17}: {h.steps:5} steps, {seconds:5.2f} s, loss after 15 epochs {h.loss[-1]:.4f}, "
          f"accuracy {h.accuracy[-1]:.0%}")

# %% [markdown]
# The mean loss of each epoch:

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
for name, h in runs.items():
    ax.plot(range(1, h.epochs + 1), h.loss, marker="o", ms=3, label=name)
ax.set(xlabel="epoch", ylabel="mean loss of the epoch", yscale="log")
ax.legend()
plt.show()

# %% [markdown]
# Per epoch, SGD and mini-batches make far more progress than gradient descent: 150 and 10 steps
# against one. Between SGD and mini-batches of 16 the gap is small (compare their losses above):
# ten well-aimed steps do about as much as 150 noisy ones, in a fraction of the time, since SGD
# pays the per-step overhead 150 times. SGD's steps are **noisy**, each aimed by one sample.
#
# How noisy? At the initial weights, compare the gradient of a random batch of $B$ samples with
# the full gradient over all 150. The relative error shrinks like $1/\sqrt{B}$: averaging $B$
# independent gradients divides their spread by $\sqrt{B}$.

# %%
model = MLP([2, 16, 2], hidden="tanh", output="sigmoid", seed=0)


def gradient(rows):
    """∇Q over the given rows, all parameters as one vector."""
    model.zero_grad()
    half_sse(model(X[rows]), Y[rows]).backward()
    return np.concatenate([W.grad.ravel() for W in model.parameters()])


g_full = gradient(np.arange(len(X)))
for B in (1, 4, 16, 64):
    errors = [np.linalg.norm(gradient(rng.choice(len(X), B, replace=False)) - g_full)
              for _ in range(100)]
    print(f"B = {B:2}: ‖g_B − g‖ / ‖g‖ = {np.mean(errors) / np.linalg.norm(g_full):.2f}")

# %% [markdown]
# ## 4 · Q with different λ
#
# The lecture tracks progress with $Q := \lambda\mathcal{L}_i + (1 - \lambda)\,Q$, a running
# average of the per-step losses: each new loss gets weight λ, and older ones fade by
# $(1 - \lambda)$ per step, so $Q$ averages roughly the last $1/\lambda$ losses. λ does not change the
# training at all (the steps are the same, given the same seed); it changes only how smooth the
# curve we watch is, and how late it shows a change.

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
for lam in (0.5, 0.05, 0.005):
    model = MLP([2, 16, 2], hidden="tanh", output="sigmoid", seed=0)
    h = fit(model, X, Y, optimizer=SGD(model.parameters(), lr=0.5), batch_size=1, epochs=4,
            lam=lam, tol=None, seed=0, progress=False)
    if lam == 0.5:
        ax.plot(h.step_loss, lw=0.4, color="0.75", label=r"$\mathcal{L}_i$ of each step")
    ax.plot(h.Q, lw=1.2, label=f"Q, λ = {lam}")
ax.set(xlabel="step", ylabel="loss", ylim=(0, 0.5))
ax.legend(ncol=4, loc="upper center")
plt.show()

# %% [markdown]
# With λ = 0.5 $Q$ is almost as noisy as the losses themselves; with λ = 0.005 it is smooth but
# lags behind the losses by a few hundred steps. The lecture's stop test, "until
# $Q$ converges", needs a $Q$ smooth enough that a lucky step does not look like convergence.
#
# ## 5 · Learning-rate schedules
#
# SGD's noise does not vanish at the minimum: each sample's gradient points somewhere else, so
# with a fixed μ the weights keep jittering around it. Shrinking μ as training goes on lets them
# settle. `ExponentialDecay(opt, gamma=r)` sets $\mu_e = \mu_0\,r^e$ after epoch $e$, and
# `StepDecay(opt, step_size, gamma=r)` multiplies μ by $r$ every `step_size` epochs (the argument
# keeps PyTorch's name `gamma`; the symbol γ is the momentum coefficient in notebook 05); `fit` steps
# the schedule after each epoch (`fit(..., schedule=...)`).

# %%
results = {}
for name, r in (("constant μ = 2", None), ("μ = 2·0.8ᵉ", 0.8)):
    model = MLP([2, 16, 2], hidden="tanh", output="sigmoid", seed=0)
    opt = SGD(model.parameters(), lr=2.0)
    schedule = None if r is None else ExponentialDecay(opt, gamma=r)
    results[name] = fit(model, X, Y, optimizer=opt, batch_size=1, epochs=10, tol=None, seed=0,
                        schedule=schedule, progress=False)
    h = results[name]
    print(f"{name:15}: loss of the last epoch {h.loss[-1]:.4f}, "
          f"spread of its step losses {np.std(h.step_loss[-150:]):.4f}")

# %% [markdown]
# The decayed run, with its μ per epoch in the bottom panel:

# %%
plot_history(results["μ = 2·0.8ᵉ"])

# %% [markdown]
# A large μ is good early (fast progress from the random start) and bad late (jitter at the
# bottom); the schedule gets both. Notebook 05 turns to the other way of taming the steps: update
# rules that adapt them per weight.
