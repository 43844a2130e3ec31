"""The primitive operations: everything about each one in one entry of ``TABLE``.

An entry holds an op's value and its local derivatives side by side, and what the rest of the
package needs to know about it: the ``Value`` method or operator it provides, where it is smooth
(where the property tests draw its arguments), where it has a kink (what ``gradcheck`` looks for),
where its backward pass masks the gradient from above, and the PyTorch function the comparison tests
hold it against. ``Value``'s methods, the backward pass, ``grad(create_graph=True)``, the drawing, the
gradient checks and the Hypothesis strategies all read this table, so adding an op is one entry
(``autograd.engine.define`` adds one after import).

The float kernels follow IEEE-754 as PyTorch's float64 does: ``1/0`` is ``inf``, ``log(-1)`` is
``nan``, ``exp(1000)`` is ``inf``; no Python math error escapes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from numbers import Real
from operator import mul
from typing import Any, SupportsFloat

Interval = tuple[float, float]
Domain = tuple[Interval, ...]  # a union of closed intervals


@dataclass(frozen=True, slots=True)
class Source:
    """An op as Python source, for ``autograd.compile``: its rules again, as functions of names.

    Each function takes the same arguments as the rule beside it in the op's entry, but as strings of
    Python (a variable's name, or a number's literal), and returns the expression that computes the
    rule on them, with the same float operations, so that the compiled graph computes what the
    interpreted one does, bit for bit::

        value(x, y)             -> "x * y"
        derivatives(out, x, y)  -> ("y", "x")           each where its mask (if any) is false
        masks(x, y)             -> (None, None)         per parent: an expression, True where masked
        finite(out, x, y)       -> "isfinite(out)"      optional: True only if every derivative is

    The expressions may use the kernels of this module by name (``divide``, ``power``, ...), ``sum``,
    ``isfinite``, ``tanh``, ``inf`` and ``nan``. ``finite`` lets the compiled backward pass skip a node
    whose gradient is 0 with one test, as the interpreted one does when every derivative is finite.
    """

    value: Callable[..., str]
    derivatives: Callable[..., tuple[str, ...]]
    masks: Callable[..., tuple[str | None, ...]] | None = None
    finite: Callable[..., str] | None = None


@dataclass(frozen=True, slots=True)
class Op:
    """A primitive f(x_1, ..., x_n) of a node's parents x_1, ..., x_n, and what to know about it.

    The contract of its two functions, for out = f(x_1, ..., x_n)::

        value(x_1, ..., x_n)             = f(x_1, ..., x_n)                  on floats
        derivatives(out, x_1, ..., x_n)  = (∂f/∂x_1, ..., ∂f/∂x_n)           a tuple, one per parent

    ``derivatives`` is called on floats when a node is made, and on Values by
    ``grad(create_graph=True)`` to build the graph of the derivative itself, so a rule uses only
    arithmetic and the helpers of this module, which take both. ``group`` gathers the parents into the
    arguments of an n-ary op (``sum`` takes one sequence, ``dot`` its weights and its inputs); its
    rule still returns one derivative per parent.

    The other fields describe the op to the rest of the package; all are optional:

    - ``method``: the Value method (``"tanh"``) or binary operator (``"__mul__"``, which brings its
      reflected ``__rmul__``) that applies the op; None for a function such as ``autograd.sum``.
    - ``constant``: for a binary operator, the op of ``x op c`` with c a number, where it has one of its
      own: ``x ** 2`` is the one-parent op ``**2``, as micrograd draws it.
    - ``domain``: for each argument, where the op is smooth and its value moderate, as intervals: the
      property tests draw arguments from them (one entry holds for every argument of an n-ary op).
    - ``kink``: whether the op has no derivative at these arguments (relu and abs at 0), for gradcheck.
    - ``masks``: for each parent, whether the backward pass gives it 0 at these arguments whatever the
      gradient from above, where PyTorch's backward formula is a ``where``: 0, not 0 * inf = nan.
    - ``torch``: the name of the PyTorch function with the same value, ``torch.<name>(*args)``.
    - ``source``: the op as Python source, for ``autograd.compile`` (see ``Source``); an op without
      one compiles to calls of its ``value`` and ``derivatives``.
    """

    name: str
    value: Callable[..., float]
    derivatives: Callable[..., tuple[Any, ...]]
    group: Callable[[Sequence[Any]], tuple[Any, ...]] | None = None
    method: str | None = None
    constant: Callable[[float], Op] | None = None
    domain: tuple[Domain, ...] = ()
    kink: Callable[..., bool] | None = None
    masks: Callable[..., tuple[bool, ...]] | None = None
    torch: str | None = None
    source: Source | None = None

    def args(self, parents: Sequence[Any]) -> Sequence[Any]:
        """The rules' arguments, from the parents (or their data) in a row."""
        return self.group(parents) if self.group else parents


