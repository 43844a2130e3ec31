"""The engine as a user meets it: nodes, backward, grad, grad modes, IEEE results, bad input."""

from __future__ import annotations

import ast
import asyncio
import gc
import math
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, detect_anomaly, enable_grad, grad, no_grad, ops
from autograd.engine import apply

from oracles import EXPRESSIONS, edge_answer

T = TypeVar("T")


def test_micrograd_readme_example() -> None:
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert f"{g.data:.4f}" == "24.7041"
    assert f"{a.grad:.4f}" == "138.8338"
    assert f"{b.grad:.4f}" == "645.5773"


def test_a_node_records_its_parents_in_order_and_its_local_derivatives() -> None:
    x, y = Value(3.0, label="x"), Value(-2.0)
    z = x * y
    assert isinstance(z.grad, float) and z.grad == 0.0
    assert z.parents == (x, y) and (y * x).parents == (y, x)
    assert z.local_grads == (-2.0, 3.0)
    assert z.op == "*" and x.op == "" and x.parents == ()
    assert z.label == "" and Value(1.0).label == ""  # a label only where one is given
    assert (x**2).op == "**2" and x.tanh().op == "tanh"
    assert x.label == "x" and repr(x) == "Value(data=3.0, grad=0.0, label='x')"


def test_every_method_and_operator_comes_from_the_op_table() -> None:
    """Each entry's method or operator applies its op, numbers on either side of a binary operator; the
    declarations written for type checkers (which cannot see methods made at import) list the same."""
    x, y = Value(0.5), Value(2.0)
    expected = {"__abs__"}  # abs(v), beside v.abs()
    for op in ops.TABLE:
        if op.method is None:
            continue
        method = getattr(Value, op.method)
        if len(op.domain) == 2:
            reflected = getattr(Value, f"__r{op.method[2:]}")
            assert method(x, y).op == op.name and method(x, y).parents == (x, y)
            assert reflected(x, 3.0).op == op.name and reflected(x, 3.0).parents[1] is x
            expected |= {op.method, reflected.__name__}
        else:
            assert method(x).op == op.name and method(x).parents == (x,)
            expected.add(op.method)
    assert abs(x).op == "abs"
    engine = ast.parse(Path(autograd.engine.__file__).read_text(encoding="utf-8"))
    value = next(n for n in engine.body if isinstance(n, ast.ClassDef) and n.name == "Value")
    stubs = next(n for n in value.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    assert {f.name for f in stubs.body if isinstance(f, ast.FunctionDef)} == expected


def test_numbers_on_either_side_become_leaves() -> None:
    x = Value(2.0)
    for expr, expected in [(1 + x, 3), (x - 5, -3), (5 - x, 3), (3 * x, 6), (x / 4, 0.5), (4 / x, 2)]:
        assert expr.data == expected
    assert (2**x).data == 4 and (x**0.5).data == math.sqrt(2) and (x ** Value(3.0)).data == 8
    assert (-x).data == -2 and abs(-x).data == 2


def test_backward_twice_doubles_the_leaves_and_resets_the_rest() -> None:
    x = Value(3.0)
    h = x * x
    y = h + x
    y.backward()
    assert (x.grad, h.grad, y.grad) == (7.0, 1.0, 1.0)
    y.backward()
    assert (x.grad, h.grad, y.grad) == (14.0, 1.0, 1.0)


def test_backward_of_a_leaf_accumulates_too() -> None:
    x = Value(3.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0  # d x / d x, twice, as PyTorch's leaves accumulate


def test_a_node_used_twice_gets_both_paths() -> None:
    a = Value(-3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_grad_leaves_dot_grad_alone_and_gives_zero_for_unused_inputs() -> None:
    x, y, unused = Value(2.0), Value(5.0), Value(1.0)
    assert grad(x * y, [x, y, unused]) == (5.0, 2.0, 0.0)
    assert grad(x * y, x) == (5.0,)
    assert (x.grad, y.grad) == (0.0, 0.0)


def test_second_derivatives_and_a_hessian_by_nesting() -> None:
    def f(x: Value, y: Value) -> Value:
        return x * x * y + (x * y).sin()

    x, y = Value(0.7), Value(-1.3)
    gx, gy = grad(f(x, y), [x, y], create_graph=True)
    hessian = [grad(g, [x, y]) for g in (gx, gy)]
    s, c = math.sin(0.7 * -1.3), math.cos(0.7 * -1.3)
    expected = [
        [2 * -1.3 - 1.3**2 * s, 2 * 0.7 + c - 0.7 * -1.3 * s],
        [2 * 0.7 + c - 0.7 * -1.3 * s, -(0.7**2) * s],
    ]
    assert np.allclose(hessian, expected, rtol=1e-12)
    (third,) = grad(grad(grad(x**4, x, create_graph=True)[0], x, create_graph=True)[0], x)
    assert third == pytest.approx(24 * 0.7)


def test_create_graph_gradients_are_values_even_when_constant() -> None:
    x = Value(2.0)
    (g,) = grad(x, [x], create_graph=True)
    assert isinstance(g, Value) and g.data == 1.0


def test_sum_and_dot_make_one_node_with_many_parents() -> None:
    ws, xs = [Value(1.0), Value(2.0), Value(3.0)], [Value(4.0), 5, Value(6.0)]
    d = autograd.dot(ws, xs)
    assert d.data == 32 and d.op == "dot" and len(d.parents) == 6
    d.backward()
    assert [w.grad for w in ws] == [4.0, 5.0, 6.0] and xs[0].grad == 1.0  # type: ignore[union-attr]
    s = autograd.sum([ws[0], 2, ws[0]])
    assert s.data == 4 and len(s.parents) == 3
    assert autograd.sum([]).data == 0.0
    with pytest.raises(ValueError, match="as many weights as inputs: got 2 and 1"):
        autograd.dot(ws[:2], xs[:1])
    with pytest.raises(TypeError, match=r"autograd.sum\(\) takes Values or real numbers, got str"):
        autograd.sum([ws[0], "1"])  # type: ignore[list-item]


SMALL = st.floats(-10, 10, allow_subnormal=False)
ANY_FLOAT = st.floats()  # inf and nan too


def layers(numbers: st.SearchStrategy[float], widths: range = range(1, 5)) -> Any:
    """A weight matrix of 1 to 4 rows and an input vector as wide as its rows."""
    return st.sampled_from(widths).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(numbers, min_size=n, max_size=n), min_size=1, max_size=4),
            st.lists(numbers, min_size=n, max_size=n),
        )
    )


