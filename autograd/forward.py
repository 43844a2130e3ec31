"""Forward mode: dual numbers, whose tangents come from the same derivative rules as the backward pass.

A ``Dual`` is a number ``x`` with a tangent ``x'``, the derivative of ``x`` along one direction of
the inputs (``x + x' e`` with ``e^2 = 0``). For an op ``y = f(x_1, ..., x_k)`` the chain rule, run
forward, gives

    y' = sum_i (d f / d x_i) x_i'

and the ``d f / d x_i`` are exactly the local derivatives that ``ops``' rules give the backward
pass. So every op of a Dual is its table entry's ``value``, its ``derivatives``, and the sum above:
no rule is written a second time, and no graph is built.

A Dual's number and tangent may be Values. Then the value and the derivatives are built as Values,
through the same table, and the tangent is a graph that reverse mode differentiates again: with
tangents ``v`` on the inputs, the output's tangent is ``grad f . v``, and its gradient is the
Hessian-vector product ``H v`` (what ``autograd.hvp`` computes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import reduce
from operator import add
from typing import Any, SupportsFloat

from . import engine, ops
from .engine import Value
from .ops import Op, is_number, to_float

Number = float | Value  # what a Dual's number and tangent may be


def _checked(x: object, what: str) -> Number:
    if isinstance(x, Value):
        return x
    if isinstance(x, Dual):
        raise TypeError(f"Dual() takes a real number or a Value as its {what}, got a Dual: Duals do not nest")
    if not is_number(x):
        raise TypeError(
            f"Dual() takes a real number or a Value as its {what}, got {type(x).__name__}: {x!r:.60}"
        )
    return to_float(x)  # type: ignore[arg-type]


def _binary(op: Op, reflected: bool = False) -> Callable[[Dual, Any], Dual]:
    """The operator method for ``op``: ``self op other``, or ``other op self`` when reflected."""

    def method(self: Dual, other: Any) -> Any:
        lifted = _lift(other)
        if lifted is None:
            return NotImplemented
        return apply(op, lifted, self) if reflected else apply(op, self, lifted)

    return method


def _unary(op: Op) -> Callable[[Dual], Dual]:
    def method(self: Dual) -> Dual:
        return apply(op, self)

    method.__doc__ = f"{op.name} of this Dual."
    return method


class Dual:
    """A number with a tangent: ``Dual(3.0, 1.0)`` is x = 3 with dx = 1, so ``Dual(3.0, 1.0) ** 2`` is
    ``Dual(data=9.0, tangent=6.0)``. It has the operators and methods of ``Value``."""

    __slots__ = ("data", "tangent")

    data: Number
    tangent: Number

    def __init__(self, data: SupportsFloat | Value, tangent: SupportsFloat | Value = 0.0) -> None:
        self.data = _checked(data, "number")
        self.tangent = _checked(tangent, "tangent")

    def __repr__(self) -> str:
        return f"Dual(data={self.data!r}, tangent={self.tangent!r})"

    def __pow__(self, other: Dual | Value | float) -> Dual:
        if is_number(other):  # x ** c, drawn and differentiated as Value's is
            return apply(ops.power_of(to_float(other)), self)  # type: ignore[arg-type]
        lifted = _lift(other)
        return NotImplemented if lifted is None else apply(ops.POW, self, lifted)

    def __rpow__(self, other: Value | float) -> Dual:
        lifted = _lift(other)
        return NotImplemented if lifted is None else apply(ops.POW, lifted, self)

    __add__ = _binary(ops.ADD)
    __radd__ = _binary(ops.ADD, reflected=True)
    __sub__ = _binary(ops.SUB)
    __rsub__ = _binary(ops.SUB, reflected=True)
    __mul__ = _binary(ops.MUL)
    __rmul__ = _binary(ops.MUL, reflected=True)
    __truediv__ = _binary(ops.DIV)
    __rtruediv__ = _binary(ops.DIV, reflected=True)
    relu = _unary(ops.RELU)
    tanh = _unary(ops.TANH)
    sigmoid = _unary(ops.SIGMOID)
    exp = _unary(ops.EXP)
    log = _unary(ops.LOG)
    sqrt = _unary(ops.SQRT)
    sin = _unary(ops.SIN)
    cos = _unary(ops.COS)
    __abs__ = abs = _unary(ops.ABS)
    __neg__ = _unary(ops.NEG)


def _lift(x: object) -> Dual | None:
    """``x`` as a Dual: itself; a constant (a number or a Value) with tangent 0; None for anything else."""
    if isinstance(x, Dual):
        return x
    if isinstance(x, Value) or is_number(x):
        return Dual(x)  # type: ignore[arg-type]
    return None


def _is_zero(tangent: Number) -> bool:
    return tangent.__class__ is float and tangent == 0


def apply(op: Op, *parents: Dual) -> Dual:
    """``op`` of ``parents``: the value ``op.value`` gives, with tangent sum_i d op / d parent_i
    times parent_i's tangent, the derivatives from ``op.derivatives``.

    A parent whose tangent is exactly 0 (a constant) adds nothing, even where its derivative is inf
    or nan, as PyTorch's forward mode does for a tensor without a tangent.
    """
    numbers = [p.data for p in parents]
    if any(isinstance(x, Value) for x in numbers):  # build the value and the derivatives as Values
        values = [x if isinstance(x, Value) else Value(x) for x in numbers]
        args = op.args(values)
        out: Number = engine.apply(op, *values)
    else:
        args = op.args(numbers)
        out = op.value(*args)
    derivatives = op.derivatives(out, *args)
    terms = [d * p.tangent for d, p in zip(derivatives, parents) if not _is_zero(p.tangent)]
    return Dual(out, reduce(add, terms) if terms else 0.0)


def sum(values: Iterable[Dual | Value | float]) -> Dual:
    """The sum of ``values``, Duals, Values or numbers: ``autograd.sum`` in forward mode."""
    return apply(ops.SUM, *_duals(values, "autograd.sum()"))


def dot(ws: Sequence[Any], xs: Sequence[Dual | Value | float]) -> Dual | list[Dual]:
    """sum_i w_i x_i, or one such sum per row of a matrix ``ws``: ``autograd.dot`` in forward mode."""
    inputs = _duals(xs, "autograd.dot()")
    matrix = len(ws) > 0 and _lift(ws[0]) is None
    rows = [_duals(row, "autograd.dot()") for row in (ws if matrix else (ws,))]
    for row in rows:
        if len(row) != len(inputs):
            raise ValueError(
                f"autograd.dot() needs as many weights as inputs: got {len(row)} and {len(inputs)}"
            )
    nodes = [apply(ops.DOT, *row, *inputs) for row in rows]
    return nodes if matrix else nodes[0]


def _duals(xs: Iterable[Any], caller: str) -> list[Dual]:
    duals = []
    for x in xs:
        lifted = _lift(x)
        if lifted is None:
            raise TypeError(f"{caller} takes Duals, Values or real numbers, got {type(x).__name__}")
        duals.append(lifted)
    return duals
