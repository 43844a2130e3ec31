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
from typing import TYPE_CHECKING, Any, SupportsFloat

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
    """The operator method for ``op``: ``self op other``, or ``other op self`` when reflected; a
    number ``c`` on the right is ``op.constant(c)`` of ``self`` where the op has one, as on Value."""
    constant = None if reflected else op.constant

    def method(self: Dual, other: Any) -> Any:
        if constant is not None and is_number(other):
            return apply(constant(to_float(other)), self)
        lifted = _lift(other)
        if lifted is None:
            return NotImplemented
        return apply(op, lifted, self) if reflected else apply(op, self, lifted)

    return method


def _unary(op: Op) -> Callable[[Dual], Dual]:
    def method(self: Dual) -> Dual:
        return apply(op, self)

    return method


def add_methods(op: Op) -> None:
    """Give Dual the method or operator that applies ``op``, with the same name as Value's
    (``engine.define`` calls this for an op added after import)."""
    engine.add_methods(Dual, op, _binary, _unary)


class Dual:
    """A number with a tangent: ``Dual(3.0, 1.0)`` is x = 3 with dx = 1, so ``Dual(3.0, 1.0) ** 2`` is
    ``Dual(data=9.0, tangent=6.0)``. Its methods and operators are Value's, made from ``ops.TABLE``."""

    __slots__ = ("data", "tangent")

    data: Number
    tangent: Number

    def __init__(self, data: SupportsFloat | Value, tangent: SupportsFloat | Value = 0.0) -> None:
        self.data = _checked(data, "number")
        self.tangent = _checked(tangent, "tangent")

    def __repr__(self) -> str:
        return f"Dual(data={self.data!r}, tangent={self.tangent!r})"

    if TYPE_CHECKING:  # for type checkers only: these are made from ops.TABLE, below the class

        def __add__(self, other: Dual | Value | float) -> Dual: ...
        def __radd__(self, other: Dual | Value | float) -> Dual: ...
        def __sub__(self, other: Dual | Value | float) -> Dual: ...
        def __rsub__(self, other: Dual | Value | float) -> Dual: ...
        def __mul__(self, other: Dual | Value | float) -> Dual: ...
        def __rmul__(self, other: Dual | Value | float) -> Dual: ...
        def __truediv__(self, other: Dual | Value | float) -> Dual: ...
        def __rtruediv__(self, other: Dual | Value | float) -> Dual: ...
        def __pow__(self, other: Dual | Value | float) -> Dual: ...
        def __rpow__(self, other: Dual | Value | float) -> Dual: ...
        def __neg__(self) -> Dual: ...
        def __abs__(self) -> Dual: ...
        def abs(self) -> Dual: ...
        def relu(self) -> Dual: ...
        def tanh(self) -> Dual: ...
        def sigmoid(self) -> Dual: ...
        def exp(self) -> Dual: ...
        def log(self) -> Dual: ...
        def sqrt(self) -> Dual: ...
        def sin(self) -> Dual: ...
        def cos(self) -> Dual: ...


for _entry in ops.TABLE:
    add_methods(_entry)
Dual.__abs__ = Dual.abs  # type: ignore[method-assign]  # abs(d) as well as d.abs()


engine._DUAL = Dual  # so that engine.sum, dot and apply hand Duals over to this module


def _lift(x: object) -> Dual | None:
    """``x`` as a Dual: itself; a constant (a number or a Value) with tangent 0; None for anything else."""
    if isinstance(x, Dual):
        return x
    if isinstance(x, Value) or is_number(x):
        return Dual(x)  # type: ignore[arg-type]
    return None


def _is_zero(tangent: Number) -> bool:
    return tangent.__class__ is float and tangent == 0


def apply(op: Op, *parents: Dual | Value | float) -> Dual:
    """``op`` of ``parents`` (Values and numbers among them are constants): the value ``op.value``
    gives, with tangent sum_i d op / d parent_i times parent_i's tangent, the derivatives from
    ``op.derivatives``.

    A parent whose tangent is exactly 0 (a constant) adds nothing, even where its derivative is inf
    or nan, as PyTorch's forward mode does for a tensor without a tangent.
    """
    duals = parents if all(p.__class__ is Dual for p in parents) else _duals(parents, f"apply() of {op.name}")
    numbers = [p.data for p in duals]  # type: ignore[union-attr]
    if all(x.__class__ is float for x in numbers):
        args = op.args(numbers)
        out: Number = op.value(*args)
    else:  # build the value and the derivatives as Values
        values = [x if isinstance(x, Value) else Value(x) for x in numbers]
        args = op.args(values)
        out = engine.apply(op, *values)
    derivatives = op.derivatives(out, *args)
    terms = [d * p.tangent for d, p in zip(derivatives, duals) if not _is_zero(p.tangent)]  # type: ignore[union-attr]
    result = Dual.__new__(Dual)  # not Dual(): out and the tangent are floats or Values already
    result.data, result.tangent = out, reduce(add, terms) if terms else 0.0
    return result


def sum(values: Iterable[Dual | Value | float]) -> Dual:
    """The sum of ``values``, Duals, Values or numbers: ``autograd.sum`` in forward mode."""
    return apply(ops.SUM, *_duals(values, "autograd.sum()"))


def dot(rows: Sequence[Sequence[Any]], xs: Sequence[Any], biases: Sequence[Any] | None) -> list[Dual]:
    """``autograd.dot`` in forward mode: sum_i w_i x_i (+ b) for each row of weights, with its bias
    where ``biases`` holds one per row. ``autograd.dot`` has found the rows and checked the biases,
    and hands them over as they were given, so that numbers stay numbers."""
    inputs = _duals(xs, "autograd.dot()")
    weights = [_duals(row, "autograd.dot()") for row in rows]
    for row in weights:
        if len(row) != len(inputs):
            raise ValueError(
                f"autograd.dot() needs as many weights as inputs: got {len(row)} and {len(inputs)}"
            )
    if biases is None:
        return [apply(ops.DOT, *row, *inputs) for row in weights]
    return [
        apply(ops.DOT, *row, *inputs, b) for row, b in zip(weights, _duals(biases, "autograd.dot()'s bias"))
    ]


def _duals(xs: Iterable[Any], caller: str) -> list[Dual]:
    duals = []
    for x in xs:
        lifted = _lift(x)
        if lifted is None:
            raise TypeError(f"{caller} takes Duals, Values or real numbers, got {type(x).__name__}")
        duals.append(lifted)
    return duals
