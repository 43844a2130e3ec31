"""Derivatives of whole functions, with ``torch.autograd.functional``'s names and argument order.

Each function here takes ``f``, a function of Values that returns a Value or a list of Values, and
``inputs``, one real number or a sequence of them; it calls ``f`` on Values (or Duals) of its own,
one per input, and returns plain floats. The shapes follow PyTorch's with every tensor a scalar: a
result over the inputs is one float when ``inputs`` is one number and a list otherwise, and likewise
over the outputs, so the Jacobian of ``f: R^n -> R^m`` is ``m`` lists of ``n`` floats, ``J[i][j] =
d f_i / d x_j``.

| function | computes | by |
|---|---|---|
| ``jvp(f, inputs, v)`` | ``(f(x), J v)`` | one forward pass with Duals |
| ``vjp(f, inputs, v)`` | ``(f(x), v^T J)`` | one reverse pass |
| ``jacobian(f, inputs, mode=...)`` | ``J`` | one reverse pass per output, or one forward pass per input |
| ``hessian(f, inputs)`` | ``H`` | reverse over reverse: ``grad`` of each ``grad(create_graph=True)`` |
| ``hvp(f, inputs, v)`` | ``(f(x), H v)`` | one forward pass with Duals of Values, then one reverse pass |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from .engine import Value, dot, grad
from .forward import Dual
from .ops import is_number, to_float

__all__ = ["hessian", "hvp", "jacobian", "jvp", "vjp"]

Inputs = float | Sequence[float]
T = TypeVar("T")


def jvp(f: Callable[..., Any], inputs: Inputs, v: Inputs | None = None) -> tuple[Any, Any]:
    """``(f(x), J v)``: the outputs, and their derivatives along ``v`` (one number per input), in one
    forward pass. ``v`` may be left out when there is one input."""
    x, one = _numbers(inputs, "inputs", "jvp()")
    tangent = _direction(v, len(x), one, "input", "jvp()")
    outputs, single = _outputs(f(*map(Dual, x, tangent)), "jvp()", Dual)
    return _shaped([_float(y) for y in outputs], single), _shaped([_tangent(y) for y in outputs], single)


def vjp(f: Callable[..., Any], inputs: Inputs, v: Inputs | None = None) -> tuple[Any, Any]:
    """``(f(x), v^T J)``: the outputs, and the gradient of ``sum_i v_i f_i`` (one number per input) in
    one reverse pass. ``v`` has one number per output, and may be left out when ``f`` returns one
    Value."""
    x, one = _numbers(inputs, "inputs", "vjp()")
    leaves = [Value(xi) for xi in x]
    outputs, single = _outputs(f(*leaves), "vjp()", Value)
    cotangent = _direction(v, len(outputs), single, "output", "vjp()")
    values = [y.data for y in outputs]
    return _shaped(values, single), _shaped(list(grad(dot(cotangent, outputs), leaves)), one)


def jacobian(
    f: Callable[..., Any], inputs: Inputs, *, mode: Literal["reverse", "forward"] = "reverse"
) -> Any:
    """``J[i][j] = d f_i / d x_j``, by one reverse pass per output (``mode="reverse"``, cheaper when
    there are fewer outputs than inputs) or one forward pass per input (``mode="forward"``, cheaper
    when there are fewer inputs)."""
    x, one = _numbers(inputs, "inputs", "jacobian()")
    if mode == "reverse":
        leaves = [Value(xi) for xi in x]
        outputs, single = _outputs(f(*leaves), "jacobian()", Value)
        rows = [list(grad(y, leaves)) for y in outputs]
    elif mode == "forward":
        columns = []
        for j in range(len(x)):
            duals = [Dual(xi, 1.0 if i == j else 0.0) for i, xi in enumerate(x)]
            outputs, single = _outputs(f(*duals), "jacobian()", Dual)
            columns.append([_tangent(y) for y in outputs])
        rows = [list(row) for row in zip(*columns)]
    else:
        raise ValueError(f'jacobian(): mode must be "reverse" or "forward", got {mode!r}')
    return _shaped([_shaped(row, one) for row in rows], single)


def hessian(f: Callable[..., Any], inputs: Inputs) -> Any:
    """``H[i][j] = d2 f / dx_i dx_j`` of an ``f`` that returns one Value: the reverse-mode gradient,
    built as Values with ``grad(create_graph=True)``, differentiated once more per input."""
    x, one = _numbers(inputs, "inputs", "hessian()")
    leaves = [Value(xi) for xi in x]
    out = _scalar(f(*leaves), "hessian()", Value)
    rows = [list(grad(g, leaves)) for g in grad(out, leaves, create_graph=True)]
    return _shaped([_shaped(row, one) for row in rows], one)


def hvp(f: Callable[..., Any], inputs: Inputs, v: Inputs | None = None) -> tuple[float, Any]:
    """``(f(x), H v)`` for an ``f`` that returns one Value, without the Hessian: ``f`` runs once on
    Duals whose numbers are Values and whose tangents are ``v``, so the output's tangent is the graph
    of ``grad f . v``, and one reverse pass through it gives ``grad (grad f . v) = H v``."""
    x, one = _numbers(inputs, "inputs", "hvp()")
    tangent = _direction(v, len(x), one, "input", "hvp()")
    leaves = [Value(xi) for xi in x]
    out = _scalar(f(*map(Dual, leaves, tangent)), "hvp()", Dual)
    directional = out.tangent if isinstance(out, Dual) else 0.0
    product = grad(directional, leaves) if isinstance(directional, Value) else (0.0,) * len(x)
    return _float(out), _shaped(list(product), one)


def _numbers(xs: object, name: str, caller: str) -> tuple[list[float], bool]:
    """``xs`` (one real number, or a sequence of them) as floats, and whether it was one number."""
    if isinstance(xs, Value | Dual):
        raise TypeError(
            f"{caller} takes {name} as real numbers and calls f on Values of its own; got a "
            f"{type(xs).__name__}: pass its .data"
        )
    if is_number(xs):
        return [to_float(xs)], True  # type: ignore[arg-type]
    if not isinstance(xs, Sequence) or isinstance(xs, str | bytes):
        raise TypeError(
            f"{caller} takes {name} as a real number or a sequence of them, got {type(xs).__name__}"
        )
    for i, xi in enumerate(xs):
        if isinstance(xi, Value | Dual):
            raise TypeError(
                f"{caller} takes {name} as real numbers and calls f on Values of its own; {name}[{i}] "
                f"is a {type(xi).__name__}: pass its .data"
            )
        if not is_number(xi):
            raise TypeError(f"{caller} takes {name} as real numbers, but {name}[{i}] is {type(xi).__name__}")
    if not xs:
        raise ValueError(f"{caller} needs at least one number in {name}, got an empty {type(xs).__name__}")
    return [to_float(xi) for xi in xs], False


def _direction(v: object, count: int, one: bool, per: str, caller: str) -> list[float]:
    """``v`` as floats, which must have the shape of the inputs or outputs (``per``): one number
    where there is one (``one``), else a sequence of ``count``. Left out (None), 1 if ``count`` is 1."""
    if v is None:
        if count != 1:
            raise ValueError(f"{caller}: there are {count} {per}s, so give v, one number per {per}")
        return [1.0]
    numbers, single = _numbers(v, "v", caller)
    if single != one or len(numbers) != count:
        shape = (
            f"one number, as there is one {per}" if one else f"a sequence of {count} numbers, one per {per}"
        )
        raise ValueError(f"{caller}: v must be {shape}; got {v!r:.60}")
    return numbers


def _outputs(result: object, caller: str, kind: type) -> tuple[list[Any], bool]:
    """``f``'s result as a list of outputs, and whether it was one output rather than a list.

    Each must be a ``kind`` (a Value, or in forward mode a Dual) or a Value, which is a constant there.
    """
    single = isinstance(result, kind | Value)
    outputs = [result] if single else result
    if not isinstance(outputs, list | tuple):
        raise TypeError(
            f"{caller}: f must return a Value or a list of Values, got {type(result).__name__}: build "
            f"the result from f's arguments with Value operations (.data or float() gives a plain "
            f"number, which no derivative flows through)"
        )
    for i, y in enumerate(outputs):
        if not isinstance(y, kind | Value):
            raise TypeError(
                f"{caller}: f must return a Value or a list of Values, but its output {i} is "
                f"{type(y).__name__}: build it from f's arguments with Value operations (.data or "
                f"float() gives a plain number, which no derivative flows through)"
            )
    return list(outputs), single


def _scalar(result: object, caller: str, kind: type) -> Any:
    outputs, single = _outputs(result, caller, kind)
    if not single:
        raise TypeError(
            f"{caller}: f must return one Value, got a {type(result).__name__} of {len(outputs)}: "
            f"the Hessian is of a function to the real numbers (use jacobian() for each output's gradient)"
        )
    return outputs[0]


def _float(y: Any) -> float:
    """The number of an output: a Dual's (whose number may be a Value), or a Value's."""
    number = y.data if isinstance(y, Dual) else y
    return number.data if isinstance(number, Value) else float(number)


def _tangent(y: Any) -> float:
    """The tangent of an output; 0 for a Value, a constant in forward mode."""
    if not isinstance(y, Dual):
        return 0.0
    return y.tangent.data if isinstance(y.tangent, Value) else y.tangent


def _shaped(xs: list[T], single: bool) -> T | list[T]:
    """``xs`` itself, or its one element where it came from one number or one Value."""
    return xs[0] if single else xs
