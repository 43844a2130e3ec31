"""The Value node, the n-ary ops, and the backward pass.

A Value is plain data: its number, its gradient, its parents and the local derivative of itself with
respect to each parent, recorded when it is created from the table in ``ops``. No node holds a
closure, so no node is part of a reference cycle: a graph is freed the moment its last reference
goes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from decimal import Decimal
from numbers import Real
from typing import Any

from . import ops
from .graph import reverse_topological
from .modes import MODE, anomaly_enabled, check_backward, check_forward, enable_grad
from .ops import Op, is_number, real, to_float


class Value:
    """A scalar in a computation graph, as in micrograd: ``data``, ``grad`` and a ``label``."""

    __slots__ = ("data", "grad", "label", "_parents", "_local_grads", "_op")

    data: float
    grad: float
    label: str
    _parents: tuple[Value, ...]
    _local_grads: tuple[float, ...]
    _op: Op | None

    def __init__(self, data: Real | Decimal, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError(
                "Value() takes a real number, got a Value: use value.detach() for a new leaf "
                "with the same data"
            )
        if not is_number(data):
            raise TypeError(
                f"Value() takes a real number (int, float, Fraction, Decimal or a NumPy scalar), "
                f"got {type(data).__name__}: {data!r:.60}"
            )
        self.data = to_float(data)
        self.grad = 0.0
        self.label = str(label)
        self._parents = ()
        self._local_grads = ()
        self._op = None

    @property
    def parents(self) -> tuple[Value, ...]:
        """The nodes this one was computed from, in argument order (empty for a leaf)."""
        return self._parents

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d self / d parent for each parent, recorded when this node was created."""
        return self._local_grads

    @property
    def op(self) -> str:
        """The name of the op that made this node, such as ``"*"`` or ``"tanh"``; ``""`` for a leaf."""
        return self._op.name if self._op else ""

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def detach(self) -> Value:
        """A new leaf with the same data: gradients do not flow through it."""
        return _leaf(self.data)

    def backward(self) -> None:
        """Fill ``.grad`` on every node of the graph below this one.

        Leaves accumulate across calls, as in PyTorch; every other node is overwritten, so two calls
        give the leaves exactly twice the gradient.
        """
        for node, g in gradients(self).items():
            node.grad = g if node._parents else node.grad + g

    def __pow__(self, other: Value | float) -> Value:
        if isinstance(other, Value):
            return apply(ops.POW, self, other)
        if is_number(other):
            return apply(ops.power_of(to_float(other)), self)
        return NotImplemented

    def __rpow__(self, other: float) -> Value:
        return apply(ops.POW, _leaf(to_float(other)), self) if is_number(other) else NotImplemented

    def __abs__(self) -> Value:
        return apply(ops.ABS, self)

    def __neg__(self) -> Value:
        return apply(ops.NEG, self)

    # The rest of the operators and methods are one table entry each (see `_binary` below the class).
    __add__: Callable[[Value, Value | float], Value]
    __radd__: Callable[[Value, Value | float], Value]
    __sub__: Callable[[Value, Value | float], Value]
    __rsub__: Callable[[Value, Value | float], Value]
    __mul__: Callable[[Value, Value | float], Value]
    __rmul__: Callable[[Value, Value | float], Value]
    __truediv__: Callable[[Value, Value | float], Value]
    __rtruediv__: Callable[[Value, Value | float], Value]
    relu: Callable[[Value], Value]
    tanh: Callable[[Value], Value]
    sigmoid: Callable[[Value], Value]
    exp: Callable[[Value], Value]
    log: Callable[[Value], Value]
    sqrt: Callable[[Value], Value]
    sin: Callable[[Value], Value]
    cos: Callable[[Value], Value]
    abs: Callable[[Value], Value]


_new = object.__new__


def _leaf(data: float) -> Value:
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._parents = out._local_grads = ()
    out._op = None
    return out


def _lift(x: object) -> Value | None:
    """``x`` as a Value: itself, a new leaf for a number, or None for anything else."""
    if isinstance(x, Value):
        return x
    return _leaf(to_float(x)) if is_number(x) else None  # type: ignore[arg-type]


