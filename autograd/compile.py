"""``autograd.compile``: a recorded graph, replayed as generated straight-line Python.

A training step of a fixed network records the same graph every time. ``compile`` walks that graph
once and writes the Python a person would write by hand for it: one line per node for the forward
pass, one line per edge for the backward pass, in the order the interpreted engine takes them, with
the code of each op and of its derivatives taken from its entry in ``ops.TABLE`` (``Op.source``).
Calling the result replays the graph on the inputs' current values with no Value made at all.

What is fixed when the graph is compiled, as ``torch.jit.trace`` fixes it:

- the graph itself: every leaf that is not an input is a constant, its value captured then;
- any Python control flow that read ``.data`` while the graph was built. A loss written
  ``x if x.data > 0 else -x`` keeps, at every replay, the branch that was taken when it was
  recorded, even once ``x`` has changed sign; so does ``max(z.data for z in zs)`` in a stable
  softmax (the shift stays the number it was, which is still correct but may overflow). Ops whose
  derivative depends on their argument (relu, abs, ``**`` at 0) are not control flow: their
  derivatives and masks are evaluated at every replay, as the interpreted engine evaluates them.

The compiled backward pass does the same float operations in the same order as ``backward()``, so
values and gradients are identical to the interpreted engine's, not merely close. Where the
interpreted pass skips a node whose gradient is 0 (every derivative finite), the compiled one skips
it behind an ``if`` on nodes with many inputs, and adds the zeros elsewhere: adding a zero changes
no gradient. A gradient that starts at the first contribution (``dz = w * dn``, not ``0.0 + w * dn``)
differs from the interpreted one at most in the sign of a zero gradient, which ``==`` and every
later multiply-add cannot see.
"""

from __future__ import annotations

import builtins
import keyword
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import ops
from .engine import Value
from .graph import topological_order

# The names the templates of Op.source may use, as the generated code's globals.
KERNELS: dict[str, object] = {
    "abs": builtins.abs,
    "cosine": ops.cosine,
    "divide": ops.divide,
    "exponential": ops.exponential,
    "inf": math.inf,
    "isfinite": math.isfinite,
    "logarithm": ops.logarithm,
    "logistic": ops.logistic,
    "nan": math.nan,
    "power": ops.power,
    "sine": ops.sine,
    "square_root": ops.square_root,
    "sum": builtins.sum,
    "tanh": math.tanh,
}
GUARD_MIN = 4  # a node with this many inputs or more skips its backward step when its grad is 0
MAX_NAME = 40  # labels longer than this are cut, to keep lines readable
_ATOM = re.compile(r"[\w.]+|\(-[\w.+]+\)", re.ASCII)  # a name or a number: needs no parentheses
_NAME = re.compile(r"[A-Za-z_]\w*", re.ASCII)
_ASSIGNED = re.compile(r"(\w+) =(?!=)", re.ASCII)  # the target of an assignment
_ADDED = re.compile(r"(\w+) \+=", re.ASCII)
PART = 400_000  # characters of code in one function at most (about 4,000 nodes of a dense layer)
_FINITE = re.compile(r"\(?-?[0-9][0-9.e+-]*\)?", re.ASCII)  # the literal of a finite number


def compile(
    output: Value, inputs: Iterable[Value], *, backward: bool = True, arguments: bool = False
) -> CompiledGraph:
    """The graph below ``output`` as a Python function of ``inputs``, which replays it.

    ``step = compile(loss, model.parameters())`` records nothing new: ``step()`` recomputes the
    forward pass from the inputs' current ``.data``, runs the backward pass, accumulating into the
    inputs' ``.grad`` exactly as ``loss.backward()`` does, and returns the output's value. Every leaf
    not among ``inputs`` is a constant, its ``.data`` captured now; control flow that read ``.data``
    while the graph was built is frozen as it went then (see the module's docstring for an example).

    Options: ``backward=False`` compiles the forward pass only. ``arguments=True`` makes a function
    of the inputs' values, ``step(*values)``, which reads no ``.data``, touches no ``.grad`` and
    returns ``(value, gradients)``, a gradient for each input as ``autograd.grad`` gives them (or
    the value alone without backward). ``step.source`` is the generated code.

    The compiled graph keeps no reference to the recorded Values except ``inputs``, so the graph
    itself can be freed.
    """
    if not isinstance(output, Value):
        raise TypeError(f"compile() compiles the graph below a Value, got {type(output).__name__}")
    inputs = _checked_inputs(inputs)
    writer = _Writer(output, inputs, backward=backward, arguments=arguments)
    return CompiledGraph(writer.write(), writer.namespace, inputs, backward=backward, arguments=arguments)


