"""gradcheck, gradgradcheck and the strategies of autograd.testing: what a user sees.

The buggy functions here are the classic mistakes: ``.data`` inside a graph, and a derivative rule
that reads floats, so that its own derivative is lost.
"""

import importlib
import math
import sys
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis.vendor.pretty import pretty

import autograd
from autograd import Value, gradcheck, gradgradcheck, no_grad
from autograd.check import GradcheckError
from autograd.engine import apply
from autograd.ops import Op, real
from autograd.testing import (
    OPS,
    Expression,
    Step,
    assert_gradients_close,
    expressions,
    op_inputs,
    values,
)

# A cube whose derivative rule reads the float inside its input: right first derivative, but the
# derivative of that derivative is lost, as a student's new op might do.
CUBE = Op("cube", lambda x: x**3, lambda out, x: (3 * real(x) ** 2,))


def cube(x: Value) -> Value:
    return apply(CUBE, x)


def verdicts(error: GradcheckError, rows: int) -> list[str]:
    """The last column of the table in the message (its rows follow the summary and the header)."""
    return [line.rsplit("  ", 1)[1] for line in str(error).splitlines()[2 : 2 + rows]]


def test_using_data_inside_the_graph_is_caught_with_a_table() -> None:
    with pytest.raises(GradcheckError) as failure:
        gradcheck(lambda x: x * Value(x.data), [1.5])
    assert str(failure.value).splitlines() == [
        "gradcheck failed for 1 of 1 derivatives: reverse-mode gradients against central differences "
        "(eps=1e-06, atol=1e-05, rtol=0.001)",
        "input  value  numerical  analytical  abs error  rel error  verdict",
        "    0    1.5          3         1.5        1.5        0.5  MISMATCH",
        "MISMATCH: the analytical derivative is wrong: check the derivative rules, and look for .data or "
        "float() inside f, which cut the graph",
    ]
    assert isinstance(failure.value, AssertionError)


def test_without_raising_a_failed_check_returns_false() -> None:
    assert gradcheck(lambda x: x * Value(x.data), [1.5], raise_exception=False) is False
    assert gradgradcheck(cube, [1.5], raise_exception=False) is False


def test_the_table_points_at_the_wrong_input() -> None:
    with pytest.raises(GradcheckError) as failure:
        gradcheck(lambda x, y: x * y + y * Value(x.data), [2.0, 3.0])
    rows = [line.split() for line in str(failure.value).splitlines()[2:4]]
    assert [row[:4] + row[-1:] for row in rows] == [
        ["0", "2", "6", "3", "MISMATCH"],
        ["1", "3", "4", "4", "ok"],
    ]


def test_correct_functions_pass_with_numbers_values_or_one_input() -> None:
    def f(x: Value, y: Value) -> Value:
        return (x * y).tanh() + (1 + x**2).log()

    assert gradcheck(f, [0.5, -1.25])
    assert gradcheck(f, (Value(0.5), 2))
    assert gradgradcheck(f, [0.5, -1.25])
    assert gradcheck(Value.sin, 0.25)
    assert gradgradcheck(Value.exp, Value(0.25))
    with no_grad():
        assert gradcheck(f, [0.5, -1.25])


def test_gradgradcheck_catches_a_derivative_rule_that_reads_floats() -> None:
    assert gradcheck(cube, [1.5])
    with pytest.raises(GradcheckError) as failure:
        gradgradcheck(cube, [1.5])
    row = str(failure.value).splitlines()[2]
    assert " ".join(row.split()) == "0, 0 1.5, 1.5 9 0 9 1 MISMATCH"


def test_gradgradcheck_compares_every_mixed_derivative() -> None:
    # d/dx (x y) is read as a float y: d2/dx dy is lost, while d2/dy dx = d/dx x survives.
    times = Op("times", lambda x, y: x * y, lambda out, x, y: (real(y), x))
    with pytest.raises(GradcheckError) as failure:
        gradgradcheck(lambda x, y: apply(times, x, y), [2.0, 3.0])
    assert verdicts(failure.value, 4) == ["ok", "MISMATCH", "ok", "ok"]


# The pass/fail line, |analytical - numerical| <= atol + rtol * |numerical|, tested on both sides. At
# x = 1 with eps = 2**-10, every number below is exact in binary: the central difference of x is exactly
# 1, and with atol = 1/16 and rtol = 1/8 the line is at 1 +- 3/16. A rule that measured against
# |analytical|, or against both, or with < for <=, moves the line and fails one of these.
EXACT = {"eps": 2**-10, "atol": 1 / 16, "rtol": 1 / 8}
LINE = [
    (1 + 3 / 16, True),
    (math.nextafter(1 + 3 / 16, math.inf), False),
    (1 - 3 / 16, True),
    (math.nextafter(1 - 3 / 16, -math.inf), False),
]