@given(layers(SMALL))
def test_dot_of_a_matrix_is_one_dot_node_per_row(case: tuple[list[list[float]], list[float]]) -> None:
    rows, numbers = case
    W, x = [[Value(w) for w in row] for row in rows], [Value(v) for v in numbers]
    out = autograd.dot(W, x)
    assert [o.op for o in out] == ["dot"] * len(rows)
    assert all(o.parents == (*row, *x) for o, row in zip(out, W))  # the very same input Values
    assert [o.data for o in out] == pytest.approx(
        [math.fsum(w * v for w, v in zip(r, numbers)) for r in rows]
    )
    autograd.sum(out).backward()
    assert [[w.grad for w in row] for row in W] == [numbers] * len(rows)  # d/dW_ij = x_j
    assert [v.grad for v in x] == pytest.approx([math.fsum(col) for col in zip(*rows)])  # sum_i W_ij


@given(layers(SMALL), st.lists(SMALL, min_size=4, max_size=4))
def test_dot_with_a_bias_is_w_x_plus_b_with_the_bias_as_its_last_parent(
    case: tuple[list[list[float]], list[float]], offsets: list[float]
) -> None:
    rows, numbers = case
    W, x = [[Value(w) for w in row] for row in rows], [Value(v) for v in numbers]
    b = [Value(c) for c in offsets[: len(rows)]]
    out = autograd.dot(W, x, bias=b)
    assert all(o.op == "dot" and o.parents == (*row, *x, c) for o, row, c in zip(out, W, b))
    assert [o.data for o in out] == pytest.approx(
        [math.fsum([*(w * v for w, v in zip(r, numbers)), c]) for r, c in zip(rows, offsets)]
    )
    autograd.sum(out).backward()
    assert [c.grad for c in b] == [1.0] * len(rows)  # d/db = 1
    assert [[w.grad for w in row] for row in W] == [numbers] * len(rows)
    one = autograd.dot(W[0], x, bias=offsets[0])  # a number as the bias: a leaf
    assert one.data == out[0].data and one.parents[-1].data == offsets[0]


