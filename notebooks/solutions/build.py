"""Reference solutions to the exercises of notebook 02, build your own engine.

``Value`` is the notebook's worked class; ``SOLUTIONS`` maps each exercise's name to its answer.
"""

import math


class Value:
    """A number in a graph: its data, its grad, and how it was made (the notebook's class)."""

    def __init__(self, data, parents=(), local_grads=(), op="", label=""):
        self.data = data
        self.grad = 0.0
        self.parents = parents
        self.local_grads = local_grads
        self.op = op
        self.label = label


# 1. d(x^k)/dx = k x^(k-1)
def power(x, k):
    return Value(x.data**k, (x,), (k * x.data ** (k - 1),), f"**{k}")


# 2. d(e^x)/dx = e^x
def exp(x):
    e = math.exp(x.data)
    return Value(e, (x,), (e,), "exp")


# 3. Depth-first with a stack of its own: a node is appended once all of its parents are.
def topological_order(root):
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            stack.extend((parent, False) for parent in node.parents if parent not in seen)
    return order


# 4. Each share is added: a node used twice gets both.
def backward(root):
    root.grad = 1.0
    for node in reversed(topological_order(root)):
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad


# 5. Against the gradient, then ready for the next backward pass.
def train_step(parameters, lr):
    for p in parameters:
        p.data -= lr * p.grad
        p.grad = 0.0


SOLUTIONS = {
    "power": power,
    "exp": exp,
    "topological_order": topological_order,
    "backward": backward,
    "train_step": train_step,
}
