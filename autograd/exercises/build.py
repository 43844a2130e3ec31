"""The exercises of notebook 02, where the learner builds the engine: two ops, the topological sort,
the backward pass and a training step. Every answer works on ``autograd.Value`` nodes, which have the
shape of the learner's own class (``data``, ``grad``, ``parents``, ``local_grads``, ``op``, ``label``).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from hypothesis import strategies as st

from ..draw import nearest
from ..engine import Value
from ..testing import Expression, expressions, reals
from .core import Mismatch, Note, close, exercise, shown
from .text import add_texts, say

add_texts(
    {
        "en": {
            "node.not_a_node": "a node with data, parents and local_grads",
            "node.obtained": "{type}, which has no {missing}",
            "node.not_a_tuple": (
                "parents and local_grads are tuples, even of one item: {example}, with its comma"
            ),
            "topo.expected": "every node of the graph exactly once, each after all of its parents",
            "topo.not_a_list": "a list of nodes",
            "topo.missing": "{order}: {nodes} missing",
            "topo.twice": "{order}: {nodes} more than once",
            "topo.stranger": "{order}: {count} item(s) that are not nodes of this graph",
            "topo.early": "{order}: {node} comes before its parent {parent}",
            "topo.recursion": (
                "A chain deeper than Python's recursion limit (1000 calls) needs a loop and a stack "
                "of your own, not a function that calls itself."
            ),
            "backward.twice": (
                "A node used more than once gets a gradient from each use: they must add up (+=)."
            ),
            "backward.chain": (
                "Visit the nodes output first, in reverse topological order, and give each parent "
                "its share: {rule}"
            ),
            "step.note": "Move each parameter against its gradient, then set its grad back to 0.",
            "topo.chain": "y = x0 + 1 + 1 + ... + 1, a chain of {length} additions, at x0 = 0.0",
        },
        "zh": {
            "node.not_a_node": "一个带有 data、parents 和 local_grads 的节点",
            "node.obtained": "{type}，它没有 {missing}",
            "node.not_a_tuple": "parents 和 local_grads 都是元组，只有一项时也是：{example}，逗号不能少",
            "topo.expected": "图中每个节点恰好出现一次，且都排在它所有父节点之后",
            "topo.not_a_list": "一个由节点组成的列表",
            "topo.missing": "{order}：缺了 {nodes}",
            "topo.twice": "{order}：{nodes} 出现了不止一次",
            "topo.stranger": "{order}：其中 {count} 项不是这个图的节点",
            "topo.early": "{order}：{node} 排在了它的父节点 {parent} 之前",
            "topo.recursion": (
                "链的深度超过了 Python 的递归上限（1000 层调用）：要用循环和你自己维护的栈，"
                "而不是一个调用自身的函数。"
            ),
            "backward.twice": "一个节点被使用了不止一次，每一处使用都会传回一份梯度：它们要累加起来（+=）。",
            "backward.chain": "从输出开始，按拓扑顺序的逆序访问各节点，把每个父节点的那一份加上去：{rule}",
            "step.note": "让每个参数逆着梯度移动，然后把它的 grad 置回 0。",
            "topo.chain": "y = x0 + 1 + 1 + ... + 1，一条由 {length} 次加法组成的链，x0 = 0.0",
        },
    }
)

# The power exercise: exponents with their bases, where x ** k and its derivative are finite.
_INTEGER_POWERS = st.tuples(
    reals(0.1, 5) | reals(-5, -0.1), st.sampled_from([2.0, 3.0, 1.0, 0.0, -1.0, -2.0])
)
_FRACTIONAL_POWERS = st.tuples(reals(0.1, 5), st.sampled_from([0.5, 1.5, -0.5]))
_NODE_FIELDS = ("data", "parents", "local_grads")


def _tuple(items: Iterable[str]) -> str:
    """Items written as a Python tuple: ``()``, ``(x,)``, ``(x, y)``."""
    written = list(items)
    return f"({written[0]},)" if len(written) == 1 else f"({', '.join(written)})"


def _compare_nodes(node: Any, reference: Value, inputs: Sequence[Value]) -> Mismatch | None:
    """The learner's new node against the engine's: data, parents (the very input nodes, in order)
    and local derivatives."""
    missing = [name for name in _NODE_FIELDS if not hasattr(node, name)]
    if missing:
        return Mismatch(
            Note("node.not_a_node"),
            Note("node.obtained", type=type(node).__name__, missing=", ".join(missing)),
        )
    names = {id(x): x.label for x in inputs}

    def written(data: object, parents: Sequence[object], local_grads: Sequence[object]) -> str:
        shown_parents = _tuple([names.get(id(p), repr(p)) for p in parents])
        grads = _tuple(map(shown, local_grads))
        return f"data = {shown(data)}, parents = {shown_parents}, local_grads = {grads}"

    parents, local_grads = _items(node.parents), _items(node.local_grads)
    if parents is None or local_grads is None:  # (x) for (x,), say: not a tuple at all
        return Mismatch(
            written(reference.data, inputs, reference.local_grads),
            f"data = {shown(node.data)}, parents = {node.parents!r}, local_grads = {node.local_grads!r}",
            note=Note("node.not_a_tuple", example="(x,)"),
        )
    right = (
        close(node.data, reference.data)
        and len(parents) == len(inputs)
        and all(p is x for p, x in zip(parents, inputs, strict=True))
        and len(local_grads) == len(reference.local_grads)
        and all(map(close, local_grads, reference.local_grads))
    )
    if right:
        return None
    return Mismatch(
        written(reference.data, inputs, reference.local_grads),
        written(node.data, parents, local_grads),
        graph=node,
        highlight=(node,),
    )


def _items(items: object) -> tuple[object, ...] | None:
    """A node's parents or local_grads as a tuple, or None when they are not a sequence."""
    try:
        return tuple(cast(Iterable[object], items))
    except TypeError:
        return None


