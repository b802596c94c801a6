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
# # 02 · The multilayer perceptron: forward phase, backpropagation, training
#
# The lecture's example network reads $F = 6$ body measurements of a person and predicts the
# gender with $M = 2$ outputs, through one hidden layer of $H = 9$ units: a **6-9-2** perceptron.
# For one sample $\mathbf{x}_n$ the forward phase is
#
# $$\alpha_h = \sigma_h\Big(\sum_{f=0}^{F} w^1_{fh}\, x_f\Big), \qquad
# a_m = \sigma_m\Big(\sum_{h=0}^{H} w^2_{hm}\, \alpha_h\Big) \qquad (x_0 = \alpha_0 = 1),$$
#
# and the sample-wise loss is
#
# $$\mathcal{L}_n(\mathbf{w}^1, \mathbf{w}^2) = \frac12 \sum_{m=1}^{M} \big(a_m(\mathbf{x}_n) - y^n_m\big)^2 .$$
#
# The story: the lecture's table (1), the network (2), one sample through it as a graph of
# scalars (3), backpropagation in both of stepgrad's views, checked against the slides'
# hand-written $\varepsilon_m$, $\varepsilon_h$ (4), training with the lecture's algorithm (5), and
# the accuracy (6).

# %%
# %matplotlib inline
import numpy as np

from stepgrad.nn import MLP, half_sse, lecture_backprop, lecture_sgd_step
from stepgrad.nn.data import COLUMNS, GENDERS, UNITS, Standardizer, lecture_data, train_val_test_split
from stepgrad.optim import SGD, fit
from stepgrad.viz import draw, extract, step_network, step_through
from stepgrad.viz.network import draw_mlp
from stepgrad.viz.plots import plot_history

# %% [markdown]
# ## 1 · The lecture's table
#
# The slide shows a table with columns *height, weight, bone density, femur length, jawline width,
# jawline length* and *gender*, prints three rows and elides the rest. `lecture_data` invents
# $N = 300$ such people (synthetic and seeded, so every run sees the same ones): men are on average
# taller and heavier, with denser bones and wider, longer jaws. The gender becomes $M = 2$ targets,
# one per output unit: $\mathbf{y}_n = (1, 0)$ for F and $(0, 1)$ for M.

# %%
X_raw, Y = lecture_data(300, seed=2502, standardize=False)
print(" n " + "".join(f"{c:>15}" for c in COLUMNS) + "  gender")
print("   " + "".join(f"{u:>15}" for u in UNITS))
for n in range(5):
    print(f"{n:2d} " + "".join(f"{v:15.1f}" for v in X_raw[n]) + "  " + GENDERS[Y[n].argmax()])

# %% [markdown]
# Heights are around 165, jawline widths around 4: fed as they are, $u_h = \sum_f w^1_{fh} x_f$ would
# be dominated by the large columns and push $\tanh$ into its flat tails, where $\sigma'_h \approx 0$
# and backpropagation passes almost nothing back. So we first hold out 20 % of the people to test
# on, then **standardise** each column, $x_f \leftarrow (x_f - \bar{x}_f)/s_f$, with the mean and
# standard deviation of the training rows only: the test people must not leak into training.

# %%
(X_train_raw, Y_train), _, (X_test_raw, Y_test) = train_val_test_split(
    X_raw, Y, val=0.0, test=0.2, seed=0)
scaler = Standardizer().fit(X_train_raw)
X_train, X_test = scaler.transform(X_train_raw), scaler.transform(X_test_raw)
n_train = len(X_train)
X_train.shape, X_test.shape

