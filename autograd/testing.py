"""Hypothesis strategies for property tests of gradients: random expressions, and inputs for each op.

Everything drawn here stays where central differences are accurate: no argument within 0.1 of a
point where its op is singular or has a kink (log and sqrt of 0, a zero divisor, relu and abs at 0),
and no intermediate value beyond 100. So for a correct engine ``gradcheck(f, xs)`` holds for every
``(f, xs)`` that ``expressions()`` draws, and a failure is a bug, which Hypothesis shrinks to a short
expression such as ``lambda x0, x1: tanh(x0 * x1) + log(1 + x0**2)``.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as error:
    raise ImportError(
        "autograd.testing needs Hypothesis, which the 'hypothesis' extra installs: "
        "pip install 'valuegrad[hypothesis]'"
    ) from error

from . import ops
from .check import ATOL, EPS, RTOL, gradcheck, gradgradcheck
from .engine import Value, dot
from .engine import sum as value_sum
from .modes import no_grad

__all__ = [
    "DOMAINS",
    "OPS",
    "Expression",
    "Step",
    "assert_gradients_close",
    "expressions",
    "op_inputs",
    "reals",
    "values",
]

LIMIT = 100.0  # no argument of an op, and no intermediate value of an expression, is larger
MARGIN = 0.1  # how far arguments stay from a singularity or a kink

Interval = tuple[float, float]
ANY: tuple[Interval, ...] = ((-LIMIT, LIMIT),)
POSITIVE: tuple[Interval, ...] = ((MARGIN, LIMIT),)
NONZERO: tuple[Interval, ...] = ((-LIMIT, -MARGIN), (MARGIN, LIMIT))

CONSTANTS = (1.0, 2.0, 0.5, -1.0, 3.0)  # numbers that may stand in for one operand of + - * / **
EXPONENTS = (2.0, 3.0, 0.5, -1.0, 0.0)  # x ** c for each, the ops "**2", "**3", "**0.5", ...
_FUNCTIONS = ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos")
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4}  # of each binary operator, as in Python
_WALRUS, _NEG, _POWER, _ATOM = 0, 3, 4, 5


def _power_domain(c: float) -> tuple[Interval, ...]:
    """Where x ** c is smooth: anywhere for c = 0, 1, 2, ...; off 0 for c < 0; above 0 for a fraction."""
    return POSITIVE if c % 1 else NONZERO if c < 0 else ANY


# Op name (as Value.op shows it) -> the intervals each argument is drawn from. The n-ary ops have one
# entry, which holds for every argument.
DOMAINS: dict[str, tuple[tuple[Interval, ...], ...]] = {
    "+": (ANY, ANY),
    "-": (ANY, ANY),
    "*": (ANY, ANY),
    "/": (ANY, NONZERO),
    "**": (POSITIVE, ((-3.0, 3.0),)),
    "neg": (ANY,),
    "exp": (((-LIMIT, math.log(LIMIT)),),),
    "log": (POSITIVE,),
    "sqrt": (POSITIVE,),
    "tanh": (ANY,),
    "sigmoid": (ANY,),
    "relu": (NONZERO,),
    "abs": (NONZERO,),
    "sin": (ANY,),
    "cos": (ANY,),
    **{ops.power_of(c).name: (_power_domain(c),) for c in EXPONENTS},
    "sum": (ANY,),
    "dot": (ANY,),
}
OPS = tuple(DOMAINS)
"""The name of every op the strategies draw, one for each op of the engine: ``"+"``, ..., ``"**2"``."""

_CONSTANT_SLOTS = {"+": (0, 1), "-": (0, 1), "*": (0, 1), "/": (0, 1), "**": (0,)}
_SIZES = {"sum": st.integers(1, 4), "dot": st.integers(1, 3).map(lambda n: 2 * n)}


def _power(c: float) -> Callable[[Value], Value]:
    return lambda x: x**c


def _dot(*wx: Value) -> Value:
    return dot(wx[: len(wx) // 2], wx[len(wx) // 2 :])


_APPLY: dict[str, Callable[..., Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "neg": operator.neg,
    **{name: operator.methodcaller(name) for name in _FUNCTIONS},
    **{ops.power_of(c).name: _power(c) for c in EXPONENTS},
    "sum": lambda *xs: value_sum(xs),
    "dot": _dot,
}
"""How each op is built from Values and constants, through the engine's public operators."""