def identity_with_derivative(d: float) -> Callable[[Value], Value]:
    """f(x) = x, with a derivative rule that says d (a right rule would say 1)."""
    op = Op("x", lambda x: x, lambda out, x: (d,))
    return lambda x: apply(op, x)


def half_square_with_second_derivative(d: float) -> Callable[[Value], Value]:
    """f(x) = x**2 / 2, whose first derivative x is right but whose second one is d (rather than 1): on
    Values the rule adds (d - 1) * (x - x.data), which is 0 in value and d - 1 in slope."""
    op = Op("x**2/2", lambda x: x * x / 2, lambda out, x: (x + (d - 1) * (x - real(x)),))
    return lambda x: apply(op, x)


@pytest.mark.parametrize(("d", "passes"), LINE)
def test_gradcheck_passes_exactly_up_to_atol_plus_rtol_times_the_numerical_derivative(
    d: float, passes: bool
) -> None:
    assert gradcheck(identity_with_derivative(d), [1.0], raise_exception=False, **EXACT) is passes


@pytest.mark.parametrize(("d", "passes"), LINE)
def test_gradgradcheck_passes_exactly_up_to_atol_plus_rtol_times_the_numerical_derivative(
    d: float, passes: bool
) -> None:
    f = half_square_with_second_derivative(d)
    assert gradcheck(f, [1.0], **EXACT)
    assert gradgradcheck(f, [1.0], raise_exception=False, **EXACT) is passes


def test_the_default_tolerances_are_pytorchs_and_the_readmes() -> None:
    """eps=1e-6, atol=1e-5, rtol=1e-3: 1 + 1e-5 + 1e-3 passes at x = 1, a little more does not."""
    assert gradcheck(identity_with_derivative(1 + 1e-5 + 0.999e-3), [1.0])
    assert not gradcheck(identity_with_derivative(1 + 1e-5 + 1.001e-3), [1.0], raise_exception=False)
    assert not gradcheck(identity_with_derivative(1 - 1e-5 - 1.001e-3), [1.0], raise_exception=False)


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (Value.relu, 0.0),
        (abs, 0.0),
        (Value.relu, 3e-7),  # within eps of the kink
        (lambda x: x if x.data > 0 else -2 * x, 0.0),  # a kink of the user's own, through a branch
    ],
)
def test_kinks_are_reported_as_not_differentiable(f: Callable[..., Value], x: float) -> None:
    for check in (gradcheck, gradgradcheck):
        with pytest.raises(GradcheckError, match="not differentiable: f has a kink"):
            check(f, [x])


def test_a_kink_is_reported_only_for_the_inputs_it_affects() -> None:
    with pytest.raises(GradcheckError) as failure:
        gradcheck(lambda x, y: (x - 1).abs() * y, [1.0, 2.0])
    assert verdicts(failure.value, 2) == ["not differentiable", "ok"]
    assert gradcheck(lambda x: x.relu() * x, [0.0])  # differentiable at 0, though relu is not
    # a relu at 0 elsewhere in the graph does not make a smooth input's strong curvature a kink
    assert gradcheck(lambda y: Value(0.0).relu() + 10 * y * y, [0.0])
    assert gradcheck(lambda x, y: (x * 0).relu() + 10 * y * y, [3.0, 0.0])


@pytest.mark.parametrize(("f", "x"), [(Value.log, -1.0), (Value.sqrt, 0.0), (lambda x: 1 / x, 0.0)])
def test_non_finite_values_are_reported_as_such(f: Callable[..., Value], x: float) -> None:
    for check in (gradcheck, gradgradcheck):
        with pytest.raises(GradcheckError, match="not finite: f or its derivative is inf or nan"):
            check(f, [x])


@pytest.mark.parametrize(
    ("f", "x"),
    [(Value.log, 2e-6), (Value.sqrt, 1e-5), (lambda x: x**0.5, 1e-5), (lambda x: (1 - x).log(), 1 - 2e-6)],
)
def test_a_point_near_the_edge_of_the_domain_is_not_called_a_kink(f: Callable[..., Value], x: float) -> None:
    for check in (gradcheck, gradgradcheck):
        with pytest.raises(GradcheckError) as failure:
            check(f, [x])
        assert verdicts(failure.value, 1) == ["near a domain edge"]
        assert "within a few eps of the edge of f's domain" in str(failure.value)
        assert "check again with a smaller eps" in str(failure.value)
        assert check(f, [x], eps=1e-9)  # the derivative is right, as the smaller eps shows


