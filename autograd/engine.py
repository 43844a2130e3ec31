"""The Value node, the n-ary ops, and the backward pass.

A Value is plain data: its number, its gradient, its parents and the local derivative of itself with
respect to each parent, recorded when it is created from the table in ``ops``. No node holds a
closure, so no node is part of a reference cycle: a graph is freed the moment its last reference
goes.

To follow ``x * y`` from operator to derivative, read this file beside ``ops.py``: ``Value.__mul__``
is made by ``_binary`` from the entry ``ops.MUL``; it calls ``_node``, which computes ``MUL.value``
and records ``MUL.derivatives``; ``backward()`` runs ``backpropagate``, which multiplies each recorded
derivative by the gradient from above and adds it into the parent.
"""

from __future__ import annotations

from builtins import sum as plain_sum  # the module's own sum() makes a node
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from math import isfinite
from operator import mul
from typing import TYPE_CHECKING, Any, SupportsFloat, overload

from . import ops
from .graph import topological_order
from .modes import MODE, RECORDING, anomaly_enabled, check_backward, check_forward, check_sums, enable_grad
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
    recording its local derivatives when grad mode is on: the hot path of the whole engine.

    Its common case (grad mode on) is written out again in two places, each measured on 2026-11-30:
    the unary methods (``relu`` 0.62 µs instead of 0.82) and ``dot`` with a bias, a layer of neurons
    (16 by 16 in 38 µs instead of 47). ``benchmarks/ab_step.py 2c3378c`` (the engine before its op
    table) put a demo step 2-5% slower than then with both copies, 6% without the unary one and 12%
    without dot's. Tests check that each copy records what its table entry computes."""
    data = op.value(*args)
    mode = MODE.get()
    if mode is not RECORDING:  # no_grad or detect_anomaly: the common case pays one check
        if mode.anomaly:
            check_forward(op.name, data, [p.data for p in parents])
        if not mode.grad:
            return Value(data)
    return Value(data, "", parents, op.derivatives(data, *args), op)


def apply(op: Op, *parents: Value) -> Value:
    """``op`` of ``parents`` as a new node; a TypeError or ValueError naming the op when its derivative
    rule does not return a tuple of one derivative per parent (a learner's own op, say). With a Dual
    among the parents, a Dual (``autograd.forward``)."""
    if _has_dual(parents):
        from . import forward

        return forward.apply(op, *parents)  # type: ignore[return-value]
    if not isinstance(op, Op):
        raise TypeError(f"apply() takes an autograd.ops.Op, then its parents; got {type(op).__name__} first")
    for parent in parents:
        if not isinstance(parent, Value):
            raise TypeError(
                f"apply() takes Values as the parents of {op.name!r}, got {type(parent).__name__}: "
                f"wrap a number in Value(...)"
            )
    node = _node(op, parents, op.args([p.data for p in parents]))
    local = node._local_grads
    if node._prev and (type(local) is not tuple or len(local) != len(parents)):
        wrong = TypeError if type(local) is not tuple else ValueError
        raise wrong(
            f"the derivative rule of the op {op.name!r} returned {local!r:.200}: it must return a tuple "
            f"of {len(parents)} derivative(s), one per parent, such as (d,) for one parent"
        )
    return node


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
        if MODE.get() is RECORDING:  # _node's common case written out: see _node
            x = self.data
            data = op.value(x)
            return Value(data, "", (self,), op.derivatives(data, x), op)
        return _node(op, (self,), (self.data,))

    return method


