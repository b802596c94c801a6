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
# # 03 · Activations and losses
#
# Part 2 of the lecture opens with the two choices every network makes: the **activation** σ of
# each unit, $\alpha_h = \sigma_h(u_h)$ and $a_m = \sigma_m(\cdot)$, and the **loss** $\mathcal{L}$
# that compares the outputs $a$ with the targets $y$. Backpropagation multiplies by $\sigma'$ at
# every unit and starts from $\partial\mathcal{L}/\partial a_m$, so both choices decide what
# gradient reaches the weights.
#
# The story: the six activations and their derivatives (1), the slide's ReLU′ slip (2), what happens
# at the kinks and at ±1000 (3), the regression losses and the slide's MSE/MSLE table (4), the
# classification losses (5), and sum against mean (6).

# %%
# %matplotlib inline
import numpy as np

from stepgrad.autograd import Tensor, Value
from stepgrad.nn import (
    ACTIVATIONS,
    binary_cross_entropy,
    cross_entropy,
    hardtanh,
    mae,
    mse,
    msle,
    relu,
    sigmoid,
    sign,
    softmax,
    squared_hinge,
    tanh,
)
from stepgrad.viz.plots import plot_activations, plot_losses

# %% [markdown]
# ## 1 · The six activations and their derivatives
#
# | name | $\sigma(u)$ | $\sigma'(u)$ |
# |---|---|---|
# | identity | $u$ | $1$ |
# | sign | $\operatorname{sign} u$ | $0$ |
# | sigmoid | $1/(1 + e^{-u})$ | $\sigma(1 - \sigma)$ |
# | tanh | $(e^{2u} - 1)/(e^{2u} + 1)$ | $1 - \sigma^2$ |
# | ReLU | $\max\{u, 0\}$ | $1$ for $u > 0$, else $0$ |
# | hard tanh | $\max\{\min\{u, 1\}, -1\}$ | $1$ on $(-1, 1)$, else $0$ |
#
# Each activation in `stepgrad.nn.ACTIVATIONS` can evaluate σ and σ′ on a plain array;
# σ′ is read off the engine's own backward pass, so these numbers are exactly what training uses.

# %%
u = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0])
print("u".ljust(10) + "".join(f"{x:8.2f}" for x in u))
for name, act in ACTIVATIONS.items():
    if name == "softmax":
        continue
    print(f"σ  {name:8}" + "".join(f"{x:8.3f}" for x in act.function(u)))
    print(f"σ′ {'':8}" + "".join(f"{x:8.3f}" for x in act.derivative(u)))

# %% [markdown]
# The same, drawn as the slides draw them: σ solid, σ′ dashed (the dotted line on ReLU is the
# slide's σ′ = sign, section 2).

# %%
plot_activations()

# %% [markdown]
# Read the σ′ curves: the sigmoid's slope is at most $\sigma'(0) = \tfrac14$, tanh's at most 1, and
# both fall towards 0 as $|u|$ grows: a saturated unit passes almost no gradient back. ReLU
# passes the gradient unchanged for $u > 0$ and blocks it for $u < 0$. Sign's slope is 0
# everywhere, so a sign unit cannot be trained by gradient descent at all.
#
# The softmax is the one activation that maps a vector to a vector,
# $a_m = e^{u_m} / \sum_k e^{u_k}$: its outputs are positive and sum to 1, a probability for each
# class, which is why it pairs with the cross-entropy loss below.

# %%
u_out = np.array([2.0, 1.0, -1.0])
a_out = ACTIVATIONS["softmax"].function(u_out)
print("softmax", a_out.round(4), " sum", a_out.sum())

# %% [markdown]
# ## 2 · The slide's ReLU′
#
# The slide writes ReLU′ as $\sigma'(u) = \operatorname{sign}(u)$. For $u > 0$ that is right (1),
# but for $u < 0$ sign gives $-1$ while ReLU is flat there ($\max\{u, 0\} = 0$), so its true slope
# is 0. A negative slope would make a dead unit push its weights the *wrong* way. The engine
# agrees with the true derivative; and at the kink $u = 0$ it takes 0, as PyTorch does.