@exercise(
    "power", _INTEGER_POWERS | _FRACTIONAL_POWERS, show=lambda case: f"x = {case[0]!r}, k = {case[1]!r}"
)
def power(answer: Callable[[Value, float], Any], case: tuple[float, float]) -> Mismatch | None:
    """power(x, k): the node x ** k for a number k, with d(x**k)/dx = k x^(k-1) as its local grad."""
    x, k = case
    leaf = Value(x, label="x")
    return _compare_nodes(answer(leaf, k), leaf**k, [leaf])


@exercise("exp", reals(-5, 5), show=lambda x: f"x = {x!r}")
def exp(answer: Callable[[Value], Any], x: float) -> Mismatch | None:
    """exp(x): the node e^x, with d(e^x)/dx = e^x as its local grad."""
    leaf = Value(x, label="x")
    return _compare_nodes(answer(leaf), leaf.exp(), [leaf])


@dataclass(frozen=True)
class Chain:
    """y = x0 + 1 + 1 + ... + 1, ``length`` additions: deeper than any recursion can go."""

    length: int

    def __call__(self, x0: Value) -> Value:
        y = x0
        for _ in range(self.length):
            y = y + 1.0
        return y


Graph = tuple[Expression, list[float]] | Chain


def _show_graph(case: Graph) -> str:
    if isinstance(case, Chain):
        return say("topo.chain", length=case.length)
    f, xs = case
    body = repr(f).split(": ", 1)[1]  # an Expression's repr is "lambda x0, x1: <body>"
    return ", ".join(f"x{i} = {x!r}" for i, x in enumerate(xs)) + f"; y = {body}"


def _graph(case: Graph) -> tuple[Value, list[Value]]:
    """The case's graph, freshly built, and its nodes breadth-first from the output, labelled as the
    report names them: x0, x1, ... for the inputs, y for the output, t0, t1, ... for the rest."""
    if isinstance(case, Chain):
        inputs = [Value(0.0, label="x0")]
        root = case(inputs[0])
    else:
        f, xs = case
        inputs = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
        root = f(*inputs)
    nodes = list(nearest(root, sys.maxsize))
    inner = (node for node in nodes[1:] if not node.label)
    for i, node in enumerate(inner):
        node.label = f"t{i}"
    root.label = root.label or "y"
    return root, nodes


_GRAPHS = expressions(n_inputs=1, max_ops=8) | expressions(n_inputs=2, max_ops=8)


@exercise("topological_order", _GRAPHS, show=_show_graph, examples=(Chain(5000),))
def topological_order(answer: Callable[[Any], Any], case: Graph) -> Mismatch | None:
    """topological_order(root): every node of root's graph once, each after all of its parents."""
    root, nodes = _graph(case)
    drawn = None if isinstance(case, Chain) else root
    try:
        order = list(answer(root))
    except RecursionError:
        return Mismatch(
            Note("topo.expected"), Note("raised", error="RecursionError"), note=Note("topo.recursion")
        )
    except TypeError:
        return Mismatch(Note("topo.not_a_list"), repr(answer(root)))
    ids = {id(node): node for node in nodes}
    counts = Counter(id(item) for item in order)
    written = _written_order(order, ids)
    missing = [node for node in nodes if not counts[id(node)]]
    twice = [node for node in nodes if counts[id(node)] > 1]
    strangers = [item for item in order if id(item) not in ids]
    problem: tuple[Note, tuple[Value, ...]] | None = None
    if missing:
        problem = Note("topo.missing", order=written, nodes=_labels(missing)), tuple(missing)
    elif twice:
        problem = Note("topo.twice", order=written, nodes=_labels(twice)), tuple(twice)
    elif strangers:
        problem = Note("topo.stranger", order=written, count=len(strangers)), ()
    else:
        position = {id(item): k for k, item in enumerate(order)}
        for node in nodes:
            late = [p for p in node.parents if position[id(p)] > position[id(node)]]
            if late:
                note = Note("topo.early", order=written, node=node.label, parent=late[0].label)
                problem = note, (node, late[0])
                break
    if problem is None:
        return None
    return Mismatch(Note("topo.expected"), problem[0], graph=drawn, highlight=problem[1])


