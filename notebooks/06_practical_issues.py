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
# # 06 · Practical issues in training
#
# The lecture ends with what goes wrong in practice, and the remedies:
#
# * **overfitting**: regularisation (an L2 penalty), the neural architecture (a smaller network),
#   dropout, and early stopping;
# * **vanishing and exploding gradients**: the activation and the initialisation, batch
#   normalisation, adaptive learning rates (notebook 05), gradient clipping;
# * **local optima**: initialisation, and pretraining (section 7);
# * and conjugate gradient methods (section 6; the linear method is in notebook 04).
#
# Each section shows the problem on a small network, then the remedy, with the tools in
# `stepgrad.nn` and `stepgrad.optim`.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np

from stepgrad.nn import (
    MLP,
    BatchNorm,
    Dropout,
    Layer,
    Sequential,
    clip_grad_norm,
    gradient_norms,
    half_sse,
    mse,
)
from stepgrad.nn.data import lecture_data, moons, one_hot
from stepgrad.optim import SGD, Adam, fit, hessian_free, polak_ribiere, pretrain_layers
from stepgrad.optim.truncated_newton import curvature
from stepgrad.viz.plots import plot_depth_comparison, plot_history

# %% [markdown]
# ## 1 · Overfitting
#
# 40 noisy points of the two-moons data to train on, and 300 fresh points from the same source to
# validate on. A 2-32-32-2 network has over 1,000 weights: enough to learn the 40 points by heart,
# noise included.

# %%
X, y = moons(40, noise=0.3, seed=0)
X_val, y_val = moons(300, noise=0.3, seed=1)
Y, Y_val = one_hot(y), one_hot(y_val)


def network():
    return MLP([2, 32, 32, 2], hidden="tanh", output="sigmoid", init="glorot", seed=0)


model = network()
plain = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.02), batch_size=None,
            epochs=300, tol=None, validation=(X_val, Y_val), restore_best=False, progress=False)
plot_history(plain)

# %% [markdown]
# The training loss keeps falling; the validation loss falls, bottoms out after about fifty
# epochs and then climbs: from there on the network fits the noise of its 40 points, and does
# worse on new ones. Three remedies:
#
# * **L2 penalty** $\tfrac{\kappa}{2}\sum w^2$ added to the loss (the biases are not penalised): its
#   gradient $\kappa w$ pulls every weight towards 0, so only weights the data keep asking for grow.
#   In the optimizers it is `weight_decay=κ`, which adds $\kappa w$ to the gradient of the weights
#   and leaves the bias row $w_{0h}$ of each weight matrix alone, as the penalty does.
# * **Neural architecture**: a network with fewer units has fewer weights to spend on the noise.
#   2-4-2 has 22 weights against 2-32-32-2's 1,218.
# * **Dropout**: in training, each hidden unit is dropped (set to 0) with probability $p$, so no
#   unit can rely on a particular other one; for evaluation all units are kept
#   (`Dropout(p)` between layers, in a `Sequential`).
# * **Early stopping**: watch the validation loss and keep the weights of its best epoch
#   (`fit(..., validation=..., patience=...)`).

# %%
model = network()
l2 = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.02, weight_decay=0.001),
         batch_size=None, epochs=300, tol=None, validation=(X_val, Y_val), restore_best=False,
         progress=False)

model = Sequential(Layer(2, 32, "tanh", init="glorot", seed=0), Dropout(0.2, seed=0),
                   Layer(32, 32, "tanh", init="glorot", seed=1), Dropout(0.2, seed=1),
                   Layer(32, 2, "sigmoid", init="glorot", seed=2))
dropout = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.02), batch_size=None,
              epochs=300, tol=None, validation=(X_val, Y_val), restore_best=False,
              progress=False)

small = {}
for sizes in ([2, 4, 2], [2, 2, 2]):
    model = MLP(sizes, hidden="tanh", output="sigmoid", init="glorot", seed=0)
    small[sizes[1]] = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.02),
                          batch_size=None, epochs=300, tol=None, validation=(X_val, Y_val),
                          restore_best=False, progress=False)