# %%
for x in (-2.0, 0.0, 2.0):
    v = Value(x)
    out = relu(v)
    out.backward()
    print(f"u = {x:+.0f}: relu(u) = {out.data:.0f}   engine relu′ = {v.grad:.0f}   "
          f"slide's sign(u) = {np.sign(x):+.0f}")

# %% [markdown]
# ## 3 · At the kinks and at ±1000
#
# Three activations have kinks: sign at 0, ReLU at 0, hard tanh at ±1; MAE has one where $a = y$.
# A derivative does not exist there, so the engine picks one value and keeps it (0 in each case:
# the convention of PyTorch). The slide's hard tanh uses the closed interval $[-1, 1]$; the
# engine's open interval makes the slope 0 at $u = \pm 1$ itself.

# %%
for f, points in ((sign, (0.0,)), (relu, (0.0,)), (hardtanh, (-1.0, 1.0))):
    for x in points:
        v = Value(x)
        f(v).backward()
        print(f"{f.name}′({x:+.0f}) = {v.grad:g}")
a = Value(2.0)
mae([a], [2.0]).backward()
print(f"MAE at a = y: ∂L/∂a = {a.grad:g}")

# %% [markdown]
# Far from 0 the question is not the kink but the arithmetic: $e^{1000}$ overflows a float.
# The engine evaluates the sigmoid and tanh in forms that never overflow, so the values are
# exactly the limits and the slopes are exactly 0. That is the **vanishing gradient** in its
# purest form: a unit driven to $u = \pm 1000$ passes nothing back, whatever its error.

# %%
for f in (sigmoid, tanh):
    for x in (-1000.0, 1000.0):
        v = Value(x)
        out = f(v)
        out.backward()
        print(f"{f.name}({x:+.0f}) = {out.data:+.1f}   σ′ = {v.grad:g}")
big = Tensor(np.array([1000.0, 0.0, -1000.0]))
print("softmax([1000, 0, -1000]) =", softmax(big).data)

# %% [markdown]
# ## 4 · Regression losses, and the slide's MSE/MSLE table
#
# $$\text{MSE} = \frac1N \sum_{i=1}^N (a_i - y_i)^2, \qquad
# \text{MSLE} = \frac1N \sum_{i=1}^N \big(\log(y_i + 1) - \log(a_i + 1)\big)^2, \qquad
# \text{MAE} = \frac1N \sum_{i=1}^N |a_i - y_i| .$$
#
# The slide's example: a prediction of 3 for a target of 5 (40 % off), and 3000 for 3200
# (6.25 % off). MSE punishes the second far more (it only sees the difference, 200); MSLE sees
# ratios, so it punishes the second less. The slide prints MSLE = 0.22 and 0.02. Computed with its
# own formula (natural log, one sample each):

# %%
print(f"{'a':>6} {'y':>6} {'a − y':>7} {'%':>6} {'MSE':>8} {'MSLE':>8} {'|log₁₀(y/a)|':>13}")
for a_i, y_i in ((3.0, 5.0), (3000.0, 3200.0)):
    pct = abs(a_i - y_i) / y_i * 100
    row = (mse([Value(a_i)], [y_i]).data, msle([Value(a_i)], [y_i]).data,
           abs(np.log10(y_i / a_i)))
    print(f"{a_i:6.0f} {y_i:6.0f} {a_i - y_i:7.0f} {pct:6.2f} {row[0]:8.0f} {row[1]:8.4f} "
          f"{row[2]:13.3f}")