# %% [markdown]
# ## 2 · The 6-9-2 network
#
# `MLP([6, 9, 2], hidden="tanh", output="sigmoid")` is the slides' network with
# $\sigma_h = \tanh$ and $\sigma_m$ the sigmoid, so each $a_m \in (0, 1)$. Its two parameters are
# the lecture's weight matrices in the lecture's layout: `w1` has shape $(F + 1) \times H = 7 \times 9$
# and `w2` shape $(H + 1) \times M = 10 \times 2$; row 0 holds the biases $w_{0h}$, $w_{0m}$ (the
# weights of $x_0 = \alpha_0 = 1$). The lecture counts units from 1 and numpy counts columns from 0,
# so $w^1_{fh}$ is `w1[f, h - 1]` and $w^2_{hm}$ is `w2[h, m - 1]`. The initialisation
# is the lecture's *"set all the weights to small random numbers"*, seeded.

# %%
model = MLP([6, 9, 2], hidden="tanh", output="sigmoid", seed=0)
w1, w2 = model.parameters()
model

# %% [markdown]
# The slide's picture of it: input layer $\in \mathbb{R}^6$, hidden layer $\in \mathbb{R}^9$, output
# layer $\in \mathbb{R}^2$, with the bias units $x_0 = \alpha_0 = 1$. Each edge is one weight,
# blue where it is positive, red where it is negative, thicker the larger it is.

# %%
draw_mlp(model)

# %% [markdown]
# ## 3 · Forward phase, one sample, the scalar view
#
# Called with a **list** of numbers, the model records the forward phase as a graph of `Value`
# nodes, one per scalar of the slides: the inputs $x_1 \dots x_6$, one weighted-sum node
# $u_h = \sum_{f=0}^{F} w^1_{fh} x_f$ and one $\alpha_h = \tanh(u_h)$ per hidden unit, then
# $a_1, a_2$. Every node carries the lecture's name (`stepgrad.nn.labels`); `model.trace(x)` runs
# the same forward phase and hands back the named nodes, the $\alpha_h$ included.

# %%
i = 0
x, y = X_train[i].tolist(), Y_train[i]
trace = model.trace(x)
a = trace.outputs             # [a_1, a_2]: Values, the same as model(x)
alpha = trace.hidden[0]       # [α_1, …, α_9]
L = half_sse(a, y)            # ½ Σ_m (a_m − y_m)²
L.label = "L"

print("α_h =", np.round([v.data for v in alpha], 4))
print("a_m =", np.round([v.data for v in a], 4), "  y =", y)
print(f"L_n = {L.data:.4f}   (the graph has {len(extract(L))} nodes)")

# %% [markdown]
# With small weights every $u_h$ is near 0, so $\alpha_h \approx 0$ and both outputs sit near
# $\sigma(0) = \tfrac12$: the untrained network says "50/50" for everyone, and $\mathcal{L}_n \approx
# \tfrac12(\tfrac14 + \tfrac14) = \tfrac14$.
#
# The whole graph is large: each of the 83 weights is a leaf of its own, $w^1_{fh}$ or $w^2_{hm}$ as
# the slides write them, too many boxes to read at a notebook's width. Collapsed by neuron, each
# unit is one box with its inputs, its output and (after backward) its gradient. Read it from the
# right: $\mathcal{L}$, the two outputs $a_m$, the nine hidden units $\alpha_h$, and on the left the
# inputs.

# %%
draw(L, view="forward", collapse="neuron")

# %% [markdown]
# ## 4 · Backward phase, in both views
#
# `L.backward()` walks the graph from $\mathcal{L}$ back to every weight. Each weight `Value` is
# an entry of its matrix (`w1.scalars()`), so its gradient lands in that matrix's `.grad`:
# after backward, `w1.grad[f, h - 1]` is $\partial \mathcal{L}_n / \partial w^1_{fh}$.

# %%
model.zero_grad()
L.backward()
scalar_grads = {name: W.grad.copy() for name, W in model.named_parameters()}
scalar_grads["w2"].round(4)

# %% [markdown]
# The lecture explains this on the network's picture, and so does `step_network(model, x, y)`:
# press **next ▶** to watch the forward phase fill in $\alpha_h$ and $a_m$, then the backward
# phase: the output errors $\varepsilon^2_m$ on the output units, each $\partial \mathcal{L}/\partial w^2_{hm}$
# on its edge, the hidden errors $\varepsilon^1_h$ with their sum over $m$ written out, then each
# $\partial \mathcal{L}/\partial w^1_{fh}$. Every frame is a group of the engine's own backward steps.

