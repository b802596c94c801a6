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
# # 01 · One neuron, forward and backward
#
# The lecture's perceptron is built from neurons. One neuron with two inputs computes
#
# $$u = \sum_{f=0}^{F} w_f x_f \quad (x_0 = 1), \qquad a = \sigma(u) = \tanh(u), \qquad
# \varepsilon = a - y, \qquad \mathcal{L} = \tfrac12 \varepsilon^2 .$$
#
# In this notebook we let stepgrad record that computation as a graph of `Value` nodes, look at it,
# and then watch the backward phase hand gradients from $\mathcal{L}$ back to every weight, one step at
# a time, in the order the engine takes them.

# %%
from stepgrad.autograd import Value, dot, gradcheck
from stepgrad.viz import draw, step_through

# %% [markdown]
# ## Forward phase
#
# `dot` makes the weighted sum $u$ **one** node (not one multiply and one add per input), with the
# bias $w_0$ as the weight of the constant input $x_0 = 1$. The prediction error
# $\varepsilon = a - y$ gets its own node, labelled as in the lecture.

# %%
x1, x2 = Value(2.0, label="x₁"), Value(-1.0, label="x₂")
w0, w1, w2 = Value(0.4, label="w₀"), Value(-0.5, label="w₁"), Value(0.75, label="w₂")
y = 0.5

u = dot([w1, w2], [x1, x2], bias=w0); u.label = "u"
a = u.tanh();                          a.label = "a"
eps = a - y;                           eps.label = "ε"
L = 0.5 * eps ** 2;                    L.label = "L"
u, a, eps, L

# %% [markdown]
# The recorded graph in its forward view, read from left to right: the inputs and weights, the
# weighted sum $u$, the activation $a$, the error $\varepsilon = a - y$ and the loss $\mathcal{L}$, each
# with its value.

# %%
draw(L, view="forward")

# %% [markdown]
# ## Backward phase, step by step
#
# `backward(observer=...)` hands us every step the engine takes: the node, its upstream gradient
# $\partial\mathcal{L}/\partial\text{node}$ (complete at that moment), the local derivatives of the node
# with respect to each parent, and what was added to each parent's `grad`.

# %%
steps = []
L.backward(observer=steps.append)
for s in steps:
    names = [p.label or f"{p.data:g}" for p in s.parents]
    print(f"step {s.index + 1}: {s.node.op.name:5}  upstream {s.upstream: .4f}  "
          f"local {[round(d, 4) for d in s.local]}  → {names}")

# %% [markdown]
# The backward view of the same graph: each node now also shows its gradient
# $\partial\mathcal{L}/\partial\text{node}$, and each edge the local derivative and the contribution
# (upstream × local) it carried. The gradient at $\varepsilon$ is $\varepsilon$ itself
# ($\partial\,\tfrac12\varepsilon^2/\partial\varepsilon = \varepsilon$), and the one at $a$ is the same:
# the lecture's output error.

# %%
draw(L, view="backward")

# %% [markdown]
# ## Stepping through it
#
# `step_through(L)` replays the engine's backward pass one step per frame: the current node is
# highlighted, with its upstream gradient, its local derivative, their product and the `+=` into
# each parent; the nodes already finished are marked. Use the buttons or the slider (in Jupyter);
# `stepper.save_html("neuron.html")` writes the same player as one file that opens in any browser.

# %%
stepper = step_through(L)
k = 4                              # frames count from 1, as the player shows them
print(f"{len(stepper)} frames; frame {k} says:")
print(stepper.text(k - 1))         # stepper.text counts from 0, like a Python list
stepper.widget()

# %% [markdown]
# ## The lecture's formula
#
# The slides write the gradient of an output weight as
# $\partial\mathcal{L}/\partial w_{f} = \varepsilon \cdot \sigma'(u) \cdot x_f$ with the output error
# $\varepsilon = a - y$ and $\sigma'(u) = 1 - \tanh^2 u$. The engine got there by the chain rule alone:

# %%
sigma_prime = 1 - a.data ** 2
print(f"ε = a − y = {eps.data:.6f}, and the gradient that reached a is {a.grad:.6f}")
for w, x in ((w0, 1.0), (w1, x1.data), (w2, x2.data)):
    lecture = eps.data * sigma_prime * x
    print(f"{w.label}: engine {w.grad: .6f}   lecture ε·σ′·x {lecture: .6f}")
    assert abs(w.grad - lecture) < 1e-12

# %% [markdown]
# ## A node used twice
#
# In $q = p \cdot p + p$ the node $p$ feeds three edges, so the chain rule adds three terms:
# $\partial q/\partial p = p + p + 1 = 2p + 1$. The engine hands each contribution over as it
# reaches it, with `+=`; only after the last one is $p$'s gradient complete.

# %%
p = Value(3.0, label="p")
q = p * p + p
q.label = "q"
q.backward(observer=lambda s: print(
    f"step {s.index + 1}: {s.node.op.name:4} hands " +
    ", ".join(f"{c:g} to {par.label or 'p·p'}" for par, c in zip(s.parents, s.contributions))))
print(f"∂q/∂p = {p.grad:g} = 2·{p.data:g} + 1")

# %% [markdown]
# In the backward view $p$ has three outgoing edges, one per use, each with the contribution it
# carried, numbered in the order the engine added them; $p$'s gradient is their sum.

# %%
draw(q, view="backward")

# %% [markdown]
# ## Trust, but check
#
# `gradcheck` compares every gradient with a central finite difference
# $(f(x+\epsilon) - f(x-\epsilon)) / 2\epsilon$ in float64, and raises if they disagree.

# %%
def loss(w0, w1, w2):
    return 0.5 * (dot([w1, w2], [x1, x2], bias=w0).tanh() - y) ** 2

gradcheck(loss, [w0, w1, w2])
