"""valuegrad's autograd: a scalar reverse-mode automatic-differentiation engine.

``Value`` nodes record their parents and local derivatives; ``backward()`` and ``grad()`` walk the
graph without recursion. ``jvp``, ``vjp``, ``jacobian``, ``hessian`` and ``hvp`` differentiate whole
functions, as ``torch.autograd.functional`` does, in reverse mode or in forward mode with the dual
numbers of ``autograd.forward``. Drawing (``draw_dot``, ``backward_steps``) needs the ``graphviz``
package and is imported on first use, so the engine itself needs only the standard library.
"""

import os
import re
import sys
import warnings
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


# HIPS autograd's metadata directory, as pip writes it: autograd-1.7.0.dist-info, autograd-1.3-py3.9.egg-info.
_HIPS_METADATA = re.compile(r"autograd-[^-]+(-[^-]+)?\.(dist|egg)-info", re.IGNORECASE)


def _other_autograd() -> str | None:
    """Where another distribution that installs the import package ``autograd`` (HIPS autograd, on
    which PennyLane and others depend) is installed, or None.

    It looks for HIPS autograd's metadata in the directories of the import path, which costs well
    under a millisecond. ``importlib.metadata.packages_distributions()`` would find any distribution
    that claims ``autograd``, but it reads the file list of every installed distribution: about a
    second in an environment of 150 distributions, too much for every import.
    """
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a missing directory or a zip file
            continue
        for name in names:
            if _HIPS_METADATA.fullmatch(name):
                return os.path.join(entry, name)
    return None


def _warn_about_the_name_clash() -> None:
    other = _other_autograd()
    if other is not None:
        warnings.warn(
            f"HIPS autograd is installed beside valuegrad ({other}), and both install the import "
            f"package 'autograd': in one environment each overwrites or shadows the other, so "
            f"'import autograd' finds only one of them. Give valuegrad a virtual environment of its "
            f"own: python -m venv .venv && .venv/bin/pip install valuegrad",
            stacklevel=2,
        )


_warn_about_the_name_clash()  # once: a module runs once per process
