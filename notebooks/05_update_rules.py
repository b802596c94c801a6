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
# # 05 · The six update rules
#
# The plain gradient step $\theta := \theta - \mu g$ (with $g = \nabla f(\theta)$, or
# $\mathcal{L}'_i(w)$ in training) has two weaknesses the lecture names: on a long narrow valley it
# zig-zags across the steep walls while crawling along the floor, and one μ must serve every
# weight, whatever the size of its gradient. The five improvements either remember past steps
# (**Momentum**, **Nesterov**) or scale each weight's step by the size of its gradients
# (**AdaGrad**, **RMSProp**), or both (**Adam**).
#
# The story: the rules side by side with the slides' formulas (1), racing on 2-D surfaces (2),
# the slides' printed Momentum, NAG, RMSProp and Adam forms run to see what they do (3),
# AdaGrad's shrinking effective rate (4), and the six rules training the lecture's network (5).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

from stepgrad.autograd import Tensor
from stepgrad.nn import MLP
from stepgrad.nn.data import lecture_data
from stepgrad.optim import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSProp, fit
from stepgrad.viz.plots import optimizer_race, plot_runs, race_lr, race_trajectories

# %% [markdown]
# ## 1 · The rules, in the lecture's symbols
#
# stepgrad follows PyTorch's conventions for where μ and ε go; each class's docstring has the
# algorithm box. With $g$ the gradient, $\mu$ the learning rate (`lr`), γ the momentum (`momentum`),
# β the decay (`beta`, `betas`):
#
# | rule | state | update | the slide writes |
# |---|---|---|---|
# | SGD | – | $\theta \leftarrow \theta - \mu g$ | $w := w - \mu\,\mathcal{L}'_i(w)$ |
# | Momentum | $v$ | $v \leftarrow \gamma v + g,\quad \theta \leftarrow \theta - \mu v$ | $v_t = v_{t-1} + \epsilon g$ (no γ) |
# | Nesterov | $v$ | $v \leftarrow \gamma v + g,\quad \theta \leftarrow \theta - \mu (g + \gamma v)$ | $v_t = v_{t-1} + \epsilon\nabla f(\theta_{t-1} - \mu v_{t-1})$ |
# | AdaGrad | $v = \sum g^2$ | $v \leftarrow v + g^2,\quad \theta \leftarrow \theta - \mu\, g / (\sqrt{v} + \varepsilon)$ | the same |
# | RMSProp | $v$ | $v \leftarrow \beta v + (1-\beta) g^2,\quad \theta \leftarrow \theta - \mu\, g / (\sqrt{v} + \varepsilon)$ | the same |
# | Adam | $v, s$ | $v \leftarrow \beta_1 v + (1-\beta_1) g,\ s \leftarrow \beta_2 s + (1-\beta_2) g^2,\ \theta \leftarrow \theta - \mu\, \hat v / (\sqrt{\hat s} + \varepsilon)$ | with an extra factor $g$ |
#
# AdaGrad's $v$ is the **cumulative** sum of all squared gradients so far; RMSProp's is a moving
# average that forgets. Each optimizer keeps this state per weight, under the slide's name:

# %%
theta = Tensor(np.array([1.0, -2.0]), label="θ")
for rule in (Momentum, AdaGrad, RMSProp, Adam):
    opt = rule([theta], lr=0.1)
    opt.zero_grad()
    (0.5 * (theta * theta).sum()).backward()        # g = θ
    opt.step()
    print(f"{rule.__name__:8}", opt.state_of(theta))
    theta.data[:] = [1.0, -2.0]

# %% [markdown]
# ## 2 · The race
#
# The lecture's "comparison of optimization algorithms" animation, as a figure: each rule, with
# its own learning rate (near its best on that surface), steps a point θ = (x, y) from the same
# start on three surfaces. The trajectories are the library's optimizers stepping a Tensor θ,
# exactly as in training:
#
# * a **bowl** $\tfrac12(x^2 + 20y^2)$, 20 times steeper across than along: the narrow valley;
# * **Rosenbrock's** curved valley $(1 - x)^2 + 100(y - x^2)^2$, minimum at (1, 1);
# * a **saddle** $x^2 - y^2$, starting almost on the ridge ($y_0 = 0.001$).

# %%
optimizer_race()

# %% [markdown]
# Where each rule ends:

# %%
for surface in ("bowl", "rosenbrock", "saddle"):
    ends = race_trajectories(surface)
    mu = {rule: race_lr(rule, surface) for rule in ends}
    print(f"{surface:10} (μ per rule: {mu})")
    print("           " + "  ".join(f"{rule}: ({p[-1][0]:+.2f}, {p[-1][1]:+.2f})"
                                    for rule, p in ends.items()))

