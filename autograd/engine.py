"""The Value node, the n-ary ops, and the backward pass.

A Value is plain data: its number, its gradient, its parents and the local derivative of itself with
respect to each parent, recorded when it is created from the table in ``ops``. No node holds a
closure, so no node is part of a reference cycle: a graph is freed the moment its last reference
goes.
"""

from __future__ import annotations

from builtins import sum as plain_sum  # the module's own sum() makes a node
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from math import isfinite
from typing import TYPE_CHECKING, Any, SupportsFloat, overload

from . import ops
from .graph import topological_order
from .modes import MODE, RECORDING, anomaly_enabled, check_backward, check_forward, enable_grad
from .ops import Op, is_number, real, to_float

if TYPE_CHECKING:
    from .forward import Dual


def _checked(data: object) -> float:
    """``data`` as a float, or a TypeError that says what a Value accepts."""
    if isinstance(data, Value):
        raise TypeError(
            "Value() takes a real number, got a Value: use value.detach() for a new leaf with the same data"
        )
    if not is_number(data):
        raise TypeError(
            f"Value() takes a real number (int, float, Fraction, Decimal or a NumPy scalar), "
            f"got {type(data).__name__}: {data!r:.60}"
        )
    return to_float(data)  # type: ignore[arg-type]


def _lift(x: object) -> Value | None:
    """``x`` as a Value: itself, a new leaf for a number, or None for anything else."""
    if isinstance(x, Value):
        return x
    return Value(to_float(x)) if is_number(x) else None  # type: ignore[arg-type]


def _node(op: Op, parents: tuple[Value, ...], args: Sequence[Any]) -> Value:
    """``op`` of ``parents`` (whose data are ``args``, as ``op`` takes them) as a new node,
    recording its local derivatives when grad mode is on: the hot path of the whole engine."""
    data = op.value(*args)
    mode = MODE.get()
    if mode is not RECORDING:  # no_grad or detect_anomaly: the common case pays one check
        if mode.anomaly:
            check_forward(op.name, data, [p.data for p in parents])
        if not mode.grad:
            return Value(data)
    return Value(data, "", parents, op.derivatives(data, *args), op)


def apply(op: Op, *parents: Value) -> Value:
    """``op`` of ``parents`` as a new node; with a Dual among them, a Dual (``autograd.forward``)."""
    if _has_dual(parents):
        from . import forward

        return forward.apply(op, *parents)  # type: ignore[return-value]
    return _node(op, parents, op.args([p.data for p in parents]))


# Python's binary operators: each comes with its reflected form (``__radd__`` for ``__add__``).
_BINARY = frozenset(["__add__", "__sub__", "__mul__", "__truediv__", "__floordiv__", "__mod__", "__pow__"])


def _binary(op: Op, reflected: bool = False) -> Callable[[Value, Value | float], Value]:
    """The operator method for ``op``: ``self op other``, or ``other op self`` when reflected. A number
    ``c`` on the right becomes ``op.constant(c)`` of ``self`` where the op has one (``x ** 2``)."""
    constant = None if reflected else op.constant

    def method(self: Value, other: Any) -> Any:
        if other.__class__ is not Value:
            if constant is not None and is_number(other):
                return _node(constant(to_float(other)), (self,), (self.data,))
            other = _lift(other)
            if other is None:
                return NotImplemented
        x, y = (other, self) if reflected else (self, other)
        return _node(op, (x, y), (x.data, y.data))

    return method


def _unary(op: Op) -> Callable[[Value], Value]:
    def method(self: Value) -> Value:
        if MODE.get() is RECORDING:  # _node's common case, written out: a call fewer for each node
            x = self.data
            data = op.value(x)
            return Value(data, "", (self,), op.derivatives(data, x), op)
        return _node(op, (self,), (self.data,))

    return method


def _add_methods(op: Op) -> None:
    """Give Value the method or operator that applies ``op``, as its table entry names it."""
    name = op.method
    if name is None:
        return
    if name in _BINARY:
        methods: dict[str, Callable[..., Value]] = {
            name: _binary(op),
            f"__r{name[2:]}": _binary(op, reflected=True),
        }
        doc = f"``self {op.name} other`` as a new node (and the reflected ``other {op.name} self``)."
    else:
        methods = {name: _unary(op)}
        doc = f"{op.name} of this Value, as a new node."
    for attribute, method in methods.items():
        method.__name__ = attribute
        method.__qualname__ = f"Value.{attribute}"
        method.__doc__ = doc
        setattr(Value, attribute, method)