@given(layers(ANY_FLOAT, widths=range(4)), st.lists(ANY_FLOAT, min_size=4, max_size=4))
def test_dot_with_a_bias_records_what_its_table_entry_computes(
    case: tuple[list[list[float]], list[float]], offsets: list[float]
) -> None:
    """A layer of neurons is dot's hot path, with ops.DOT's rules written out: they must agree."""
    rows, numbers = case
    for node, row, b in zip(autograd.dot(rows, numbers, bias=offsets[: len(rows)]), rows, offsets):
        args = (row, numbers, (b,))
        value = ops.DOT.value(*args)
        assert repr(node.data) == repr(value)  # nan too
        assert repr(node.local_grads) == repr(ops.DOT.derivatives(value, *args))


@pytest.mark.parametrize(
    "op", [op for op in ops.TABLE if op.method and len(op.domain) == 1], ids=lambda op: op.name
)
@given(x=ANY_FLOAT)
def test_a_unary_method_records_what_its_table_entry_computes(op: ops.Op, x: float) -> None:
    """The unary methods write _node's common case out: they must agree with the table."""
    node = getattr(Value(x), op.method)()  # type: ignore[arg-type]
    value = op.value(x)
    assert repr(node.data) == repr(value) and repr(node.local_grads) == repr(op.derivatives(value, x))


@given(st.lists(st.floats(-3, 3), min_size=5, max_size=5))
def test_dot_with_a_bias_has_the_first_and_second_derivatives_of_central_differences(xs: list[float]) -> None:
    def affine(w0: Value, w1: Value, x0: Value, x1: Value, b: Value) -> Value:
        return autograd.dot([w0, w1], [x0, x1], bias=b).tanh() * b  # b twice: d2/db2 is not 0

    assert autograd.gradcheck(affine, xs) and autograd.gradgradcheck(affine, xs)


def test_dot_explains_a_wrong_bias() -> None:
    x = [Value(1.0), Value(2.0)]
    with pytest.raises(ValueError, match="one bias per row of weights: got 1 and 2"):
        autograd.dot([[1.0, 2.0], [3.0, 4.0]], x, bias=[0.5])
    with pytest.raises(TypeError, match=r"with a matrix W takes one bias per row, a list of 2, got float"):
        autograd.dot([[1.0, 2.0], [3.0, 4.0]], x, bias=0.5)  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"autograd.dot\(\)'s bias takes Values or real numbers, got str"):
        autograd.dot([1.0, 2.0], x, bias="b")  # type: ignore[call-overload]


def test_dot_of_a_matrix_checks_every_row() -> None:
    x = [Value(1.0), Value(2.0)]
    with pytest.raises(ValueError, match="as many weights as inputs: got 1 and 2"):
        autograd.dot([[1.0, 2.0], [3.0]], x)
    with pytest.raises(TypeError, match=r"autograd.dot\(\) takes Values or real numbers, got str"):
        autograd.dot([[1.0, 2.0], [3.0, "4"]], x)
    with no_grad():
        assert [d.parents for d in autograd.dot([[1, 2], [3, 4]], x)] == [(), ()]
    assert [d.data for d in autograd.dot(np.array([[1.0, 2.0], [3.0, 4.0]]), x)] == [5.0, 11.0]
    with pytest.raises(
        TypeError, match=r"autograd.dot\(\) takes a list of Values or real numbers .*got NoneType"
    ):
        autograd.dot([None, 1.0], x)  # type: ignore[list-item]