# %%
net = step_network(model, x, y, loss="half_sse", classes=GENDERS)
print(len(net), "frames; the backward phase starts at frame",
      1 + next(k for k, f in enumerate(net.frames) if f.phase == "backward"))
net.widget()

# %% [markdown]
# The same backward phase node by node, on the collapsed graph: each frame is one step of the
# engine, from $\mathcal{L}$ through the outputs (their $\varepsilon_m$) to the hidden units (their
# $\varepsilon_h$) and the weights, with the step's arithmetic written out.

# %%
stepper = step_through(L, collapse="neuron")
print(len(stepper), "frames; the first:")
print(stepper.text(0))
stepper.widget()

# %% [markdown]
# The **Tensor view** computes the same sample with one matrix product per layer,
# $\mathbf{u} = \tilde{\mathbf{x}}\, \mathbf{w}^1$ and $\mathbf{a} = \sigma(\tilde{\boldsymbol\alpha}\, \mathbf{w}^2)$,
# a handful of array nodes instead of a hundred scalars. It is the same model with the same
# parameters, so its backward pass fills the same `w1.grad` and `w2.grad`, and they must agree with
# the scalar view's to rounding.

# %%
model.zero_grad()
L_tensor = half_sse(model(X_train[i:i + 1]), Y_train[i:i + 1])
L_tensor.backward()

print(f"L: scalar view {L.data:.12f}, tensor view {L_tensor.item():.12f}")
for name, W in model.named_parameters():
    diff = np.abs(W.grad - scalar_grads[name]).max()
    print(f"{name}: largest difference between the views {diff:.1e}")
    assert diff < 1e-12

# %% [markdown]
# ### The slides' formulas
#
# The slides derive the same gradients by hand. With the **output error** and the **hidden error**
#
# $$\varepsilon_m = \frac{\partial \mathcal{L}_n}{\partial a_m} = a_m - y_m, \qquad
# \varepsilon_h = \frac{\partial \mathcal{L}_n}{\partial \alpha_h} = \sum_{m=1}^{M} \varepsilon_m\, \sigma'_m\, w^2_{hm},$$
#
# the gradients are
#
# $$\frac{\partial \mathcal{L}_n}{\partial w^2_{hm}} = \varepsilon_m\, \sigma'_m\, \alpha_h \quad (h = 0 \dots H), \qquad
# \frac{\partial \mathcal{L}_n}{\partial w^1_{fh}} = \varepsilon_h\, \sigma'_h\, x_f \quad (f = 0 \dots F).$$
#
# `lecture_backprop` writes these loops out literally (it is kept in the library as the cross-check).
# The engine never computes an $\varepsilon$ by name, yet both are in its graph: $\varepsilon_m$ is
# the gradient that reached the node $a_m$, and $\varepsilon_h$ the one that reached $\alpha_h$.

# %%
r = lecture_backprop(w1.data, w2.data, X_train[i], Y_train[i], hidden="tanh", output="sigmoid")

print("ε_m  slides", np.round(r.eps_m, 6))
print("     engine", np.round([v.grad for v in a], 6), "(a_m.grad)")
print("ε_h  slides", np.round(r.eps_h, 6))
print("     engine", np.round([v.grad for v in alpha], 6), "(α_h.grad)")
assert np.allclose(r.eps_m, [v.grad for v in a], rtol=0, atol=1e-12)
assert np.allclose(r.eps_h, [v.grad for v in alpha], rtol=0, atol=1e-12)
assert np.allclose(r.grad_w1, scalar_grads["w1"], rtol=0, atol=1e-12)
assert np.allclose(r.grad_w2, scalar_grads["w2"], rtol=0, atol=1e-12)
print("∂L/∂w¹ and ∂L/∂w²: the slides' formulas and both views agree to 1e-12")

