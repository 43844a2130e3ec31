"""jvp, vjp, jacobian, hessian and hvp on random expressions over every op: against
torch.autograd.functional in float64 (where PyTorch is installed), against central differences, and
against each other; their shapes against PyTorch's; and their errors."""

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from torch_forms import torch_function

import autograd
from autograd import Value, grad, hessian, hvp, jacobian, jvp, vjp
from autograd.testing import Expression, expressions, reals

EPS = 1e-6
GRAPHS = st.integers(1, 3).flatmap(lambda n: expressions(n_inputs=n, max_ops=12))


def every_node(f: Expression) -> Callable[..., list[Any]]:
    """``f: R^n -> R^m``, the inputs and every step of ``f``: all inside their ops' domains."""

    def g(*xs: Any) -> list[Any]:
        nodes = list(xs)
        for step in f.steps:
            nodes.append(step.apply(nodes))
        return nodes

    return g


def with_direction(size: Callable[[Expression, list[float]], int]) -> st.SearchStrategy[Any]:
    """``(f, xs, v)``: a drawn expression, its inputs, and a direction of ``size(f, xs)`` numbers."""
    return GRAPHS.flatmap(
        lambda f_xs: st.lists(reals(-2, 2), min_size=size(*f_xs), max_size=size(*f_xs)).map(
            lambda v: (*f_xs, v)
        )
    )


PER_INPUT = with_direction(lambda f, xs: len(xs))
PER_NODE = with_direction(lambda f, xs: len(xs) + len(f.steps))


def assert_close(ours: Any, theirs: Any, rel: float = 1e-9, abs_: float = 1e-9) -> None:
    """Equal shapes (a float where ``theirs`` is a number, a list of the same length where it is a
    sequence), and every number close."""
    if isinstance(theirs, Sequence):
        assert isinstance(ours, list) and len(ours) == len(theirs), (ours, theirs)
        for a, b in zip(ours, theirs):
            assert_close(a, b, rel, abs_)
    else:
        assert type(ours) is float, (ours, theirs)
        assert abs(ours - theirs) <= abs_ + rel * abs(theirs), (ours, theirs)


def plain(result: Any) -> Any:
    """A PyTorch result with each 0-dimensional tensor a float and each tuple a list."""
    return [plain(r) for r in result] if isinstance(result, tuple | list) else result.item()


def central_jacobian(f: Callable[..., Any], xs: list[float]) -> list[list[float]]:
    """J[i][j] by central differences: (f_i(x + eps e_j) - f_i(x - eps e_j)) / 2 eps."""
    columns = []
    for j in range(len(xs)):
        minus, plus = (
            [y.data for y in f(*(Value(x + (s if k == j else 0.0)) for k, x in enumerate(xs)))]
            for s in (-EPS, EPS)
        )
        columns.append([(p - m) / (2 * EPS) for m, p in zip(minus, plus)])
    return [list(row) for row in zip(*columns)]


def assert_near_differences(ours: list[list[float]], numerical: list[list[float]]) -> None:
    """As gradcheck: |ours - numerical| <= 1e-5 + 1e-3 |numerical| for every entry."""
    for row, expected_row in zip(ours, numerical, strict=True):
        for a, n in zip(row, expected_row, strict=True):
            assert abs(a - n) <= 1e-5 + 1e-3 * abs(n), (a, n)


@given(GRAPHS)
def test_jacobian_in_both_modes_is_the_same(f_xs: tuple[Expression, list[float]]) -> None:
    f, xs = f_xs
    g = every_node(f)
    assert_close(jacobian(g, xs, mode="forward"), jacobian(g, xs, mode="reverse"))


@given(GRAPHS)
def test_jacobian_matches_central_differences(f_xs: tuple[Expression, list[float]]) -> None:
    f, xs = f_xs
    g = every_node(f)
    numerical = central_jacobian(g, xs)
    assert_near_differences(jacobian(g, xs, mode="forward"), numerical)
    assert_near_differences(jacobian(g, xs, mode="reverse"), numerical)


@given(GRAPHS)
def test_hessian_matches_central_differences_of_the_gradient(f_xs: tuple[Expression, list[float]]) -> None:
    f, xs = f_xs
    gradient = lambda *leaves: list(grad(f(*leaves), leaves, create_graph=True))  # noqa: E731
    assert_near_differences(hessian(f, xs), central_jacobian(gradient, xs))


@given(PER_INPUT)
def test_hvp_is_the_hessian_times_v(f_xs_v: tuple[Expression, list[float], list[float]]) -> None:
    f, xs, v = f_xs_v
    value, product = hvp(f, xs, v)
    expected = [sum(h * vj for h, vj in zip(row, v)) for row in hessian(f, xs)]
    assert value == f(*map(Value, xs)).data
    assert_close(product, expected)


