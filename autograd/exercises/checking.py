"""The exercises of notebook 05, checking gradients.

Each answer builds nodes (a function of Values, or the derivative rule of a home-made ``Op``); the
reference is the same function written with the engine's own operations. Values and first
derivatives are compared, and for a derivative rule the second derivatives too, which is where a
rule that reads the float inside its input goes wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any

from hypothesis import strategies as st

from ..engine import Value, apply, grad
from ..engine import sum as value_sum
from ..ops import Op
from ..testing import reals
from .core import Mismatch, Note, close, exercise, shown
from .text import add_texts

add_texts(
    {
        "en": {
            "checking.value": "a Value (build it from the input Values, not from .data)",
            "checking.value_is": "value {value}",
            "checking.second": "second derivatives {hessian}",
        },
        "zh": {
            "checking.value": "一个 Value（用输入的那几个 Value 搭出来，不要经过 .data）",
            "checking.value_is": "函数值 {value}",
            "checking.second": "二阶导数 {hessian}",
        },
    }
)


def _names(n: int) -> list[str]:
    return ["x", "y"][:n] if n <= 2 else [f"x{i}" for i in range(n)]


def _first(f: Callable[..., Any], xs: Sequence[float]) -> tuple[Any, list[float]]:
    """f's value and gradient at xs, by backward()."""
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    if not isinstance(out, Value):
        return out, []
    out.backward()
    return out.data, [leaf.grad for leaf in leaves]


def _function_mismatch(
    answer: Callable[..., Any], reference: Callable[..., Value], xs: Sequence[float]
) -> Mismatch | None:
    """The answer, a function of Values, against the reference: its value and every partial derivative."""
    obtained, obtained_grads = _first(answer, xs)
    expected, expected_grads = _first(reference, xs)
    names = _names(len(xs))
    if not obtained_grads:
        return Mismatch(Note("checking.value"), f"{obtained!r}")
    if not close(obtained, expected, rel=1e-9):
        return Mismatch(
            Note("checking.value_is", value=shown(expected)), Note("checking.value_is", value=shown(obtained))
        )
    pairs = zip(obtained_grads, expected_grads, strict=True)
    if all(close(o, e, rel=1e-7, abs_=1e-10) for o, e in pairs):
        return None

    def written(grads: list[float]) -> str:
        return ", ".join(f"d/d{n} = {shown(g)}" for n, g in zip(names, grads, strict=True))

    return Mismatch(written(expected_grads), written(obtained_grads))


def _show(case: Sequence[float]) -> str:
    return ", ".join(f"{n} = {x!r}" for n, x in zip(_names(len(case)), case, strict=True))


_PLANE = st.tuples(reals(-5, 5), reals(-5, 5)).filter(lambda c: math.hypot(*c) > 0.1)


@exercise("normalize", _PLANE, show=_show)
def normalize(answer: Callable[..., Any], case: tuple[float, float]) -> Mismatch | None:
    """normalize(x, y): x / |(x, y)|, with the norm built from the Values, so that y is in the graph."""
    return _function_mismatch(answer, lambda x, y: x / (x**2 + y**2).sqrt(), case)


def _logsumexp(*xs: Value) -> Value:
    m = max(x.data for x in xs)
    return m + value_sum((x - m).exp() for x in xs).log()


@exercise("logsumexp_values", st.lists(reals(-20, 20), min_size=1, max_size=4), show=_show)
def logsumexp_values(answer: Callable[..., Any], case: list[float]) -> Mismatch | None:
    """logsumexp_values(*xs): log(sum(exp(x))) with the largest input, a Value, subtracted and added
    back: the same value and gradient (the softmax) as with the maximum taken from .data."""
    return _function_mismatch(answer, _logsumexp, case)


def _derivatives(f: Callable[..., Value], xs: Sequence[float]) -> tuple[list[float], list[list[float]]]:
    """The gradient and the Hessian of f at xs, by reverse mode twice."""
    leaves = [Value(x) for x in xs]
    first = grad(f(*leaves), leaves, create_graph=True)
    return [g.data for g in first], [list(grad(g, leaves)) for g in first]


def _rule_mismatch(
    name: str, value: Callable[..., float], answer: Any, reference: Callable[..., Value], xs: Sequence[float]
) -> Mismatch | None:
    """A derivative rule against the reference's first and second derivatives, through Op and apply."""
    op = Op(name, value, answer)
    grads, hessian = _derivatives(lambda *vs: apply(op, *vs), xs)
    expected_grads, expected_hessian = _derivatives(reference, xs)
    names = _names(len(xs))

    def written(gs: list[float]) -> str:
        return ", ".join(f"d/d{n} = {shown(g)}" for n, g in zip(names, gs, strict=True))

    if not all(close(a, b, rel=1e-7, abs_=1e-9) for a, b in zip(grads, expected_grads, strict=True)):
        return Mismatch(written(expected_grads), written(grads))
    pairs = zip(chain.from_iterable(hessian), chain.from_iterable(expected_hessian), strict=True)
    if not all(close(a, b, rel=1e-7, abs_=1e-9) for a, b in pairs):
        return Mismatch(
            Note("checking.second", hessian=repr(expected_hessian)),
            Note("checking.second", hessian=repr(hessian)),
        )
    return None


def _softplus(x: float) -> float:
    return x + math.log1p(math.exp(-x)) if x >= 0 else math.log1p(math.exp(x))


@exercise("softplus_rule", reals(-5, 5), show=lambda x: f"x = {x!r}")
def softplus_rule(answer: Any, x: float) -> Mismatch | None:
    """softplus_rule(out, x): (sigmoid(x),), in arithmetic that works on floats and on Values, so that
    the second derivative sigmoid(x) (1 - sigmoid(x)) is right too."""
    return _rule_mismatch("softplus", _softplus, answer, lambda v: (1 + v.exp()).log(), [x])


@exercise("hypot_rule", _PLANE.filter(lambda c: math.hypot(*c) > 0.5), show=_show)
def hypot_rule(answer: Any, case: tuple[float, float]) -> Mismatch | None:
    """hypot_rule(out, x, y): (x / out, y / out), the two partial derivatives of sqrt(x^2 + y^2)."""
    return _rule_mismatch("hypot", math.hypot, answer, lambda x, y: (x**2 + y**2).sqrt(), case)


@exercise("cube_rule", reals(-3, 3), show=lambda x: f"x = {x!r}")
def cube_rule(answer: Any, x: float) -> Mismatch | None:
    """cube_rule(out, x): (3 x^2,) in Value arithmetic, so that gradgradcheck's 6x comes out."""
    return _rule_mismatch("cube", lambda v: v**3, answer, lambda v: v**3, [x])
