"""valuegrad's autograd: a scalar reverse-mode automatic-differentiation engine.

``Value`` nodes record their parents and local derivatives; ``backward()`` and ``grad()`` walk the
graph without recursion. ``jvp``, ``vjp``, ``jacobian``, ``hessian`` and ``hvp`` differentiate whole
functions, as ``torch.autograd.functional`` does, in reverse mode or in forward mode with the dual
numbers of ``autograd.forward``. Drawing (``draw_dot``, ``backward_steps``) needs the ``graphviz``
package and is imported on first use, so the engine itself needs only the standard library.
"""

from typing import Any

from .check import gradcheck, gradgradcheck
from .compile import CompiledGraph, compile
from .engine import Value, dot, grad, sum
from .functional import hessian, hvp, jacobian, jvp, vjp
from .modes import detect_anomaly, enable_grad, no_grad

__all__ = [
    "CompiledGraph",
    "Value",
    "backward_steps",
    "compile",
    "detect_anomaly",
    "dot",
    "draw_dot",
    "enable_grad",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "hessian",
    "hvp",
    "jacobian",
    "jvp",
    "no_grad",
    "sum",
    "vjp",
]


def __getattr__(name: str) -> Any:
    if name == "draw_dot":
        from .draw import draw_dot

        return draw_dot
    if name == "backward_steps":
        from .steps import backward_steps

        return backward_steps
    raise AttributeError(f"module 'autograd' has no attribute {name!r}")