@given(PER_INPUT)
def test_jvp_is_the_jacobian_times_v(f_xs_v: tuple[Expression, list[float], list[float]]) -> None:
    f, xs, v = f_xs_v
    g = every_node(f)
    outputs, tangents = jvp(g, xs, v)
    assert outputs == [y.data for y in g(*map(Value, xs))]
    assert_close(tangents, [sum(d * vj for d, vj in zip(row, v)) for row in jacobian(g, xs)])


@given(PER_NODE)
def test_vjp_is_v_times_the_jacobian(f_xs_v: tuple[Expression, list[float], list[float]]) -> None:
    f, xs, v = f_xs_v
    g = every_node(f)
    outputs, cotangents = vjp(g, xs, v)
    columns = zip(*jacobian(g, xs, mode="forward"))
    assert outputs == [y.data for y in g(*map(Value, xs))]
    assert_close(cotangents, [sum(vi * d for vi, d in zip(v, column)) for column in columns])


# Against PyTorch: the same expressions, rebuilt from torch's own functions.


def tensors(xs: list[float]) -> tuple[Any, ...]:
    import torch

    return tuple(torch.tensor(x, dtype=torch.float64) for x in xs)


@given(PER_NODE)
def test_jacobian_jvp_and_vjp_match_pytorch(f_xs_v: tuple[Expression, list[float], list[float]]) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle of this test")
    functional = torch.autograd.functional
    f, xs, v = f_xs_v
    g, theirs = every_node(f), torch_function(f, every_node=True)
    v_in = v[: len(xs)]
    assert_close(jacobian(g, xs, mode="forward"), plain(functional.jacobian(theirs, tensors(xs))))
    assert_close(jacobian(g, xs), plain(functional.jacobian(theirs, tensors(xs))))
    assert_close(list(jvp(g, xs, v_in)), plain(functional.jvp(theirs, tensors(xs), tensors(v_in))))
    assert_close(list(vjp(g, xs, v)), plain(functional.vjp(theirs, tensors(xs), tensors(v))))


@given(PER_INPUT)
def test_hessian_and_hvp_match_pytorch(f_xs_v: tuple[Expression, list[float], list[float]]) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is the oracle of this test")
    functional = torch.autograd.functional
    f, xs, v = f_xs_v
    theirs = torch_function(f)
    assert_close(hessian(f, xs), plain(functional.hessian(theirs, tensors(xs))))
    assert_close(list(hvp(f, xs, v)), plain(functional.hvp(theirs, tensors(xs), tensors(v))))


# Shapes: PyTorch's, with every tensor a number. One input or output is a number; several, a list.

ONE_TO_ONE = (lambda x: (x * x).sin(), lambda x: (x * x).sin())
MANY_TO_ONE = (lambda x, y: (x * y).sin(), lambda x, y: (x * y).sin())
ONE_TO_MANY = (lambda x: [x * x, x.exp()], lambda x: (x * x, x.exp()))
MANY_TO_MANY = (lambda x, y: [x * y, x.exp(), y], lambda x, y: (x * y, x.exp(), y))
CASES = {
    "R->R": (ONE_TO_ONE, 0.5, 2.0, 3.0),
    "R^2->R": (MANY_TO_ONE, [0.5, -1.5], [2.0, 1.0], 3.0),
    "R->R^2": (ONE_TO_MANY, 0.5, 2.0, [3.0, -1.0]),
    "R^2->R^3": (MANY_TO_MANY, [0.5, -1.5], [2.0, 1.0], [3.0, -1.0, 0.25]),
}


def as_tensors(xs: float | list[float]) -> Any:
    import torch

    return torch.tensor(xs, dtype=torch.float64) if isinstance(xs, float) else tensors(xs)


@pytest.mark.parametrize("case", CASES)
def test_shapes_are_pytorchs(case: str) -> None:
    torch = pytest.importorskip("torch", reason="PyTorch's shapes are the reference")
    functional = torch.autograd.functional
    (ours, theirs), x, v_in, v_out = CASES[case]
    tx, tv_in, tv_out = as_tensors(x), as_tensors(v_in), as_tensors(v_out)
    assert_close(jacobian(ours, x), plain(functional.jacobian(theirs, tx)))
    assert_close(jacobian(ours, x, mode="forward"), plain(functional.jacobian(theirs, tx)))
    assert_close(list(jvp(ours, x, v_in)), plain(functional.jvp(theirs, tx, tv_in)))
    assert_close(list(vjp(ours, x, v_out)), plain(functional.vjp(theirs, tx, tv_out)))
    if case.endswith("->R"):
        assert_close(hessian(ours, x), plain(functional.hessian(theirs, tx)))
        assert_close(list(hvp(ours, x, v_in)), plain(functional.hvp(theirs, tx, tv_in)))