model = network()
early = fit(model, X, Y, optimizer=Adam(model.parameters(), lr=0.02), batch_size=None,
            epochs=300, tol=None, validation=(X_val, Y_val), patience=30, progress=False)

print(f"{'':20}{'train loss':>11}{'val loss':>10}{'val accuracy':>14}")
for name, h, e in (("no remedy, 2-32-32-2", plain, -1), ("L2, κ = 0.001", l2, -1),
                   ("smaller: 2-4-2", small[4], -1), ("dropout, p = 0.2", dropout, -1),
                   ("early stopping", early, early.best_epoch - 1),
                   ("too small: 2-2-2", small[2], -1)):
    print(f"{name:20}{h.loss[e]:11.3f}{h.val_loss[e]:10.3f}{h.val_accuracy[e]:14.1%}")
print(f"(early stopping ran {early.epochs} epochs and kept epoch {early.best_epoch})")

# %% [markdown]
# Each remedy trades a higher training loss for a lower validation loss: the network fits its 40
# points less closely and does better on new ones. How much to regularise (κ, p, the patience) is
# itself chosen on the validation set: κ = 0.01 or p = ½ would be too much for 40 points, and the
# network would underfit. So would too small an architecture: 2-2-2, with two hidden units, cannot
# bend its boundary around the moons, and both its losses stay high.
#
# ## 2 · Vanishing gradients
#
# Backpropagation hands the error back one layer at a time. The lecture's algorithm box writes the
# hidden error of unit $h$ from the output errors of the layer above,
#
# $$\varepsilon_h = \sum_{m=1}^{M} \varepsilon_m\, \sigma'_m\, w_{hm}, \qquad
# \frac{\partial\mathcal{L}}{\partial w_{fh}} = \varepsilon_h\, \sigma'_h\, x_f ,$$
#
# so $\varepsilon_h = \partial\mathcal{L}/\partial\alpha_h$, the gradient at the unit's output, and
# $\varepsilon_h\sigma'_h = \partial\mathcal{L}/\partial u_h$ the gradient at its weighted sum.
# On the lecture's 6-9-2 network (tanh hidden, sigmoid output), one person, the formulas against
# the gradients autograd found:

# %%
X_6, Y_6 = lecture_data(20, seed=2502)
net = MLP([6, 9, 2], hidden="tanh", output="sigmoid", init="glorot", seed=0)
w1, w2 = net.parameters()
trace = net.trace(X_6[0].tolist())
half_sse(trace.outputs, Y_6[0]).backward()

a = np.array([v.data for v in trace.outputs])
alpha = np.array([v.data for v in trace.hidden[0]])
eps_m = a - Y_6[0]                                    # ε_m = a_m − y_m
ds_m, ds_h = a * (1 - a), 1 - alpha**2                # σ′_m (sigmoid), σ′_h (tanh)
eps_h = w2.data[1:] @ (eps_m * ds_m)                  # ε_h = Σ_m ε_m σ′_m w_hm, h = 1…H
grad_w1 = np.outer(np.r_[1.0, X_6[0]], eps_h * ds_h)  # ∂L/∂w_fh = ε_h σ′_h x_f, x_0 = 1

print("h             ", "".join(f"{h:>9}" for h in (1, 2, 3)))
print("ε_h (formula) ", "".join(f"{e:9.4f}" for e in eps_h[:3]))
print("∂L/∂α_h       ", "".join(f"{v.grad:9.4f}" for v in trace.hidden[0][:3]), "(autograd)")
print("ε_h·σ′_h      ", "".join(f"{e:9.4f}" for e in (eps_h * ds_h)[:3]))
print("∂L/∂u_h       ", "".join(f"{v.grad:9.4f}" for v in trace.layers[0].sums[:3]), "(autograd)")
assert np.allclose(eps_h, [v.grad for v in trace.hidden[0]], rtol=0, atol=1e-12)
assert np.allclose(eps_h * ds_h, [v.grad for v in trace.layers[0].sums], rtol=0, atol=1e-12)
assert np.allclose(grad_w1, w1.grad, rtol=0, atol=1e-12)
print("ε_h, ε_h·σ′_h and ∂L/∂w¹_fh = ε_h·σ′_h·x_f: formula and autograd agree to 1e-12")