@pytest.mark.parametrize(
    ("f", "x", "larger"),
    [
        (lambda x: (x + 1e8) - 1e8, 1.0, 1e-3),
        (lambda x: ((x + 1e8) - 1e8).sin(), 1.0, 1e-3),
        (lambda x: x * x, 1e10, 1e-2),  # x + eps rounds to a neighbour of x
    ],
)
def test_rounding_that_swamps_the_differences_is_called_cancellation(
    f: Callable[..., Value], x: float, larger: float
) -> None:
    with pytest.raises(GradcheckError) as failure:
        gradcheck(f, [x])
    assert verdicts(failure.value, 1) == ["cancellation"]
    assert "lost its digits to cancellation" in str(failure.value)
    assert "check again with a larger eps" in str(failure.value)
    assert gradcheck(f, [x], eps=larger)  # the derivative is right, as the larger eps shows


def test_a_wrong_derivative_is_a_mismatch_at_a_domain_edge_too() -> None:
    for check in (gradcheck, gradgradcheck):
        with pytest.raises(GradcheckError) as failure:
            check(lambda x: x.log() * Value(x.data), [2e-6])
        assert verdicts(failure.value, 1) == ["MISMATCH"]


def test_an_overflowing_difference_is_not_finite_rather_than_a_pass() -> None:
    # a cut graph (analytical 0) whose differences overflow: inf must not count as agreement
    with pytest.raises(GradcheckError, match="not finite"):
        gradcheck(lambda x: x * 0 + (Value(x.data) * 1e6).tanh() * 1e303, [0.0])


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
@pytest.mark.parametrize(
    ("option", "bad"),
    [
        ("eps", 0),
        ("eps", -1e-6),
        ("eps", math.nan),
        ("eps", math.inf),
        ("atol", -1e-5),
        ("atol", math.nan),
        ("atol", math.inf),
        ("rtol", -0.1),
        ("rtol", math.nan),
    ],
)
def test_a_bad_step_or_tolerance_is_refused_at_once(
    check: Callable[..., bool], option: str, bad: float
) -> None:
    calls: list[float] = []

    def f(x: Value) -> Value:
        calls.append(x.data)
        return x * x

    with pytest.raises(ValueError, match=rf"^{check.__name__}\({option}={bad!r}\): {option} is .* must be"):
        check(f, [1.0], **{option: bad})
    assert calls == []


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
@pytest.mark.parametrize(("option", "bad"), [("eps", "1e-6"), ("atol", None), ("rtol", True)])
def test_a_step_or_tolerance_that_is_not_a_number_is_a_type_error(
    check: Callable[..., bool], option: str, bad: object
) -> None:
    with pytest.raises(TypeError, match=rf"^{check.__name__}\({option}=.*got {type(bad).__name__}"):
        check(Value.exp, [1.0], **{option: bad})


def test_zero_tolerances_and_number_types_are_accepted() -> None:
    assert gradcheck(lambda x: 2 * x, [0.0], eps=0.5, atol=0, rtol=0)  # exact for a linear f
    assert gradcheck(Value.exp, [0.0], eps=Fraction(1, 10**6), atol=Decimal("1e-5"))


def test_the_function_must_return_a_value() -> None:
    with pytest.raises(TypeError, match="must return a Value, got float"):
        gradcheck(lambda x: x.data * 2, [1.0])


def test_assert_gradients_close_checks_first_and_second_derivatives() -> None:
    assert_gradients_close(Value.tanh, [0.5])
    with pytest.raises(GradcheckError, match="gradcheck failed"):
        assert_gradients_close(lambda x: x * Value(x.data), [1.5])
    with pytest.raises(GradcheckError, match="gradgradcheck failed"):
        assert_gradients_close(cube, [1.5])
    assert_gradients_close(cube, [1.5], second_order=False)


def test_an_expression_reads_as_source() -> None:
    f = Expression(
        2,
        (
            Step("*", (0, 1)),
            Step("tanh", (2,)),
            Step("**2", (0,)),
            Step("+", (1.0, 4)),
            Step("log", (5,)),
            Step("+", (3, 6)),
        ),
    )
    assert repr(f) == "lambda x0, x1: tanh(x0 * x1) + log(1 + x0**2)"
    shared = Expression(2, (Step("*", (0, 1)), Step("sin", (2,)), Step("-", (2, 3)), Step("neg", (4,))))
    assert repr(shared) == "lambda x0, x1: -((t0 := x0 * x1) - sin(t0))"
    powers = Expression(
        1, (Step("-", (0, 2.0)), Step("**", (0.5, 1)), Step("**-1", (2,)), Step("dot", (0, 3, 1, 0)))
    )
    assert repr(powers) == "lambda x0: dot([x0, (0.5**(t0 := x0 - 2))**-1], [t0, x0])"


