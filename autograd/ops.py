"""The table of primitive ops: each one class, its math beside its code.

An op class is never instantiated: the class itself is the op, recorded on
the node it made (``node.op``). Each op has

* ``forward(B, consts, *x)``: the output from the parents' data ``x``, computed
  with the backend ``B`` (:class:`~stepgrad.autograd.backend.ScalarMath` for a
  :class:`Value`, :class:`~stepgrad.autograd.backend.ArrayMath` for a
  :class:`Tensor`); ``consts`` holds the op's constants (an exponent, an axis;
  ``node.consts``). It is not PyTorch's or minitorch's ``ctx``, the
  saved-for-backward context: an op here saves nothing, its derivative reads
  the parents' data and the output;
* either ``partials(B, consts, out, *x)``: the local derivatives ∂out/∂x_i, one
  per parent (the engine multiplies each by the upstream gradient, and undoes
  broadcasting once, for Tensors),
* or ``vjp(B, consts, g, out, *x)``: the contributions g·∂out/∂x_i directly, for
  ops whose Jacobian is not diagonal (matmul, reductions, reshapes: see
  :mod:`.tensor_ops`, :mod:`.shape_ops`, :mod:`.softmax_ops`).

Derivatives are written in plain arithmetic, so the same line serves floats
and arrays, and each is written once, here: to evaluate one without a graph
call :func:`~stepgrad.autograd.functional.local_derivatives`. Composite ops
(neg, sub, div, mean, ...) are one-liners over these primitives in
:mod:`.operators`.

Conventions at the kinks, as PyTorch: relu′(0) = 0, sign′ = 0 everywhere,
hardtanh′(±1) = 0, \\|x\\|′(0) = 0. Their second derivative is 0 wherever it
exists (everywhere but the kinks): f′ is an indicator or a sign, piecewise
constant; ``create_graph=True`` gives 0 at the kinks too, as PyTorch does.

How to add an op:

1. a class here (:mod:`.nary_ops` for n parents, :mod:`.tensor_ops` if only
   Tensors have it) with a
   unique ``name``, a ``symbol`` for graphs and ``formula``: f and f′ in one
   line; the docstring gives the same math in the lecture's symbols;
2. ``forward`` with the backend ``B`` for anything beyond + − × ÷ (add the
   function to both backends, ScalarMath and ArrayMath, with the same
   domain rules), and ``partials`` or ``vjp``; ``partials`` returns numbers,
   the arrays it was given (``x``, ``out``) or new arrays, which the Tensor
   fast path may overwrite with ``upstream · local``: never a view of an input.
   Write them with ``B``'s functions, arithmetic and the array's own methods
   (``.sum``, ``.reshape``, ``@``), not ``np.f(x)``: evaluated on nodes, the
   same lines give the second derivative (:mod:`.graph_math`);
3. ``describe(consts)`` if the op has constants;
4. a method or operator in :mod:`.operators` (both node kinds) or
   :mod:`.tensor`, and a function form in :mod:`.functional` if it reads well;
5. a case in ``tests/cases.py`` (forward against :mod:`math`, finite
   differences, the exact derivative at each kink and on both sides).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


class Op:
    """Base of every op; the class attributes describe it to ``viz``.

    Attributes:
        name: short name, e.g. ``"tanh"``.
        symbol: what a graph node shows, e.g. ``"+"`` or ``"tanh"``.
        formula: f and f′ in one line, for tooltips and the stepper.
        has_partials: True when the op defines ``partials`` (the engine
            multiplies them by the upstream gradient), False when it defines
            ``vjp``; set from the class, never by hand.
        second_order: True when ``partials``/``vjp`` use only ``B``'s
            functions and arithmetic, so that evaluated on nodes with
            :class:`~.graph_math.GraphMath` they record a graph
            (``create_graph=True``) and the op is twice differentiable. An op
            that computes its derivative another way sets it False: asking
            for its second derivative then raises an error naming the op.
        fresh_vjp: True when ``vjp`` returns arrays made in the call that
            nothing else refers to (a matmul's products): the Tensor fast path
            may keep one as a gradient and add into it in place.
        sparse_vjp: None, or a function ``(consts, out, rows, cols, v, picked=None)``
            giving the vjp's array for a G that is v_n at (rows_n, cols_n), one entry per
            row, and 0 elsewhere (cross-entropy's), the dense vjp's numbers to the bit,
            or None where it does not apply (softmax; see :class:`~.scatter.Scatter`
            and the Tensor fast path); ``picked`` is ``out[rows, cols]`` when the
            gradient's maker had it.
    """

    name = "op"
    symbol = "?"
    formula = ""
    has_partials = False
    second_order = True
    fresh_vjp = False
    sparse_vjp: Callable[..., Any] | None = None

    # What each op class defines (static methods), declared for the type checker only: the
    # class attributes are the subclass's, so ``hasattr(cls, "partials")`` still tells.
    forward: Callable[..., Any]  # (B, consts, *x) -> out
    partials: Callable[..., Sequence[Any]]  # (B, consts, out, *x) -> ∂out/∂xᵢ, one per parent
    vjp: Callable[..., Sequence[Any]]  # (B, consts, g, out, *x) -> g·∂out/∂xᵢ, one per parent

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.lower()
        cls.has_partials = hasattr(cls, "partials")

    def __new__(cls, *a, **k):  # pragma: no cover - guard
        raise TypeError(f"{cls.__name__} is an op class; apply it with apply({cls.__name__}, ...)")

    @staticmethod
    def describe(consts) -> str:
        """A label for the op's constants (``consts``), shown next to the symbol."""
        return ""


# ---------------------------------------------------------------- arithmetic


class Add(Op):
    """f(a, b) = a + b;  ∂f/∂a = 1, ∂f/∂b = 1."""

    symbol = "+"
    formula = "f = a + b;  ∂f/∂a = 1,  ∂f/∂b = 1"

    @staticmethod
    def forward(B, consts, a, b):
        return B.add(a, b)  # a + b (for arrays, a bias row added to many rows in blocks)

    @staticmethod
    def partials(B, consts, out, a, b):
        return 1.0, 1.0


class Mul(Op):
    """f(a, b) = a·b;  ∂f/∂a = b, ∂f/∂b = a."""

    symbol = "×"
    formula = "f = a·b;  ∂f/∂a = b,  ∂f/∂b = a"

    @staticmethod
    def forward(B, consts, a, b):
        return a * b

    @staticmethod
    def partials(B, consts, out, a, b):
        return b, a


class PowConst(Op):
    """f(a) = aⁿ for a constant number n;  f′(a) = n·aⁿ⁻¹.

    0 to a negative power and a negative base to a fractional power raise
    ValueError. The slope at a = 0 for 0 < n < 1 is +inf (as PyTorch).
    """

    name = "pow_const"
    symbol = "xⁿ"
    formula = "f = aⁿ;  f′ = n·aⁿ⁻¹"

    @staticmethod
    def describe(consts):
        return f"n={consts:g}"

    @staticmethod
    def forward(B, n, a):
        return B.pow(a, n)

    @staticmethod
    def partials(B, n, out, a):
        return (n * B.rawpow(a, n - 1),)


class Pow(Op):
    """f(a, b) = aᵇ for two nodes, a > 0;  ∂f/∂a = b·aᵇ⁻¹, ∂f/∂b = aᵇ·ln a.

    The base must be positive: ∂f/∂b needs ln a. For a negative base with an
    integer exponent use a number exponent (``a ** 3``), which is PowConst.
    """

    name = "pow"
    symbol = "aᵇ"
    formula = "f = aᵇ;  ∂f/∂a = b·aᵇ⁻¹,  ∂f/∂b = aᵇ·ln a"

    @staticmethod
    def forward(B, consts, a, b):
        B.positive(a, "pow", "Value ** Value needs a base > 0 (∂f/∂b = aᵇ·ln a); "
                   "for a negative base use a number exponent")
        return B.pow(a, b)

    @staticmethod
    def partials(B, consts, out, a, b):
        return b * B.rawpow(a, b - 1), out * B.log(a)


# ------------------------------------------------------ elementwise functions


class Exp(Op):
    """f(x) = eˣ;  f′(x) = eˣ = f.  eˣ of a huge x is inf, as numpy."""

    symbol = "exp"
    formula = "f = eˣ;  f′ = eˣ"

    @staticmethod
    def forward(B, consts, x):
        return B.exp(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (out,)


class Log(Op):
    """f(x) = ln x for x > 0;  f′(x) = 1/x.  x <= 0 raises ValueError."""

    symbol = "log"
    formula = "f = ln x;  f′ = 1/x"

    @staticmethod
    def forward(B, consts, x):
        return B.log(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (1.0 / x,)


class Tanh(Op):
    """σ(x) = (e²ˣ − 1)/(e²ˣ + 1);  σ′(x) = 1 − σ².  Stable at ±1000."""

    symbol = "tanh"
    formula = "σ = tanh x;  σ′ = 1 − σ²"

    @staticmethod
    def forward(B, consts, x):
        return B.tanh(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (B.one_minus_square(out),)  # σ′ = 1 − σ²


class Sigmoid(Op):
    """σ(x) = 1/(1 + e⁻ˣ);  σ′(x) = σ(1 − σ).  Stable at ±1000."""

    symbol = "σ"
    formula = "σ = 1/(1 + e⁻ˣ);  σ′ = σ(1 − σ)"

    @staticmethod
    def forward(B, consts, x):
        return B.sigmoid(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (out * (1.0 - out),)


class Relu(Op):
    """σ(x) = max{x, 0};  σ′(x) = 1 for x > 0, else 0 (σ′(0) = 0, as PyTorch);  σ″ = 0 a.e."""

    symbol = "relu"
    formula = "σ = max{x, 0};  σ′ = 1 if x > 0 else 0"

    @staticmethod
    def forward(B, consts, x):
        return B.relu(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (B.indicator(x > 0.0, x),)


class Sign(Op):
    """σ(x) = sign(x) ∈ {−1, 0, 1};  σ′(x) = 0 everywhere (0 at x = 0 too);  σ″ = 0."""

    symbol = "sign"
    formula = "σ = sign x;  σ′ = 0"

    @staticmethod
    def forward(B, consts, x):
        return B.sign(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (0.0 * x,)


class Hardtanh(Op):
    """σ(x) = max{min{x, 1}, −1};  σ′(x) = 1 for −1 < x < 1, else 0 (0 at ±1);  σ″ = 0 a.e."""

    symbol = "hardtanh"
    formula = "σ = max{min{x, 1}, −1};  σ′ = 1 if −1 < x < 1 else 0"

    @staticmethod
    def forward(B, consts, x):
        return B.hardtanh(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (B.indicator((-1.0 < x) & (x < 1.0), x),)


class Abs(Op):
    """f(x) = |x|;  f′(x) = sign(x) (0 at x = 0, as PyTorch);  f″ = 0 a.e. (sign′ = 0)."""

    symbol = "|x|"
    formula = "f = |x|;  f′ = sign x"

    @staticmethod
    def forward(B, consts, x):
        return B.abs(x)

    @staticmethod
    def partials(B, consts, out, x):
        return (B.sign(x),)


class Identity(Op):
    """σ(x) = x;  σ′(x) = 1."""

    symbol = "id"
    formula = "σ = x;  σ′ = 1"

    @staticmethod
    def forward(B, consts, x):
        return x + 0.0  # a new number/array, never an alias of x

    @staticmethod
    def partials(B, consts, out, x):
        return (1.0,)