# %% [markdown]
# In a deeper network each hidden layer plays the output layer's part for the one below it: its
# $\varepsilon_h\sigma'_h$ are the "$\varepsilon_m\sigma'_m$" from which the next layer down
# computes its own errors. So every layer the error passes on its way back multiplies it once more
# by a slope $\sigma'$ and by the weights. The sigmoid's slope is at most ¼, so through ten sigmoid
# layers the gradient can shrink by $4^{-10} \approx 10^{-6}$: the layers near the input hardly
# learn. tanh's slope is at most 1, ReLU's exactly 1 where a unit is active. The norm of
# $\partial\mathcal{L}/\partial w^l$ for each layer $l$ of a fresh 10-hidden-layer network (each
# with the initialisation suited to its σ, Glorot or He), after one backward pass:

# %%
plot_depth_comparison(depth=10, activations=("sigmoid", "tanh", "relu"))

# %% [markdown]
# The sigmoid network's gradients fall by orders of magnitude from the output (right) back to the
# input (left); tanh's and ReLU's hardly change from layer to layer.
#
# ## 3 · Batch normalisation
#
# Batch normalisation rescales each unit over the batch to mean 0 and spread 1, then lets the
# network choose its own scale and shift: $y = \rho\,\hat x + \tau$ with
# $\hat x = (x - \bar x)/\sqrt{s^2 + \epsilon}$ (the paper writes γ and β; here γ is the momentum
# coefficient and β the decay of RMSProp and Adam, so the scale is ρ and the shift τ). Placed after each sigmoid layer, it keeps the next
# layer's inputs spread out, in the range where σ′ is large. The same deep sigmoid network,
# without and with a `BatchNorm` after each hidden layer, on one batch:

# %%
rng = np.random.default_rng(0)
X_deep = rng.normal(size=(128, 2))
Y_deep = (X_deep[:, 0] * X_deep[:, 1])[:, None]


def deep_sigmoid(batch_norm):
    sizes = [2] + [16] * 8
    modules = []
    for k, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        modules.append(Layer(n_in, n_out, "sigmoid", init="glorot", seed=k))
        if batch_norm:
            modules.append(BatchNorm(n_out))
    return Sequential(*modules, Layer(16, 1, "identity", init="glorot", seed=99))


for batch_norm in (False, True):
    model = deep_sigmoid(batch_norm)
    mse(model(X_deep), Y_deep).backward()
    norms = [n for name, n in gradient_norms(model).items() if name.endswith("weight")]
    print(f"BatchNorm {'on ' if batch_norm else 'off'}: ‖∂L/∂wˡ‖ from the input layer to the output:")
    print("   " + "  ".join(f"{n:.1e}" for n in norms))

# %% [markdown]
# With batch normalisation the first layers' gradients are orders of magnitude larger: the signal
# no longer fades on its way back.
#
# ## 4 · Exploding gradients, and clipping
#
# The opposite happens when each layer multiplies the signal by more than 1. Here a deep ReLU
# network whose weights are twice what He's initialisation gives: each of its nine layers doubles
# the signal on the way forward and the gradient on the way back, so the outputs are hundreds of
# times too large, and so is every gradient. One step with such a gradient throws the weights far
# away.

# %%
model = MLP([2] + [16] * 8 + [1], hidden="relu", output="identity", init="he", seed=0)
for W in model.parameters():
    W.data *= 2.0
mse(model(X_deep), Y_deep).backward()
print("‖∂L/∂wˡ‖, input layer first:",
      "  ".join(f"{n:.1e}" for n in gradient_norms(model).values()))

# %% [markdown]
# **Gradient clipping** caps the step: when the global norm $\lVert g\rVert = \sqrt{\sum_W \sum g^2}$ of
# all gradients exceeds a bound, every gradient is scaled down by the same factor, so the
# direction is kept and only the length is cut. `clip_grad_norm` does it between `backward()` and
# the optimizer's `step()`, and returns the norm it found:

# %%
before = clip_grad_norm(model.parameters(), max_norm=1.0)
after = np.sqrt(sum(np.sum(W.grad**2) for W in model.parameters()))
print(f"global gradient norm: {before:.3g} before clipping, {after:.3g} after")