# %% [markdown]
# **Bowl.** SGD zig-zags across the valley (its μ must stay below the limit $2/20$ of the steep
# direction) and creeps along the floor. Momentum gathers speed along the floor, where the gradient
# keeps pointing the same way, shoots past the minimum and swings back; Nesterov, which looks ahead
# before it steps, brakes a little earlier. AdaGrad and RMSProp divide each coordinate's step by the
# size of its gradients, so the steep and the flat direction move at the same pace: they drop to
# the floor and run straight to the minimum. Adam does the same with momentum added, so it too
# overshoots.
#
# **Rosenbrock.** The floor of the curved valley is nearly flat: SGD and RMSProp are still on their
# way after 500 steps, AdaGrad has stalled (its rate only shrinks), and the rules with momentum,
# Momentum, Nesterov and Adam, get close to (1, 1).
#
# **Saddle.** The gradient in $y$ starts tiny ($2y_0$), so SGD barely leaves the ridge. The adaptive
# rules divide that tiny gradient by its own size and step away at full speed; momentum builds up
# speed as $y$ and its gradient grow.
#
# ## 3 · The slides' printed forms, run
#
# ### Momentum
# The slide prints $v_t = v_{t-1} + \epsilon g$, $\theta_{t+1} = \theta_t - \mu v_t$: with **no decay** on
# $v$. That is stepgrad's (and PyTorch's) Momentum with γ = 1 and learning rate με. Run as printed,
# two lines a step, next to `Momentum(momentum=1, lr=μ·ε)` on $f = \tfrac12\theta^2$:

# %%
mu, eps = 0.1, 1.0
theta_slide, v = 2.0, 0.0
theta = Tensor(np.array(2.0), label="θ")
opt = Momentum([theta], lr=mu * eps, momentum=1.0)
print(" t   slide's θ   Momentum(γ=1)")
for t in range(1, 41):
    v = v + eps * theta_slide            # the slide: v_t = v_{t−1} + ε·g,  g = θ
    theta_slide = theta_slide - mu * v   #            θ_{t+1} = θ_t − μ·v_t
    opt.zero_grad()
    (0.5 * theta * theta).backward()
    opt.step()
    assert np.isclose(theta.item(), theta_slide)
    if t % 5 == 0:
        print(f"{t:2}   {theta_slide:+9.4f}   {theta.item():+9.4f}")

# %% [markdown]
# The two agree step for step, and neither converges: without decay the velocity never forgets,
# so θ swings through the minimum and back with an amplitude that does not shrink (for
# $\mu\epsilon < 4$ on this bowl). The usual Momentum damps it with γ < 1, here 0.9:

# %%
theta = Tensor(np.array(2.0), label="θ")
opt = Momentum([theta], lr=mu * eps, momentum=0.9)
for t in range(1, 101):
    opt.zero_grad()
    (0.5 * theta * theta).backward()
    opt.step()
print(f"γ = 0.9: θ after 100 steps = {theta.item():+.2e}")

# %% [markdown]
# ### NAG
# The slide's Nesterov evaluates the gradient at the look-ahead point $\theta_{t-1} - \mu v_{t-1}$:
# $v_t = v_{t-1} + \epsilon\nabla f(\theta_{t-1} - \mu v_{t-1})$. PyTorch's form (and stepgrad's)
# keeps the look-ahead point itself as the parameter, so it needs the gradient only where the
# parameter is. With γ = 1 and learning rate με, stepgrad's `Nesterov` θ is exactly the slide's
# look-ahead point $\theta_t - \mu v_t$, step after step:

# %%
c = np.array([1.0, 25.0])                # a narrow valley, ½(θ₁² + 25·θ₂²)
mu, eps = 0.02, 1.0
theta_slide, v = np.array([-4.0, 1.0]), np.zeros(2)
theta = Tensor(np.array([-4.0, 1.0]), label="θ")
opt = Nesterov([theta], lr=mu * eps, momentum=1.0)
for t in range(1, 6):
    v = v + eps * c * (theta_slide - mu * v)     # the slide: ∇f at θ − μ·v, ∇f(θ) = c·θ
    theta_slide = theta_slide - mu * v
    opt.zero_grad()
    (0.5 * (c * theta * theta).sum()).backward()
    opt.step()
    print(f"t = {t}: slide's look-ahead θ − μv = {np.round(theta_slide - mu * v, 6)}, "
          f"Nesterov θ = {np.round(theta.data, 6)}")
    assert np.allclose(theta.data, theta_slide - mu * v)