def test_hypothesis_prints_an_expression_as_its_source() -> None:
    f = Expression(1, (Step("tanh", (0,)),))
    assert pretty((f, [0.5])) == "(lambda x0: tanh(x0), [0.5])"


# The repr as Python: each function f(x) stands for x.f().
NAMESPACE = {
    name: getattr(Value, name) for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos")
}
NAMESPACE |= {"sum": autograd.sum, "dot": autograd.dot}


@given(expressions(n_inputs=3, max_ops=20))
def test_the_repr_of_every_expression_is_its_source(graph: tuple[Expression, list[float]]) -> None:
    f, xs = graph
    again = eval(repr(f), NAMESPACE)
    assert again(*map(Value, xs)).data == f(*map(Value, xs)).data


@given(expressions(n_inputs=1, ops=["tanh", "*"]))
def test_expressions_use_only_the_ops_asked_for(graph: tuple[Expression, list[float]]) -> None:
    f, _ = graph
    assert {step.op for step in f.steps} <= {"tanh", "*"}


@given(values(-2, 2))
def test_values_are_leaves(x: Value) -> None:
    assert not x.parents and -2 <= x.data <= 2


def test_unknown_op_names_are_refused() -> None:
    with pytest.raises(ValueError, match=r"ops must be names from autograd\.testing\.OPS"):
        op_inputs("softplus")
    with pytest.raises(ValueError, match=r"got \('tanh', 'softplus'\)"):
        expressions(ops=["tanh", "softplus"])
    assert "tanh" in OPS


def test_testing_names_the_extra_when_hypothesis_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)
    monkeypatch.delitem(sys.modules, "autograd.testing")
    with pytest.raises(ImportError, match=r"pip install 'valuegrad\[hypothesis\]'"):
        importlib.import_module("autograd.testing")


def test_a_kink_flags_every_second_derivative_it_touches_even_where_differences_agree() -> None:
    """d/dy d/dx of |x| y at x = 0: the central difference agrees with the convention 0, but the
    one-sided ones do not, and the row involves x, which feeds abs at 0."""
    with pytest.raises(GradcheckError) as failure:
        gradgradcheck(lambda x, y: abs(x) * y, [0.0, 2.0])
    lines = str(failure.value).splitlines()
    assert lines[0] == (
        "gradgradcheck failed for 2 of 4 derivatives: second derivatives against central differences "
        "(eps=1e-06, atol=1e-05, rtol=0.001)"
    )
    assert verdicts(failure.value, 4) == ["not differentiable", "ok", "not differentiable", "ok"]


def test_a_relu_at_zero_is_a_kink_even_where_central_differences_agree() -> None:
    """relu(x) + relu(-x) is |x|: at 0 the derivative rules give 0, as does the central difference."""
    with pytest.raises(GradcheckError) as failure:
        gradcheck(lambda x: x.relu() + (-x).relu(), [0.0])
    assert verdicts(failure.value, 1) == ["not differentiable"]


def test_the_relative_error_of_a_zero_numerical_derivative_is_inf_or_zero() -> None:
    zero = Op("zero", lambda x: 0.0, lambda out, x: (1.0,))  # f = 0, with a rule that says 1
    with pytest.raises(GradcheckError) as failure:
        gradcheck(lambda x, y: apply(zero, x) + 0 * y, [1.0, 2.0])
    assert str(failure.value).splitlines()[1:4] == [
        "input  value  numerical  analytical  abs error  rel error  verdict",
        "    0      1          0           1          1        inf  MISMATCH",
        "    1      2          0           0          0          0  ok",
    ]


@pytest.mark.parametrize("check", [gradcheck, gradgradcheck])
@pytest.mark.parametrize(
    ("option", "message"),
    [
        (
            {"eps": 0},
            "ValueError: {}(eps=0): eps is the step of the central differences and must be a finite "
            "number > 0; the default is 1e-06",
        ),
        (
            {"eps": "a"},
            "TypeError: {}(eps='a'): eps is the step of the central differences and must be a finite "
            "number > 0, got str; the default is 1e-06",
        ),
        (
            {"atol": -1},
            "ValueError: {}(atol=-1): atol is the absolute tolerance and must be a finite number >= 0; "
            "the default is 1e-05",
        ),
        (
            {"rtol": math.nan},
            "ValueError: {}(rtol=nan): rtol is the relative tolerance and must be a finite number >= 0; "
            "the default is 0.001",
        ),
    ],
)
def test_a_bad_option_is_named_with_its_meaning_its_rule_and_its_default(
    check: Callable[..., bool], option: dict[str, object], message: str
) -> None:
    with pytest.raises((TypeError, ValueError)) as raised:
        check(Value.exp, [1.0], **option)
    assert f"{type(raised.value).__name__}: {raised.value}" == message.format(check.__name__)
