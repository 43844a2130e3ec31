"""MyGrad's way of testing a backward pass: Hypothesis builds a random graph one op at a time, and
the engine's ``backward()`` and ``grad()`` are compared with an independent, naive oracle.

The oracle is forward-mode differentiation with dual numbers, computed beside the graph from the
closed-form derivatives written out below: it shares no code with the engine's op table or its
backward pass. A failure shrinks to the smallest graph that shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, rule

import autograd
from autograd import Value, grad


@dataclass(frozen=True)
class Dual:
    """A node of the graph, its value, and its derivative with respect to each leaf (by index)."""

    node: Value
    value: float
    tangent: dict[int, float]


def combine(*terms: tuple[float, Dual]) -> dict[int, float]:
    """sum_k c_k * tangent_k: the chain rule in forward mode."""
    out: dict[int, float] = {}
    for c, dual in terms:
        for leaf, d in dual.tangent.items():
            out[leaf] = out.get(leaf, 0.0) + c * d
    return out


UNARY = {  # f, f'
    "tanh": (math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "sin": (math.sin, math.cos),
    "cos": (math.cos, lambda x: -math.sin(x)),
    "sigmoid": (lambda x: 1 / (1 + math.exp(-x)), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
}


def kept(node: Value, value: float, tangent: dict[int, float]) -> Dual:
    """The new node, if its value and derivatives stay moderate: beyond that, rounding in the sums of
    large terms, which forward and reverse mode add in different orders, would swamp the comparison."""
    assume(abs(value) <= 100 and all(abs(d) <= 1e4 for d in tangent.values()))
    return Dual(node, value, tangent)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


class RandomGraph(RuleBasedStateMachine):
    nodes = Bundle("nodes")

    def __init__(self) -> None:
        super().__init__()
        self.leaves: list[Value] = []

    @rule(target=nodes, x=st.floats(-2, 2))
    def leaf(self, x: float) -> Dual:
        self.leaves.append(Value(x))
        return Dual(self.leaves[-1], x, {len(self.leaves) - 1: 1.0})

    @rule(target=nodes, a=nodes, b=nodes)
    def add(self, a: Dual, b: Dual) -> Dual:
        return kept(a.node + b.node, a.value + b.value, combine((1.0, a), (1.0, b)))

    @rule(target=nodes, a=nodes, b=nodes)
    def sub(self, a: Dual, b: Dual) -> Dual:
        return kept(a.node - b.node, a.value - b.value, combine((1.0, a), (-1.0, b)))

    @rule(target=nodes, a=nodes, b=nodes)
    def mul(self, a: Dual, b: Dual) -> Dual:
        return kept(a.node * b.node, a.value * b.value, combine((b.value, a), (a.value, b)))

    @rule(target=nodes, a=nodes, name=st.sampled_from(sorted(UNARY)))
    def unary(self, a: Dual, name: str) -> Dual:
        f, df = UNARY[name]
        return kept(getattr(a.node, name)(), f(a.value), combine((df(a.value), a)))

    @rule(target=nodes, xs=st.lists(nodes, min_size=1, max_size=4))
    def total(self, xs: list[Dual]) -> Dual:
        return kept(
            autograd.sum([x.node for x in xs]), sum(x.value for x in xs), combine(*((1.0, x) for x in xs))
        )

    @rule(target=nodes, pairs=st.lists(st.tuples(nodes, nodes), min_size=1, max_size=3))
    def dot(self, pairs: list[tuple[Dual, Dual]]) -> Dual:
        ws, xs = [w for w, _ in pairs], [x for _, x in pairs]
        node = autograd.dot([w.node for w in ws], [x.node for x in xs])
        value = sum(w.value * x.value for w, x in pairs)
        return kept(
            node, value, combine(*((x.value, w) for w, x in pairs), *((w.value, x) for w, x in pairs))
        )

    @rule(y=nodes)
    def gradients_match_forward_mode(self, y: Dual) -> None:
        assert close(y.node.data, y.value)
        expected = [y.tangent.get(i, 0.0) for i in range(len(self.leaves))]
        assert all(map(close, grad(y.node, self.leaves), expected))
        for leaf in self.leaves:
            leaf.grad = 0.0
        y.node.backward()
        assert all(close(leaf.grad, d) for leaf, d in zip(self.leaves, expected))


TestRandomGraph = RandomGraph.TestCase
