"""Grad modes: whether new nodes record their parents, and whether nan/inf raise.

The mode lives in a ContextVar, so each thread and each asyncio task has its own. Every context
manager here also works as a decorator: ``@no_grad()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Value


@dataclass(frozen=True, slots=True)
class Mode:
    grad: bool = True
    anomaly: bool = False


RECORDING = Mode()
MODE: ContextVar[Mode] = ContextVar("autograd_mode", default=RECORDING)


@contextmanager
def _mode(**changes: bool) -> Iterator[None]:
    mode = replace(MODE.get(), **changes)
    token = MODE.set(RECORDING if mode == RECORDING else mode)  # the engine's fast path tests identity
    try:
        yield
    finally:
        MODE.reset(token)


def no_grad() -> Any:
    """Inside, ops record no parents: every result is a leaf, as in ``torch.no_grad()``."""
    return _mode(grad=False)


def enable_grad() -> Any:
    """Re-enable recording inside a ``no_grad()`` block."""
    return _mode(grad=True)


def detect_anomaly() -> Any:
    """Inside, the first op or backward step that makes a nan or inf raises FloatingPointError."""
    return _mode(anomaly=True)


def anomaly_enabled() -> bool:
    return MODE.get().anomaly


def _inputs(xs: Sequence[float]) -> str:
    return ", ".join(repr(x) for x in xs)


def check_forward(op: str, out: float, inputs: Sequence[float]) -> None:
    if not math.isfinite(out):
        raise FloatingPointError(
            f"detect_anomaly: {op} gave {out} from inputs ({_inputs(inputs)}). "
            f"Check the inputs of this {op}: one is outside its domain or too large."
        )


def check_backward(node: Value, local: Sequence[float], upstream: float) -> None:
    for index, d in enumerate(local):
        if not math.isfinite(d * upstream):
            raise FloatingPointError(
                f"detect_anomaly: backward through {node.op} gave gradient {d * upstream} for its "
                f"input {index} (local derivative {d} times upstream gradient {upstream}); "
                f"the op's inputs were ({_inputs([p.data for p in node.parents])}). "
                f"The derivative of {node.op} is not finite there."
            )


def check_sums(node: Value, sums: Sequence[float]) -> None:
    """Each input's gradient, once ``node`` has added its share: finite shares can sum to inf."""
    for index, total in enumerate(sums):
        if not math.isfinite(total):
            raise FloatingPointError(
                f"detect_anomaly: backward through {node.op} made the gradient of its input {index} "
                f"{total}, summed with what that input had already received; "
                f"the op's inputs were ({_inputs([p.data for p in node.parents])}). "
                f"The gradients are too large for a float: scale the inputs or the loss down."
            )