def reals(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]``: no nan, no inf, nothing too large to difference."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def values(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[Value]:
    """Leaf Values holding ``reals(min_value, max_value)``."""
    return reals(min_value, max_value).map(Value)


def op_inputs(op: str) -> st.SearchStrategy[list[float]]:
    """Arguments for ``op`` where it is smooth: ``op_inputs("log")`` draws ``[x]`` with x >= 0.1,
    ``op_inputs("/")`` draws ``[x, y]`` with |y| >= 0.1, ``op_inputs("sum")`` one to four numbers."""
    _known([op])
    return _size(op).flatmap(
        lambda n: st.tuples(*(_inside(intervals) for intervals in _domains(op, n))).map(list)
    )


def _inside(intervals: tuple[Interval, ...]) -> st.SearchStrategy[float]:
    return st.one_of(*(reals(low, high) for low, high in intervals))


def _size(op: str) -> st.SearchStrategy[int]:
    return _SIZES.get(op, st.just(len(DOMAINS[op])))


def _domains(op: str, n: int) -> tuple[tuple[Interval, ...], ...]:
    """The intervals of each of ``n`` arguments of ``op``."""
    domain = DOMAINS[op]
    return domain if len(domain) == n else domain * n


def _smooth(op: str, args: Sequence[float]) -> bool:
    return all(
        any(low <= x <= high for low, high in intervals)
        for x, intervals in zip(args, _domains(op, len(args)))
    )


def _known(ops: Iterable[str]) -> tuple[str, ...]:
    names = tuple(ops)
    unknown = [name for name in names if name not in DOMAINS]
    if unknown or not names:
        raise ValueError(f"ops must be names from autograd.testing.OPS {OPS}, got {names}")
    return names


@dataclass(frozen=True, slots=True)
class Step:
    """One op of an expression: ``op`` (a name from ``OPS``) of ``args``, each either an int, the index
    of an earlier node (the inputs first, then the result of each step), or a float constant."""

    op: str
    args: tuple[int | float, ...]

    def apply(self, nodes: Sequence[Value]) -> Value:
        """This step's op of its arguments, with each index looked up in ``nodes``."""
        return _APPLY[self.op](*(nodes[a] if isinstance(a, int) else a for a in self.args))