def add_methods(
    cls: type,
    op: Op,
    binary: Callable[[Op, bool], Callable[..., Any]],
    unary: Callable[[Op], Callable[..., Any]],
) -> None:
    """Give ``cls`` (Value, or forward mode's Dual) the method or operator that applies ``op``, as its
    table entry names it: ``unary(op)``, or ``binary(op, reflected)`` for an operator and its
    reflected twin (``__mul__`` and ``__rmul__``)."""
    name = op.method
    if name is None:
        return
    noun = cls.__name__
    if name in _BINARY:
        methods = {name: binary(op, False), f"__r{name[2:]}": binary(op, True)}
        doc = f"``self {op.name} other`` as a new {noun} (and the reflected ``other {op.name} self``)."
    else:
        methods = {name: unary(op)}
        doc = f"{op.name} of this {noun}, as a new {noun}."
    for attribute, method in methods.items():
        method.__name__ = attribute
        method.__qualname__ = f"{noun}.{attribute}"
        method.__doc__ = doc
        setattr(cls, attribute, method)


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
        recursion (``backpropagate``).

        Leaves accumulate across calls, as in PyTorch; every other node is reset first, so two
        calls give the leaves exactly twice the gradient.
        """
        backpropagate(self)

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
    add_methods(Value, _entry, _binary, _unary)
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
    add_methods(Value, op, _binary, _unary)
    from . import forward  # Dual gets the method too; imported here, as forward.py builds on this module

    forward.add_methods(op)
    return op


# autograd.forward.Dual, set by that module when it is imported (it builds on this one, so this one
# cannot import it): until then there is no Dual to look for, and the check costs nothing.
_DUAL: type | None = None


def _has_dual(xs: Iterable[object]) -> bool:
    """Whether any of ``xs`` is a Dual: then ``sum`` and ``dot`` are forward mode's."""
    return _DUAL is not None and any(isinstance(x, _DUAL) for x in xs)


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
def dot(  # type: ignore[overload-overlap]
    ws: Sequence[Value | float], xs: Sequence[Value | float], *, bias: Value | float | None = None
) -> Value: ...
@overload
def dot(  # type: ignore[overload-overlap]
    ws: Sequence[Sequence[Value | float]],
    xs: Sequence[Value | float],
    *,
    bias: Sequence[Value | float] | None = None,
) -> list[Value]: ...
@overload
def dot(
    ws: Sequence[Dual | Value | float], xs: Sequence[Dual | Value | float], *, bias: Any = None
) -> Dual: ...
@overload
def dot(
    ws: Sequence[Sequence[Dual | Value | float]], xs: Sequence[Dual | Value | float], *, bias: Any = None
) -> list[Dual]: ...


def dot(
    ws: Sequence[Any], xs: Sequence[Dual | Value | float], *, bias: Any = None
) -> Value | list[Value] | Dual | list[Dual]:
    """sum_i w_i x_i as ONE node with parents ws + xs: d/dw_i = x_i and d/dx_i = w_i. With
    ``bias=b``, w . x + b, a neuron's affine map, with b as the node's last parent: d/db = 1.

    With ``ws`` a matrix (a sequence of rows), a list of such nodes, one per row, as ``numpy.dot``
    does: a whole layer of neurons in one call, which reads the inputs once; ``bias`` is then one
    bias per row. With a Dual among the weights, inputs or biases, a Dual (``autograd.forward``).
    """
    given = xs  # for forward mode, which takes numbers as they are, not lifted to Values
    xs, xd = _values(xs, "autograd.dot()")
    try:
        first = ws[0] if len(ws) > 0 else 0.0
        matrix = not isinstance(first, Value) and not is_number(first) and not _has_dual([first])
    except (TypeError, KeyError):  # no len() or no [0]: None, a number, a set, a dict
        raise TypeError(
            f"autograd.dot() takes weights as a list of Values or real numbers, or a list of such rows, "
            f"got {type(ws).__name__}"
        ) from None
    rows = ws if matrix else (ws,)
    biases, bd = _biases(bias, len(rows), matrix)
    recording = MODE.get() is RECORDING
    nodes = []
    for k, row in enumerate(rows):
        weights, wd = _values(row, "autograd.dot()")
        if wd is None or xd is None or bd is None:
            from . import forward

            given_biases = None if bias is None else bias if matrix else [bias]
            duals = forward.dot(rows, given if isinstance(given, Sequence) else xs, given_biases)
            return duals if matrix else duals[0]
        if len(wd) != len(xd):
            raise ValueError(f"autograd.dot() needs as many weights as inputs: got {len(wd)} and {len(xd)}")
        if bias is None:
            nodes.append(_node(ops.DOT, weights + xs, (wd, xd)))
        elif recording:  # a neuron: _node's common case and ops.DOT's rules, written out (see _node)
            z = plain_sum(map(mul, wd, xd)) + bd[k]
            nodes.append(Value(z, "", (*weights, *xs, biases[k]), (*xd, *wd, 1.0), ops.DOT))
        else:
            nodes.append(_node(ops.DOT, (*weights, *xs, biases[k]), (wd, xd, (bd[k],))))
    return nodes if matrix else nodes[0]


def _biases(bias: object, rows: int, matrix: bool) -> tuple[tuple[Any, ...], list[float] | None]:
    """dot's biases as Values and their data (None if a Dual is among them): none, one, or one per
    row of a matrix."""
    if bias is None:
        return (), []
    if not matrix:
        bias = [bias]
    elif isinstance(bias, Value) or is_number(bias) or _has_dual([bias]):
        raise TypeError(
            f"autograd.dot(W, xs, bias=...) with a matrix W takes one bias per row, a list of {rows}, "
            f"got {type(bias).__name__}"
        )
    biases, data = _values(bias, "autograd.dot()'s bias")  # type: ignore[arg-type]
    if len(biases) != rows:
        raise ValueError(f"autograd.dot() needs one bias per row of weights: got {len(biases)} and {rows}")
    return biases, data


