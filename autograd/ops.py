"""The primitive operations: each one's value and its local derivatives, side by side.

Everything else reads this table. ``Value``'s operators build nodes from it, the backward pass
multiplies by the derivatives recorded from it, ``grad(create_graph=True)`` calls the very same
derivative rules on Values to differentiate again, and the drawing shows each op's name.

A derivative rule receives the output and the inputs, either as floats (when a node is created) or
as Values (to build the graph of the derivative itself), and returns one derivative per parent (the
n-ary ops receive their inputs grouped in sequences: see ``Op``). The rules therefore use only
arithmetic and the helpers below, which accept both.

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


@dataclass(frozen=True, slots=True)
class Op:
    """A primitive: ``value(*args)`` on floats, ``derivatives(out, *args)`` on floats or Values.

    The args are the parents, one number each, unless ``group`` gathers them into sequences, as the
    n-ary ops take them: ``sum`` one sequence, ``dot`` its weights and its inputs. Either way the
    derivative rule returns one derivative per parent.
    """

    name: str
    value: Callable[..., float]
    derivatives: Callable[..., tuple[Any, ...]]
    group: Callable[[Sequence[Any]], tuple[Any, ...]] | None = None

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


# The table. d/dx of each op is the tuple on the right; `out` is the op's own output.

ADD = Op("+", lambda x, y: x + y, lambda out, x, y: (1.0, 1.0))
SUB = Op("-", lambda x, y: x - y, lambda out, x, y: (1.0, -1.0))
MUL = Op("*", mul, lambda out, x, y: (y, x))
DIV = Op("/", divide, lambda out, x, y: (_div(1.0, y), -_div(out, y)))
NEG = Op("neg", lambda x: -x, lambda out, x: (-1.0,))
# PyTorch's values where the formulas give 0 * inf or 0 * nan: d/dx x^0 = 0 at x = 0 or nan, and
# d/dy 0^y = 0 for y >= 0. Elsewhere the formula, so that second derivatives stay right.
POW = Op(
    "**",
    power,
    lambda out, x, y: (
        0.0 if real(y) == 0 and not abs(real(x)) > 0 else y * _pow(x, y - 1),  # x is 0 or nan
        0.0 if real(x) == 0 and real(y) >= 0 else out * _log(x),
    ),
)
EXP = Op("exp", exponential, lambda out, x: (out,))
LOG = Op("log", logarithm, lambda out, x: (_div(1.0, x),))
SQRT = Op("sqrt", square_root, lambda out, x: (_div(0.5, out),))
TANH = Op("tanh", math.tanh, lambda out, x: (1 - out * out,))
SIGMOID = Op("sigmoid", logistic, lambda out, x: (out * (1 - out),))
RELU = Op("relu", lambda x: 0.0 if x < 0 else x, lambda out, x: (0.0,) if real(x) <= 0 else (1.0,))
ABS = Op("abs", abs, lambda out, x: (_sign(x),))
SIN = Op("sin", sine, lambda out, x: (_cos(x),))
COS = Op("cos", cosine, lambda out, x: (-_sin(x),))
SUM = Op("sum", sum, lambda out, xs: (1.0,) * len(xs), group=lambda xs: (xs,))
# dot(ws, xs) has parents ws + xs: each weight's derivative is its input, and the other way round.
DOT = Op(
    "dot",
    lambda ws, xs: sum(map(mul, ws, xs)),
    lambda out, ws, xs: (*xs, *ws),
    group=lambda wx: (wx[: len(wx) // 2], wx[len(wx) // 2 :]),
)


@lru_cache(maxsize=128)
def power_of(c: float) -> Op:
    """x ** c for a constant c, drawn as micrograd does (``**2``): d/dx x^c = c x^(c-1)."""
    if c == 0:
        return Op("**0", lambda x: 1.0, lambda out, x: (0.0,))
    return Op(f"**{c:g}", lambda x: power(x, c), lambda out, x: (c * _pow(x, c - 1),))