@dataclass(frozen=True, slots=True)
class Expression:
    """A program: ``n_inputs`` inputs, then ``steps``; its value is the last node.

    Call it on Values to build its graph. Its repr is the expression as Python source, where a node
    used more than once is named where it first appears (``tanh(t0 := x0 * x1) + t0``) and a function
    ``f(x)`` stands for ``x.f()``.
    """

    n_inputs: int
    steps: tuple[Step, ...]

    def __call__(self, *inputs: Value) -> Value:
        if len(inputs) != self.n_inputs:
            raise TypeError(f"this expression takes {self.n_inputs} Values, got {len(inputs)}")
        nodes = list(inputs)
        for step in self.steps:
            nodes.append(step.apply(nodes))
        return nodes[-1]

    def __repr__(self) -> str:
        names = ", ".join(f"x{i}" for i in range(self.n_inputs))
        return f"lambda {names}: {_Source(self).render(self.n_inputs + len(self.steps) - 1)[0]}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """Hypothesis (in a falsifying example) and IPython print this, and not the dataclass fields."""
        printer.text(repr(self))


def expressions(
    n_inputs: int = 2, max_ops: int = 10, ops: Iterable[str] = OPS
) -> st.SearchStrategy[tuple[Expression, list[float]]]:
    """Pairs ``(f, xs)``: a random expression ``f`` of ``n_inputs`` Values, and inputs inside its domain.

    ``f`` has at most ``max_ops`` ops drawn from ``ops`` (names from ``OPS``), reuses earlier nodes
    (shared subexpressions), and every op's arguments at ``xs`` lie where the op is smooth, so that
    ``gradcheck(f, xs)`` holds for a correct engine. An op whose arguments would fall outside is left
    out, so an expression may have fewer ops.
    """
    if n_inputs < 1:
        raise ValueError(f"expressions() needs at least one input, got n_inputs={n_inputs}")
    return _expressions(n_inputs, max_ops, _known(ops))


@st.composite
def _expressions(
    draw: st.DrawFn, n_inputs: int, max_ops: int, ops: tuple[str, ...]
) -> tuple[Expression, list[float]]:
    xs = draw(st.lists(reals(), min_size=n_inputs, max_size=n_inputs))
    steps: list[Step] = []
    with no_grad():
        nodes = [Value(x) for x in xs]
        for _ in range(draw(st.integers(0, max_ops))):
            op = draw(st.sampled_from(ops))
            step = Step(op, draw(_arguments(op, len(nodes))))
            out = step.apply(nodes)
            args = [nodes[a].data if isinstance(a, int) else a for a in step.args]
            if _smooth(op, args) and abs(out.data) <= LIMIT:
                steps.append(step)
                nodes.append(out)
    return Expression(n_inputs, tuple(steps)), xs


@st.composite
def _arguments(draw: st.DrawFn, op: str, n_nodes: int) -> tuple[int | float, ...]:
    """Arguments for ``op``: first a node that shrinks towards the newest (so the graph stays one
    chain), then any nodes, which shrink towards x0; perhaps a constant in place of one of them."""
    size = draw(_size(op))
    constant = draw(st.none() | st.sampled_from(CONSTANTS)) if op in _CONSTANT_SLOTS else None
    newest = n_nodes - 1 - draw(st.integers(0, n_nodes - 1))
    others = [draw(st.integers(0, n_nodes - 1)) for _ in range(size - 1 - (constant is not None))]
    args: list[int | float] = [newest, *others]
    if constant is not None:
        args.insert(draw(st.sampled_from(_CONSTANT_SLOTS[op])), constant)
    return tuple(args)


class _Source:
    """Renders an expression's nodes as Python source with the fewest parentheses."""

    def __init__(self, expression: Expression) -> None:
        self.n_inputs = expression.n_inputs
        self.steps = expression.steps
        self.uses = self._uses(self.n_inputs + len(self.steps) - 1)
        self.names: dict[int, str] = {}

    def _uses(self, output: int) -> Counter[int]:
        """How many times each node is an argument, counting only the nodes the output depends on."""
        uses: Counter[int] = Counter()
        stack, seen = [output], set()
        while stack:
            node = stack.pop()
            if node >= self.n_inputs and node not in seen:
                seen.add(node)
                args = [a for a in self.steps[node - self.n_inputs].args if isinstance(a, int)]
                uses.update(args)
                stack.extend(args)
        return uses

    def render(self, arg: int | float) -> tuple[str, int]:
        """Source for a node or a constant, and its precedence. Left to right, as Python evaluates it,
        so a shared node is named (``t0 := ...``) where it first appears."""
        if not isinstance(arg, int):
            return f"{arg:g}", _NEG if arg < 0 else _ATOM
        if arg < self.n_inputs:
            return f"x{arg}", _ATOM
        if arg in self.names:
            return self.names[arg], _ATOM
        if self.uses[arg] > 1:
            self.names[arg] = name = f"t{len(self.names)}"
            return f"{name} := {self._step(self.steps[arg - self.n_inputs])[0]}", _WALRUS
        return self._step(self.steps[arg - self.n_inputs])

    def _step(self, step: Step) -> tuple[str, int]:
        args = [self.render(a) for a in step.args]
        texts = [text for text, _ in args]
        if step.op in _PRECEDENCE:
            p = _PRECEDENCE[step.op]
            power = step.op == "**"
            # ** groups from the right, the others from the left: a - (b - c), (a ** b) ** c.
            left, right = _wrap(args[0], p + power), _wrap(args[1], p + (not power))
            return (f"{left}**{right}" if power else f"{left} {step.op} {right}"), p
        if step.op == "neg":
            return f"-{_wrap(args[0], _NEG)}", _NEG
        if step.op.startswith("**"):
            return f"{_wrap(args[0], _ATOM)}{step.op}", _POWER
        if step.op == "sum":
            return f"sum([{', '.join(texts)}])", _ATOM
        if step.op == "dot":
            half = len(texts) // 2
            return f"dot([{', '.join(texts[:half])}], [{', '.join(texts[half:])}])", _ATOM
        return f"{step.op}({texts[0]})", _ATOM


def _wrap(rendered: tuple[str, int], needed: int) -> str:
    text, precedence = rendered
    return text if precedence >= needed else f"({text})"


def assert_gradients_close(
    f: Callable[..., Value],
    xs: Sequence[Value | float],
    *,
    second_order: bool = True,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> None:
    """Raise ``GradcheckError`` (an AssertionError) with a table unless ``f``'s first derivatives at
    ``xs``, and with ``second_order`` its second derivatives, agree with central differences."""
    gradcheck(f, xs, eps=eps, atol=atol, rtol=rtol)
    if second_order:
        gradgradcheck(f, xs, eps=eps, atol=atol, rtol=rtol)