# %% [markdown]
# ## 5 · Training: the lecture's algorithm
#
# The slides' stochastic gradient descent:
#
# > initialise the weights to small random numbers; evaluate $Q(w) = \frac1l \sum_{i=1}^{l} \mathcal{L}_i(w)$  
# > **do**  
# > &nbsp;&nbsp; select $\mathbf{x}_i$ from $X^l$; forward phase, loss $\mathcal{L}_i(w)$  
# > &nbsp;&nbsp; $Q := \lambda\, \mathcal{L}_i + (1 - \lambda)\, Q$  
# > &nbsp;&nbsp; backward phase; gradient step $w := w - \mu\, \mathcal{L}'_i(w)$  
# > **until** $Q$ converges
#
# The gradient step is `SGD(lr=μ).step()`. Before handing the loop to `fit`, one step by the
# optimizer and one by the slides' update formulas, from the same weights:

# %%
mu = 0.1
w1_slides, w2_slides, _ = lecture_sgd_step(w1.data, w2.data, X_train[i], Y_train[i], mu,
                                           hidden="tanh", output="sigmoid")
model.zero_grad()
half_sse(model(x), y).backward()
SGD(model.parameters(), lr=mu).step()

assert np.allclose(w1.data, w1_slides, rtol=0, atol=1e-12)
assert np.allclose(w2.data, w2_slides, rtol=0, atol=1e-12)
print("one gradient step: optimizer and slides agree")

# %% [markdown]
# `fit(..., batch_size=1)` is the loop itself: each epoch visits the 240 training people once in a
# random (seeded) order and takes one gradient step per sample. We choose $\mu = 0.1$ and
# $\lambda = 0.01$, so $Q$ averages roughly the last hundred losses; `fit` records both the noisy
# $\mathcal{L}_i$ of each step and the smoothed $Q$, and stops when $Q$ has converged (it changed by
# less than `tol` over an epoch).

# %%
history = fit(model, X_train, Y_train, loss="half_sse", optimizer=SGD(model.parameters(), lr=mu),
              batch_size=1, epochs=20, lam=0.01, seed=0, progress=False)
history

# %% [markdown]
# Each step's loss $\mathcal{L}_i$, its running average $Q$ and the mean loss of each epoch, with the
# accuracy on the training people below:

# %%
plot_history(history)

# %% [markdown]
# $Q$ starts at $\approx \tfrac14$ (the 50/50 network), falls as the hidden units find directions
# that separate the groups, and keeps falling: the two groups in this table are far apart, so
# the network can make every $\mathcal{L}_i$ small. The single-sample losses jump around $Q$, since
# each step looks at one person only. Notebook 04 compares this with mini-batches and the full
# batch; notebook 05 runs the five other update rules on this same network.
#
# ## 6 · Accuracy
#
# The network's guess is the output with the larger value, $\arg\max_m a_m$; it is right when
# that is the $m$ with $y_m = 1$. On the 60 people held out from training:

# %%
guess_train = model(X_train).data.argmax(axis=1)   # argmax_m a_m for each person
guess_test = model(X_test).data.argmax(axis=1)
print(f"SGD, μ = {mu}, {history.epochs} epochs: "
      f"train {np.mean(guess_train == Y_train.argmax(axis=1)):.1%}, "
      f"test {np.mean(guess_test == Y_test.argmax(axis=1)):.1%}")

# %% [markdown]
# The groups were made far apart, so the held-out people are classified as well as the training
# ones. How sure is the network? The outputs $a_F, a_M$ for the first five test people, with the
# measurements in their units (the Standardizer turns them back):

# %%
a_test = model(X_test).data
print(" n " + "".join(f"{c:>15}" for c in COLUMNS) + "  gender   a_F    a_M")
for j in range(5):
    print(f"{j:2d} " + "".join(f"{v:15.1f}" for v in scaler.inverse_transform(X_test[j:j + 1])[0])
          + f"  {GENDERS[Y_test[j].argmax()]:>6}" + "".join(f"{v:7.2f}" for v in a_test[j]))