# %% [markdown]
# The formula gives MSLE ≈ 0.164 and 0.0042, not 0.22 and 0.02. Where the printed numbers come
# from, the slide does not say. The last column is our reconstruction, a guess that fits:
# $|\log_{10}(y/a)|$ = 0.222 and 0.028, a base-10 log and no square, cut (not rounded) to two
# decimals, since 0.028 rounds to 0.03, not 0.02. The slide's point stands either way (MSLE is about 40 times smaller for the 6.25 % error than for the
# 40 % one), but the numbers to expect from the formula, and from `msle`, are 0.164 and 0.0042.
#
# Over a whole range of predictions $a = r\,y$, for the slide's two targets: MSE and MAE depend
# on the difference $a - y$, so the target 3200 (orange) dwarfs the target 5; MSLE depends on the
# ratio, so the two curves nearly coincide. The dots are the slide's two cases.

# %%
plot_losses()

# %% [markdown]
#
# ## 5 · Classification losses
#
# $$\text{CE} = -\sum_{m} y_m \log a_m, \qquad
# \text{BCE} = -\big[y \log a + (1 - y)\log(1 - a)\big], \qquad
# \text{squared hinge} = \max\{0, 1 - y\,a\}^2 \;\; (y = \pm 1).$$
#
# Cross-entropy wants probabilities (a softmax output); the slides' BCE has its brackets
# misplaced (the $-\frac1N$ must multiply both terms), as written here it is one sample's loss.
# The hinge wants labels ±1 and a raw score $a$; it is zero once $y\,a \ge 1$ (right, with a
# margin) and grows quadratically otherwise.

# %%
p = [Value(x) for x in a_out]          # the softmax output above: a_1, a_2, a_3
for k in range(3):
    print(f"true class {k + 1}: CE = −log a_{k + 1} = {cross_entropy(p, k).data:.4f}")
print(f"BCE(a = 0.9, y = 1) = {binary_cross_entropy([Value(0.9)], [1.0]).data:.4f}"
      f"   BCE(a = 0.9, y = 0) = {binary_cross_entropy([Value(0.9)], [0.0]).data:.4f}")
for score in (2.0, 0.5, -1.0):
    print(f"squared hinge(a = {score:+.1f}, y = +1) = "
          f"{squared_hinge([Value(score)], [1.0]).data:.2f}")

# %% [markdown]
# Two things to see. CE only looks at the true class's probability: $-\log a$ is 0 for a
# certain, correct prediction and grows without bound as $a \to 0$. And the prediction passed to
# CE must be a distribution: a sigmoid layer's outputs do not sum to 1, so the loss would reward
# making every output large. Use `output="softmax"` for it.
#
# ## 6 · Sum against mean
#
# The slides write cross-entropy and the squared hinge as sums over the samples, MSE and BCE as
# means. stepgrad averages by default (`reduction="mean"`); `reduction="sum"` gives the summed
# form. The two differ by the factor $N$, and so do their gradients. Take one weight $w$ and the
# unit $a_i = \sigma(w\,x_i)$ on a batch of $N$ samples: with the sum, $\partial\mathcal{L}/\partial w$
# adds one term per sample and grows with the batch, so a learning rate μ that works for 10
# samples is about 100 times too large for 1000. With the mean it does not depend on $N$.

# %%
rng = np.random.default_rng(0)
for N in (10, 1000):
    x_batch = rng.normal(1.0, 0.5, size=(N, 1))
    y_batch = np.ones((N, 1))
    w = Tensor(np.array([[0.5]]), label="w")
    for reduction in ("sum", "mean"):
        w.grad = None
        L = binary_cross_entropy((x_batch @ w).sigmoid(), y_batch, reduction=reduction)
        L.backward()
        print(f"N = {N:4}, {reduction:4}: L = {L.item():8.3f}   ∂L/∂w = {w.grad.item():9.4f}")

# %% [markdown]
# The summed loss and its gradient grow with $N$; the mean's stay put. That is why `fit` uses the
# mean: one μ serves every batch size, from the lecture's one sample at a time to the full data
# set.
