"""Dual numbers: every op's tangent against central differences and PyTorch's forward mode (float64),
mixed operands, Duals of Values, and bad input."""

import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, ops
from autograd.engine import define
from autograd.forward import Dual
from autograd.ops import Op
from autograd.testing import OPS, Expression, Step, op_inputs

from oracles import TANGENTS, installed
from torch_forms import TORCH

EPS = 1e-6


def one_op(op: str, n: int) -> Expression:
    return Expression(n, (Step(op, tuple(range(n))),))


def central_difference(f: Callable[..., Value], xs: list[float], i: int) -> float:
    """(f(x + eps e_i) - f(x - eps e_i)) / 2 eps, on plain leaves."""
    shifted = [[Value(x + (step if j == i else 0.0)) for j, x in enumerate(xs)] for step in (-EPS, EPS)]
    minus, plus = (f(*leaves).data for leaves in shifted)
    return (plus - minus) / (2 * EPS)


def test_the_torch_oracle_covers_every_op() -> None:
    assert set(TORCH) == set(OPS)


def tangents(op: str, xs: list[float]) -> list[float]:
    """d op / d x_i for each i, each from one Dual evaluation with tangent e_i."""
    f = one_op(op, len(xs))
    out = []
    for i in range(len(xs)):
        y = f(*(Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(xs)))
        assert isinstance(y.data, float) and isinstance(y.tangent, float)  # no graph: plain numbers
        out.append(y.tangent)
    return out


@pytest.mark.parametrize("op", OPS)
@given(data=st.data())
def test_every_op_tangent_matches_central_differences(op: str, data: st.DataObject) -> None:
    xs = data.draw(op_inputs(op))
    f = one_op(op, len(xs))
    for i, tangent in enumerate(tangents(op, xs)):
        numerical = central_difference(f, xs, i)
        assert abs(tangent - numerical) <= 1e-5 + 1e-4 * abs(numerical), (i, tangent, numerical)


@pytest.mark.parametrize("op", OPS)
def test_every_op_tangent_matches_pytorch_forward_mode(op: str) -> None:
    """At five points inside the op's domain, against torch.func.jvp: its answers recorded in
    tests/fixtures/tangents.json, and live where PyTorch is installed."""
    for xs, answers in zip(TANGENTS.cases[op]["rows"], TANGENTS[op], strict=True):
        f = one_op(op, len(xs))
        for i, (value, expected) in enumerate(answers):
            y = f(*(Dual(x, 1.0 if j == i else 0.0) for j, x in enumerate(xs)))
            assert y.data == pytest.approx(value, rel=1e-12, abs=1e-12)
            assert y.tangent == pytest.approx(expected, rel=1e-10, abs=1e-12)


def test_the_docstring_example() -> None:
    y = Dual(3.0, 1.0) ** 2
    assert (y.data, y.tangent) == (9.0, 6.0)
    assert repr(y) == "Dual(data=9.0, tangent=6.0)"


@pytest.mark.parametrize(
    "f",
    [
        lambda x, c: x + c,
        lambda x, c: c + x,
        lambda x, c: x - c,
        lambda x, c: c - x,
        lambda x, c: x * c,
        lambda x, c: c * x,
        lambda x, c: x / c,
        lambda x, c: c / x,
        lambda x, c: x**c,
        lambda x, c: c**x,
    ],
)
# made per test, not at import: no Value lives at module level (test_compile walks what is reachable)
@pytest.mark.parametrize("make", [lambda: 2.5, lambda: Value(2.5)], ids=["number", "Value"])
def test_a_number_or_a_value_on_either_side_is_a_constant(f: Callable[..., Any], make: Any) -> None:
    y = f(Dual(1.5, 1.0), make())
    assert isinstance(y, Dual)
    expected = central_difference(lambda x: f(x, 2.5), [1.5], 0)
    number, tangent = (z.data if isinstance(z, Value) else z for z in (y.data, y.tangent))
    assert number == pytest.approx(f(Value(1.5), 2.5).data, rel=1e-15)
    assert tangent == pytest.approx(expected, rel=1e-6)


def test_sum_and_dot_take_duals() -> None:
    x, y = Dual(2.0, 1.0), Dual(-3.0, 0.0)
    s = autograd.sum([x, y, 1.0])
    d = autograd.dot([x, y], [y, 4.0])
    rows = autograd.dot([[x, y], [1.0, 2.0]], [y, x])
    assert isinstance(s, Dual) and (s.data, s.tangent) == (0.0, 1.0)
    assert isinstance(d, Dual) and (d.data, d.tangent) == (-18.0, -3.0)  # x*y + 4y: tangent y
    assert [(r.data, r.tangent) for r in rows] == [(-12.0, -6.0), (1.0, 2.0)]  # 2xy, y + 2x