# %% [markdown]
# ## 5 · Local optima and initialisation
#
# The loss of a network is not a bowl: it has plateaus, saddles and local minima, and where
# training ends depends on where it starts. XOR, the smallest problem a single neuron cannot
# solve, on the smallest network that can, 2-2-1, trained by gradient descent from ten random
# initialisations of each kind:

# %%
X_xor = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, -1.0], [1.0, 1.0]])
Y_xor = np.array([[0.0], [1.0], [1.0], [0.0]])     # 1 where the signs differ
for init in ("small", "glorot"):
    final = []
    for seed in range(10):
        model = MLP([2, 2, 1], hidden="tanh", output="sigmoid", init=init, seed=seed)
        h = fit(model, X_xor, Y_xor, optimizer=SGD(model.parameters(), lr=1.0),
                batch_size=None, epochs=300, tol=None, progress=False)
        final.append(h.loss[-1])
    print(f"init = {init!r:9} loss after 300 epochs, seeds 0–9: "
          + " ".join(f"{L:.3f}" for L in final))

# %% [markdown]
# The same network, the same data, the same rule, and the ends differ. A loss near 0.125 is the
# start itself, $\tfrac12(\tfrac12)^2$: from "small random numbers" the two hidden units start almost
# alike, every output near ½, and the gradient is nearly 0 there, a plateau that 300 epochs have not
# left. A loss near 0.06 is a local minimum: two of the four points are answered ½, and no small
# step improves that. The others have found, or are still approaching, the solution. Remedies: start from several random
# initialisations and keep the best; scale the initial weights to the layer (Glorot, He), which
# breaks the symmetry; use momentum or an adaptive rule, which roll over small bumps.
#
# ## 6 · Conjugate gradient on a network
#
# Notebook 04 ran *linear* conjugate gradient on least squares, where it ends in at most $n$
# steps. A network's loss is not a quadratic bowl, but the idea carries over: step along
# $d_k = -g_k + \omega_k d_{k-1}$, with the Polak–Ribière weight
# $\omega_k = \max\big(0,\ g_k^\top(g_k - g_{k-1}) / g_{k-1}^\top g_{k-1}\big)$, and choose
# each step length $\eta_k$ by a line search along $d_k$ (here: backtracking until the loss has
# dropped enough). `polak_ribiere` does this on a network's parameters; beside it, gradient
# descent on the same full batch, from the same start, with three learning rates:

# %%
X_cg, y_cg = moons(100, noise=0.15, seed=0)
Y_cg = one_hot(y_cg)


def moons_net():
    return MLP([2, 8, 2], hidden="tanh", output="sigmoid", init="glorot", seed=0)


net = moons_net()
cg = polak_ribiere(lambda: half_sse(net(X_cg), Y_cg), net.parameters(), steps=60)
curves = {"conjugate gradient (Polak–Ribière)": (cg.losses, cg.evaluations)}
for mu in (2.0, 8.0, 32.0):
    net = moons_net()
    opt, losses = SGD(net.parameters(), lr=mu), []
    for _ in range(600):
        opt.zero_grad()
        L = half_sse(net(X_cg), Y_cg)
        losses.append(L.item())
        L.backward()
        opt.step()
    curves[f"gradient descent, μ = {mu:g}"] = (losses, range(1, len(losses) + 1))

print(f"{'':36}{'to a loss of 0.01':>20}{'to 0.001':>20}")
print(f"{'':36}" + f"{'steps  evaluations':>20}" * 2)
for name, (losses, evaluations) in curves.items():
    row = ""
    for target in (0.01, 0.001):
        k = next((k for k, L in enumerate(losses) if L <= target), None)
        row += f"{'> 600':>20}" if k is None else f"{k:>8}{evaluations[k]:>12}"
    print(f"{name:36}{row}")

fig, ax = plt.subplots(figsize=(6, 3.2))
for name, (losses, _) in curves.items():
    ax.plot(losses, label=name, lw=2.2 if name.startswith("conj") else 1.4)
ax.set(xlabel="step", ylabel="loss on the full batch", yscale="log", xlim=(0, 600))
ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()

