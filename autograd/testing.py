"""Hypothesis strategies for property tests of gradients: random expressions, and inputs for each op.

Everything drawn here stays where central differences are accurate: no argument within 0.1 of a
point where its op is singular or has a kink (log and sqrt of 0, a zero divisor, relu and abs at 0),
and no intermediate value beyond 100. So for a correct engine ``gradcheck(f, xs)`` holds for every
``(f, xs)`` that ``expressions()`` draws, and a failure is a bug, which Hypothesis shrinks to a short
expression such as ``lambda x0, x1: tanh(x0 * x1) + log(1 + x0**2)``.
"""

from __future__ import annotations

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
from .engine import Value, apply
from .modes import no_grad
from .ops import ANY, LIMIT, MARGIN, NONZERO, POSITIVE, Interval, Op

__all__ = [
    "ANY",
    "DOMAINS",
    "LIMIT",
    "MARGIN",
    "NONZERO",
    "OPS",
    "POSITIVE",
    "Expression",
    "Step",
    "assert_gradients_close",
    "expressions",
    "op_inputs",
    "reals",
    "values",
]

CONSTANTS = (1.0, 2.0, 0.5, -1.0, 3.0)  # numbers that may stand in for one operand of + - * / **
EXPONENTS = (2.0, 3.0, 0.5, -1.0, 0.0)  # x ** c for each, the ops "**2", "**3", "**0.5", ...
_PRECEDENCE = {"__add__": 1, "__sub__": 1, "__mul__": 2, "__truediv__": 2, "__pow__": 4}  # Python's
_WALRUS, _NEG, _ATOM = 0, 3, 5


@dataclass(frozen=True, slots=True)
class _Form:
    """How the strategies build and write an op: ``op`` (the op of the node made), through ``via``'s
    method, operator or function; ``constant`` is c for ``x ** c``, an op of its own."""

    op: Op
    via: Op
    constant: float | None = None

    def build(self, args: Sequence[Value | float]) -> Value:
        """The node, built as a user writes it: ``x + 1``, ``x.tanh()``, ``x ** 2``; a function-only
        op (``sum``, ``dot``) is applied from its table entry."""
        method = self.via.method
        if self.constant is not None:
            args = [*args, self.constant]
        if method in _PRECEDENCE:
            return getattr(operator, method.strip("_"))(*args)  # type: ignore[no-any-return]
        if method is not None:
            return getattr(args[0], method)()  # type: ignore[no-any-return]
        return apply(self.op, *args)  # type: ignore[arg-type]

    def size(self) -> st.SearchStrategy[int]:
        """How many arguments: one per domain; for an n-ary op, one to three of each group (dot's
        weights and inputs come in pairs)."""
        if self.op.group is None:
            return st.just(len(self.op.domain))
        groups = len(self.op.group(range(2)))
        return st.integers(1, 3).map(lambda n: n * groups)

    def constant_slots(self) -> tuple[int, ...]:
        """Which arguments a number may stand in for: either operand of a binary operator, only the left
        one where ``x op c`` is an op of its own (``x ** 2``)."""
        if self.constant is not None or self.via.method not in _PRECEDENCE:
            return ()
        return (0,) if self.via.constant else (0, 1)

    def domains(self, n: int) -> tuple[tuple[Interval, ...], ...]:
        """The intervals of each of ``n`` arguments."""
        domain = self.op.domain
        return domain if len(domain) == n else domain * n


def _forms() -> dict[str, _Form]:
    """Every op the strategies draw, by the name its nodes show: the ops of the table that have a
    domain (the n-ary ones last), and ``x ** c`` for each of ``EXPONENTS``. Read at each call, so an op
    added with ``autograd.engine.define`` is drawn too."""
    table = [op for op in ops.TABLE if op.domain]
    fixed = [_Form(op, op) for op in table if op.group is None]
    constants = [_Form(op.constant(c), op, c) for op in table if op.constant for c in EXPONENTS]
    grouped = [_Form(op, op) for op in table if op.group is not None]
    return {form.op.name: form for form in (*fixed, *constants, *grouped)}


DOMAINS: dict[str, tuple[tuple[Interval, ...], ...]] = {name: f.op.domain for name, f in _forms().items()}
"""Op name (as Value.op shows it) -> the intervals each argument is drawn from, as the op table says.
The n-ary ops have one entry, which holds for every argument."""
OPS = tuple(DOMAINS)
"""The name of every op the strategies draw, one for each op of the engine: ``"+"``, ..., ``"**2"``."""


def reals(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[float]:
    """Finite floats in ``[min_value, max_value]``: no nan, no inf, nothing too large to difference."""
    return st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)