def is_number(x: object) -> bool:
    """Whether ``x`` is a real number that a Value can hold (NumPy scalars and Decimal included)."""
    return type(x) is float or type(x) is int or isinstance(x, Real | Decimal)


def to_float(x: SupportsFloat) -> float:
    """``float(x)``, with integers too large for a float becoming signed infinity, not OverflowError."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf  # type: ignore[operator]
    except ValueError:  # Decimal("sNaN"): a bad value, as a TypeError like every other
        raise TypeError(
            f"Value() takes a real number, got {x!r:.60}, a signaling NaN, which has no float value: "
            f"use Decimal('NaN') or math.nan for a quiet nan"
        ) from None


# IEEE kernels: the float value of each function that Python's math module would raise on.


def divide(x: float, y: float) -> float:
    try:
        return x / y
    except ZeroDivisionError:
        return x * math.copysign(math.inf, y)


def _is_odd(y: float) -> bool:
    return y % 2 == 1


def power(x: float, y: float) -> float:
    try:
        return math.pow(x, y)
    except OverflowError:
        return -math.inf if x < 0 and _is_odd(y) else math.inf
    except ValueError:  # zero to a negative power, or a negative base to a fractional power
        if x == 0:
            return math.copysign(math.inf, x) if _is_odd(y) else math.inf
        return math.nan


def exponential(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def logarithm(x: float) -> float:
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def square_root(x: float) -> float:
    return math.sqrt(x) if x >= 0 else math.nan


def sine(x: float) -> float:
    return math.sin(x) if math.isfinite(x) else math.nan


def cosine(x: float) -> float:
    return math.cos(x) if math.isfinite(x) else math.nan


def logistic(x: float) -> float:
    """1 / (1 + e^-x), written so that neither branch can overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


# Helpers for the derivative rules: IEEE kernels on numbers, the Value's own operators on Values.

_NUMBER = (float, int)  # a tuple, not float | int: isinstance is faster with it, on the hot path


def real(x: Any) -> float:
    """The number inside ``x``: ``x`` itself, or a Value's data (for branching rules like relu's)."""
    return x if isinstance(x, _NUMBER) else x.data


def _div(x: Any, y: Any) -> Any:
    return divide(x, y) if isinstance(x, _NUMBER) and isinstance(y, _NUMBER) else x / y


def _pow(x: Any, y: Any) -> Any:
    return power(x, y) if isinstance(x, _NUMBER) and isinstance(y, _NUMBER) else x**y


def _log(x: Any) -> Any:
    return logarithm(x) if isinstance(x, _NUMBER) else x.log()


def _sin(x: Any) -> Any:
    return sine(x) if isinstance(x, _NUMBER) else x.sin()


def _cos(x: Any) -> Any:
    return cosine(x) if isinstance(x, _NUMBER) else x.cos()


def _sign(x: Any) -> float:
    x = real(x)
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0


# Where the property tests draw arguments: central differences are accurate there.

LIMIT = 100.0  # no argument, and no intermediate value of a random expression, is larger
MARGIN = 0.1  # how far arguments stay from a singularity or a kink
ANY: Domain = ((-LIMIT, LIMIT),)
POSITIVE: Domain = ((MARGIN, LIMIT),)
NONZERO: Domain = ((-LIMIT, -MARGIN), (MARGIN, LIMIT))


# The rules that do not fit on a line.


def power_derivatives(out: Any, x: Any, y: Any) -> tuple[Any, Any]:
    """d/dx x^y = y x^(y-1) and d/dy x^y = x^y ln x.

    Where these give 0 * inf or 0 * nan, PyTorch's values: d/dx x^0 = 0 at x = 0 or nan, and
    d/dy 0^y = 0 for y >= 0. Elsewhere the formulas, so that second derivatives stay right.
    """
    dx = 0.0 if real(y) == 0 and not abs(real(x)) > 0 else y * _pow(x, y - 1)
    dy = 0.0 if real(x) == 0 and real(y) >= 0 else out * _log(x)
    return dx, dy