# %% [markdown]
# Conjugate gradient needs far fewer steps than gradient descent at any of the three rates. Each of
# its steps costs a few evaluations of the loss and its gradient (the line search tries several
# step lengths), so counted in evaluations, the fair measure of work, a gradient descent whose μ
# has been tuned (here 32, found by trying) keeps up with it; with an untuned μ it is far behind.
# Conjugate gradient's real gift is that it has no learning rate to tune. It needs the exact,
# full-batch gradient (a line search on a
# noisy mini-batch loss compares values of different functions), so it suits small networks
# trained on all their data; with mini-batches, momentum (notebook 05) is its cousin: it too
# mixes the last direction into the new one.
#
# ### Conjugate gradient on the network's own curvature
#
# Polak–Ribière feels the curvature only through its line search. autograd can give it
# directly: $Hv = \nabla_\theta(g \cdot v)$ for any vector $v$, the gradient recorded as a graph
# and differentiated once more (`hvp`, notebook 04), with $H = \nabla^2 L$ never formed. Linear
# conjugate gradient asks nothing else of a matrix, so it can solve Newton's equation
# $(H + \zeta I)\,p = -g$ for the step $p$ on the network itself: the *Hessian-free*, or
# *truncated Newton*, method (`hessian_free`). Its inner CG stops when the residual is small
# enough for how far the minimum still is, or where the curvature along its direction is not
# positive ($d^\top H d \le 0$: the quadratic model has no bottom that way). The damping $\zeta$ is
# how little that model is trusted: it grows when the loss falls by much less than the model
# promised, shrinks when the promise is kept, and a step that does not lower the loss is refused.
# The same network, start and data as above:

# %%
net = moons_net()
hf = hessian_free(lambda: half_sse(net(X_cg), Y_cg), net.parameters(), steps=60)
print(f"Hessian-free: {hf.steps} steps to a loss of {hf.losses[-1]:.1e} ({hf.refused} refused; "
      f"damping ζ from {hf.damping[0]:g} down to {hf.damping[-1]:.2g}); Polak–Ribière: "
      f"{cg.steps} steps to {cg.losses[-1]:.1e}")
gd32 = curves["gradient descent, μ = 32"][0]
runs = {"Hessian-free (CG on H·v)": (hf.losses, hf.gradients, hf.hvps),
        "conjugate gradient (Polak–Ribière)": (cg.losses, cg.evaluations, None),
        "gradient descent, μ = 32": (gd32, range(1, len(gd32) + 1), None)}
print(f"\n{'':36}{'to a loss of 0.01':>22}{'to 0.001':>22}")
print(f"{'':36}" + f"{'steps    ∇L    H·v':>22}" * 2)
for name, (losses, gradients, hvps) in runs.items():
    row = ""
    for target in (0.01, 0.001):
        k = next((k for k, L in enumerate(losses) if L <= target), None)
        row += f"{'> 600':>22}" if k is None else \
            f"{k:>9}{gradients[k]:>7}{'–' if hvps is None else hvps[k]:>6}"
    print(f"{name:36}{row}")



def net_loss():
    return half_sse(net(X_cg), Y_cg)


start = time.perf_counter()
for _ in range(50):
    net_loss().backward()
one_gradient = (time.perf_counter() - start) / 50
_, _, H_times = curvature(net_loss, net.parameters())  # v ↦ H·v at the weights found
v = np.ones(hf.x.size)
start = time.perf_counter()
for _ in range(50):
    H_times(v)
print(f"\none H·v (one backward pass through the gradient's recorded graph) takes "
      f"{(time.perf_counter() - start) / 50 / one_gradient:.1f} times a gradient's time here")

fig, ax = plt.subplots(figsize=(6, 3.2))
for name, (losses, _, _) in runs.items():
    ax.plot(losses, label=name, lw=2.2 if name.startswith("Hess") else 1.4)
ax.set(xlabel="step", ylabel="loss on the full batch", yscale="log", xlim=(0, 120))
ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()