def _checked_inputs(inputs: Iterable[Value]) -> tuple[Value, ...]:
    if isinstance(inputs, Value) or not isinstance(inputs, Iterable):
        raise TypeError(
            f"compile() takes the inputs as a list of Values, such as model.parameters(), "
            f"got {type(inputs).__name__}"
        )
    inputs = tuple(inputs)
    seen: set[Value] = set()
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"compile() takes Values as inputs, got {type(x).__name__} at index {i}")
        if x._prev:
            raise ValueError(
                f"compile() takes leaves as inputs, got a node made by {x.op!r} at index {i}: "
                f"pass the leaves it was computed from"
            )
        if x in seen:
            raise ValueError(f"compile() got the same Value twice among its inputs, at index {i}")
        seen.add(x)
    return inputs


class CompiledGraph:
    """A recorded graph as a Python function: call it to replay the graph. ``source`` is its code."""

    def __init__(
        self,
        functions: list[str],
        namespace: dict[str, object],
        inputs: tuple[Value, ...],
        *,
        backward: bool,
        arguments: bool,
    ) -> None:
        self.source = "\n\n".join(functions)
        self.inputs = inputs
        self.backward = backward
        self.arguments = arguments
        for function in functions:  # one at a time, so that the compiler holds one part in memory
            exec(builtins.compile(function, "<autograd.compile>", "exec"), namespace)
        self._function: Callable[..., Any] = namespace[_FUNCTION]  # type: ignore[assignment]

    def __call__(self, *values: float) -> Any:
        """Replay the graph: see ``autograd.compile`` for what it reads, writes and returns."""
        if not self.arguments:
            if values:
                raise TypeError(
                    "this compiled graph reads its inputs' .data and takes no arguments: "
                    "compile it with arguments=True to pass the values"
                )
            return self._function(self.inputs)
        if len(values) != len(self.inputs):
            raise TypeError(
                f"this compiled graph takes {len(self.inputs)} values, one per input, got {len(values)}"
            )
        return self._function(*values)

    def __repr__(self) -> str:
        lines = self.source.count("\n")
        what = "forward and backward" if self.backward else "forward"
        return f"<CompiledGraph: {what}, {len(self.inputs)} inputs, {lines} lines>"


_FUNCTION = "step"
_RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))


class _Names:
    """Unique Python names: a label made into an identifier where it can be, else ``n0``, ``n1``, ..."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(_RESERVED) | set(taken)
        self.suffixes: dict[str, int] = {}
        self.anonymous = 0

    def new(self, label: str) -> str:
        base = re.sub(r"\W+", "_", label, flags=re.ASCII)[:MAX_NAME].strip("_")
        if not base:
            return self._next_anonymous()
        if base[0].isdigit():
            base = f"_{base}"
        return self.unique(base)

    def unique(self, base: str) -> str:
        name = base
        while name in self.taken:  # each base's counter only grows, so this stays linear
            self.suffixes[base] = count = self.suffixes.get(base, 1) + 1
            name = f"{base}_{count}"
        self.taken.add(name)
        return name

    def _next_anonymous(self) -> str:
        while f"n{self.anonymous}" in self.taken:
            self.anonymous += 1
        return self.unique(f"n{self.anonymous}")


def _literal(x: float) -> str:
    """A float as Python source that evaluates to exactly it (``inf`` and ``nan`` are globals)."""
    text = repr(x)
    return f"({text})" if text.startswith("-") else text


def _targets(names: Sequence[str]) -> str:
    """Names separated by commas, a tuple even of one."""
    return ", ".join(names) + ("," if len(names) == 1 else "")


def _atom(expression: str) -> str:
    return expression if _ATOM.fullmatch(expression) else f"({expression})"


def _times(d: str, g: str) -> str:
    """``d * g``, the chain rule's product, without multiplying by one (which changes no float)."""
    if g == "1.0":
        return d
    if d == "1.0":
        return g
    if d == "-1.0":
        return f"-{g}"
    return f"{_atom(d)} * {g}"


