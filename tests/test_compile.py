"""autograd.compile: the compiled graph computes exactly what the interpreted engine computes.

The oracle is the interpreted engine itself, ``backward()`` and ``grad()``: values and gradients
must be identical, compared with ``==`` (nan equal to nan), never with a tolerance, because the
compiled code is meant to do the same float operations in the same order.
"""

from __future__ import annotations

import ast
import gc
import math
import os
import random
import sys
import tokenize
from collections.abc import Sequence
from io import StringIO
from itertools import product

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, ops
from autograd.compile import KERNELS
from autograd.testing import EXPONENTS, OPS, Expression, expressions
from nn import MLP, SGD, hinge_loss, mse_loss
from nn.data import make_moons
from nn.demo import train

SPECIAL = (0.0, -0.0, 1.0, -1.5, 0.5, 2.0, 1e-310, 1e308, math.inf, -math.inf, math.nan)


def same(a: float, b: float) -> bool:
    """Equal as the engine's results must be: ``==``, with nan equal to nan."""
    return a == b or (math.isnan(a) and math.isnan(b))


def assert_same(got: Sequence[float], expected: Sequence[float]) -> None:
    assert len(got) == len(expected)
    assert all(same(a, b) for a, b in zip(got, expected)), (got, expected)


def interpreted(f: Expression, xs: Sequence[float]) -> tuple[float, list[float]]:
    """f's value and gradients at xs by the interpreted engine (backward() on fresh leaves)."""
    leaves = [Value(x) for x in xs]
    out = f(*leaves)
    out.backward()
    return out.data, [x.grad for x in leaves]


# Each op's source template against its own rules, at points where IEEE arithmetic is at its edges.


def _ops() -> list[ops.Op]:
    return [*ops.TABLE, *(ops.power_of(c) for c in EXPONENTS), ops.power_of(-3.0)]


@pytest.mark.parametrize("op", _ops(), ids=lambda op: op.name)
def test_every_ops_source_computes_its_value_derivatives_and_masks(op: ops.Op) -> None:
    assert op.source is not None, f"{op.name} has no source template"
    arity = len(op.domain) if op.group is None else 4
    points = (
        product(SPECIAL, repeat=arity)
        if arity < 3
        else (random.Random(0).choices(SPECIAL, k=4) for _ in range(300))
    )
    for point in points:
        names = [f"a{i}" for i in range(len(point))]
        scope = {**KERNELS, **dict(zip(names, point))}
        value = op.value(*op.args(list(point)))
        assert same(eval(op.source.value(*op.args(names)), scope), value), (op.name, point)
        scope["out"] = value
        expected = op.derivatives(value, *op.args(list(point)))
        masks = op.masks(*op.args(list(point))) if op.masks else (False,) * len(point)
        sources = op.source.masks(*op.args(names)) if op.source.masks else (None,) * len(point)
        for d, masked, code, mask in zip(
            expected, masks, op.source.derivatives("out", *op.args(names)), sources
        ):
            assert bool(masked) == (mask is not None and eval(mask, scope)), (op.name, point)
            if not masked:
                assert same(eval(code, scope), d), (op.name, point, code)


# Random graphs over every op, compiled and interpreted.

GRAPHS = st.integers(1, 3).flatmap(lambda n: expressions(n_inputs=n, max_ops=20, ops=OPS))


@given(GRAPHS)
def test_a_compiled_graph_gives_the_engines_values_and_gradients(
    graph: tuple[Expression, list[float]],
) -> None:
    f, xs = graph
    leaves = [Value(x) for x in xs]
    step = autograd.compile(f(*leaves), leaves)
    value = step()
    assert_same([value, *(x.grad for x in leaves)], [*interpreted(f, xs)[:1], *interpreted(f, xs)[1]])
    value = step()  # a second call accumulates, as a second backward() does
    out = f(*(fresh := [Value(x) for x in xs]))
    out.backward()
    out.backward()
    assert_same([value, *(x.grad for x in leaves)], [out.data, *(x.grad for x in fresh)])


@given(GRAPHS, st.data())
def test_a_compiled_graph_replays_at_new_values_even_at_zero_inf_and_nan(
    graph: tuple[Expression, list[float]], data: st.DataObject
) -> None:
    f, xs = graph
    leaves = [Value(x) for x in xs]
    step = autograd.compile(f(*leaves), leaves)
    function = autograd.compile(f(*leaves), leaves, arguments=True)
    new = data.draw(st.lists(st.sampled_from(SPECIAL) | st.floats(), min_size=len(xs), max_size=len(xs)))
    for leaf, x in zip(leaves, new):
        leaf.data, leaf.grad = x, 0.0
    value, grads = interpreted(f, new)
    assert_same([step(), *(x.grad for x in leaves)], [value, *grads])
    got, got_grads = function(*new)
    fresh = [Value(x) for x in new]
    assert_same([got, *got_grads], [value, *grad(f(*fresh), fresh)])


