"""The op table as the one place an op is defined: every entry against PyTorch float64, gradients of
inf and nan arriving from above included, and a new op (softplus) added as one entry."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, draw_dot, grad, gradcheck, ops
from autograd.engine import apply, define
from autograd.ops import Op
from autograd.testing import assert_gradients_close, expressions, op_inputs

EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 1000.0, -1000.0, 1e-300, math.inf, -math.inf, math.nan]
UPSTREAM = [math.inf, -math.inf, math.nan]  # gradients from above that make 0 * g a nan
EXPONENTS = [2.0, 3.0, 0.5, -1.0, 0.0]  # x ** c: the ops "**2", ..., "**0"


def points(op: Op) -> list[list[float]]:
    """Arguments at the edges of every op's domain: each edge for one argument, pairs for two, and
    short rows for the n-ary ops (dot's weights, then its inputs)."""
    if op.group is not None:
        return [[a, b, c, d] for a, b in itertools.pairwise(EDGES) for c, d in ((0.0, 2.0), (math.inf, -1.0))]
    if len(op.domain) == 2:
        return [[x, y] for x in EDGES for y in EDGES]
    return [[x] for x in EDGES]


def in_torch(op: Op, tensors: list[Any], torch: Any) -> Any:
    """``op`` in PyTorch: ``torch.<op.torch>`` of its arguments, n-ary ones stacked into tensors."""
    function = functools.reduce(getattr, op.torch.split("."), torch)  # type: ignore[union-attr]
    args = [torch.stack(list(a)) if isinstance(a, list | tuple) else a for a in op.args(tensors)]
    return function(*args)


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=0)


def mismatches(op: Op, rows: Sequence[list[float]], g: float, build: Any = None) -> Iterator[str]:
    """Where ``op``'s gradients, with ``g`` arriving from above, differ from PyTorch's: through
    ``backward()`` and through ``grad()``. ``build`` makes the op in either library (default: the
    entry's method, or ``apply``, and ``torch.<op.torch>``)."""
    torch = pytest.importorskip("torch")
    for xs in rows:
        tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
        (build(*tensors) if build else in_torch(op, tensors, torch)).backward(
            torch.tensor(g, dtype=torch.float64)
        )
        want = [t.grad.item() for t in tensors]
        values = [Value(x) for x in xs]
        out = build(*values) if build else apply(op, *values)
        y = out * g  # g arrives from above: d y / d out = g
        y.backward()
        for how, got in (("backward()", [v.grad for v in values]), ("grad()", list(grad(y, values)))):
            if not all(map(same, got, want)):
                yield f"{op.name}{tuple(xs)} with {g} from above: {how} gave {got}, PyTorch {want}"


@pytest.mark.parametrize("g", UPSTREAM)
@pytest.mark.parametrize("op", [op for op in ops.TABLE if op.torch], ids=lambda op: op.name)
def test_every_op_matches_pytorch_with_inf_and_nan_from_above(op: Op, g: float) -> None:
    """PyTorch masks in some backward formulas (relu's is a ``where``, so is pow's d/dx at exponent 0)
    and multiplies in the others (0 * inf is nan): the table says which, and both passes follow it."""
    assert list(mismatches(op, points(op), g)) == []


@pytest.mark.parametrize("g", UPSTREAM)
@pytest.mark.parametrize("c", EXPONENTS)
def test_x_to_a_constant_matches_pytorch_with_inf_and_nan_from_above(c: float, g: float) -> None:
    """``x ** c`` is its own op (``power_of(c)``); PyTorch's ``x ** 0`` backward is 0 whatever comes.

    Left out: -0.0 to a fractional power, where PyTorch's ``t ** 0.5`` is ``sqrt`` (-0.0, and a
    derivative of -inf) but its ``t ** tensor(0.5)`` is C's ``pow`` (+0.0 and +inf), as here."""
    rows = [
        xs for xs in points(ops.power_of(c)) if not (c % 1 and math.copysign(1, xs[0]) < 0 and xs[0] == 0)
    ]
    assert list(mismatches(ops.power_of(c), rows, g, build=lambda x: x**c)) == []


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
    for g in [1.0, *UPSTREAM]:
        assert list(mismatches(defined_softplus, points(defined_softplus), g)) == []


def test_define_refuses_a_second_op_of_the_same_name_or_method() -> None:
    with pytest.raises(ValueError, match="already an op named 'tanh'"):
        define(Op("tanh", math.tanh, lambda out, x: (1 - out * out,)))
    with pytest.raises(ValueError, match="Value already has 'exp'"):
        define(Op("my exp", math.exp, lambda out, x: (out,), method="exp"))
    with pytest.raises(TypeError, match=r"define\(\) takes an autograd.ops.Op"):
        define("softplus")  # type: ignore[arg-type]