class _Writer:
    """Writes the code of one graph: the forward pass in topological order, then the backward pass
    in the reverse of the order ``backward()`` walks."""

    def __init__(self, output: Value, inputs: tuple[Value, ...], *, backward: bool, arguments: bool) -> None:
        self.output = output
        self.inputs = inputs
        self.backward = backward
        self.arguments = arguments
        self.namespace: dict[str, object] = dict(KERNELS)
        self.names = _Names([*self.namespace, _FUNCTION, "inputs", "v", "g"])
        self.body: list[str] = []  # the statements, each on its line or lines, indented once
        # Every node that depends on an input, with its name; any other node is a constant.
        self.name: dict[Value, str] = {x: self.names.new(x.label) for x in inputs}
        self.nodes: list[Value] = []  # the nodes to compute, each after its parents
        for n in topological_order(output):
            if n._prev and any(p in self.name for p in n._prev):
                self.nodes.append(n)
                self.name[n] = self.names.new(n.label)
        self.grad: dict[Value, str] = {}
        self.started: set[Value] = set()  # the nodes whose gradient variable has been assigned
        self.op_names: dict[ops.Op, str] = {}  # ops with no source, as globals of the code
        self.uses: Counter[Value] = Counter()  # how many terms each gradient adds up

    def ref(self, node: Value) -> str:
        """A node's value in the code: its name, or the literal of a constant."""
        name = self.name.get(node)
        return name if name is not None else _literal(node.data)

    def write(self) -> list[str]:
        """The code, as the source of each function: one, or for a large graph its parts, then
        the function that calls them."""
        inputs = [self.name[x] for x in self.inputs]
        prologue = [] if self.arguments or not inputs else [f"{_targets(inputs)} = [v.data for v in inputs]"]
        for n in self.nodes:
            self.emit(f"{self.name[n]} = {self.value(n)}{self.comment(n)}")
            for p in n._prev:
                if p in self.name:
                    self.uses[p] += 1
        out = self.ref(self.output)
        epilogue = [f"return {out}"]
        if self.backward:
            for x in self.inputs:
                self.grad[x] = self.names.unique(f"d{self.name[x]}")
            if not self.arguments and inputs:
                prologue.append(f"{_targets([self.grad[x] for x in self.inputs])} = [v.grad for v in inputs]")
                self.started.update(self.inputs)
            self.backward_pass()
            grads = [self.grad[x] if x in self.started else "0.0" for x in self.inputs]
            if self.arguments:
                epilogue = [f"return {out}, ({_targets(grads)})"]
            elif inputs:
                epilogue[:0] = [f"for v, g in zip(inputs, ({_targets(grads)})):", "    v.grad = g"]
        header = f"def {_FUNCTION}({', '.join(inputs) if self.arguments else 'inputs'}):"
        body = ["    " + line for line in prologue] + self.body
        if sum(map(len, self.body)) <= PART:
            return ["\n".join([header, *body, *("    " + line for line in epilogue)]) + "\n"]
        return self.parts(header, prologue, epilogue)

    def parts(self, header: str, prologue: list[str], epilogue: list[str]) -> list[str]:
        """A graph too large for one function (CPython's compiler holds a whole function in memory
        at once): the body cut into parts of about ``PART`` characters, each a function that takes the
        values it reads from the parts before it and returns those that the parts after it read.
        ``step`` calls them in turn."""
        known = {name for name in (*self.name.values(), *self.grad.values()) if name.isidentifier()}
        cuts: list[list[str]] = [[]]
        size = 0
        for statement in self.body:
            if size > PART:
                cuts.append([])
                size = 0
            cuts[-1].append(statement)
            size += len(statement)
        reads: list[list[str]] = []
        writes: list[set[str]] = []
        last: dict[str, int] = {}  # the last part that reads each name
        for k, cut in enumerate(cuts):
            read: dict[str, None] = {}  # in order of first reading
            written: set[str] = set()
            for statement in cut:
                code = "\n".join(line.split("#")[0] for line in statement.split("\n"))
                assigned = set(_ASSIGNED.findall(code))
                for name in _NAME.findall(code):
                    if name in known and name not in written and name not in assigned:
                        read[name] = None
                        last[name] = k
                written |= assigned | set(_ADDED.findall(code))
            reads.append(list(read))
            writes.append(written)
        for name in _NAME.findall("\n".join(epilogue)):
            last[name] = len(cuts)
        functions, calls = [], []
        for k, cut in enumerate(cuts):
            name = self.names.unique(f"part{k + 1}")
            results = [n for n in sorted(writes[k]) if last.get(n, -1) > k]
            returned = f"{', '.join(results)}," if results else ""
            functions.append(
                "\n".join([f"def {name}({', '.join(reads[k])}):", *cut, f"    return {returned}"])
            )
            call = f"{name}({', '.join(reads[k])})"
            calls.append(f"    {returned} = {call}" if results else f"    {call}")
        step = "\n".join(
            [header, *("    " + line for line in prologue), *calls, *("    " + line for line in epilogue)]
        )
        return [function + "\n" for function in (*functions, step)]

    def emit(self, line: str, depth: int = 1) -> None:
        if depth == 1:
            self.body.append("    " + line)
        else:  # the body of the block on the line before
            self.body[-1] += "\n" + "    " * depth + line

    def comment(self, n: Value) -> str:
        """The label of a node whose name is not its label, as a comment (repr: never a line break)."""
        return f"  # {n.label!r}" if n.label and n.label != self.name[n] else ""

    def op_code(self, n: Value) -> tuple[ops.Op, ops.Source | None, Sequence[Any], str]:
        op: ops.Op = n._operation  # type: ignore[assignment]  # a node with parents has an op
        args = [self.ref(p) for p in n._prev]
        if op.source is not None:
            return op, op.source, op.args(args), ""
        fallback = f"op_{op.name}" if re.fullmatch(r"\w+", op.name, re.ASCII) else "op"
        name = self.op_names.get(op) or self.names.unique(fallback)
        self.op_names[op] = name
        self.namespace[name] = op
        return op, None, args, f"*{name}.args(({', '.join(args)},))"

    def value(self, n: Value) -> str:
        op, source, args, call = self.op_code(n)
        if source is not None:
            return source.value(*args)
        return f"{self.op_names[op]}.value({call})"

    def backward_pass(self) -> None:
        root = self.output
        if root not in self.name:
            return  # a constant: no gradient reaches an input
        if not root._prev:  # the output is one of the inputs
            name = self.grad_name(root)
            self.emit(f"{name} += 1.0" if root in self.started else f"{name} = 1.0")
            self.started.add(root)
            return
        for n in reversed(topological_order(root, leaves=False)):
            if n in self.name and n._prev:
                self.step(n)

    def grad_name(self, n: Value) -> str:
        name = self.grad.get(n)
        if name is None:
            self.grad[n] = name = self.names.unique(f"d{self.name[n]}")
        return name

    def step(self, n: Value) -> None:
        """The backward step of node ``n``: each input that depends on an input gets d * grad(n)."""
        op, source, args, call = self.op_code(n)
        g = self.grad_name(n) if n is not self.output else "1.0"
        out = self.name[n]
        if source is None:
            table = self.op_names[op]
            derivatives = [f"{table}.derivatives({out}, {call})[{i}]" for i in range(len(n._prev))]
            masks: Sequence[str | None] = (
                [f"{table}.masks({call})[{i}]" for i in range(len(n._prev))] if op.masks else ()
            )
            finite = None
        else:
            derivatives = list(source.derivatives(out, *args))
            masks = source.masks(*args) if source.masks else ()
            finite = source.finite(out, *args) if source.finite else None
        edges = [
            (p, d, masks[i] if masks else None)
            for i, (p, d) in enumerate(zip(n._prev, derivatives))
            if p in self.name
        ]
        guard = None
        if len(edges) >= GUARD_MIN and g != "1.0":
            if all(_FINITE.fullmatch(d) for _, d, _ in edges):
                guard = f"if {g} != 0:"
            elif finite is not None:
                guard = f"if {g} != 0 or not {finite}:"
        zeros: list[str] = []  # gradients that start at 0 here, where their first term may not come
        body: list[tuple[str, bool]] = []  # this step's statements, and whether each is compound
        for p, d, mask in edges:
            term = _times(d, g)
            if p in self.started:
                if mask != "True":  # masked everywhere: nothing flows
                    body.append(self.contribution(p, term, mask))
            elif guard is not None or mask == "True":
                zeros.append(self.grad_name(p))
                self.started.add(p)
                if mask != "True":
                    body.append(self.contribution(p, term, mask))
            else:
                self.started.add(p)
                if mask is None and self.uses[p] == 1 and _ATOM.fullmatch(term):
                    self.grad[p] = term  # its only term, a name or a number: no copy needed
                elif mask is None:
                    body.append((f"{self.grad_name(p)} = {term}", False))
                else:
                    body.append((f"{self.grad_name(p)} = 0.0 if {mask} else {term}", False))
        if zeros:
            self.emit(" = ".join([*zeros, "0.0"]))
        if guard is not None and not any(compound for _, compound in body):
            self.emit(f"{guard} {'; '.join(line for line, _ in body)}")
            return
        if guard is not None:
            self.emit(guard)
        depth = 1 if guard is None else 2
        simple: list[str] = []
        for line, compound in body:
            if compound:
                self.flush(simple, depth)
                self.emit(line, depth)
            else:
                simple.append(line)
        self.flush(simple, depth)

    def flush(self, statements: list[str], depth: int) -> None:
        """Simple statements of one backward step, on one line."""
        if statements:
            self.emit("; ".join(statements), depth)
            statements.clear()

    def contribution(self, p: Value, term: str, mask: str | None) -> tuple[str, bool]:
        """``p``'s gradient += ``term`` (unless masked), and whether that is a compound statement."""
        add = f"{self.grad_name(p)} += {term}"
        return (add, False) if mask is None else (f"if not ({mask}): {add}", True)