class Value:
    """A scalar in a computation graph, as in micrograd: ``data``, ``grad`` and a ``label``.

    Its methods and operators (``x * y``, ``x.tanh()``) are made from the op table, ``ops.TABLE``.
    ``_prev`` (the parents) and ``_op`` (the op's name) mean what they mean in micrograd, so the
    lecture's own drawing code reads them.
    """

    __slots__ = ("data", "grad", "label", "_prev", "_local_grads", "_operation")

    data: float
    grad: float
    label: str
    _prev: tuple[Value, ...]
    _local_grads: tuple[float, ...]
    _operation: Op | None

    def __init__(
        self,
        data: SupportsFloat,
        label: str = "",
        _prev: tuple[Value, ...] = (),
        _local_grads: tuple[Any, ...] = (),
        _operation: Op | None = None,
    ) -> None:
        # The last three are the engine's own (as in micrograd's `Value(data, _children, _op)`).
        self.data = data if type(data) is float else _checked(data)
        self.grad = 0.0
        self.label = label
        self._prev = _prev
        self._local_grads = _local_grads
        self._operation = _operation

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in argument order (empty for a leaf)."""
        return self._prev

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, recorded when this node was created."""
        return self._local_grads

    @property
    def op(self) -> str:
        """The name of the op that made this node, such as ``"*"`` or ``"tanh"``; ``""`` for a leaf."""
        return self._operation.name if self._operation else ""

    _op = op  # micrograd's name for it

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def detach(self) -> Value:
        """A new leaf with the same data: gradients do not flow through it."""
        return Value(self.data)

    def backward(self) -> None:
        """Fill ``.grad`` on every node of the graph below this one: micrograd's loop, without
        recursion.

        Leaves accumulate across calls, as in PyTorch; every other node is reset first, so two
        calls give the leaves exactly twice the gradient. A node whose gradient is exactly 0 (behind
        a ReLU that is off) adds nothing to its parents, so its edges are skipped, unless a local
        derivative is inf or nan: then its parents get 0 * inf = nan, as in PyTorch.
        """
        order = topological_order(self, leaves=False)  # every node but the leaves, and the root
        if self._prev:
            for node in order:
                node.grad = 0.0
        self.grad += 1.0
        check = anomaly_enabled()
        for node in reversed(order):
            g = node.grad
            local = node._local_grads
            if check:
                check_backward(node, local, g)
            if g == 0 and isfinite(plain_sum(local)):
                continue  # every contribution is 0: a sum is finite only if no term is inf or nan
            for parent, d in zip(node._prev, local):
                parent.grad += d * g

    if TYPE_CHECKING:  # for type checkers only: these are made from ops.TABLE, below the class

        def __add__(self, other: Value | float) -> Value: ...
        def __radd__(self, other: Value | float) -> Value: ...
        def __sub__(self, other: Value | float) -> Value: ...
        def __rsub__(self, other: Value | float) -> Value: ...
        def __mul__(self, other: Value | float) -> Value: ...
        def __rmul__(self, other: Value | float) -> Value: ...
        def __truediv__(self, other: Value | float) -> Value: ...
        def __rtruediv__(self, other: Value | float) -> Value: ...
        def __pow__(self, other: Value | float) -> Value: ...
        def __rpow__(self, other: Value | float) -> Value: ...
        def __neg__(self) -> Value: ...
        def __abs__(self) -> Value: ...
        def abs(self) -> Value: ...
        def relu(self) -> Value: ...
        def tanh(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def sin(self) -> Value: ...
        def cos(self) -> Value: ...


for _entry in ops.TABLE:
    _add_methods(_entry)
Value.__abs__ = Value.abs  # type: ignore[method-assign]  # abs(v) as well as v.abs()


def define(op: Op) -> Op:
    """Make ``op`` part of the engine: add it to ``ops.TABLE`` and give Value its method or operator.

    Drawing, gradcheck, the Hypothesis strategies of ``autograd.testing`` and the PyTorch comparison
    tests read the table, so they take the new op with no other change. Returns ``op``.
    """
    if not isinstance(op, Op):
        raise TypeError(f"define() takes an autograd.ops.Op, got {type(op).__name__}")
    if any(known.name == op.name for known in ops.TABLE):
        raise ValueError(f"define(): there is already an op named {op.name!r} in autograd.ops.TABLE")
    if op.method is not None and hasattr(Value, op.method):
        raise ValueError(f"define(): Value already has {op.method!r}: choose another method name")
    ops.TABLE.append(op)
    _add_methods(op)
    from . import forward  # Dual gets the method too; imported here, as forward.py builds on this module

    forward.add_methods(op)
    return op


def _has_dual(xs: Iterable[object]) -> bool:
    """Whether any of ``xs`` is a Dual: then ``sum`` and ``dot`` are forward mode's."""
    from .forward import Dual  # imported here, as forward.py builds on this module

    return any(isinstance(x, Dual) for x in xs)


def _values(xs: Iterable[Any], caller: str) -> tuple[tuple[Any, ...], list[float] | None]:
    """``xs`` as Values, every number lifted to a leaf, and their data; ``xs`` and None if a Dual is
    among them; or a TypeError naming what is neither."""
    try:
        xs = tuple(xs)
    except TypeError:
        raise TypeError(
            f"{caller} takes a list of Values or real numbers (dot's weights: or a list of such rows), "
            f"got {type(xs).__name__}"
        ) from None
    data = [x.data for x in xs if x.__class__ is Value]  # the common case: one pass, no calls
    if len(data) == len(xs):
        return xs, data
    if _has_dual(xs):
        return xs, None
    values = []
    for x in xs:
        value = _lift(x)
        if value is None:
            raise TypeError(f"{caller} takes Values or real numbers, got {type(x).__name__}")
        values.append(value)
    return tuple(values), [v.data for v in values]


@overload
def sum(values: Iterable[Value | float]) -> Value: ...  # type: ignore[overload-overlap]
@overload
def sum(values: Iterable[Dual | Value | float]) -> Dual: ...


def sum(values: Iterable[Dual | Value | float]) -> Value | Dual:
    """The sum of ``values`` as ONE node with every value as a parent: d sum / d x_i = 1.

    With a Dual among them, a Dual (``autograd.forward``), as with every op.
    """
    parents, data = _values(values, "autograd.sum()")
    if data is None:
        from . import forward

        return forward.sum(parents)
    return _node(ops.SUM, parents, (data,))


@overload
def dot(ws: Sequence[Value | float], xs: Sequence[Value | float]) -> Value: ...  # type: ignore[overload-overlap]
@overload
def dot(ws: Sequence[Sequence[Value | float]], xs: Sequence[Value | float]) -> list[Value]: ...  # type: ignore[overload-overlap]
@overload
def dot(ws: Sequence[Dual | Value | float], xs: Sequence[Dual | Value | float]) -> Dual: ...
@overload
def dot(ws: Sequence[Sequence[Dual | Value | float]], xs: Sequence[Dual | Value | float]) -> list[Dual]: ...


def dot(ws: Sequence[Any], xs: Sequence[Dual | Value | float]) -> Value | list[Value] | Dual | list[Dual]:
    """sum_i w_i x_i as ONE node with parents ws + xs: d/dw_i = x_i and d/dx_i = w_i.

    With ``ws`` a matrix (a sequence of rows), a list of such nodes, one per row, as ``numpy.dot``
    does: a whole layer of neurons in one call, which reads the inputs once. With a Dual among the
    weights or the inputs, a Dual (``autograd.forward``), as with every op.
    """
    xs, xd = _values(xs, "autograd.dot()")
    first = ws[0] if len(ws) > 0 else 0.0
    matrix = not isinstance(first, Value) and not is_number(first) and not _has_dual([first])
    recording = MODE.get() is RECORDING
    nodes = []
    for row in ws if matrix else (ws,):
        weights, wd = _values(row, "autograd.dot()")
        if wd is None or xd is None:
            from . import forward

            return forward.dot(ws, xs)
        if len(wd) != len(xd):
            raise ValueError(f"autograd.dot() needs as many weights as inputs: got {len(wd)} and {len(xd)}")
        if recording:  # _node's common case, written out: a call fewer for each neuron of a layer
            z = ops.DOT.value(wd, xd)
            nodes.append(Value(z, "", weights + xs, ops.DOT.derivatives(z, wd, xd), ops.DOT))
        else:
            nodes.append(_node(ops.DOT, weights + xs, (wd, xd)))
    return nodes if matrix else nodes[0]


def grad(output: Value, inputs: Value | Sequence[Value], *, create_graph: bool = False) -> tuple[Any, ...]:
    """d output / d input for each input, without touching ``.grad``.

    With ``create_graph=True`` the gradients are Values that can be differentiated again: second
    derivatives are ``grad(grad(f, [x], create_graph=True)[0], [x])``. An input that ``output`` does
    not depend on gets 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() differentiates a Value, got {type(output).__name__}")
    inputs = (inputs,) if isinstance(inputs, Value) else tuple(inputs)
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() takes Values as inputs, got {type(x).__name__}")
    order = topological_order(output, leaves=False)
    grads: dict[Value, Any] = {output: 1.0}  # each node's entry is complete before it is reached
    check = anomaly_enabled()
    with enable_grad() if create_graph else nullcontext():
        for node in reversed(order):
            if not node._prev:  # the output itself is a leaf
                continue
            g = grads[node]
            local = node._local_grads
            if create_graph:  # call the op's derivative rule again, on Values this time
                op: Op = node._operation  # type: ignore[assignment]  # a node with parents has an op
                local = op.derivatives(node, *op.args(node._prev))
            if check:
                check_backward(node, [real(d) for d in local], real(g))
            for parent, d in zip(node._prev, local):
                grads[parent] = grads[parent] + d * g if parent in grads else d * g
    found = (grads.get(x, 0.0) for x in inputs)
    return tuple(Value(g) if create_graph and not isinstance(g, Value) else g for g in found)