@given(GRAPHS)
def test_a_graph_built_by_grad_with_create_graph_compiles(graph: tuple[Expression, list[float]]) -> None:
    f, xs = graph
    leaves = [Value(x) for x in xs]
    (g, *_) = grad(f(*leaves), leaves, create_graph=True)
    step = autograd.compile(g, leaves)
    value = step()
    compiled = [x.grad for x in leaves]
    for x in leaves:
        x.grad = 0.0
    g.backward()
    assert_same([value, *compiled], [g.data, *(x.grad for x in leaves)])


# nn models: several training steps, compiled and interpreted side by side.


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
@pytest.mark.parametrize("loss_fn", [hinge_loss, mse_loss])
def test_training_through_a_compiled_step_gives_the_same_losses_and_weights(activation, loss_fn) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(7)
    X = [[rng.uniform(-2, 2), rng.uniform(-2, 2)] for _ in range(12)]
    y = [rng.choice([-1, 1]) for _ in X]
    models = [MLP(2, [5, 4, 1], activation=activation, seed=3) for _ in range(2)]
    sgds = [SGD(m.parameters(), lr=0.1, momentum=0.9) for m in models]
    step = autograd.compile(loss_fn([models[1](x) for x in X], y), models[1].parameters())
    for _ in range(5):
        loss = loss_fn([models[0](x) for x in X], y)
        sgds[0].zero_grad()
        loss.backward()
        sgds[0].step()
        sgds[1].zero_grad()
        assert same(step(), loss.data)
        sgds[1].step()
        assert_same([p.data for p in models[1].parameters()], [p.data for p in models[0].parameters()])


# What is frozen, and what stays alive.


def test_control_flow_on_data_is_frozen_as_it_was_recorded() -> None:
    x = Value(2.0)
    step = autograd.compile(x * 3 if x.data > 0 else -x, [x])
    x.data = -1.0
    assert step() == -3.0  # the branch taken at x = 2; the interpreted graph rebuilt now gives 1.0
    assert x.grad == 3.0


def test_leaves_that_are_not_inputs_are_constants_captured_when_compiled() -> None:
    x, c = Value(2.0), Value(10.0)
    step = autograd.compile(x * c, [x])
    c.data = 100.0
    assert step() == 20.0
    assert (x.grad, c.grad) == (10.0, 0.0)


class Tracked(Value):
    __slots__ = ("__weakref__",)


def test_the_compiled_graph_keeps_no_recorded_value_but_its_inputs() -> None:
    import weakref

    x = Value(1.5)
    constant = Tracked(4.0)
    step = autograd.compile(autograd.sum([(x * constant).tanh(), x.relu()]) ** 2, [x])
    alive = weakref.ref(constant)
    del constant
    gc.collect()
    assert alive() is None
    modules = {id(m) for m in sys.modules.values()} | {id(vars(m)) for m in sys.modules.values()}
    reached, stack, seen = [], [step], set()
    while stack:  # everything the compiled graph refers to, however indirectly, short of modules
        obj = stack.pop()
        if id(obj) not in seen and id(obj) not in modules:
            seen.add(id(obj))
            if isinstance(obj, Value):
                reached.append(obj)
            stack.extend(gc.get_referents(obj))
    assert reached == [x]


# Labels reach the code only as sanitized names, or as comments.

HOSTILE = [
    "__import__('os').system('echo hacked')",
    "x\nimport os",
    "x; import os",
    "a\r\nb = 1",
    "\u2028import os",
    "# not a comment",
    "'''",
    "\\",
    "\x00",
    "def",
    "sum",
    "tanh",
    "inputs",
    "v",
    "g",
    "step",
    "n0",
    "dx",
    "x",
    "1st",
    "ﬁ",
    "fi",
    "",
    "_",
    "a" * 500,
]


def test_hostile_labels_are_names_or_comments_and_change_nothing() -> None:
    leaves = [Value(0.1 * (i + 1), label=label) for i, label in enumerate(HOSTILE)]
    nodes = [leaf.tanh() * leaf for leaf in leaves]
    for node, label in zip(nodes, reversed(HOSTILE)):
        node.label = label
    out = autograd.sum(nodes)
    out.label = "return 1"
    step = autograd.compile(out, leaves)
    tree = ast.parse(step.source)
    assert all(isinstance(n, ast.FunctionDef) for n in tree.body)
    assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom | ast.Lambda)]
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert called <= {*KERNELS, "zip"}
    for token in tokenize.generate_tokens(StringIO(step.source).readline):
        if token.type == tokenize.COMMENT:
            assert ast.literal_eval(token.string[2:]) in [*HOSTILE, "return 1"]
        if token.type == tokenize.NAME:
            assert token.string.isascii()
    value = step()
    fresh = [Value(leaf.data) for leaf in leaves]
    expected = autograd.sum([x.tanh() * x for x in fresh])
    expected.backward()
    assert_same([value, *(x.grad for x in leaves)], [expected.data, *(x.grad for x in fresh)])


