"""The op table as the one place an op is defined: every entry against PyTorch float64 (its answers
recorded in tests/fixtures/edges.json, and live where it is installed), gradients of inf and nan
arriving from above included, and a new op (softplus) added as one entry."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, draw_dot, grad, gradcheck, ops
from autograd.engine import apply, define
from autograd.ops import Op
from autograd.testing import assert_gradients_close, expressions, op_inputs

from oracles import EDGE_ANSWERS, EXPONENTS, UPSTREAM, edge_answers


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=0)


def mismatches(key: str, build: Any) -> Iterator[str]:
    """Where the op that ``build`` makes differs from PyTorch's answers to case ``key`` of
    tests/fixtures/edges.json (checked live where PyTorch is installed): its value, and its gradients
    with the case's g arriving from above, through ``backward()`` and through ``grad()``."""
    g = EDGE_ANSWERS.cases[key]["g"]
    for xs, value, want in edge_answers(key):
        values = [Value(x) for x in xs]
        out = build(*values)
        if not same(out.data, value):
            yield f"{key}, at {tuple(xs)}: value {out.data}, PyTorch {value}"
        y = out * g  # g arrives from above: d y / d out = g
        y.backward()
        for how, got in (("backward()", [v.grad for v in values]), ("grad()", list(grad(y, values)))):
            if not all(map(same, got, want)):
                yield f"{key}, at {tuple(xs)}: {how} gave {got}, PyTorch {want}"


@pytest.mark.parametrize("g", UPSTREAM)
@pytest.mark.parametrize("op", [op for op in ops.TABLE if op.torch], ids=lambda op: op.name)
def test_every_op_matches_pytorch_with_inf_and_nan_from_above(op: Op, g: float) -> None:
    """PyTorch masks in some backward formulas (relu's is a ``where``, so is pow's d/dx at exponent 0)
    and multiplies in the others (0 * inf is nan): the table says which, and both passes follow it."""
    assert list(mismatches(f"{op.name} with {g} from above", lambda *xs: apply(op, *xs))) == []


@pytest.mark.parametrize("g", UPSTREAM)
@pytest.mark.parametrize("c", EXPONENTS)
def test_x_to_a_constant_matches_pytorch_with_inf_and_nan_from_above(c: float, g: float) -> None:
    """``x ** c`` is its own op (``power_of(c)``); PyTorch's ``x ** 0`` backward is 0 whatever comes.

    Left out (see ``oracles.power_rows``): -0.0 and -inf to a fractional power, where PyTorch's
    ``t ** 0.5`` is ``sqrt`` but its ``t ** tensor(0.5)`` is C's ``pow``, as here."""
    assert list(mismatches(f"**{c:g} with {g} from above", lambda x: x**c)) == []


def test_the_masked_zeros_of_the_hostile_input_report() -> None:
    """The cases that gave nan where PyTorch gives 0, in backward() and grad()."""
    for f, at in [
        (lambda x: x.relu().sqrt(), -1.0),
        (lambda x: (x**0) * math.inf, 3.0),
        (lambda x: x.relu().log(), -1.0),
        (lambda x: (x ** Value(0.0)) * math.inf, 0.0),
    ]:
        x = Value(at)
        f(x).backward()
        assert x.grad == 0.0 and grad(f(x), x) == (0.0,)


# A new op as ONE entry: softplus(x) = log(1 + e^x), d/dx = sigmoid(x).


def softplus(x: float) -> float:
    return x + math.log1p(math.exp(-x)) if x >= 0 else math.log1p(math.exp(x))


SOFTPLUS = Op(
    "softplus",
    softplus,
    lambda out, x: (x.sigmoid() if isinstance(x, Value) else ops.logistic(x),),
    method="softplus",
    domain=(ops.ANY,),
    torch="nn.functional.softplus",
)


@pytest.fixture
def defined_softplus() -> Iterator[Op]:
    define(SOFTPLUS)
    try:
        yield SOFTPLUS
    finally:  # leave the table as the other tests expect it
        ops.TABLE.remove(SOFTPLUS)
        delattr(Value, "softplus")


def test_a_new_op_is_one_entry(defined_softplus: Op) -> None:
    """With softplus's entry defined, and nothing else written for it: a method, a drawing, gradcheck's
    verdicts, Hypothesis strategies and the PyTorch comparison."""
    x = Value(0.5, label="x")
    y = getattr(x, "softplus")()  # noqa: B009  (type checkers do not see methods added at run time)
    assert y.op == "softplus" and y.parents == (x,) and y.data == pytest.approx(math.log1p(math.exp(0.5)))
    assert "softplus" in draw_dot(y).source

    assert gradcheck(lambda v: v.softplus(), [0.5])
    wrong = Op("softplus", softplus, lambda out, x: (ops.logistic(x) + 0.1,))
    assert not gradcheck(lambda v: apply(wrong, v), [0.5], raise_exception=False)

    @settings(max_examples=20)
    @given(data=st.data(), graph=expressions(n_inputs=2, max_ops=6, ops=["softplus", "*", "tanh"]))
    def strategies_draw_it(data: st.DataObject, graph: tuple[Any, list[float]]) -> None:
        assert_gradients_close(lambda v: v.softplus(), data.draw(op_inputs("softplus")))
        f, xs = graph
        assert_gradients_close(f, xs)

    strategies_draw_it()
    for g in UPSTREAM:
        assert list(mismatches(f"softplus with {g} from above", lambda v: apply(defined_softplus, v))) == []


def test_define_refuses_a_second_op_of_the_same_name_or_method() -> None:
    with pytest.raises(ValueError, match="already an op named 'tanh'"):
        define(Op("tanh", math.tanh, lambda out, x: (1 - out * out,)))
    with pytest.raises(ValueError, match="Value already has 'exp'"):
        define(Op("my exp", math.exp, lambda out, x: (out,), method="exp"))
    with pytest.raises(TypeError, match=r"^define\(\) takes an autograd.ops.Op, got str$"):
        define("softplus")  # type: ignore[arg-type]