def test_v_may_be_left_out_for_one_input_or_one_output() -> None:
    assert jvp(lambda x: x * x, 3.0) == (9.0, 6.0)
    assert jvp(lambda x: x * x, [3.0]) == (9.0, 6.0)  # J v: shaped as the outputs
    assert vjp(lambda x: x * x, [3.0]) == (9.0, [6.0])  # v^T J: shaped as the inputs
    assert vjp(lambda x, y: x * y, [3.0, 2.0]) == (6.0, [2.0, 3.0])
    assert hvp(lambda x: x**3, 2.0) == (8.0, 12.0)


def test_outputs_that_do_not_depend_on_the_inputs_have_zero_derivatives() -> None:
    f = lambda x, y: [x * 0 + 1, Value(2.0), x + y]  # noqa: E731
    for mode in ("reverse", "forward"):
        assert jacobian(f, [1.0, 2.0], mode=mode) == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]  # type: ignore[arg-type]
    assert hessian(lambda x, y: x + y, [1.0, 2.0]) == [[0.0, 0.0], [0.0, 0.0]]
    assert hvp(lambda x, y: x + 2 * y, [1.0, 2.0], [1.0, 1.0]) == (5.0, [0.0, 0.0])


def test_functions_written_with_sum_and_dot_run_in_both_modes() -> None:
    f = lambda x, y: [autograd.sum([x, y, x * y]), autograd.dot([x, y], [y, y])]  # noqa: E731
    expected = [[1 + 2.0, 1 + 1.0], [2.0, 1.0 + 2 * 2.0]]  # at x = 1, y = 2
    assert jacobian(f, [1.0, 2.0]) == jacobian(f, [1.0, 2.0], mode="forward") == expected


# Errors: each names the function, the problem and the fix.


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: jacobian(lambda x: x.data, 1.0),
            TypeError,
            "jacobian(): f must return a Value or a list of Values, got float",
        ),
        (lambda: jacobian(lambda x: x.data, 1.0, mode="forward"), TypeError, "gives a plain number"),
        (
            lambda: jvp(lambda x: [x, 2.0], 1.0),
            TypeError,
            "jvp(): f must return a Value or a list of Values, but its output 1 is float",
        ),
        (
            lambda: vjp(lambda x: "x", 1.0),
            TypeError,
            "vjp(): f must return a Value or a list of Values, got str",
        ),
        (
            lambda: hessian(lambda x: [x, x], 1.0),
            TypeError,
            "hessian(): f must return one Value, got a list of 2",
        ),
        (lambda: hvp(lambda x: [x], 1.0), TypeError, "hvp(): f must return one Value, got a list of 1"),
        (
            lambda: jvp(lambda x, y: x * y, [1.0, 2.0], [1.0]),
            ValueError,
            "jvp(): v must be a sequence of 2 numbers, one per input",
        ),
        (
            lambda: jvp(lambda x, y: x * y, [1.0, 2.0]),
            ValueError,
            "jvp(): there are 2 inputs, so give v, one number per input",
        ),
        (
            lambda: jvp(lambda x: x, 1.0, [1.0]),
            ValueError,
            "jvp(): v must be one number, as there is one input",
        ),
        (
            lambda: hvp(lambda x, y: x * y, [1.0, 2.0], [1.0, 2.0, 3.0]),
            ValueError,
            "hvp(): v must be a sequence of 2 numbers",
        ),
        (
            lambda: vjp(lambda x: [x, x], 1.0, [1.0]),
            ValueError,
            "vjp(): v must be a sequence of 2 numbers, one per output",
        ),
        (
            lambda: vjp(lambda x: [x, x], 1.0),
            ValueError,
            "vjp(): there are 2 outputs, so give v, one number per output",
        ),
        (
            lambda: jacobian(lambda x: x, "1.0"),
            TypeError,
            "jacobian() takes inputs as a real number or a sequence of them, got str",
        ),
        (
            lambda: jacobian(lambda x: x, [1.0, 1j]),
            TypeError,
            "jacobian() takes inputs as real numbers, but inputs[1] is complex",
        ),
        (
            lambda: jacobian(lambda x: x, Value(1.0)),
            TypeError,
            "calls f on Values of its own; got a Value: pass its .data",
        ),
        (lambda: hessian(lambda x: x, [Value(1.0)]), TypeError, "inputs[0] is a Value: pass its .data"),
        (
            lambda: jacobian(lambda: Value(1.0), []),
            ValueError,
            "jacobian() needs at least one number in inputs, got an empty list",
        ),
        (
            lambda: jvp(lambda x: x, 1.0, "a"),
            TypeError,
            "jvp() takes v as a real number or a sequence of them, got str",
        ),
        (
            lambda: jacobian(lambda x: x, 1.0, mode="backward"),
            ValueError,
            'mode must be "reverse" or "forward", got \'backward\'',
        ),
    ],
)
def test_errors_name_the_function_and_the_fix(
    call: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as raised:
        call()
    assert message in str(raised.value)
