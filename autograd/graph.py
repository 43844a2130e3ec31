"""Walking a graph without recursion, so that depth is never a limit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine import Value


def topological_order(root: Value, *, leaves: bool = True) -> list[Value]:
    """Every node of the graph once, each one after all of its parents (``root`` last).

    An iterative depth-first search: a node is expanded the first time it is popped, and pushed
    again beneath a ``None`` marker so that it is emitted once all of its parents are. The backward
    pass leaves the leaves out (``leaves=False``): they only receive gradients, in any order.
    """
    order: list[Value] = []
    expanded: set[Value] = set()
    stack: list[Value | None] = [root]
    while stack:
        node = stack.pop()
        if node is None:
            order.append(stack.pop())  # type: ignore[arg-type]
        elif node not in expanded:
            expanded.add(node)
            stack.append(node)
            stack.append(None)
            for parent in node._prev:
                if (leaves or parent._prev) and parent not in expanded:
                    stack.append(parent)
    return order


def reverse_topological(root: Value) -> Iterator[Value]:
    """Every node once, each one before all of its parents: the order of the backward pass."""
    return reversed(topological_order(root))