# %% [markdown]
# Like the slide's Momentum it has no decay; `Nesterov(momentum=0.9)` is the damped rule used in
# practice.
#
# ### RMSProp as β → 1
# The slide says that with $\beta \approx 1$ the update becomes $\theta - \mu\operatorname{sign}(g)$.
# It is the other end: at **β = 0**, $v = g^2$ and the step is $\mu g/(|g| + \varepsilon) \approx
# \mu\operatorname{sign}(g)$, exactly μ whatever the gradient's size. With β close to 1, $v$ starts
# at 0 and grows slowly, so the first steps are *larger* than μ (about $\mu/\sqrt{1-\beta}$, ten
# times μ at β = 0.99). On $f(\theta) = 3\theta_1 - 0.001\,\theta_2$, whose gradient
# $g = (3, -0.001)$ never changes, with μ = 0.01:

# %%
for beta in (0.0, 0.9, 0.99):
    theta = Tensor(np.array([0.0, 0.0]), label="θ")
    opt = RMSProp([theta], lr=0.01, beta=beta)
    steps = []
    for _ in range(4):
        before = theta.data.copy()
        opt.zero_grad()
        (theta * np.array([3.0, -0.001])).sum().backward()
        opt.step()
        steps.append(np.abs(theta.data - before))
    print(f"β = {beta:4}: |step| per weight, steps 1–4: "
          + "  ".join(f"({s[0]:.4f}, {s[1]:.4f})" for s in steps))

# %% [markdown]
# In every row both weights move the same distance, although their gradients differ 3000-fold:
# dividing by $\sqrt{v}$ keeps only the sign of a steady gradient. β sets how fast the step settles
# to μ (as $1/\sqrt{1 - \beta^t}$).
#
# ### Adam's extra $g$
# The slide ends Adam with $\theta_{t+1} = \theta_t - \frac{\mu\hat v_t}{\sqrt{\hat s_t} + \epsilon}\,g$.
# At the first step $\hat v = g$ and $\hat s = g^2$, so the correct rule moves each weight by μ
# whatever the size of $g$ (Adam's scale invariance). The extra factor $g$ would make that step
# $\mu|g|$: a gradient 1000 times larger would step 1000 times further.

# %%
for scale in (1.0, 1000.0):
    theta = Tensor(np.array([2.0]), label="θ")
    opt = Adam([theta], lr=0.01)
    opt.zero_grad()
    (scale * 0.5 * theta * theta).sum().backward()     # g = scale·θ
    g = theta.grad.item()
    opt.step()
    adam_step = 2.0 - theta.item()
    slide_step = 0.01 * g / (abs(g) + 1e-8) * g          # μ·v̂/(√ŝ + ε)·g at t = 1
    print(f"g = {g:7.0f}: Adam steps {adam_step:.4f};  the slide's form would step {slide_step:.4f}")

# %% [markdown]
# ## 4 · AdaGrad's shrinking effective rate
#
# AdaGrad's step for a weight is $\mu_{\text{eff}}\,g$ with $\mu_{\text{eff}} = \mu/(\sqrt{v} + \varepsilon)$,
# and $v = \sum g^2$ only grows. So the effective rate can only fall: fast learning at first,
# then ever smaller steps, even when the weights are still far from a minimum. RMSProp's $v$
# forgets old gradients, so its rate follows the recent ones. On the lecture's network (100
# people), the median effective rate of the hidden weights $w^1_{fh}$ after each epoch:

# %%
X, Y = lecture_data(100, seed=1)
for rule in (AdaGrad, RMSProp):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    opt = rule(model.parameters(), lr=0.01)
    w1 = model.parameters()[0]
    rates = []

    def record(history):
        v = opt.state_of(w1)[0]                          # AdaGrad: Σg²; RMSProp: its average
        rates.append(np.median(0.01 / (np.sqrt(v) + 1e-8)))

    fit(model, X, Y, optimizer=opt, batch_size=1, epochs=8, tol=None, seed=0,
        callbacks=[record], progress=False)
    print(f"{rule.__name__:8} μ_eff per epoch: " + "  ".join(f"{r:.3f}" for r in rates))

# %% [markdown]
# AdaGrad's rate shrinks epoch after epoch and can never recover. RMSProp's *grows*: as the
# network fits the data the gradients get small, $v$ follows them down, and the rate goes up, so
# the actual step $\mu_{\text{eff}}\,g$ stays near μ.
#
# ### AdaGrad on sparse features
#
# The slide's "+": AdaGrad *adjusts to sparse updates*. A weight whose input is usually 0 gets a
# gradient only on the few samples where the input is present, so its $v = \sum g^2$ grows slowly
# and its effective rate stays large; a weight whose input is always present gets a gradient every
# step, and its rate falls. Plain SGD has one μ for both, and it must be small enough for the
# frequent weight, whose noisy gradient arrives every step. A linear model
# $a = w_1 x_1 + w_2 x_2$ with targets $y = x_1 + x_2 + \text{noise}$: $x_1$ is present in every
# sample, $x_2$ in about one in twenty (0 otherwise). One sample per step:

# %%
rng = np.random.default_rng(0)
N = 2000
X_sparse = np.zeros((N, 2))
X_sparse[:, 0] = rng.normal(size=N)                                # x₁: in every sample
present = rng.random(N) < 0.05
X_sparse[present, 1] = rng.normal(size=present.sum())              # x₂: in 5 % of them
y_sparse = X_sparse @ np.array([1.0, 1.0]) + 0.5 * rng.normal(size=N)

sparse_runs = {}
for rule, mu in ((SGD, 0.01), (AdaGrad, 0.1)):
    w = Tensor(np.zeros(2), label="w")
    opt = rule([w], lr=mu)
    errors, rates = [], []
    for x_i, y_i in zip(X_sparse, y_sparse):
        opt.zero_grad()
        (0.5 * ((Tensor(x_i, requires_grad=False) * w).sum() - y_i) ** 2).backward()
        opt.step()
        errors.append(np.abs(w.data - 1.0))                        # |w_f − 1| for f = 1, 2
        v = opt.state_of(w).sum_sq if rule is AdaGrad else None
        rates.append(mu / (np.sqrt(v) + 1e-10) if rule is AdaGrad else np.array([mu, mu]))
    sparse_runs[f"{rule.__name__}, μ = {mu}"] = (np.array(errors), np.array(rates))

print(f"x₂ was present in {present.sum()} of {N} samples")
for name, (errors, rates) in sparse_runs.items():
    late = errors[N // 2:].mean(axis=0)
    print(f"{name:17} effective rate of w₁, w₂ at the end: {rates[-1][0]:.4f}, {rates[-1][1]:.4f};"
          f"  mean |w_f − 1| over the last {N // 2} steps: {late[0]:.3f}, {late[1]:.3f}")

# %% [markdown]
# The effective rate $\mu/(\sqrt{v} + \varepsilon)$ of each weight, step by step (AdaGrad), against
# SGD's one μ, from the step where $x_2$ first appears (before it, $w_2$ has had no gradient):

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
_, rates = sparse_runs["AdaGrad, μ = 0.1"]
first = int(np.argmax(present))          # before x₂ first appears, its v = 0 and its rate μ/ε
steps = np.arange(first, N)
ax.plot(steps, rates[first:, 0], color="#16a34a", label="AdaGrad, w₁ (x₁ in every sample)")
ax.plot(steps, rates[first:, 1], color="#16a34a", ls="--",
        label="AdaGrad, w₂ (x₂ in 5 % of samples)")
ax.axhline(0.01, color="#111827", lw=1, label="SGD, μ = 0.01 for both")
ax.set(xlabel="step", ylabel="effective rate μ/(√v + ε)", yscale="log")
ax.legend(fontsize=9)
plt.show()

# %% [markdown]
# Both rules learn the frequent weight $w_1$ about equally well (the noise in its gradient sets
# how small μ must be), but AdaGrad's rate for the rare weight $w_2$ stays about three times its
# rate for $w_1$, and $w_2$ ends about twice as close to its true value as with SGD. That is the
# "+" on the slide; the "−" is the same sum, which only grows, so every rate keeps falling.
#
# ## 5 · The six rules on the lecture's network
#
# To compare the rules and nothing else, each run starts from the same initial weights
# (`seed=0`), sees the samples in the same order, and uses the same small step μ = 0.01, with the
# lecture's one sample per step.

# %%
runs = {}
for rule in (SGD, Momentum, Nesterov, AdaGrad, RMSProp, Adam):
    model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
    runs[rule.__name__] = fit(model, X, Y, optimizer=rule(model.parameters(), lr=0.01),
                              batch_size=1, epochs=8, tol=None, seed=0, progress=False)

plot_runs(runs, title="μ = 0.01 for every rule")

# %% [markdown]
# With the same small μ, plain SGD spends epochs on the plateau near $\mathcal{L} = \tfrac14$: all
# weights are small, so all gradients are small, and a small step times a small gradient hardly
# moves. Momentum and Nesterov build up speed along the consistent downhill direction (up to
# $1/(1-\gamma) = 10$ times the step; here the two curves almost coincide). AdaGrad, RMSProp and
# Adam divide by $\sqrt{v}$ (Adam: $\sqrt{\hat s}$), the size of each weight's gradients so far, so
# their steps do not shrink with the gradient: they leave the plateau at once. AdaGrad then slows,
# since its sum $v$ only grows.