def values(min_value: float = -10.0, max_value: float = 10.0) -> st.SearchStrategy[Value]:
    """Leaf Values holding ``reals(min_value, max_value)``."""
    return reals(min_value, max_value).map(Value)


def op_inputs(op: str) -> st.SearchStrategy[list[float]]:
    """Arguments for ``op`` where it is smooth: ``op_inputs("log")`` draws ``[x]`` with x >= 0.1,
    ``op_inputs("/")`` draws ``[x, y]`` with |y| >= 0.1, ``op_inputs("sum")`` one to three numbers."""
    (form,) = _known([op])
    return form.size().flatmap(
        lambda n: st.tuples(*(_inside(intervals) for intervals in form.domains(n))).map(list)
    )


def _inside(intervals: tuple[Interval, ...]) -> st.SearchStrategy[float]:
    return st.one_of(*(reals(low, high) for low, high in intervals))


def _smooth(form: _Form, args: Sequence[float]) -> bool:
    return all(
        any(low <= x <= high for low, high in intervals)
        for x, intervals in zip(args, form.domains(len(args)))
    )


def _known(names: Iterable[str]) -> tuple[_Form, ...]:
    names = tuple(names)
    forms = _forms()
    unknown = [name for name in names if name not in forms]
    if unknown or not names:
        raise ValueError(f"ops must be names from autograd.testing.OPS {tuple(forms)}, got {names}")
    return tuple(forms[name] for name in names)


@dataclass(frozen=True, slots=True)
class Step:
    """One op of an expression: ``op`` (a name from ``OPS``) of ``args``, each either an int, the index
    of an earlier node (the inputs first, then the result of each step), or a float constant."""

    op: str
    args: tuple[int | float, ...]

    def apply(self, nodes: Sequence[Value]) -> Value:
        """This step's op of its arguments, with each index looked up in ``nodes``."""
        return _forms()[self.op].build([nodes[a] if isinstance(a, int) else a for a in self.args])


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
    draw: st.DrawFn, n_inputs: int, max_ops: int, forms: tuple[_Form, ...]
) -> tuple[Expression, list[float]]:
    xs = draw(st.lists(reals(), min_size=n_inputs, max_size=n_inputs))
    steps: list[Step] = []
    names = tuple(form.op.name for form in forms)
    with no_grad():
        nodes = [Value(x) for x in xs]
        for _ in range(draw(st.integers(0, max_ops))):
            form = forms[names.index(draw(st.sampled_from(names)))]
            step = Step(form.op.name, draw(_arguments(form, len(nodes))))
            out = step.apply(nodes)
            args = [nodes[a].data if isinstance(a, int) else a for a in step.args]
            if _smooth(form, args) and abs(out.data) <= LIMIT:
                steps.append(step)
                nodes.append(out)
    return Expression(n_inputs, tuple(steps)), xs


@st.composite
def _arguments(draw: st.DrawFn, form: _Form, n_nodes: int) -> tuple[int | float, ...]:
    """Arguments for an op: first a node that shrinks towards the newest (so the graph stays one
    chain), then any nodes, which shrink towards x0; perhaps a constant in place of one of them."""
    size = draw(form.size())
    slots = form.constant_slots()
    constant = draw(st.none() | st.sampled_from(CONSTANTS)) if slots else None
    newest = n_nodes - 1 - draw(st.integers(0, n_nodes - 1))
    others = [draw(st.integers(0, n_nodes - 1)) for _ in range(size - 1 - (constant is not None))]
    args: list[int | float] = [newest, *others]
    if constant is not None:
        args.insert(draw(st.sampled_from(slots)), constant)
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
        form = _forms()[step.op]
        method, op = form.via.method, form.op
        args = [self.render(a) for a in step.args]
        texts = [text for text, _ in args]
        if method in _PRECEDENCE:
            p = _PRECEDENCE[method]
            power = method == "__pow__"
            # ** groups from the right, the others from the left: a - (b - c), (a ** b) ** c.
            left = _wrap(args[0], p + power)
            right = f"{form.constant:g}" if form.constant is not None else _wrap(args[1], p + (not power))
            return (f"{left}**{right}" if power else f"{left} {form.via.name} {right}"), p
        if method == "__neg__":
            return f"-{_wrap(args[0], _NEG)}", _NEG
        if method is not None:
            return f"{method}({texts[0]})", _ATOM
        if op.group is None:
            return f"{op.name}({', '.join(texts)})", _ATOM
        groups = (f"[{', '.join(group)}]" for group in op.args(texts))
        return f"{op.name}({', '.join(groups)})", _ATOM


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
