"""The exercises of notebook 01, derivatives and the chain rule."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

from hypothesis import strategies as st

from ..engine import Value
from ..testing import reals
from .core import Mismatch, Note, close, exercise, shown
from .text import add_texts

add_texts(
    {
        "en": {
            "slope_zero.expected": "g'(x) = 0 at your x (within 0.05)",
            "slope_zero.obtained": "g'({x}) = {slope} (the engine's slope at your x)",
            "best_h.expected": "E'(h) = 0 at your h: the two errors balance, h > 0",
            "best_h.obtained": "h = {h}, where E'(h) = {slope} (the engine's derivative of E)",
            "backward_twice.note": "Each call adds the gradient once more into every leaf's .grad.",
        },
        "zh": {
            "slope_zero.expected": "在你给的 x 处 g'(x) = 0（误差不超过 0.05）",
            "slope_zero.obtained": "g'({x}) = {slope}（引擎在你给的 x 处算出的斜率）",
            "best_h.expected": "在你给的 h 处 E'(h) = 0：两种误差恰好抵消，且 h > 0",
            "best_h.obtained": "h = {h}，引擎算出此处 E 的导数 E'(h) = {slope}",
            "backward_twice.note": "每调用一次，梯度就再一次累加到每个叶子节点的 .grad 上。",
        },
    }
)


def _g(x: Any) -> Any:
    return 3 * x**2 - 4 * x + 5


def _number_or_none(answer: object) -> float | None:
    return float(answer) if close(answer, 0.0, rel=math.inf, abs_=math.inf) else None  # type: ignore[arg-type]


def _not_a_number(answer: object) -> Mismatch:
    return Mismatch("", Note("returned", value=answer, kind=type(answer).__name__, wanted=Note("number")))


@exercise("slope_zero", show=lambda case: "")
def slope_zero(answer: object, case: None) -> Mismatch | None:
    """The x where g(x) = 3x^2 - 4x + 5 is flat: the engine's g'(x) must be 0 there."""
    x = _number_or_none(answer)
    if x is None:
        return _not_a_number(answer)
    v = Value(x)
    _g(v).backward()
    if abs(v.grad) <= 0.05:  # 0.67, two decimals of 2/3, passes
        return None
    return Mismatch(Note("slope_zero.expected"), Note("slope_zero.obtained", x=shown(x), slope=shown(v.grad)))


_ERRORS = st.tuples(st.sampled_from([1, 2, 3]), reals(0.1, 10.0), st.floats(1e-18, 1e-10))


@exercise("best_h", _ERRORS, show=lambda case: f"p = {case[0]}, c = {case[1]!r}, eps = {case[2]!r}")
def best_h(answer: Any, case: tuple[int, float, float]) -> Mismatch | None:
    """best_h(p, c, eps): the h > 0 that minimises E(h) = c h^p + eps / h, the truncation error of a
    difference quotient of order p plus its rounding error. The engine's E'(h) must vanish there."""
    p, c, eps = case
    h = _number_or_none(obtained := answer(p, c, eps))
    if h is None:
        return _not_a_number(obtained)
    v = Value(h)
    (c * v**p + eps / v).backward()
    scale = c * p * abs(h) ** (p - 1) + eps / h**2 if h else math.inf  # the size of either term of E'
    if h > 0 and abs(v.grad) <= 1e-6 * scale:
        return None
    return Mismatch(Note("best_h.expected"), Note("best_h.obtained", h=shown(h), slope=shown(v.grad)))


_LEAVES = "abkf"


def _grads_of_c(a: float, b: float, k: float, f: float) -> tuple[float, ...]:
    leaves = [Value(x) for x in (a, b, k, f)]
    va, vb, vk, vf = leaves
    ((va * vb + vk) * vf).backward()
    return tuple(leaf.grad for leaf in leaves)


def _items(obtained: object) -> tuple[object, ...]:
    """Any sequence of numbers (a tuple, a list, a NumPy array) as a tuple; anything else, one item."""
    if isinstance(obtained, str):
        return (obtained,)
    try:
        return tuple(cast(Iterable[object], obtained))
    except TypeError:
        return (obtained,)


def _compare(names: Sequence[str], obtained: object, expected: Sequence[float]) -> Mismatch | None:
    """A tuple of numbers against the engine's, each named, as ``dC/da = 6.0, ...``."""
    values = _items(obtained)
    if len(values) == len(expected) and all(map(close, values, expected)):
        return None
    if len(values) != len(expected):
        return Mismatch(", ".join(names), repr(obtained))

    def written(xs: Sequence[object]) -> str:
        return ", ".join(f"{name} = {shown(x)}" for name, x in zip(names, xs, strict=True))

    return Mismatch(written(expected), written(values))


@exercise(
    "grads_of_C",
    st.tuples(reals(), reals(), reals(), reals()),
    show=lambda case: ", ".join(f"{n} = {x!r}" for n, x in zip(_LEAVES, case, strict=True)),
)
def grads_of_c(answer: Any, case: tuple[float, float, float, float]) -> Mismatch | None:
    """grads_of_C(a, b, k, f): (dC/da, dC/db, dC/dk, dC/df) for C = (a b + k) f, by the chain rule."""
    names = [f"dC/d{n}" for n in _LEAVES]
    return _compare(names, answer(*case), _grads_of_c(*case))


@exercise(
    "dt_da", st.tuples(reals(-3, 3), reals(-3, 3)), show=lambda case: f"a = {case[0]!r}, b = {case[1]!r}"
)
def dt_da(answer: Any, case: tuple[float, float]) -> Mismatch | None:
    """dt_da(a, b): d tanh(a b) / da, by the chain rule with tanh' = 1 - tanh^2."""
    a, b = Value(case[0]), Value(case[1])
    (a * b).tanh().backward()
    return _compare(["dt/da"], answer(*case), [a.grad])


@exercise("backward_twice", show=lambda case: "")
def backward_twice(answer: object, case: None) -> Mismatch | None:
    """a.grad after C.backward() is called twice on one graph of C = (a b + k) f, a=2 b=-3 k=10 f=-2."""
    a = Value(2.0)
    loss = (a * -3.0 + 10.0) * -2.0
    loss.backward()
    loss.backward()
    found = _compare(["a.grad"], answer, [a.grad])
    return found and Mismatch(found.expected, found.obtained, note=Note("backward_twice.note"))