def test_dot_with_a_bias_takes_duals_and_numbers_stay_numbers() -> None:
    x, b = Dual(2.0, 1.0), Dual(0.5, 1.0)
    d = autograd.dot([x, 3.0], [1.0, 2.0], bias=b)  # x + 6 + b: tangent 1 + 1
    assert isinstance(d.data, float) and (d.data, d.tangent) == (8.5, 2.0)
    rows = autograd.dot([[1.0, 2.0], [3.0, 4.0]], [x, 1.0], bias=[b, 1.0])  # x + 2 + b, 3x + 4 + 1
    assert [(r.data, r.tangent) for r in rows] == [(4.5, 2.0), (11.0, 3.0)]
    with pytest.raises(ValueError, match="one bias per row"):
        autograd.dot([[1.0], [2.0]], [x], bias=[b])


def test_a_constant_with_an_infinite_derivative_adds_nothing_as_in_pytorch() -> None:
    # sqrt'(0) is inf; a zero tangent means the constant does not vary, so inf * 0 is not taken
    y = Dual(2.0, 1.0) + Dual(0.0).sqrt()
    assert y.tangent == 1.0  # d/dx (x + c) = 1
    torch = installed("torch")
    if torch is not None:  # and PyTorch's forward mode agrees, where it is installed
        constant = torch.tensor(0.0, dtype=torch.float64)
        _, expected = torch.func.jvp(
            lambda x: x + constant.sqrt(),
            (torch.tensor(2.0, dtype=torch.float64),),
            (torch.tensor(1.0, dtype=torch.float64),),
        )
        assert expected.item() == 1.0


def test_a_dual_of_values_gives_second_derivatives_by_reverse_mode() -> None:
    # f = sin(x^3): f' = 3x^2 cos(x^3), f'' = 6x cos(x^3) - 9x^4 sin(x^3)
    x = Value(0.7)
    y = (Dual(x, 1.0) ** 3).sin()
    assert isinstance(y.data, Value) and isinstance(y.tangent, Value)
    assert y.data.data == pytest.approx(math.sin(0.7**3), rel=1e-15)
    assert y.tangent.data == pytest.approx(3 * 0.7**2 * math.cos(0.7**3), rel=1e-15)
    (second,) = grad(y.tangent, [x])
    assert second == pytest.approx(6 * 0.7 * math.cos(0.7**3) - 9 * 0.7**4 * math.sin(0.7**3), rel=1e-14)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Dual("3"), "Dual() takes a real number or a Value as its number, got str"),
        (lambda: Dual(1.0, None), "Dual() takes a real number or a Value as its tangent, got NoneType"),
        (lambda: Dual(Dual(1.0)), "got a Dual: Duals do not nest"),
        (lambda: Dual(1.0) + "a", "unsupported operand"),
        (
            lambda: autograd.sum([Dual(1.0), "a"]),
            "autograd.sum() takes Duals, Values or real numbers, got str",
        ),
        (lambda: autograd.dot([Dual(1.0)], [1.0, 2.0]), "needs as many weights as inputs: got 1 and 2"),
    ],
)
def test_bad_input_says_what_is_wrong(make: Callable[[], object], message: str) -> None:
    with pytest.raises((TypeError, ValueError)) as error:
        make()
    assert message in str(error.value)


@pytest.fixture
def softplus() -> Iterator[Op]:
    """log(1 + e^x), added to the engine with ``define`` for one test, then taken out again."""
    op = Op(
        "softplus",
        lambda x: math.log1p(math.exp(x)),
        lambda out, x: (x.sigmoid() if isinstance(x, Value) else 1 / (1 + math.exp(-x)),),
        method="softplus",
    )
    define(op)
    yield op
    ops.TABLE.remove(op)
    delattr(Value, "softplus")
    delattr(Dual, "softplus")


def test_an_op_added_to_the_table_is_a_dual_method_too(softplus: Op) -> None:
    y = Dual(0.5, 1.0).softplus()  # type: ignore[attr-defined]
    assert y.data == pytest.approx(math.log1p(math.exp(0.5)), rel=1e-15)
    assert y.tangent == pytest.approx(central_difference(lambda x: x.softplus(), [0.5], 0), rel=1e-8)