# %% [markdown]
# Hessian-free takes the fewest steps: 19 to a loss of 0.01, against 23 for Polak–Ribière and
# 55 for gradient descent at its tuned μ. Near the minimum its steps are Newton's, and the loss
# falls ever faster (the steepening line): below $10^{-8}$ after 47 steps, where Polak–Ribière
# is at $5 \cdot 10^{-5}$ after its 60. Each step is dearer, though: a gradient, a forward pass to
# test the step, and its CG steps, one H·v each (83 of them in the first 19 steps), and an H·v
# costs several gradients (measured above). Counted as work, on this small network, reaching 0.01
# costs it more than Polak–Ribière or the tuned gradient descent; it pays off when a precise
# minimum is wanted, and, like Polak–Ribière, it has no learning rate to tune. It needs the full
# batch for the same reason: its test of each step compares values of the loss.
#
# ## 7 · Pretraining
#
# The lecture's remedy for local optima in deep networks. A deep sigmoid network started from
# the lecture's "small random numbers" hardly learns: the error shrinks at every layer on its way
# back (section 2), so the first layers get almost no gradient, and every output stays near ½.
# **Greedy layer-wise pretraining** gives each hidden layer useful weights first, one at a time,
# from the inputs alone: layer 1 is trained as the encoder of an *autoencoder* that reconstructs
# $\mathbf{x}$ (with a throw-away linear decoder); then its outputs $\alpha^1$ are the data on which
# layer 2 is trained to reconstruct $\alpha^1$, and so on. Only then is the whole network trained
# on the task. `pretrain_layers(model, X)` does the layer-by-layer part, for a 2-16-…-16-2
# network with six sigmoid hidden layers:

# %%
X_pre, y_pre = moons(200, noise=0.15, seed=0)
Y_pre = one_hot(y_pre)


def deep_net():
    return MLP([2] + [16] * 6 + [2], hidden="sigmoid", output="sigmoid", init="small", seed=0)


nets = {"random start": deep_net(), "pretrained": deep_net()}
reconstruction = pretrain_layers(nets["pretrained"], X_pre, epochs=100, lr=0.01)
print("reconstruction loss of each layer's autoencoder, first and last epoch:")
print("  " + "  ".join(f"{h.loss[0]:.2f}→{h.loss[-1]:.2f}" for h in reconstruction))

norms = {}
for name, net in nets.items():
    net.zero_grad()
    half_sse(net(X_pre), Y_pre).backward()
    norms[name] = list(gradient_norms(net).values())
    print(f"{name:13} ‖∂L/∂wˡ‖, l = 1…7: " + "  ".join(f"{n:.0e}" for n in norms[name]))

fig, ax = plt.subplots(figsize=(8, 3.2))
for name, g in norms.items():
    ax.plot(range(1, len(g) + 1), g, "o-", label=name)
ax.set(yscale="log", xlabel="layer l (1 = next to the input)", ylabel="‖∂L/∂wˡ‖₂",
       title="Before training on the task: the gradient of each layer's weights")
ax.legend()
plt.show()

# %% [markdown]
# From the random start, the first layer's gradient is about $10^{-12}$, nine orders of magnitude
# below the output layer's. After pretraining every hidden layer's is between $10^{-4}$ and
# $10^{-3}$: the error now reaches the input. Now both networks are trained on the task, by the same
# gradient descent from their two starts:

# %%
fine_tuned = {}
for name, net in nets.items():
    fine_tuned[name] = fit(net, X_pre, Y_pre, optimizer=SGD(net.parameters(), lr=2.0),
                           batch_size=None, epochs=300, tol=None, progress=False)

fig, ax = plt.subplots(figsize=(8, 3.2))
for name, h in fine_tuned.items():
    ax.plot(range(1, h.epochs + 1), h.loss, label=name)
    print(f"{name:13} loss after {h.epochs} epochs {h.loss[-1]:.3f}")
ax.set(xlabel="epoch", ylabel="training loss", title="Training on the task (gradient descent, μ = 2)")
ax.legend()
plt.show()

# %% [markdown]
# The randomly started network sits at loss ¼ (every output ½) for all 300 epochs; the pretrained
# one starts learning at once. Pretraining was how the first deep networks were trained (Hinton et
# al. 2006); ReLU, good initialisation (section 5) and batch normalisation (section 3) have made
# it mostly unnecessary, and its descendant is today's *transfer learning*: start from a network
# trained on a larger task.