def dot_value(ws: Sequence[float], xs: Sequence[float]) -> float:
    """sum_i w_i x_i."""
    total: float = sum(map(mul, ws, xs))
    return total


def dot_derivatives(out: Any, ws: Sequence[Any], xs: Sequence[Any]) -> tuple[Any, ...]:
    """d/dw_i sum_j w_j x_j = x_i and d/dx_i sum_j w_j x_j = w_i: each weight's derivative is its
    input, and each input's its weight."""
    return (*xs, *ws)


def halves(wx: Sequence[Any]) -> tuple[Sequence[Any], Sequence[Any]]:
    """dot's parents, ws + xs, as its two arguments ws and xs."""
    return wx[: len(wx) // 2], wx[len(wx) // 2 :]


def _power_domain(c: float) -> Domain:
    """Where x^c is smooth: anywhere for c = 0, 1, 2, ...; off 0 for c < 0; above 0 for a fraction."""
    return POSITIVE if c % 1 else NONZERO if c < 0 else ANY


@lru_cache(maxsize=128)
def power_of(c: float) -> Op:
    """x ** c for a constant c, drawn as micrograd does (``**2``): d/dx x^c = c x^(c-1).

    x ** 0 is 1 everywhere, so its derivative is 0 whatever comes from above, as in PyTorch.
    """
    if c == 0:
        return Op(
            "**0",
            lambda x: 1.0,
            lambda out, x: (0.0,),
            domain=(ANY,),
            masks=lambda x: (True,),
            source=Source(lambda x: "1.0", lambda out, x: ("0.0",), masks=lambda x: ("True",)),
        )
    return Op(
        f"**{c:g}",
        lambda x: power(x, c),
        lambda out, x: (c * _pow(x, c - 1),),
        domain=(_power_domain(c),),
        source=Source(lambda x: f"power({x}, {c!r})", lambda out, x: (f"{c!r} * power({x}, {c - 1!r})",)),
    )


# The table. d/dx of each op is the tuple after `out, x` (out is the op's own output).

ADD = Op(
    "+",
    lambda x, y: x + y,
    lambda out, x, y: (1.0, 1.0),
    method="__add__",
    domain=(ANY, ANY),
    torch="add",
    source=Source(lambda x, y: f"{x} + {y}", lambda out, x, y: ("1.0", "1.0")),
)
SUB = Op(
    "-",
    lambda x, y: x - y,
    lambda out, x, y: (1.0, -1.0),
    method="__sub__",
    domain=(ANY, ANY),
    torch="sub",
    source=Source(lambda x, y: f"{x} - {y}", lambda out, x, y: ("1.0", "-1.0")),
)
MUL = Op(
    "*",
    mul,
    lambda out, x, y: (y, x),
    method="__mul__",
    domain=(ANY, ANY),
    torch="mul",
    source=Source(lambda x, y: f"{x} * {y}", lambda out, x, y: (y, x)),
)
DIV = Op(
    "/",
    divide,
    lambda out, x, y: (_div(1.0, y), -_div(out, y)),
    method="__truediv__",
    domain=(ANY, NONZERO),
    torch="div",
    source=Source(
        lambda x, y: f"divide({x}, {y})", lambda out, x, y: (f"divide(1.0, {y})", f"-divide({out}, {y})")
    ),
)
POW = Op(
    "**",
    power,
    power_derivatives,
    method="__pow__",
    constant=power_of,
    domain=(POSITIVE, ((-3.0, 3.0),)),
    masks=lambda x, y: (y == 0, False),  # PyTorch: where(y == 0, 0, grad * y x^(y-1)); d/dy multiplies
    torch="pow",
    source=Source(
        lambda x, y: f"power({x}, {y})",
        lambda out, x, y: (
            f"{y} * power({x}, {y} - 1)",
            f"0.0 if {x} == 0 and {y} >= 0 else {out} * logarithm({x})",
        ),
        masks=lambda x, y: (f"{y} == 0", None),
    ),
)
NEG = Op(
    "neg",
    lambda x: -x,
    lambda out, x: (-1.0,),
    method="__neg__",
    domain=(ANY,),
    torch="neg",
    source=Source(lambda x: f"-{x}", lambda out, x: ("-1.0",)),
)
EXP = Op(
    "exp",
    exponential,
    lambda out, x: (out,),
    method="exp",
    domain=(((-LIMIT, math.log(LIMIT)),),),
    torch="exp",
    source=Source(lambda x: f"exponential({x})", lambda out, x: (out,)),
)
LOG = Op(
    "log",
    logarithm,
    lambda out, x: (_div(1.0, x),),
    method="log",
    domain=(POSITIVE,),
    torch="log",
    source=Source(lambda x: f"logarithm({x})", lambda out, x: (f"divide(1.0, {x})",)),
)
SQRT = Op(
    "sqrt",
    square_root,
    lambda out, x: (_div(0.5, out),),
    method="sqrt",
    domain=(POSITIVE,),
    torch="sqrt",
    source=Source(lambda x: f"square_root({x})", lambda out, x: (f"divide(0.5, {out})",)),
)
TANH = Op(
    "tanh",
    math.tanh,
    lambda out, x: (1 - out * out,),
    method="tanh",
    domain=(ANY,),
    torch="tanh",
    source=Source(lambda x: f"tanh({x})", lambda out, x: (f"1 - {out} * {out}",)),
)
SIGMOID = Op(
    "sigmoid",
    logistic,
    lambda out, x: (out * (1 - out),),
    method="sigmoid",
    domain=(ANY,),
    torch="sigmoid",
    source=Source(lambda x: f"logistic({x})", lambda out, x: (f"{out} * (1 - {out})",)),
)
RELU = Op(
    "relu",
    lambda x: 0.0 if x < 0 else x,
    lambda out, x: (0.0,) if real(x) <= 0 else (1.0,),
    method="relu",
    domain=(NONZERO,),
    kink=lambda x: x == 0,
    masks=lambda x: (x <= 0,),  # PyTorch: where(out <= 0, 0, grad)
    torch="relu",
    source=Source(
        lambda x: f"0.0 if {x} < 0 else {x}", lambda out, x: ("1.0",), masks=lambda x: (f"{x} <= 0",)
    ),
)
ABS = Op(
    "abs",
    abs,
    lambda out, x: (_sign(x),),
    method="abs",
    domain=(NONZERO,),
    kink=lambda x: x == 0,
    torch="abs",
    source=Source(lambda x: f"abs({x})", lambda out, x: (f"1.0 if {x} > 0 else -1.0 if {x} < 0 else 0.0",)),
)
SIN = Op(
    "sin",
    sine,
    lambda out, x: (_cos(x),),
    method="sin",
    domain=(ANY,),
    torch="sin",
    source=Source(lambda x: f"sine({x})", lambda out, x: (f"cosine({x})",)),
)
COS = Op(
    "cos",
    cosine,
    lambda out, x: (-_sin(x),),
    method="cos",
    domain=(ANY,),
    torch="cos",
    source=Source(lambda x: f"cosine({x})", lambda out, x: (f"-sine({x})",)),
)
SUM = Op(
    "sum",
    sum,
    lambda out, xs: (1.0,) * len(xs),
    group=lambda xs: (xs,),
    domain=(ANY,),
    torch="sum",
    source=Source(lambda xs: f"sum(({', '.join(xs)},))", lambda out, xs: ("1.0",) * len(xs)),
)
DOT = Op(
    "dot",
    dot_value,
    dot_derivatives,
    group=halves,
    domain=(ANY,),
    torch="dot",
    # sum(map(mul, ws, xs)) adds the same products in the same order; if the sum is finite, so is
    # every weight and input, which are the derivatives.
    source=Source(
        lambda ws, xs: f"sum(({', '.join(f'{w} * {x}' for w, x in zip(ws, xs))},))",
        dot_derivatives,
        finite=lambda out, ws, xs: f"isfinite({out})",
    ),
)

TABLE: list[Op] = [ADD, SUB, MUL, DIV, POW, NEG, EXP, LOG, SQRT, TANH, SIGMOID, RELU, ABS, SIN, COS, SUM, DOT]
"""Every op of the engine; ``autograd.engine.define`` adds one (``x ** c`` is ``power_of(c)``)."""