def test_backward_twice_resets_a_node_that_now_gets_no_gradient() -> None:
    x = Value(-1.0)
    y = x * 3
    (y * 1).backward()
    assert y.grad == 1.0 and x.grad == 3.0
    y.relu().backward()  # relu'(-3) = 0: nothing reaches y this time
    assert y.grad == 0.0 and x.grad == 3.0


def test_detach_makes_a_leaf_with_the_same_data() -> None:
    x = Value(2.0)
    y = (x * x).detach()
    assert y.data == 4.0 and y.parents == ()
    (x * y).backward()
    assert x.grad == 4.0


def test_no_grad_records_nothing_and_enable_grad_reenables() -> None:
    x = Value(2.0)
    with no_grad():
        y = x * x
        with enable_grad():
            z = x * x
    assert y.parents == () and y.op == "" and z.parents == (x, x)

    @no_grad()
    def square(v: Value) -> Value:
        return v * v

    assert square(x).parents == () and (x * x).parents == (x, x)


def test_enable_grad_works_as_a_decorator_inside_no_grad() -> None:
    x = Value(2.0)

    @enable_grad()
    def square(v: Value) -> Value:
        return v * v

    with no_grad():
        recorded, plain = square(x), x * x
    assert recorded.parents == (x, x) and plain.parents == ()
    assert grad(recorded, x) == (4.0,)


def test_values_compare_by_identity_and_are_dictionary_keys() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a == a and a != b  # equal data, different nodes
    assert [a == b, a == a] == [False, True]
    assert (a == 1.0) is False  # a number is not a node: compare .data to compare numbers
    assert a.data == b.data
    seen = {a: "a", b: "b"}
    assert len(seen) == 2 and seen[a] == "a" and seen[b] == "b"
    a.data = 5.0  # a key stays a key whatever its data becomes
    assert seen[a] == "a" and {a, b, a} == {a, b}


def test_grad_mode_is_per_thread_and_per_task() -> None:
    x = Value(1.0)
    seen: list[tuple[Value, ...]] = []
    with no_grad():
        thread = threading.Thread(target=lambda: seen.append((x * x).parents))
        thread.start()
        thread.join()
    assert seen == [(x, x)]

    async def recorded() -> tuple[Value, ...]:
        await asyncio.sleep(0)
        return (x * x).parents

    async def main() -> list[tuple[Value, ...]]:
        with no_grad():
            inside = asyncio.create_task(recorded())
        return [await inside, await asyncio.create_task(recorded())]

    assert asyncio.run(main()) == [(), (x, x)]  # a task copies the mode current when it was made


IEEE_CASES = [
    (lambda: Value(1) / 0, math.inf),
    (lambda: Value(-1) / 0, -math.inf),
    (lambda: Value(0) / 0, math.nan),
    (lambda: 1 / Value(-0.0), -math.inf),
    (lambda: Value(0).log(), -math.inf),
    (lambda: Value(-1).log(), math.nan),
    (lambda: Value(1000).exp(), math.inf),
    (lambda: Value(-8) ** (1 / 3), math.nan),
    (lambda: Value(-8) ** Value(1 / 3), math.nan),
    (lambda: Value(0) ** -1, math.inf),
    (lambda: Value(-0.0) ** -1, -math.inf),
    (lambda: Value(10) ** 400, math.inf),
    (lambda: Value(-10) ** 401, -math.inf),
    (lambda: 2 ** Value(5000), math.inf),
    (lambda: Value(-1).sqrt(), math.nan),
    (lambda: Value(math.inf).sin(), math.nan),
    (lambda: Value(2) * 10**400, math.inf),
    (lambda: Value(2) * -(10**400), -math.inf),
    (lambda: Value(-1000).sigmoid(), 0.0),
]