def backpropagate(
    root: Value,
    grads: dict[Value, Any] | None = None,
    *,
    create_graph: bool = False,
    leaves: bool = False,
    visit: Callable[[Value], object] | None = None,
) -> None:
    """The chain rule, backwards from ``root``: each node adds d root / d node times d node / d parent
    into the gradient of each parent. ``backward()``, ``grad()`` and ``backward_steps`` all run it.

    The nodes come in reverse topological order, each after every node that consumes it, so a node's
    gradient is complete when it is passed on. The gradients are summed in ``grads`` when it is given
    (``grad()``: ``.grad`` is left alone), which starts with ``root: 1.0``; otherwise in each node's
    ``.grad``, as ``backward()`` does: ``root.grad`` grows by 1, the leaves accumulate across calls and
    every other node is reset first. Options:

    - ``create_graph``: call each op's derivative rule again, on Values, so that the gradients are
      Values whose graphs can be differentiated again (run it inside ``enable_grad()``).
    - ``leaves``: visit the leaves too (they pass nothing on); ``visit(node)`` is called with each
      node once it has passed its gradient on.

    A node whose gradient is exactly 0 (behind a ReLU that is off) passes nothing on, so its edges are
    skipped, unless a local derivative is inf or nan: then its parents get 0 * inf = nan, as in
    PyTorch. Where the op's entry masks (``Op.masks``: relu, and ``x ** y`` at y = 0), a parent gets 0
    whatever the gradient from above, as PyTorch's ``where`` gives, not 0 * inf = nan.
    """
    order = topological_order(root, leaves=leaves)  # with or without the leaves; the root always
    if grads is None:
        if root._prev:  # reset every node but the leaves, which accumulate
            for node in order if not leaves else [node for node in order if node._prev]:
                node.grad = 0.0
        root.grad += 1.0
    else:
        grads[root] = 1.0
    check = anomaly_enabled()
    into_grad = grads is None
    sums: dict[Value, Any] = {} if grads is None else grads
    for node in reversed(order):
        g = number = node.grad if into_grad else sums.get(node, 0.0)
        local = node._local_grads
        if create_graph:  # g is a Value, and the op's rule runs again, on Values this time
            local, number = _derivatives(node), real(g)
        if check:
            check_backward(node, [real(d) for d in local], number)
        # Pass on, unless every contribution is 0: a sum is finite only if no term is inf or nan.
        if number != 0 or create_graph or not isfinite(plain_sum(local)):
            edges: Iterable[tuple[Value, Any]] = zip(node._prev, local)
            if number - number:  # inf or nan from above (inf - inf is nan): 0 where the op masks
                edges = _unmasked(node, edges)
            if into_grad:
                for parent, d in edges:
                    parent.grad += d * g
            else:
                for parent, d in edges:
                    sums[parent] = sums[parent] + d * g if parent in sums else d * g
            if check:
                check_sums(node, [real(p.grad if into_grad else sums[p]) for p in node._prev])
        if visit is not None:
            visit(node)


def _derivatives(node: Value) -> tuple[Any, ...]:
    """The local derivatives of ``node`` from its op's rule, called again on the parents themselves."""
    op = node._operation
    return op.derivatives(node, *op.args(node._prev)) if op else ()


def _unmasked(node: Value, edges: Iterable[tuple[Value, Any]]) -> Iterable[tuple[Value, Any]]:
    """The edges of ``node`` that its op does not mask at its arguments (``Op.masks``): all of them
    for most ops."""
    op = node._operation
    if op is None or op.masks is None:
        return edges
    masked = op.masks(*op.args([p.data for p in node._prev]))
    return [edge for edge, off in zip(edges, masked) if not off]


def grad(output: Value, inputs: Value | Sequence[Value], *, create_graph: bool = False) -> tuple[Any, ...]:
    """d output / d input for each input, without touching ``.grad``.

    With ``create_graph=True`` the gradients are Values that can be differentiated again: second
    derivatives are ``grad(grad(f, [x], create_graph=True)[0], [x])``. An input that ``output`` does
    not depend on gets 0.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad() differentiates a Value, got {type(output).__name__}")
    try:
        inputs = (inputs,) if isinstance(inputs, Value) else tuple(inputs)
    except TypeError:
        raise TypeError(
            f"grad() takes a Value or a list of Values as inputs, got {type(inputs).__name__}"
        ) from None
    for x in inputs:
        if not isinstance(x, Value):
            raise TypeError(f"grad() takes Values as inputs, got {type(x).__name__}")
    grads: dict[Value, Any] = {}
    with enable_grad() if create_graph else nullcontext():
        backpropagate(output, grads, create_graph=create_graph)
    found = (grads.get(x, 0.0) for x in inputs)
    return tuple(Value(g) if create_graph and not isinstance(g, Value) else g for g in found)
