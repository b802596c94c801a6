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
# # 08 · Backprop by hand: an exercise
#
# The exam asks for backprop by hand: given a small network, its weights, one sample and its
# target, compute the outputs, the errors $\varepsilon^2_m$ and $\varepsilon^1_h$, each
# $\partial L/\partial w$ and the weights after one gradient step. This notebook gives you one
# such problem, drawn from a seed, lets you write your numbers into the cells below, and then
# checks them against the engine's.
#
# The symbols are the lecture's: inputs $x_f$, hidden outputs $\alpha_h = \sigma_h(u_h)$,
# outputs $a_m = \sigma_m(v_m)$, weights $w^1_{fh}$ and $w^2_{hm}$ with the bias at index 0
# ($x_0 = \alpha_0 = 1$). The errors carry their layer as a superscript, as the weights do:
# $\varepsilon^2_m = \partial L/\partial a_m$ is the lecture's $\varepsilon_m$ and
# $\varepsilon^1_h = \partial L/\partial \alpha_h = \sum_m \varepsilon^2_m\,\sigma'(v_m)\,w^2_{hm}$
# its $\varepsilon_h$.
#
# Work on paper first; a calculator is fine. The same exercises come from the command line:
# `stepgrad exercise --seed 7 --out ex7` (add `--count 30` for a class set with one answer key).

# %%
from IPython.display import SVG, Markdown, display

from stepgrad.practice import make_exercise

ex = make_exercise(7, difficulty="easy")  # try "medium" (2-3-2) or "hard" (3-3-2), any seed

# %% [markdown]
# ## 1 · The problem

# %%
display(Markdown(ex.problem_markdown(picture=None)))
display(SVG(ex.svg()))

# %% [markdown]
# ## 2 · Your numbers
#
# Replace each `...` by your number (4 significant digits are enough; text such as `"−0.55"`
# works too). Leave `...` where you have not got that far: the check says "not answered" there.
# A list holds one number per unit ($h = 1, 2, \dots$ or $m = 1, \dots$); a table of weights
# holds one row per input unit, the bias row $j = 0$ first, as in the problem's tables. The
# lists below fit the easy 2-2-1 network; for another size give them its lengths.
#
# **The forward phase.**

# %%
my_u = [..., ...]          # u_1, u_2: the hidden weighted sums
my_alpha = [..., ...]      # α_1, α_2
my_v = [...]               # v_1
my_a = [...]               # a_1
my_L = ...                 # the loss

# %% [markdown]
# **The output errors** $\varepsilon^2_m = \partial L/\partial a_m$, then
# $\partial L/\partial w^2_{hm} = \varepsilon^2_m\,\sigma'(v_m)\,\alpha_h$ (rows $h = 0, 1, 2$,
# one column per output $m$).

# %%
my_eps_m = [...]           # ε²_1
my_dw2 = [[...],           # ∂L/∂w²_01
          [...],           # ∂L/∂w²_11
          [...]]           # ∂L/∂w²_21

# %% [markdown]
# **The hidden errors** $\varepsilon^1_h = \sum_m \varepsilon^2_m\,\sigma'(v_m)\,w^2_{hm}$, then
# $\partial L/\partial w^1_{fh} = \varepsilon^1_h\,\sigma'(u_h)\,x_f$ (rows $f = 0, 1, 2$,
# columns $h = 1, 2$).

# %%
my_eps_h = [..., ...]      # ε¹_1, ε¹_2
my_dw1 = [[..., ...],      # ∂L/∂w¹_01, ∂L/∂w¹_02
          [..., ...],      # ∂L/∂w¹_11, ∂L/∂w¹_12
          [..., ...]]      # ∂L/∂w¹_21, ∂L/∂w¹_22

# %% [markdown]
# **One gradient step**, $w := w - \mu\,\partial L/\partial w$: the new weights, laid out as the
# problem's tables.

# %%
my_new_w2 = [[...], [...], [...]]
my_new_w1 = [[..., ...], [..., ...], [..., ...]]

# %% [markdown]
# ## 3 · The check
#
# Each of your numbers beside the engine's, marked as the steppers' quiz mode marks a typed
# answer: right within 1 % (or 0.00001 near 0). The engine's numbers are read from its own
# recorded backward pass and its SGD step, never derived a second time.

# %%
mine = {"u": my_u, "alpha": my_alpha, "v": my_v, "a": my_a, "L": my_L,
        "eps2": my_eps_m, "dL/dw2": my_dw2, "eps1": my_eps_h, "dL/dw1": my_dw1,
        "w2_new": my_new_w2, "w1_new": my_new_w1}
checked = ex.check(mine)
display(checked)

# %% [markdown]
# ## 4 · The worked solution
#
# Every line is the lecture's formula, then the numbers, then the result (to 4 digits; the answer
# key `ex.files()["answer_key.csv"]` holds every digit). Where your number was marked wrong, the
# line shows where the computation went another way.

# %%
display(Markdown(ex.solution_markdown()))

# %% [markdown]
# ## 5 · More
#
# Another seed gives another problem; the same seed always the same one. To step through this
# sample on the network's picture with the quiz asking each step, use
# `step_network(ex.problem.model(), ex.problem.x, ex.problem.y, loss=ex.problem.loss, quiz=True)`
# from `stepgrad.viz` (notebook 02 shows the player).

# %%
for seed in (8, 9):
    other = make_exercise(seed, difficulty="medium")
    print(f"seed {seed}: {other.problem.name}; x = {other.problem.x}, y = {other.problem.y}")
