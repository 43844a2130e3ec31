"""Grad modes: whether new nodes record their parents, and whether nan/inf raise.

The mode lives in a ContextVar, so each thread and each asyncio task has its own. Every context
manager here also works as a decorator, ``@no_grad()``, on a function, a generator, a coroutine
(``async def``) or an async generator: the mode is on while the function's own code runs, and only
then. A generator or coroutine runs step by step (from one ``yield`` or suspending ``await`` to the
next), so the mode is switched on for each step and off again between steps: the code that drives
it, between two ``next()`` calls, keeps its own mode.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Sequence
from contextvars import ContextVar, Token
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from .engine import Value

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, slots=True)
class Mode:
    grad: bool = True
    anomaly: bool = False


RECORDING = Mode()
MODE: ContextVar[Mode] = ContextVar("autograd_mode", default=RECORDING)


class ModeSwitch:
    """A change of mode, as a context manager for a ``with`` block or as a decorator.

    As a decorator it switches the mode for each call of a function, and for each step of a
    generator, coroutine or async generator, so that the mode is on exactly while the decorated
    code runs.
    """

    def __init__(self, **changes: bool) -> None:
        self.changes = changes
        self.tokens: list[Token[Mode]] = []  # a stack, so that one switch can be entered again inside

    def __enter__(self) -> None:
        mode = replace(MODE.get(), **self.changes)
        self.tokens.append(MODE.set(RECORDING if mode == RECORDING else mode))  # the fast path tests identity

    def __exit__(self, *exc_info: object) -> None:
        MODE.reset(self.tokens.pop())

    def __call__(self, func: F) -> F:
        # Every call and every step gets a switch of its own, since calls may overlap (in threads).
        if inspect.isasyncgenfunction(func):
            return cast(F, _async_generator(self.changes, func))
        if inspect.isgeneratorfunction(func):
            return cast(F, _generator(self.changes, func))
        if inspect.iscoroutinefunction(func):
            return cast(F, _coroutine(self.changes, func))
        changes = self.changes

        @functools.wraps(func)
        def call(*args: Any, **kwargs: Any) -> Any:
            with ModeSwitch(**changes):
                return func(*args, **kwargs)

        return cast(F, call)


def _stepwise(changes: dict[str, bool], steps: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """``steps`` (a generator, or the iterator of an awaitable) driven from outside, each of its
    steps in the mode that ``changes`` make: what is sent, thrown or closed is passed on, and its
    result returned, as by ``yield from steps``."""
    step: Callable[[], Any] = functools.partial(steps.send, None)
    while True:
        try:
            with ModeSwitch(**changes):
                out = step()
        except StopIteration as stop:
            return stop.value
        try:
            sent = yield out
        except GeneratorExit:
            with ModeSwitch(**changes):
                steps.close()
            raise
        except BaseException as error:  # thrown in by the driver
            step = functools.partial(steps.throw, error)
        else:
            step = functools.partial(steps.send, sent)


class _Stepwise:
    """An awaitable that awaits ``awaitable`` with each of its steps in the mode ``changes`` make."""

    def __init__(self, changes: dict[str, bool], awaitable: Awaitable[Any]) -> None:
        self.changes = changes
        self.awaitable = awaitable

    def __await__(self) -> Generator[Any, Any, Any]:
        return _stepwise(self.changes, self.awaitable.__await__())


def _generator(changes: dict[str, bool], func: Callable[..., Generator[Any, Any, Any]]) -> Callable[..., Any]:
    @functools.wraps(func)
    def generator(*args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        return (yield from _stepwise(changes, func(*args, **kwargs)))

    return generator


def _coroutine(changes: dict[str, bool], func: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    @functools.wraps(func)
    async def coroutine(*args: Any, **kwargs: Any) -> Any:
        return await _Stepwise(changes, func(*args, **kwargs))

    return coroutine


def _async_generator(
    changes: dict[str, bool], func: Callable[..., AsyncGenerator[Any, Any]]
) -> Callable[..., Any]:
    @functools.wraps(func)
    async def async_generator(*args: Any, **kwargs: Any) -> AsyncGenerator[Any, Any]:
        inner = func(*args, **kwargs)
        step = inner.asend(None)
        while True:
            try:
                out = await _Stepwise(changes, step)
            except StopAsyncIteration:
                return
            try:
                sent = yield out
            except GeneratorExit:
                await _Stepwise(changes, inner.aclose())
                raise
            except BaseException as error:  # thrown in by the driver
                step = inner.athrow(error)
            else:
                step = inner.asend(sent)

    return async_generator


def no_grad() -> ModeSwitch:
    """Inside, ops record no parents: every result is a leaf, as in ``torch.no_grad()``."""
    return ModeSwitch(grad=False)


def enable_grad() -> ModeSwitch:
    """Re-enable recording inside a ``no_grad()`` block."""
    return ModeSwitch(grad=True)


def detect_anomaly() -> ModeSwitch:
    """Inside, the first op or backward step that makes a nan or inf raises FloatingPointError."""
    return ModeSwitch(anomaly=True)


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