@pytest.mark.parametrize(("expr", "expected"), IEEE_CASES)
def test_ieee_results_instead_of_python_errors(expr: object, expected: float) -> None:
    y = expr()  # type: ignore[operator]
    assert math.isnan(y.data) if math.isnan(expected) else y.data == expected
    y.backward()  # and no Python error on the way back either
    grad(y, list(y.parents), create_graph=True)


def test_ieee_derivatives_at_domain_edges() -> None:
    x = Value(0.0)
    assert grad(x.log(), x) == (math.inf,)
    assert grad(x.sqrt(), x) == (math.inf,)
    assert grad(x**0.5, x) == (math.inf,)  # d/dx x^0.5 = 0.5 / sqrt(x), as PyTorch's pow
    y = Value(1.0)
    assert grad(y / x, [y, x])[0] == math.inf
    assert grad(x ** Value(2.0), x) == (0.0,)


@pytest.mark.parametrize("bad", ["x", None, [1.0], 1 + 2j, {"data": 1}, Decimal("sNaN")])
def test_bad_data_is_a_type_error_that_says_what_is_accepted(bad: object) -> None:
    with pytest.raises(TypeError, match=rf"Value\(\) takes a real number .* got {type(bad).__name__}"):
        Value(bad)  # type: ignore[arg-type]


def test_a_signaling_nan_is_a_type_error_wherever_a_number_becomes_a_value() -> None:
    x, snan = Value(1.0), Decimal("sNaN")
    for make in [
        lambda: x + snan,
        lambda: snan * x,
        lambda: x**snan,
        lambda: autograd.sum([x, snan]),
        lambda: autograd.dot([snan], [x]),
    ]:
        with pytest.raises(TypeError, match=r"got Decimal\('sNaN'\), a signaling NaN"):
            make()
    assert math.isnan(Value(Decimal("NaN")).data)


def test_bad_arguments_to_grad_dot_and_apply_name_the_function() -> None:
    y = Value(2.0) * 3
    with pytest.raises(TypeError, match=r"grad\(\) takes a Value or a list of Values as inputs, got int"):
        grad(y, 5)  # type: ignore[arg-type]
    for ws in [None, 5, {1.0, 2.0}]:
        with pytest.raises(TypeError, match=rf"autograd.dot\(\) takes weights .* got {type(ws).__name__}"):
            autograd.dot(ws, [1])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"autograd.dot\(\) takes a list .* got NoneType"):
        autograd.dot([1], None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"apply\(\) takes Values as the parents of 'tanh', got float"):
        apply(ops.TANH, 2.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"apply\(\) takes an autograd.ops.Op"):
        apply("tanh", y)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rule", "error", "returned"),
    [
        (lambda out, x, y: (1.0,), ValueError, r"\(1.0,\)"),  # one parent short
        (lambda out, x, y: (1.0, 1.0, 1.0), ValueError, r"\(1.0, 1.0, 1.0\)"),
        (lambda out, x, y: 1.0, TypeError, "1.0"),  # not a tuple
        (lambda out, x, y: [1.0, 1.0], TypeError, r"\[1.0, 1.0\]"),
    ],
)
def test_a_derivative_rule_of_the_wrong_shape_names_the_op_and_what_it_returned(
    rule: Any, error: type[Exception], returned: str
) -> None:
    op = ops.Op("my_add", lambda x, y: x + y, rule)
    with pytest.raises(
        error, match=rf"derivative rule of the op 'my_add' returned {returned}: .* 2 derivative"
    ):
        apply(op, Value(1.0), Value(2.0))


def test_a_value_of_a_value_points_at_detach() -> None:
    with pytest.raises(TypeError) as error:
        Value(Value(1.0))  # type: ignore[arg-type]
    assert str(error.value) == (
        "Value() takes a real number, got a Value: use value.detach() for a new leaf with the same data"
    )


