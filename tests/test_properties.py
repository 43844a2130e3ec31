"""Property tests of the engine: every op and random graphs, first and second derivatives.

Two oracles check each derivative: central differences (``gradcheck``, ``gradgradcheck``) and SymPy,
which differentiates a closed form built in parallel from the same program and evaluates it to 30
digits. The random graphs come from ``autograd.testing.expressions()``: up to a few dozen nodes with
shared subexpressions, inputs inside every op's domain.
"""

import math
import operator
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import mpmath
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad, ops
from autograd.testing import DOMAINS, OPS, Expression, Step, assert_gradients_close, expressions, op_inputs

GRAPHS = st.integers(1, 3).flatmap(lambda n: expressions(n_inputs=n, max_ops=30))


def _dot(*wx: sympy.Expr) -> sympy.Expr:
    half = len(wx) // 2
    return sympy.Add(*(w * x for w, x in zip(wx[:half], wx[half:])))


# relu and abs are written below with the unit step, whose derivative is the delta. mpmath has
# neither; these stand in for them, right everywhere but at 0, which the strategies keep clear of.
STEP_FUNCTIONS = {"Heaviside": lambda a, *_: mpmath.mpf(a > 0), "DiracDelta": lambda a, *_: mpmath.mpf(0)}

# Each op as SymPy writes it, from the textbook definitions rather than from the engine's table.
CLOSED_FORMS: dict[str, Callable[..., sympy.Expr]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "neg": operator.neg,
    "exp": sympy.exp,
    "log": sympy.log,
    "sqrt": sympy.sqrt,
    "tanh": sympy.tanh,
    "sigmoid": lambda a: 1 / (1 + sympy.exp(-a)),
    "relu": lambda a: a * sympy.Heaviside(a),
    "abs": lambda a: a * (2 * sympy.Heaviside(a) - 1),
    "sin": sympy.sin,
    "cos": sympy.cos,
    "**2": lambda a: a**2,
    "**3": lambda a: a**3,
    "**0.5": sympy.sqrt,
    "**-1": lambda a: 1 / a,
    "**0": lambda a: sympy.Integer(1),
    "sum": lambda *xs: sympy.Add(*xs),
    "dot": _dot,
}


def one_op(op: str, n: int) -> Expression:
    """``op`` of ``n`` inputs: ``lambda x0, x1: x0 / x1``."""
    return Expression(n, (Step(op, tuple(range(n))),))


def closed_form(f: Expression) -> tuple[list[sympy.Symbol], sympy.Expr]:
    """The SymPy expression of ``f``, built step by step beside the engine's graph."""
    symbols = list(sympy.symbols(f"x0:{f.n_inputs}"))
    nodes: list[sympy.Expr] = list(symbols)
    for step in f.steps:
        args = (nodes[a] if isinstance(a, int) else sympy.Rational(a) for a in step.args)
        nodes.append(CLOSED_FORMS[step.op](*args))
    return symbols, nodes[-1]


def derivatives(f: Expression) -> Callable[..., Any]:
    """A function of the inputs giving SymPy's gradient and Hessian of ``f``, to 30 digits."""
    symbols, expression = closed_form(f)
    first = [sympy.diff(expression, s) for s in symbols]
    second = [[sympy.diff(d, s) for s in symbols] for d in first]
    exact = sympy.lambdify(symbols, [first, second], modules=[STEP_FUNCTIONS, "mpmath"], cse=True)

    def at(xs: Sequence[float]) -> tuple[list[float], list[list[float]]]:
        with mpmath.workdps(30):
            g, h = exact(*map(mpmath.mpf, xs))
            return [float(d) for d in g], [[float(d) for d in row] for row in h]

    return at


@cache
def op_derivatives(op: str, n: int) -> Callable[..., Any]:
    return derivatives(one_op(op, n))


def engine_derivatives(f: Expression, xs: Sequence[float]) -> tuple[list[float], list[list[float]]]:
    """The gradient and the Hessian of ``f`` at ``xs`` from ``grad``, the second through create_graph."""
    leaves = [Value(x) for x in xs]
    first = grad(f(*leaves), leaves, create_graph=True)
    return [g.data for g in first], [list(grad(g, leaves)) for g in first]


def assert_close(got: Sequence[Any], want: Sequence[Any], rel: float, abs_: float) -> None:
    for g, w in zip(got, want, strict=True):
        if isinstance(w, list):
            assert_close(g, w, rel, abs_)
        else:
            assert math.isclose(g, w, rel_tol=rel, abs_tol=abs_), f"engine {got}, SymPy {want}"


def test_every_op_of_the_engine_is_drawn() -> None:
    """The strategies and these tests cover the whole op table, and each name builds that very op."""
    table = {op.name for op in ops.TABLE}
    assert table <= set(OPS)
    assert set(CLOSED_FORMS) == set(OPS)
    for op in OPS:
        n = 2 if op == "dot" else len(DOMAINS[op])
        assert one_op(op, n)(*[Value(2.0)] * n).op == op


@pytest.mark.parametrize("op", OPS)
@given(data=st.data())
def test_every_op_matches_central_differences(op: str, data: st.DataObject) -> None:
    xs = data.draw(op_inputs(op))
    assert_gradients_close(one_op(op, len(xs)), xs)


@pytest.mark.parametrize("op", OPS)
@given(data=st.data())
def test_every_op_matches_sympy(op: str, data: st.DataObject) -> None:
    xs = data.draw(op_inputs(op))
    f = one_op(op, len(xs))
    assert_close(engine_derivatives(f, xs), op_derivatives(op, len(xs))(xs), rel=1e-9, abs_=1e-12)


@given(GRAPHS)
def test_random_graphs_match_central_differences(graph: tuple[Expression, list[float]]) -> None:
    f, xs = graph
    assert_gradients_close(f, xs)


@given(GRAPHS)
def test_random_graphs_match_sympy(graph: tuple[Expression, list[float]]) -> None:
    """grad, grad of grad, and backward() against SymPy's derivatives of the same expression."""
    f, xs = graph
    want_first, want_second = derivatives(f)(xs)
    got_first, got_second = engine_derivatives(f, xs)
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    assert_close(got_first, want_first, rel=1e-7, abs_=1e-9)
    assert_close([leaf.grad for leaf in leaves], want_first, rel=1e-7, abs_=1e-9)
    assert_close(got_second, want_second, rel=1e-7, abs_=1e-9)
