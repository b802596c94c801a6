"""The table of primitive ops: each one class, its math beside its code.

An op class is never instantiated: the class itself is the op, recorded on
the node it made (``node.op``). Each op has

* ``forward(B, ctx, *x)``: the output from the parents' data ``x``, computed
  with the backend ``B`` (:class:`~stepgrad.autograd.backend.ScalarMath` for a
  :class:`Value`, :class:`~stepgrad.autograd.backend.ArrayMath` for a
  :class:`Tensor`); ``ctx`` holds the op's constants (an exponent, an axis);
* either ``partials(B, ctx, out, *x)``: the local derivatives ∂out/∂x_i, one
  per parent (elementwise ops: the engine multiplies each by the upstream
  gradient, and undoes broadcasting once, for Tensors),
* or ``vjp(B, ctx, g, out, *x)``: the contributions g·∂out/∂x_i directly, for
  ops whose Jacobian is not diagonal (matmul, reductions, reshapes: see
  :mod:`stepgrad.autograd.tensor_ops`).

Derivatives are written in plain arithmetic, so the same line serves floats
and arrays: no derivative is written twice. Composite ops (neg, sub, div,
mean, ...) are one-liners over these primitives in :mod:`.node`.

Conventions at the kinks, as PyTorch: relu′(0) = 0, sign′ = 0 everywhere,
hardtanh′(±1) = 0, \\|x\\|′(0) = 0.
"""

from __future__ import annotations

from operator import mul


class Op:
    """Base of every op; the class attributes describe it to ``viz``.

    Attributes:
        name: short name, e.g. ``"tanh"``.
        symbol: what a graph node shows, e.g. ``"+"`` or ``"tanh"``.
        formula: f and f′ in one line, for tooltips and the stepper.
        elementwise: True when the op defines ``partials``; False when it
            defines ``vjp``.
    """

    name = "op"
    symbol = "?"
    formula = ""
    elementwise = True

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        if "name" not in cls.__dict__:
            cls.name = cls.__name__.lower()

    def __new__(cls, *a, **k):  # pragma: no cover - guard
        raise TypeError(f"{cls.__name__} is an op class; apply it with apply({cls.__name__}, ...)")

    @staticmethod
    def describe(ctx) -> str:
        """A label for the op's constants (``ctx``), shown next to the symbol."""
        return ""


# ---------------------------------------------------------------- arithmetic


class Add(Op):
    """f(a, b) = a + b;  ∂f/∂a = 1, ∂f/∂b = 1."""

    symbol = "+"
    formula = "f = a + b;  ∂f/∂a = 1,  ∂f/∂b = 1"

    @staticmethod
    def forward(B, ctx, a, b):
        return a + b

    @staticmethod
    def partials(B, ctx, out, a, b):
        return 1.0, 1.0


class Mul(Op):
    """f(a, b) = a·b;  ∂f/∂a = b, ∂f/∂b = a."""

    symbol = "×"
    formula = "f = a·b;  ∂f/∂a = b,  ∂f/∂b = a"

    @staticmethod
    def forward(B, ctx, a, b):
        return a * b

    @staticmethod
    def partials(B, ctx, out, a, b):
        return b, a


class PowConst(Op):
    """f(a) = aⁿ for a constant number n;  f′(a) = n·aⁿ⁻¹.

    0 to a negative power and a negative base to a fractional power raise
    ValueError. The slope at a = 0 for 0 < n < 1 is +inf (as PyTorch).
    """

    name = "pow"
    symbol = "**"
    formula = "f = aⁿ;  f′ = n·aⁿ⁻¹"

    @staticmethod
    def describe(ctx):
        return f"n={ctx:g}"

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
    symbol = "**"
    formula = "f = aᵇ;  ∂f/∂a = b·aᵇ⁻¹,  ∂f/∂b = aᵇ·ln a"

    @staticmethod
    def forward(B, ctx, a, b):
        B.positive(a, "pow", "Value ** Value needs a base > 0 (∂f/∂b = aᵇ·ln a); "
                   "for a negative base use a number exponent")
        return B.pow(a, b)

    @staticmethod
    def partials(B, ctx, out, a, b):
        return b * B.rawpow(a, b - 1), out * B.log(a)


# ------------------------------------------------------ elementwise functions