def test_the_repr_shows_data_grad_and_a_label_only_when_there_is_one() -> None:
    x = Value(3.0)
    assert repr(x) == "Value(data=3.0, grad=0.0)"
    x.label, x.grad = "x", -1.5
    assert repr(x) == "Value(data=3.0, grad=-1.5, label='x')"


@pytest.mark.parametrize("good", [3, True, Fraction(1, 4), Decimal("0.1"), np.float32(0.5), np.int64(7)])
def test_every_real_number_is_accepted_as_a_float(good: object) -> None:
    v = Value(good)  # type: ignore[arg-type]
    assert type(v.data) is float and v.data == float(good)  # type: ignore[arg-type]


def test_a_non_number_operand_fails_the_way_python_does() -> None:
    with pytest.raises(TypeError, match="unsupported operand type"):
        Value(1.0) + "a"  # type: ignore[operator]
    with pytest.raises(TypeError, match="unsupported operand type"):
        None - Value(2.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match="grad\\(\\) takes Values as inputs, got float"):
        grad(Value(1.0), [1.0])  # type: ignore[list-item]


def test_detect_anomaly_names_the_op_where_nan_first_appears() -> None:
    x = Value(-1.0, label="x")
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"log gave nan from inputs \(-2.0\)"):
        (x * 2).log()
    with detect_anomaly(), pytest.raises(FloatingPointError, match="backward through sqrt gave gradient inf"):
        Value(0.0).sqrt().backward()
    with detect_anomaly(), pytest.raises(FloatingPointError, match="backward through sqrt"):
        grad(Value(0.0).sqrt() + 1, [])
    assert math.isnan(x.log().data)  # outside the block nan propagates


def shared_graph(width: int = 16, depth: int = 4) -> tuple[list[Value], list[Value]]:
    """Leaves, and eight outputs that all read one shared stack of tanh layers built on them."""
    rng = np.random.default_rng(10)
    xs = [Value(float(x)) for x in rng.uniform(-1, 1, width)]
    h = xs
    for _ in range(depth):
        h = [v.tanh() for v in autograd.dot(rng.uniform(-0.5, 0.5, (width, width)).tolist(), h)]
    outputs = [autograd.dot(h, rng.uniform(-1, 1, width).tolist()) * (k + 1) for k in range(4)]
    return xs, outputs + [o.sin() for o in outputs]


