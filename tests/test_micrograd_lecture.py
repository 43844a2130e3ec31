"""The code of micrograd's lecture ("The spelled-out intro to neural networks and backpropagation:
building micrograd") runs on valuegrad's Values: its ``trace`` and ``draw_dot``, which every learner
of the lecture types, read ``v._prev``, ``n._op``, ``n.label``, ``n.data`` and ``n.grad``."""

from __future__ import annotations

from typing import Any

from graphviz import Digraph

from autograd import Value

# The lecture's drawing code, as typed in the lecture (only reformatted and annotated).


def trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
    # builds a set of all nodes and edges in a graph
    nodes, edges = set(), set()

    def build(v: Any) -> None:
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)

    build(root)
    return nodes, edges


def draw_dot(root: Any) -> Digraph:
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})  # LR = left to right

    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        # for any value in the graph, create a rectangular ('record') node for it
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad), shape="record")  # noqa: UP031
        if n._op:
            # if this value is a result of some operation, create an op node for it
            dot.node(name=uid + n._op, label=n._op)
            # and connect this node to it
            dot.edge(uid + n._op, uid)

    for n1, n2 in edges:
        # connect n1 to the op node of n2
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)

    return dot


def test_prev_and_op_mean_what_they_mean_in_micrograd() -> None:
    a, b = Value(2.0), Value(-3.0)
    e = a * b
    assert e._prev == (a, b) and e._op == "*"
    assert a._prev == () and a._op == ""
    assert (a**2)._op == "**2" and a.tanh()._op == "tanh"


def test_the_lectures_draw_dot_draws_our_graph() -> None:
    """The lecture's first graph, L = (a * b + c) * f, after backward(): every value a record with its
    label, data and grad, every op its own node, and every edge of the graph."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    L.backward()

    source = draw_dot(L).source
    for label, data, grad in [("a", 2, 6), ("b", -3, -4), ("c", 10, -2), ("e", -6, -2), ("d", 4, -2)]:
        assert f"{{ {label} | data {data:.4f} | grad {grad:.4f} }}" in source
    assert "{ f | data -2.0000 | grad 4.0000 }" in source and "{ L | data -8.0000 | grad 1.0000 }" in source
    assert source.count('label="*"') == 2 and source.count('label="+"') == 1
    assert source.count(" -> ") == 6 + 3  # six inputs into their ops, three ops into their results
    for child, node in [(a, e), (b, e), (e, d), (c, d), (d, L), (f, L)]:
        assert f'{id(child)} -> "{id(node)}{node._op}"' in source


def test_the_lectures_neuron_draws_with_tanh() -> None:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    o = n.tanh()
    o.backward()
    source = draw_dot(o).source
    assert "label=tanh" in source and "{  | data 0.7071 | grad 1.0000 }" in source
    assert "{ w1 | data -3.0000 | grad 1.0000 }" in source and "{ x1 | data 2.0000 | grad -1.5000 }" in source