class Exp(Op):
    """f(x) = eˣ;  f′(x) = eˣ = f.  eˣ of a huge x is inf, as numpy."""

    symbol = "exp"
    formula = "f = eˣ;  f′ = eˣ"

    @staticmethod
    def forward(B, ctx, x):
        return B.exp(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (out,)


class Log(Op):
    """f(x) = ln x for x > 0;  f′(x) = 1/x.  x <= 0 raises ValueError."""

    symbol = "log"
    formula = "f = ln x;  f′ = 1/x"

    @staticmethod
    def forward(B, ctx, x):
        return B.log(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (1.0 / x,)


class Tanh(Op):
    """σ(x) = (e²ˣ − 1)/(e²ˣ + 1);  σ′(x) = 1 − σ².  Stable at ±1000."""

    symbol = "tanh"
    formula = "σ = tanh x;  σ′ = 1 − σ²"

    @staticmethod
    def forward(B, ctx, x):
        return B.tanh(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (1.0 - out * out,)


class Sigmoid(Op):
    """σ(x) = 1/(1 + e⁻ˣ);  σ′(x) = σ(1 − σ).  Stable at ±1000."""

    symbol = "σ"
    formula = "σ = 1/(1 + e⁻ˣ);  σ′ = σ(1 − σ)"

    @staticmethod
    def forward(B, ctx, x):
        return B.sigmoid(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (out * (1.0 - out),)


class Relu(Op):
    """σ(x) = max{x, 0};  σ′(x) = 1 for x > 0, else 0 (σ′(0) = 0, as PyTorch)."""

    symbol = "relu"
    formula = "σ = max{x, 0};  σ′ = 1 if x > 0 else 0"

    @staticmethod
    def forward(B, ctx, x):
        return B.relu(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (B.step(x),)


class Sign(Op):
    """σ(x) = sign(x) ∈ {−1, 0, 1};  σ′(x) = 0 everywhere (0 at x = 0 too)."""

    symbol = "sign"
    formula = "σ = sign x;  σ′ = 0"

    @staticmethod
    def forward(B, ctx, x):
        return B.sign(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (0.0 * x,)


class Hardtanh(Op):
    """σ(x) = max{min{x, 1}, −1};  σ′(x) = 1 for −1 < x < 1, else 0 (0 at ±1)."""

    symbol = "hardtanh"
    formula = "σ = max{min{x, 1}, −1};  σ′ = 1 if −1 < x < 1 else 0"

    @staticmethod
    def forward(B, ctx, x):
        return B.hardtanh(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (B.inside(x),)


class Abs(Op):
    """f(x) = |x|;  f′(x) = sign(x) (0 at x = 0, as PyTorch)."""

    symbol = "|x|"
    formula = "f = |x|;  f′ = sign x"

    @staticmethod
    def forward(B, ctx, x):
        return B.abs(x)

    @staticmethod
    def partials(B, ctx, out, x):
        return (B.sign(x),)


class Identity(Op):
    """σ(x) = x;  σ′(x) = 1."""

    symbol = "id"
    formula = "σ = x;  σ′ = 1"

    @staticmethod
    def forward(B, ctx, x):
        return x + 0.0  # a new number/array, never an alias of x

    @staticmethod
    def partials(B, ctx, out, x):
        return (1.0,)


# ------------------------------------------------------------------ n-ary ops


class Sum(Op):
    """f(x₁, …, xₙ) = Σᵢ xᵢ as one node;  ∂f/∂xᵢ = 1."""

    symbol = "Σ"
    formula = "f = Σᵢ xᵢ;  ∂f/∂xᵢ = 1"

    @staticmethod
    def forward(B, ctx, *x):
        return sum(x[1:], x[0])

    @staticmethod
    def partials(B, ctx, out, *x):
        return (1.0,) * len(x)


class Dot(Op):
    """u = Σᵢ wᵢ·xᵢ (+ w₀) as one node: a neuron's weighted sum.

    Parents are ``(w₁, …, wₙ, x₁, …, xₙ)`` and, with a bias, ``w₀`` last: the
    lecture's u_h = Σ_{f=0}^{F} w_fh·x_f with x₀ = 1. ``ctx`` is ``(n, bias)``.

    ∂u/∂wᵢ = xᵢ,  ∂u/∂xᵢ = wᵢ,  ∂u/∂w₀ = 1.
    One node instead of micrograd's 2n keeps network graphs small and fast.
    """

    symbol = "Σw·x"
    formula = "u = Σᵢ wᵢ·xᵢ + w₀;  ∂u/∂wᵢ = xᵢ,  ∂u/∂xᵢ = wᵢ,  ∂u/∂w₀ = 1"

    @staticmethod
    def describe(ctx):
        n, bias = ctx
        return f"n={n}" + (" +w₀" if bias else "")

    @staticmethod
    def forward(B, ctx, *p):
        n, bias = ctx
        if bias:  # w₀ + w₁x₁ + … + wₙxₙ, added in this order (as micrograd's neuron)
            return sum(map(mul, p[:n], p[n : 2 * n]), p[-1])
        return sum(map(mul, p[:n], p[n : 2 * n]))

    @staticmethod
    def partials(B, ctx, out, *p):
        n, bias = ctx
        d = p[n : 2 * n] + p[:n]
        return d + (1.0,) if bias else d


ELEMENTWISE_OPS = (
    Add, Mul, PowConst, Pow, Exp, Log, Tanh, Sigmoid, Relu, Sign, Hardtanh, Abs, Identity,
    Sum, Dot,
)