@pytest.fixture
def switch_often() -> Iterator[None]:
    """Threads switch every microsecond, so that concurrent passes interleave inside one another."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def concurrently(work: Callable[[int], T], count: int) -> list[T]:
    """``work(k)`` for k < ``count``, each in its own thread, all let go at the same moment."""
    start = threading.Barrier(count)
    results: dict[int, T] = {}

    def run(k: int) -> None:
        start.wait()
        results[k] = work(k)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [results[k] for k in range(count)]


@pytest.mark.usefixtures("switch_often")
def test_grad_from_eight_threads_on_one_shared_graph_agrees_with_one_thread() -> None:
    xs, outputs = shared_graph()
    alone = [grad(out, xs) for out in outputs]  # one thread, one output after another
    for _ in range(10):
        assert concurrently(lambda k: grad(outputs[k], xs), len(outputs)) == alone
    assert all(x.grad == 0.0 for x in xs)  # and no thread wrote a .grad


def test_detect_anomaly_catches_finite_contributions_that_sum_to_inf() -> None:
    """Each path gives x about 1e308, a float; their sum is inf: backward() and grad() both raise."""
    x = Value(1e-310)

    def f() -> Value:
        return (x * 1e308).tanh() + (x * 1e308).tanh()

    for run in (lambda: f().backward(), lambda: grad(f(), x)):
        with detect_anomaly(), pytest.raises(FloatingPointError, match=r"gradient of its input 0 inf"):
            run()
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\+ gave inf"):
        grad(f(), x, create_graph=True)  # there the sum of the two gradients is a node of its own
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"backward through dot .* input 0 inf"):
        autograd.dot([x, x], [1e308, 1e308]).backward()  # one node, the same parent twice
    f().backward()  # outside the block the inf goes through
    assert x.grad == math.inf


def test_a_million_deep_chain_backpropagates() -> None:
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    assert x.grad == 1.0


def test_a_graph_is_freed_without_the_garbage_collector() -> None:
    def live_values() -> int:
        return sum(isinstance(o, Value) for o in gc.get_objects())

    gc.collect()
    before = live_values()
    gc.disable()
    try:
        x = Value(0.5)
        y = autograd.sum([(x * i).tanh() + x.exp() for i in range(100)])
        grad(grad(y, x, create_graph=True)[0], x)
        y.backward()
        del x, y
        assert live_values() == before
    finally:
        gc.enable()
    assert gc.collect() == 0


# PyTorch's answers at the edges: recorded in tests/fixtures/edges.json, and live where it is installed.
EDGES = [0.0, -0.0, 1.0, -1.0, 0.5, 1000.0, -1000.0, 1e-300, math.inf, -math.inf, math.nan]
UNARY = ["relu", "tanh", "sigmoid", "exp", "log", "sqrt", "sin", "cos", "abs"]


def same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=0)


@pytest.mark.parametrize("x", EDGES)
@pytest.mark.parametrize("name", UNARY)
def test_unary_ops_at_the_edges_match_pytorch_float64(name: str, x: float) -> None:
    value, (expected,) = edge_answer(f"{name} with 1.0 from above", [x])
    v = Value(x)
    y = getattr(v, name)()
    assert same(y.data, value)
    assert same(grad(y, v)[0], expected)


@pytest.mark.parametrize("y", [-1.0, 0.0, 0.5, 2.0, 3.0, -0.5, math.inf, math.nan])
@pytest.mark.parametrize("x", [-2.0, -0.0, 0.0, 0.5, 2.0, math.inf, math.nan])
@pytest.mark.parametrize("op", ["add", "sub", "mul", "truediv", "pow"])
def test_binary_ops_at_the_edges_match_pytorch_float64(op: str, x: float, y: float) -> None:
    name = {"add": "+", "sub": "-", "mul": "*", "truediv": "/", "pow": "**"}[op]
    value, (ex, ey) = edge_answer(f"{name} at more edges", [x, y])
    vx, vy = Value(x), Value(y)
    out = getattr(vx, f"__{op}__")(vy)
    assert same(out.data, value)
    gx, gy = grad(out, [vx, vy])
    assert same(gx, ex) and same(gy, ey)


@pytest.mark.parametrize("y", [-2.0, 0.0, 2.0, math.inf])
@pytest.mark.parametrize("x", EDGES)
@pytest.mark.parametrize("name", EXPRESSIONS)
def test_backward_through_a_zero_gradient_matches_pytorch(name: str, x: float, y: float) -> None:
    """backward() skips a node whose gradient is 0, unless a local derivative is inf or nan."""
    _, (ex, ey) = edge_answer(f"{name} at the edges", [x, y])
    vx, vy = Value(x), Value(y)
    EXPRESSIONS[name](vx, vy).backward()
    assert same(vx.grad, ex) and same(vy.grad, ey)


def test_hips_autograd_installed_beside_is_named_in_a_warning(tmp_path: Path) -> None:
    """HIPS autograd installs the same import package: a warning at import says so, once, and how to
    keep them apart; without it, import is silent."""
    repo = str(Path(autograd.__file__).parents[1])

    def import_autograd(*path: str) -> str:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([repo, *path])}
        command = [sys.executable, "-W", "default", "-c", "import autograd; import nn; import autograd"]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        return done.stderr

    (tmp_path / "autograd-1.7.0.dist-info").mkdir()
    warned = import_autograd(str(tmp_path))
    assert warned.count("HIPS autograd is installed beside valuegrad") == 1
    assert "autograd-1.7.0.dist-info" in warned and "virtual environment of its own" in warned
    if autograd._other_autograd() is None:  # this environment has no HIPS autograd of its own
        assert "HIPS" not in import_autograd()