def _labels(nodes: Sequence[Value]) -> str:
    return ", ".join(node.label for node in nodes)


def _written_order(order: Sequence[object], ids: dict[int, Value]) -> str:
    """The learner's order by labels, shortened in the middle when it is long."""
    names = [ids[id(item)].label if id(item) in ids else repr(item) for item in order]
    if len(names) > 12:
        names = [*names[:5], "...", *names[-5:]]
    return f"[{', '.join(names)}]"


@exercise("backward", _GRAPHS, show=_show_graph)
def backward(answer: Callable[[Any], Any], case: Graph) -> Mismatch | None:
    """backward(root): fill every node's grad with d root / d node, as root.backward() does."""
    reference, expected = _graph(case)
    reference.backward()
    root, nodes = _graph(case)
    answer(root)
    wrong = {id(node) for node, ref in zip(nodes, expected, strict=True) if not close(node.grad, ref.grad)}
    if not wrong:
        return None
    # Outline where the error starts: the wrong nodes that no wrong node was computed from.
    fed_by_wrong = {id(p) for node in nodes if id(node) in wrong for p in node.parents}
    first = [
        (node, ref) for node, ref in zip(nodes, expected, strict=True) if id(node) in wrong - fed_by_wrong
    ]
    first = first or [(node, ref) for node, ref in zip(nodes, expected, strict=True) if id(node) in wrong]
    return Mismatch(
        ", ".join(f"{ref.label}.grad = {shown(ref.grad)}" for _, ref in first),
        ", ".join(f"{node.label}.grad = {shown(node.grad)}" for node, _ in first),
        graph=root,
        highlight=tuple(node for node, _ in first),
        note=Note("backward.twice") if _assigns(answer) else Note("backward.chain", rule=_RULE),
    )


_RULE = "parent.grad += local * node.grad"


def _assigns(answer: Callable[[Any], Any]) -> bool:
    """Whether the answer replaces a share instead of adding it: x.grad = 1, not 2, for y = x + x.
    Only then does the note about += apply; a missing factor or a wrong order gets the rule."""
    x = Value(0.0)
    try:
        answer(x + x)
    except Exception:  # whatever went wrong, it was not the assignment
        return False
    return close(x.grad, 1.0)


_PARAMETERS = st.lists(st.tuples(reals(-5, 5), reals(-5, 5)), min_size=1, max_size=4)


def _show_step(case: tuple[list[tuple[float, float]], float]) -> str:
    parameters, lr = case
    each = ", ".join(f"p{i} (data {d!r}, grad {g!r})" for i, (d, g) in enumerate(parameters))
    return f"parameters = [{each}], lr = {lr!r}"


@exercise("train_step", st.tuples(_PARAMETERS, reals(0.001, 1.0)), show=_show_step)
def train_step(
    answer: Callable[[list[Value], float], Any], case: tuple[list[tuple[float, float]], float]
) -> Mismatch | None:
    """train_step(parameters, lr): p.data -= lr * p.grad for each parameter, then p.grad = 0."""
    pairs, lr = case
    parameters = []
    for i, (d, g) in enumerate(pairs):
        p = Value(d, label=f"p{i}")
        p.grad = g
        parameters.append(p)
    answer(parameters, lr)
    expected = [(d - lr * g, 0.0) for d, g in pairs]
    if all(close(p.data, d) and close(p.grad, g) for p, (d, g) in zip(parameters, expected, strict=True)):
        return None

    def written(values: Sequence[tuple[object, object]]) -> str:
        return ", ".join(f"p{i}.data = {shown(d)}, p{i}.grad = {shown(g)}" for i, (d, g) in enumerate(values))

    return Mismatch(
        written(expected), written([(p.data, p.grad) for p in parameters]), note=Note("step.note")
    )
