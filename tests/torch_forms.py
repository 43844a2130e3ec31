"""Each op as PyTorch writes it, on float64 tensors: an oracle independent of the engine's table, and
random expressions rebuilt from it."""

import operator
from collections.abc import Callable
from typing import Any

from autograd.testing import OPS, Expression


def _power(c: float) -> Callable[[Any], Any]:
    return lambda a: a**c


def _method(name: str) -> Callable[[Any], Any]:
    return lambda a: getattr(a, name)()


TORCH: dict[str, Callable[..., Any]] = {
    **{
        name: _method(name) for name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "sin", "cos")
    },
    **{name: _power(float(name[2:])) for name in OPS if name.startswith("**") and name != "**"},
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "neg": operator.neg,
    "sum": lambda *xs: sum(xs[1:], xs[0]),
    "dot": lambda *wx: sum(w * x for w, x in zip(wx[: len(wx) // 2], wx[len(wx) // 2 :])),
}


def torch_function(f: Expression, *, every_node: bool = False) -> Callable[..., Any]:
    """``f`` on tensors: its last node, or with ``every_node`` a tuple of all of them, inputs first."""
    import torch

    def g(*xs: Any) -> Any:
        nodes = list(xs)
        for step in f.steps:
            args = [
                nodes[a] if isinstance(a, int) else torch.tensor(a, dtype=torch.float64) for a in step.args
            ]
            nodes.append(TORCH[step.op](*args))
        return tuple(nodes) if every_node else nodes[-1]

    return g
