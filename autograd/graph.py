"""Walking a graph without recursion, so that depth is never a limit.

The order is autodidact's: count how many consumers each node has inside the graph, then release a
node once every consumer has been visited. Outputs come first, inputs last: the order of the
backward pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Value


def consumer_counts(root: Value) -> dict[Value, int]:
    """For every node below ``root``: how many edges lead into it from nodes of the graph."""
    counts: dict[Value, int] = {}
    stack = [root]
    while stack:
        for parent in stack.pop()._parents:
            if parent in counts:
                counts[parent] += 1
            else:
                counts[parent] = 1
                stack.append(parent)
    return counts


def reverse_topological(root: Value) -> Iterator[Value]:
    """Every node of the graph once, each one after all the nodes that consume it."""
    counts = consumer_counts(root)
    ready = [root]
    while ready:
        node = ready.pop()
        yield node
        for parent in node._parents:
            counts[parent] -= 1
            if not counts[parent]:
                ready.append(parent)
