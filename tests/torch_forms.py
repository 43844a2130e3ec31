"""Each op as the PyTorch function its table entry names, on float64 tensors: an oracle for the
derivatives independent of the engine's rules, and random expressions rebuilt from it."""

from collections.abc import Callable
from typing import Any

from autograd import ops
from autograd.ops import Op
from autograd.testing import OPS, Expression


def _power(c: float) -> Callable[[Any], Any]:
    return lambda a: a**c


def _torch(op: Op) -> Callable[..., Any]:
    """``op`` as the PyTorch function its table entry names: ``torch.<op.torch>(*args)``, each group of
    an n-ary op's arguments (``dot``'s weights, its inputs) stacked into one tensor."""

    def f(*tensors: Any) -> Any:
        import torch

        args = (torch.stack(list(a)) if isinstance(a, tuple | list) else a for a in op.args(tensors))
        return getattr(torch, op.torch)(*args)  # type: ignore[arg-type]

    return f


TORCH: dict[str, Callable[..., Any]] = {
    **{op.name: _torch(op) for op in ops.TABLE if op.torch is not None},
    **{name: _power(float(name[2:])) for name in OPS if name.startswith("**") and name != "**"},  # x ** c
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