def _node(op: Op, parents: tuple[Value, ...], xs: Sequence[float]) -> Value:
    """A new node: ``op`` of ``parents`` (whose data are ``xs``), recording its local derivatives
    when grad mode is on. The hot path of the whole engine, so written flat."""
    out = _new(Value)
    out.data = data = op.value(*xs)
    out.grad = 0.0
    out.label = ""
    mode = MODE.get()
    if mode.grad:
        out._parents = parents
        out._local_grads = op.derivatives(data, *xs)
        out._op = op
    else:
        out._parents = out._local_grads = ()
        out._op = None
    if mode.anomaly:
        check_forward(op.name, data, xs)
    return out


def apply(op: Op, *parents: Value) -> Value:
    """``op`` of ``parents`` as a new node."""
    return _node(op, parents, [p.data for p in parents])


def _binary(op: Op, reflected: bool = False) -> Callable[[Value, Value | float], Value]:
    def method(self: Value, other: Value | float) -> Value:
        if other.__class__ is not Value:
            lifted = _lift(other)
            if lifted is None:
                return NotImplemented
            other = lifted
        if reflected:
            return _node(op, (other, self), (other.data, self.data))  # type: ignore[union-attr]
        return _node(op, (self, other), (self.data, other.data))  # type: ignore[union-attr]

    method.__name__ = f"__{'r' if reflected else ''}{op.name}__"
    return method


def _unary(op: Op) -> Callable[[Value], Value]:
    def method(self: Value) -> Value:
        return _node(op, (self,), (self.data,))

    method.__name__ = op.name
    method.__doc__ = f"{op.name} of this Value, as a new node."
    return method


for _name, _op in [("add", ops.ADD), ("sub", ops.SUB), ("mul", ops.MUL), ("truediv", ops.DIV)]:
    setattr(Value, f"__{_name}__", _binary(_op))
    setattr(Value, f"__r{_name}__", _binary(_op, reflected=True))
for _op in [ops.RELU, ops.TANH, ops.SIGMOID, ops.EXP, ops.LOG, ops.SQRT, ops.SIN, ops.COS, ops.ABS]:
    setattr(Value, _op.name, _unary(_op))


def _values(xs: list[Value | float], caller: str) -> tuple[Value, ...]:
    lifted = tuple(map(_lift, xs))
    if None in lifted:
        wrong = xs[lifted.index(None)]
        raise TypeError(f"{caller} takes Values or real numbers, got {type(wrong).__name__}")
    return lifted  # type: ignore[return-value]


def sum(values: Iterable[Value | float]) -> Value:  # noqa: A001 (autograd.sum, as torch.sum)
    """The sum of ``values`` as ONE node with every value as a parent: d sum / d x_i = 1."""
    return apply(ops.SUM, *_values(list(values), "autograd.sum()"))


def dot(ws: Sequence[Value | float], xs: Sequence[Value | float]) -> Value:
    """sum_i w_i x_i as ONE node with parents ws + xs: d/dw_i = x_i and d/dx_i = w_i."""
    if len(ws) != len(xs):
        raise ValueError(f"autograd.dot() needs as many weights as inputs: got {len(ws)} and {len(xs)}")
    return apply(ops.DOT, *_values(list(ws) + list(xs), "autograd.dot()"))


def gradients(root: Value, create_graph: bool = False) -> dict[Value, Any]:
    """d root / d node for every node of the graph: floats, or Values with ``create_graph``.

    With ``create_graph`` each node's derivative rule is called again on Values instead of reading
    the floats recorded at creation, so the gradients are themselves nodes that can be
    differentiated.
    """
    grads: dict[Value, Any] = {root: 1.0}
    check = anomaly_enabled()
    with enable_grad() if create_graph else nullcontext():
        for node in reverse_topological(root):
            if not node._parents:
                continue
            g = grads[node]
            local = node._op.derivatives(node, *node._parents) if create_graph else node._local_grads  # type: ignore[union-attr]
            for i, (parent, d) in enumerate(zip(node._parents, local)):
                if check:
                    check_backward(node, i, real(d), real(g))
                grads[parent] = grads[parent] + d * g if parent in grads else d * g
    return grads


def grad(
    output: Value, inputs: Value | Sequence[Value], *, create_graph: bool = False
) -> tuple[Any, ...]:
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
    grads = gradients(output, create_graph)
    found = (grads.get(x, 0.0) for x in inputs)
    return tuple(g if isinstance(g, Value) or not create_graph else _leaf(float(g)) for g in found)
