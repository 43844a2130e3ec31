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
    """``op`` of ``parents`` as a new node."""
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
    return op


def _values(xs: Iterable[Value | float], caller: str) -> tuple[tuple[Value, ...], list[float]]:
    """``xs`` as Values, every number lifted to a leaf, and their data; or a TypeError naming what
    is neither."""
    try:
        xs = tuple(xs)
    except TypeError:
        raise TypeError(
            f"{caller} takes a list of Values or real numbers (dot's weights: or a list of such rows), "
            f"got {type(xs).__name__}"
        ) from None
    data = [x.data for x in xs if x.__class__ is Value]  # the common case: one pass, no calls
    if len(data) == len(xs):
        return xs, data  # type: ignore[return-value]
    values = []
    for x in xs:
        value = _lift(x)
        if value is None:
            raise TypeError(f"{caller} takes Values or real numbers, got {type(x).__name__}")
        values.append(value)
    return tuple(values), [v.data for v in values]


def sum(values: Iterable[Value | float]) -> Value:
    """The sum of ``values`` as ONE node with every value as a parent: d sum / d x_i = 1."""
    parents, data = _values(values, "autograd.sum()")
    return _node(ops.SUM, parents, (data,))


@overload
def dot(
    ws: Sequence[Value | float], xs: Sequence[Value | float], *, bias: Value | float | None = None
) -> Value: ...
@overload
def dot(
    ws: Sequence[Sequence[Value | float]],
    xs: Sequence[Value | float],
    *,
    bias: Sequence[Value | float] | None = None,
) -> list[Value]: ...


def dot(
    ws: Sequence[Value | float] | Sequence[Sequence[Value | float]],
    xs: Sequence[Value | float],
    *,
    bias: Value | float | Sequence[Value | float] | None = None,
) -> Value | list[Value]:
    """sum_i w_i x_i as ONE node with parents ws + xs: d/dw_i = x_i and d/dx_i = w_i. With
    ``bias=b``, w . x + b, a neuron's affine map, with b as the node's last parent: d/db = 1.

    With ``ws`` a matrix (a sequence of rows), a list of such nodes, one per row, as ``numpy.dot``
    does: a whole layer of neurons in one call, which reads the inputs once; ``bias`` is then one
    bias per row.
    """
    xs, xd = _values(xs, "autograd.dot()")
    matrix = len(ws) > 0 and not isinstance(ws[0], Value) and not is_number(ws[0])
    rows = ws if matrix else (ws,)
    biases, bd = _biases(bias, len(rows), matrix)
    recording = MODE.get() is RECORDING
    dot_op = ops.DOT
    value, derivatives = dot_op.value, dot_op.derivatives  # looked up once, not once per row
    nodes = []
    for k, row in enumerate(rows):
        weights, wd = _values(row, "autograd.dot()")  # type: ignore[arg-type]
        if len(wd) != len(xd):
            raise ValueError(f"autograd.dot() needs as many weights as inputs: got {len(wd)} and {len(xd)}")
        # _node's common case, written out: a call fewer for each neuron of a layer
        if bias is None:
            if recording:
                z = value(wd, xd)
                nodes.append(Value(z, "", weights + xs, derivatives(z, wd, xd), dot_op))
            else:
                nodes.append(_node(dot_op, weights + xs, (wd, xd)))
        else:
            parents, d = (*weights, *xs, biases[k]), (bd[k],)
            if recording:
                z = value(wd, xd, d)
                nodes.append(Value(z, "", parents, derivatives(z, wd, xd, d), dot_op))
            else:
                nodes.append(_node(dot_op, parents, (wd, xd, d)))
    return nodes if matrix else nodes[0]


def _biases(bias: object, rows: int, matrix: bool) -> tuple[tuple[Value, ...], list[float]]:
    """dot's biases as Values and their data: none, one, or one per row of a matrix."""
    if bias is None:
        return (), []
    if not matrix:
        bias = [bias]
    elif isinstance(bias, Value) or is_number(bias):
        raise TypeError(
            f"autograd.dot(W, xs, bias=...) with a matrix W takes one bias per row, a list of {rows}, "
            f"got {type(bias).__name__}"
        )
    biases, data = _values(bias, "autograd.dot()'s bias")  # type: ignore[arg-type]
    if len(biases) != rows:
        raise ValueError(f"autograd.dot() needs one bias per row of weights: got {len(biases)} and {rows}")
    return biases, data


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