def test_a_small_graph_reads_like_code_written_by_hand() -> None:
    x1, w1, x2, w2 = (
        Value(2.0, label="x1"),
        Value(-3.0, label="w1"),
        Value(0.0, label="x2"),
        Value(1.0, label="w2"),
    )
    b = Value(6.88, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    source = autograd.compile(o, [x1, w1, x2, w2, b]).source
    assert "    o = tanh(n)\n" in source
    assert "    dn = 1 - o * o\n" in source
    assert "dw1 += x1 * dn" in source


# Options and errors.


def test_forward_only_returns_the_value_and_touches_no_gradient() -> None:
    x = Value(3.0)
    step = autograd.compile((x * x).log(), [x], backward=False)
    x.data = 2.0
    assert step() == math.log(4.0)
    assert x.grad == 0.0
    function = autograd.compile((x * x).log(), [x], backward=False, arguments=True)
    assert function(5.0) == math.log(25.0)


def test_arguments_give_values_and_gradients_without_reading_data_or_writing_grad() -> None:
    x, y = Value(1.0), Value(2.0)
    f = autograd.compile(x * y + y, [x, y, Value(0.0)], arguments=True)
    assert f(3.0, 4.0, 9.0) == (16.0, (4.0, 4.0, 0.0))
    assert (x.data, x.grad, y.grad) == (1.0, 0.0, 0.0)
    with pytest.raises(TypeError, match="takes 3 values, one per input, got 1"):
        f(1.0)


def test_bad_inputs_are_refused_with_what_to_do() -> None:
    x = Value(1.0)
    y = x * 2
    with pytest.raises(ValueError, match="takes leaves as inputs, got a node made by '\\*'"):
        autograd.compile(y + 1, [y])
    with pytest.raises(ValueError, match="the same Value twice"):
        autograd.compile(y, [x, x])
    with pytest.raises(TypeError, match="as a list of Values"):
        autograd.compile(y, x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="compiles the graph below a Value"):
        autograd.compile(2.0, [x])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="compile it with arguments=True"):
        autograd.compile(y, [x])(1.0)


def test_an_output_that_is_an_input_or_a_constant() -> None:
    x = Value(2.0)
    assert autograd.compile(x, [x])() == 2.0
    assert x.grad == 1.0
    assert autograd.compile(Value(5.0) * 2, [x], arguments=True)(7.0) == (10.0, (0.0,))


# Size: a large graph is cut into parts, each a function; the whole suite runs a 10^5-edge graph,
# `make fuzz` (HYPOTHESIS_PROFILE=fuzz) a 10^6-edge one, which takes a minute or more to compile.


def _layers(edges: int, width: int = 100) -> tuple[Value, list[Value]]:
    """tanh layers of ``width`` neurons, all sharing one weight matrix, until ``edges`` edges."""
    rng = random.Random(0)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(width * width)]
    h = xs = [Value(rng.uniform(-1, 1)) for _ in range(width)]
    for _ in range(max(1, edges // (width * (2 * width + 1)))):
        h = [z.tanh() for z in autograd.dot([ws[i * width : (i + 1) * width] for i in range(width)], h)]
    return autograd.sum(h), ws + xs


@pytest.mark.parametrize(
    "edges",
    [
        100_000,
        pytest.param(
            1_000_000,
            marks=pytest.mark.skipif(
                os.environ.get("HYPOTHESIS_PROFILE") != "fuzz", reason="a minute or more: `make fuzz` runs it"
            ),
        ),
    ],
)
def test_a_large_graph_compiles_in_parts_and_gives_the_engines_gradients(edges: int) -> None:
    out, inputs = _layers(edges)
    step = autograd.compile(out, inputs)
    assert step.source.count("\ndef part") >= 1
    value = step()
    compiled = [p.grad for p in inputs]
    for p in inputs:
        p.grad = 0.0
    out.backward()
    assert value == out.data
    assert compiled == [p.grad for p in inputs]


def test_the_demo_trains_through_a_compiled_step_with_the_same_losses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    X, y = make_moons(n_samples=30, noise=0.1, seed=1)
    labels = [2 * v - 1 for v in y]
    interpreted = train(MLP(2, [8, 8, 1], seed=1), X, labels, 8)
    compiled = train(MLP(2, [8, 8, 1], seed=1), X, labels, 8, compiled=True)
    with capsys.disabled():
        print("\nstep  loss (interpreted)     loss (compiled)        accuracy")
        for k, ((a, accuracy), (b, _)) in enumerate(zip(interpreted, compiled)):
            print(f"{k:>4}  {a!r:<21}  {b!r:<21}  {accuracy:.0%}")
    assert compiled == interpreted
